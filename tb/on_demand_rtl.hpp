// SPDX-License-Identifier: Apache-2.0
#pragma once
// The configurations built only on demand, into waferbench-big (WB_ON_DEMAND_SIZES and
// WB_ON_DEMAND_MESHES, tb/rtl_elsewhere.hpp), as every tier's factories see them.
#include <string>

#include "tb/rtl_elsewhere.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

// Whether the including translation unit is compiled for waferbench-big (WB_WITH_ON_DEMAND):
// the factories are compiled once per executable, so this has internal linkage.
#ifdef WB_WITH_ON_DEMAND
static constexpr bool kHoldsOnDemandRtl = true;
#else
static constexpr bool kHoldsOnDemandRtl = false;
#endif

inline bool is_on_demand_array_size(int rows, int cols) {
  bool found = false;
#define WB_ON_DEMAND_ARRAY(R, C) found = found || (rows == R && cols == C);
  WB_FOR_EACH_ON_DEMAND_ARRAY(WB_ON_DEMAND_ARRAY)
#undef WB_ON_DEMAND_ARRAY
  return found;
}

// A router-only or compute k x k mesh.
inline bool is_on_demand_mesh(int k) {
  bool found = false;
#define WB_ON_DEMAND_MESH(K, N) found = found || k == K;
  WB_FOR_EACH_ON_DEMAND_NOC_MESH(WB_ON_DEMAND_MESH)
  WB_FOR_EACH_ON_DEMAND_WAFER(WB_ON_DEMAND_MESH)
#undef WB_ON_DEMAND_MESH
  return found;
}

inline bool has_on_demand_meshes() {
  bool found = false;
#define WB_ON_DEMAND_MESH(K, N) found = true;
  WB_FOR_EACH_ON_DEMAND_NOC_MESH(WB_ON_DEMAND_MESH)
  WB_FOR_EACH_ON_DEMAND_WAFER(WB_ON_DEMAND_MESH)
#undef WB_ON_DEMAND_MESH
  return found;
}

// "32x32 array, 16x16 meshes": what waferbench-big adds, for messages.
inline std::string on_demand_text() {
  std::string arrays, meshes;
#define WB_ON_DEMAND_ARRAY(R, C) arrays += (arrays.empty() ? "" : ", ") + std::to_string(R) + "x" + std::to_string(C);
  WB_FOR_EACH_ON_DEMAND_ARRAY(WB_ON_DEMAND_ARRAY)
#undef WB_ON_DEMAND_ARRAY
  int last = 0;  // the router-only and the compute mesh of one size are named once
#define WB_ON_DEMAND_MESH(K, N)                                                          \
  if (K != last) meshes += (meshes.empty() ? "" : ", ") + std::to_string(K) + "x" + std::to_string(K); \
  last = K;
  WB_FOR_EACH_ON_DEMAND_NOC_MESH(WB_ON_DEMAND_MESH)
  WB_FOR_EACH_ON_DEMAND_WAFER(WB_ON_DEMAND_MESH)
#undef WB_ON_DEMAND_MESH
  std::string text = arrays.empty() ? "" : arrays + " array";
  if (!meshes.empty()) text += (text.empty() ? "" : ", ") + meshes + " meshes";
  return text;
}

// Throws RtlElsewhere(waferbench-big) for an on-demand k x k mesh, unless the caller's
// executable holds them (`holds_on_demand`: its factories are compiled with WB_WITH_ON_DEMAND).
inline void need_mesh_rtl(int k, bool holds_on_demand) {
  if (!holds_on_demand && is_on_demand_mesh(k)) throw RtlElsewhere(kBigExecutable);
}

}  // namespace wb::tb
