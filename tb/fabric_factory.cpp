// SPDX-License-Identifier: Apache-2.0
// Instantiates the Verilated compute fabric that matches a requested size. Compiled once for
// waferbench-all and the tests (the default meshes) and once with WB_WITH_ON_DEMAND for
// waferbench-big (the on-demand meshes too); `waferbench` has fabric_rtl_elsewhere.cpp instead.
#include "wb/wafer_models.hpp"  // Verilated headers first
#include "wb/hw_config.hpp"
#ifdef WB_WITH_ON_DEMAND
#include "wb/on_demand_wafer_models.hpp"
#define WB_FOR_EACH_HELD_WAFER(X) WB_FOR_EACH_WAFER(X) WB_FOR_EACH_ON_DEMAND_WAFER(X)
#else
#define WB_FOR_EACH_HELD_WAFER WB_FOR_EACH_WAFER
#endif

#include "sw/error.hpp"
#include "models/ref/fabric_model.hpp"
#include "tb/fabric_factory.hpp"
#include "tb/on_demand_rtl.hpp"
#include "tb/verilated_fabric.hpp"

namespace wb::tb {

std::string built_wafer_meshes_text() {
  std::string text;
#define WB_WAFER_TEXT(K, T) \
  if (T == 1) text += (text.empty() ? "" : ", ") + std::to_string(K) + "x" + std::to_string(K);
  WB_FOR_EACH_HELD_WAFER(WB_WAFER_TEXT)
#undef WB_WAFER_TEXT
#ifndef WB_WITH_ON_DEMAND
  std::string later;
#define WB_LATER(K, T) \
  if (T == 1) later += (later.empty() ? "" : ", ") + std::to_string(K) + "x" + std::to_string(K);
  WB_FOR_EACH_ON_DEMAND_WAFER(WB_LATER)
#undef WB_LATER
  if (!later.empty()) text += "; on demand: " + later;
#endif
  return text;
}

std::vector<WaferVariant> built_wafer_variants() {
  std::vector<WaferVariant> v;
#define WB_WAFER_VARIANT(K, T) v.push_back({K, T});
  WB_FOR_EACH_HELD_WAFER(WB_WAFER_VARIANT)
#undef WB_WAFER_VARIANT
  return v;
}

bool is_built_wafer_mesh(int k) {
  for (const auto& v : built_wafer_variants()) {
    if (v.mesh == k && v.threads == 1) return true;
  }
  return false;
}

std::unique_ptr<ref::WaferDut> make_wafer_dut(int k, const ref::WaferDutOptions& options) {
  if (options.engine == ref::Engine::kModel) return ref::make_model_wafer_dut(k, options);
  return make_wafer_dut(k, options.trace_path, options.threads, options.trace_settings);
}

void need_every_mesh_rtl() {
  if (!kHoldsOnDemandRtl && has_on_demand_meshes()) throw RtlElsewhere(kBigExecutable);
}

std::unique_ptr<ref::WaferDut> make_wafer_dut(int k, const std::string& trace_path, int threads,
                                              const sw::TraceSettings& trace_settings) {
  need_mesh_rtl(k, kHoldsOnDemandRtl);
#define WB_MAKE_WAFER(K, T) \
  if (k == K && threads == T) return std::make_unique<VerilatedWaferDut<Vsa_wafer_k##K##_t##T>>(K, T, trace_path, trace_settings);
  WB_FOR_EACH_HELD_WAFER(WB_MAKE_WAFER)
#undef WB_MAKE_WAFER
  if (threads != 1) {
    throw sw::InputError("fabric " + std::to_string(k) + "x" + std::to_string(k) + " with " + std::to_string(threads) +
                         " threads is not built (configure with -DWB_BENCH_BUILDS=ON)");
  }
  throw sw::InputError("fabric " + std::to_string(k) + "x" + std::to_string(k) + " is not built (built: " +
                       built_wafer_meshes_text() + ")");
}

}  // namespace wb::tb
