// SPDX-License-Identifier: Apache-2.0
// The fabric factories of the `waferbench` executable, which holds no Verilated fabric: the
// model engine works here, every RTL request throws RtlElsewhere (tb/rtl_elsewhere.hpp).
#include "tb/on_demand_rtl.hpp"

#include "models/ref/fabric_model.hpp"
#include "tb/fabric_factory.hpp"
#include "tb/noc_factory.hpp"

namespace wb::tb {

namespace {

// Where the k x k mesh's RTL is: waferbench-big for an on-demand size, else waferbench-all
// (which also answers for sizes that are not built at all).
[[noreturn]] void elsewhere(int k) {
  need_mesh_rtl(k, false);
  throw RtlElsewhere();
}

}  // namespace

std::string built_wafer_meshes_text() { throw RtlElsewhere(); }
std::vector<WaferVariant> built_wafer_variants() { throw RtlElsewhere(); }
bool is_built_wafer_mesh(int k) { elsewhere(k); }
void need_every_mesh_rtl() { throw RtlElsewhere(has_on_demand_meshes() ? kBigExecutable : kAllExecutable); }

std::unique_ptr<ref::WaferDut> make_wafer_dut(int k, const ref::WaferDutOptions& options) {
  if (options.engine == ref::Engine::kModel) return ref::make_model_wafer_dut(k, options);
  elsewhere(k);
}

std::unique_ptr<ref::WaferDut> make_wafer_dut(int k, const std::string&, int, const sw::TraceSettings&) { elsewhere(k); }

std::string built_noc_meshes_text() { throw RtlElsewhere(); }
std::vector<int> built_noc_meshes() { throw RtlElsewhere(); }
std::unique_ptr<ref::NocDut> make_noc_dut(int k, const std::string&, const sw::TraceSettings&) { elsewhere(k); }

}  // namespace wb::tb
