// SPDX-License-Identifier: Apache-2.0
// The fabric factories of the `waferbench` executable, which holds no Verilated fabric: the
// model engine works here, every RTL request throws RtlElsewhere (tb/rtl_elsewhere.hpp).
#include "tb/rtl_elsewhere.hpp"

#include "models/ref/fabric_model.hpp"
#include "tb/fabric_factory.hpp"
#include "tb/noc_factory.hpp"

namespace wb::tb {

std::string built_wafer_meshes_text() { throw RtlElsewhere(); }
std::vector<WaferVariant> built_wafer_variants() { throw RtlElsewhere(); }
bool is_built_wafer_mesh(int) { throw RtlElsewhere(); }

std::unique_ptr<ref::WaferDut> make_wafer_dut(int k, const ref::WaferDutOptions& options) {
  if (options.engine == ref::Engine::kModel) return ref::make_model_wafer_dut(k, options);
  throw RtlElsewhere();
}

std::unique_ptr<ref::WaferDut> make_wafer_dut(int, const std::string&, int, const sw::TraceSettings&) { throw RtlElsewhere(); }

std::string built_noc_meshes_text() { throw RtlElsewhere(); }
std::vector<int> built_noc_meshes() { throw RtlElsewhere(); }
std::unique_ptr<ref::NocDut> make_noc_dut(int, const std::string&, const sw::TraceSettings&) { throw RtlElsewhere(); }

}  // namespace wb::tb
