// The fabric factories of the `waferbench` executable, which holds no Verilated fabric: the
// model engine works here, every RTL request throws FabricRtlElsewhere (see the header).
#include "tb/fabric_rtl_elsewhere.hpp"

#include "tb/model_wafer_dut.hpp"
#include "tb/noc_dut.hpp"
#include "tb/wafer_dut.hpp"

namespace wb::tb {

std::string built_wafer_meshes_text() { throw FabricRtlElsewhere(); }
std::vector<WaferVariant> built_wafer_variants() { throw FabricRtlElsewhere(); }
bool is_built_wafer_mesh(int) { throw FabricRtlElsewhere(); }

std::unique_ptr<WaferDut> make_wafer_dut(int k, const WaferDutOptions& options) {
  if (options.engine == Engine::kModel) return make_model_wafer_dut(k, options);
  throw FabricRtlElsewhere();
}

std::unique_ptr<WaferDut> make_wafer_dut(int, const std::string&, int) { throw FabricRtlElsewhere(); }

std::string built_noc_meshes_text() { throw FabricRtlElsewhere(); }
std::vector<int> built_noc_meshes() { throw FabricRtlElsewhere(); }
std::unique_ptr<NocDut> make_noc_dut(int, const std::string&) { throw FabricRtlElsewhere(); }

}  // namespace wb::tb
