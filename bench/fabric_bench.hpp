// SPDX-License-Identifier: Apache-2.0
#pragma once
// The fabric benchmark of `waferbench fabric-bench`: simulation speed of the wafer-fabric RTL,
// in simulated cycles and router-cycles (cycles x k^2) per wall-second: every built compute
// fabric running a dense SpMM that keeps every PE busy, golden-checked, and every router-only
// mesh under uniform traffic at 0.3. Medians over `repeat` runs.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "tb/fabric_factory.hpp"

namespace wb::bench {

struct FabricBenchRow {
  std::string fabric, workload;
  int threads = 1;
  std::uint64_t cycles = 0;
  double cycles_per_second = 0.0;
  int k = 0;
  int repeat = 0;
  bool ok = true;
  double router_cycles_per_second() const { return cycles_per_second * k * k; }
};

// Dense 16 x 16 blocks per PE: each activation costs a PE 17 cycles; M vectors fill `cycles`.
FabricBenchRow bench_compute_fabric(const tb::WaferVariant& v, std::uint64_t cycles, int repeat);
// A k x k router-only mesh under uniform traffic at 0.3, `cycles` measured after cycles / 10.
FabricBenchRow bench_router_mesh(int k, std::uint64_t cycles, int repeat);
nlohmann::json to_json(const FabricBenchRow& row);

}  // namespace wb::bench
