// SPDX-License-Identifier: Apache-2.0
#include "bench/fabric_bench.hpp"

#include <algorithm>
#include <vector>

#include "models/ref/noc_dut.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/report.hpp"
#include "tb/fabric_gemm.hpp"
#include "tb/noc_factory.hpp"
#include "wb/hw_config.hpp"

namespace wb::bench {

FabricBenchRow bench_compute_fabric(const tb::WaferVariant& v, std::uint64_t cycles, int repeat) {
  const int kdim = 16 * v.mesh, m = static_cast<int>(std::max<std::uint64_t>(cycles / (16 * 17), 1));
  const sw::MatrixI8 a = sw::random_int8(m, kdim, 1), b = sw::random_int8(kdim, kdim, 2);
  const sw::FabricLimits limits;  // the built hardware's
  // One grid: the same work on every PE, as the figure has always measured.
  const sw::FabricProgram program =
      sw::map_sparse_gemm(a, b, v.mesh, sw::FabricLayout::kWeightsResident, limits, sw::FabricMapOptions::one_grid());
  const sw::MatrixI32 expected = sw::gemm_ref(a, b);
  FabricBenchRow row;
  row.fabric = std::to_string(v.mesh) + "x" + std::to_string(v.mesh);
  row.workload = "dense SpMM " + std::to_string(m) + "x" + std::to_string(kdim) + "x" + std::to_string(kdim);
  row.threads = v.threads;
  row.k = v.mesh;
  row.repeat = repeat;
  std::vector<double> rates;
  for (int i = 0; i < repeat; ++i) {
    auto dut = tb::make_wafer_dut(v.mesh, "", v.threads);
    const ref::WaferRunResult r = dut->run(program, {});
    row.ok &= r.result == expected && r.macs == program.expected_macs;
    row.cycles = r.sim_cycles;
    rates.push_back(static_cast<double>(r.sim_cycles) / r.sim_seconds);
  }
  row.cycles_per_second = sw::median(rates);
  return row;
}

FabricBenchRow bench_router_mesh(int k, std::uint64_t cycles, int repeat) {
  FabricBenchRow row;
  row.fabric = std::to_string(k) + "x" + std::to_string(k);
  row.workload = "routers only, uniform 0.3";
  row.k = k;
  row.repeat = repeat;
  std::vector<double> rates;
  for (int i = 0; i < repeat; ++i) {
    ref::NocOptions o;
    o.rate = 0.3;
    o.warmup = cycles / 10;
    o.cycles = cycles;
    const ref::NocResult r = tb::make_noc_dut(k)->run(o);
    row.ok &= r.clean();
    row.cycles = r.sim_cycles;
    rates.push_back(static_cast<double>(r.sim_cycles) / r.sim_seconds);
  }
  row.cycles_per_second = sw::median(rates);
  return row;
}

std::vector<SparsityBenchRow> bench_fabric_sparsity(ref::Engine engine) {
  const int m = 8, k = 256, n = 256;
  const std::uint64_t seed = 1;
  const struct {
    double density, target;
  } points[] = {{1.0, 0.9}, {0.1, 8.0}, {0.01, 30.0}};
  tb::FabricJob job;
  job.mesh = 8;
  job.engine = engine;
  job.seed = seed;
  const sw::MatrixI8 a = sw::random_int8(m, k, seed);
  std::vector<SparsityBenchRow> rows;
  for (const auto& pt : points) {
    job.density = pt.density;
    sw::MatrixI32 c;
    const sw::FabricStats s = tb::run_fabric_gemm(job, a, sw::random_sparse_int8(k, n, pt.density, seed ^ 0x5bd1e995u), c);
    SparsityBenchRow row;
    row.density = pt.density;
    row.macs = s.macs;
    row.cycles = s.cycles;
    row.utilization = s.utilization();
    row.speedup = rows.empty() ? 1.0 : static_cast<double>(rows.front().cycles) / static_cast<double>(s.cycles);
    row.target = pt.target;
    row.golden = s.golden_pass;
    rows.push_back(row);
  }
  return rows;
}

nlohmann::json to_json(const SparsityBenchRow& r) {
  return {{"density", r.density}, {"macs", r.macs}, {"cycles", r.cycles}, {"utilization", r.utilization},
          {"speedup", r.speedup}, {"target", r.target}, {"golden", r.golden ? "pass" : "fail"},
          {"check", r.ok() ? "pass" : "fail"}};
}

nlohmann::json to_json(const FabricBenchRow& r) {
  return {{"fabric", r.fabric}, {"threads", r.threads}, {"workload", r.workload}, {"cycles", r.cycles},
          {"cycles_per_second", r.cycles_per_second}, {"router_cycles_per_second", r.router_cycles_per_second()},
          {"repeat", r.repeat}, {"check", r.ok ? "pass" : "fail"}};
}

}  // namespace wb::bench
