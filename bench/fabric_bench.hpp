// SPDX-License-Identifier: Apache-2.0
#pragma once
// The fabric benchmark of `waferbench fabric-bench`: simulation speed of the wafer-fabric RTL,
// in simulated cycles and router-cycles (cycles x k^2) per wall-second: every built compute
// fabric running a dense SpMM that keeps every PE busy, golden-checked, and every router-only
// mesh under uniform traffic at 0.3. Medians over `repeat` runs. And what sparsity buys on the
// fabric: the cycles of one layer at falling weight densities against the dense run.
#include <cstdint>
#include <string>
#include <vector>

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

// Dense 16 x 16 blocks per PE on one grid over the mesh: each activation costs a PE 16 cycles;
// M vectors fill `cycles`.
FabricBenchRow bench_compute_fabric(const tb::WaferVariant& v, std::uint64_t cycles, int repeat);
// A k x k router-only mesh under uniform traffic at 0.3, `cycles` measured after cycles / 10.
FabricBenchRow bench_router_mesh(int k, std::uint64_t cycles, int repeat);
nlohmann::json to_json(const FabricBenchRow& row);

// One density of the sparsity figure: the layer's cycles, golden-checked, and the speedup over
// the dense run (the first row) against its target (none for the dense run itself, which must
// keep `target` = 0.9 of the PEs busy instead).
struct SparsityBenchRow {
  double density = 1.0;
  std::uint64_t macs = 0, cycles = 0;
  double utilization = 0.0, speedup = 1.0, target = 0.0;
  bool golden = false;
  bool ok() const { return golden && (density == 1.0 ? utilization >= target : speedup >= target); }
};
// 8 x 256 x 256 (the `sparsity` command's default layer and operands) on the 8 x 8 fabric,
// weights resident, at densities 1, 0.1 and 0.01; targets: dense utilisation 0.9, speedups 8
// and 30.
std::vector<SparsityBenchRow> bench_fabric_sparsity(ref::Engine engine);
nlohmann::json to_json(const SparsityBenchRow& row);

}  // namespace wb::bench
