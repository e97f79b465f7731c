// SPDX-License-Identifier: Apache-2.0
// Instantiates the Verilated router-only mesh that matches a requested size. Compiled once for
// waferbench-all and the tests, once with WB_WITH_ON_DEMAND for waferbench-big (as
// fabric_factory.cpp).
#include "wb/fabric_models.hpp"  // Verilated headers first
#include "wb/hw_config.hpp"
#ifdef WB_WITH_ON_DEMAND
#include "wb/on_demand_fabric_models.hpp"
#define WB_FOR_EACH_HELD_NOC_MESH(X) WB_FOR_EACH_NOC_MESH(X) WB_FOR_EACH_ON_DEMAND_NOC_MESH(X)
#else
#define WB_FOR_EACH_HELD_NOC_MESH WB_FOR_EACH_NOC_MESH
#endif

#include "sw/error.hpp"
#include "tb/noc_factory.hpp"
#include "tb/on_demand_rtl.hpp"
#include "tb/verilated_noc.hpp"

namespace wb::tb {

std::string built_noc_meshes_text() {
  std::string text;
#define WB_NOC_TEXT(K, C) text += (text.empty() ? "" : ", ") + std::to_string(K) + "x" + std::to_string(K);
  WB_FOR_EACH_HELD_NOC_MESH(WB_NOC_TEXT)
#undef WB_NOC_TEXT
#ifndef WB_WITH_ON_DEMAND
  std::string later;
#define WB_LATER(K, N) later += (later.empty() ? "" : ", ") + std::to_string(K) + "x" + std::to_string(K);
  WB_FOR_EACH_ON_DEMAND_NOC_MESH(WB_LATER)
#undef WB_LATER
  if (!later.empty()) text += "; on demand: " + later;
#endif
  return text;
}

std::vector<int> built_noc_meshes() {
  std::vector<int> v;
#define WB_NOC_MESH(K, C) v.push_back(K);
  WB_FOR_EACH_HELD_NOC_MESH(WB_NOC_MESH)
#undef WB_NOC_MESH
  return v;
}

std::unique_ptr<ref::NocDut> make_noc_dut(int k, const std::string& trace_path, const sw::TraceSettings& trace_settings) {
  need_mesh_rtl(k, kHoldsOnDemandRtl);
#define WB_MAKE_NOC(K, C) \
  if (k == K) return std::make_unique<VerilatedNocDut<Vsa_fabric_k##K##_c##C>>(K, C, trace_path, trace_settings);
  WB_FOR_EACH_HELD_NOC_MESH(WB_MAKE_NOC)
#undef WB_MAKE_NOC
  throw sw::InputError("mesh " + std::to_string(k) + "x" + std::to_string(k) + " is not built (built: " +
                       built_noc_meshes_text() + ")");
}

}  // namespace wb::tb
