// Instantiates the Verilated compute fabric that matches a requested size.
#include "wb/wafer_models.hpp"  // Verilated headers first
#include "wb/hw_config.hpp"

#include "sw/error.hpp"
#include "tb/verilated_wafer_dut.hpp"

namespace wb::tb {

std::string built_wafer_meshes_text() {
  std::string text;
#define WB_WAFER_TEXT(K) text += (text.empty() ? "" : ", ") + std::to_string(K) + "x" + std::to_string(K);
  WB_FOR_EACH_WAFER(WB_WAFER_TEXT)
#undef WB_WAFER_TEXT
  return text;
}

std::unique_ptr<WaferDut> make_wafer_dut(int k, const std::string& trace_path) {
#define WB_MAKE_WAFER(K) \
  if (k == K) return std::make_unique<VerilatedWaferDut<Vsa_wafer_k##K>>(K, trace_path);
  WB_FOR_EACH_WAFER(WB_MAKE_WAFER)
#undef WB_MAKE_WAFER
  throw sw::InputError("fabric " + std::to_string(k) + "x" + std::to_string(k) + " is not built (built: " +
                       built_wafer_meshes_text() + ")");
}

}  // namespace wb::tb
