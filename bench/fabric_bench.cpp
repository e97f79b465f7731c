// SPDX-License-Identifier: Apache-2.0
#include "bench/fabric_bench.hpp"

#include <algorithm>
#include <vector>

#include "models/ref/noc_dut.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/report.hpp"
#include "tb/noc_factory.hpp"
#include "wb/hw_config.hpp"

namespace wb::bench {

FabricBenchRow bench_compute_fabric(const tb::WaferVariant& v, std::uint64_t cycles, int repeat) {
  const int kdim = 16 * v.mesh, m = static_cast<int>(std::max<std::uint64_t>(cycles / (16 * 17), 1));
  const sw::MatrixI8 a = sw::random_int8(m, kdim, 1), b = sw::random_int8(kdim, kdim, 2);
  const sw::FabricLimits limits;  // the built hardware's
  const sw::FabricProgram program = sw::map_sparse_gemm(a, b, v.mesh, sw::FabricLayout::kWeightsResident, limits);
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

nlohmann::json to_json(const FabricBenchRow& r) {
  return {{"fabric", r.fabric}, {"threads", r.threads}, {"workload", r.workload}, {"cycles", r.cycles},
          {"cycles_per_second", r.cycles_per_second}, {"router_cycles_per_second", r.router_cycles_per_second()},
          {"repeat", r.repeat}, {"check", r.ok ? "pass" : "fail"}};
}

}  // namespace wb::bench
