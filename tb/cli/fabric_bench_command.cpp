// waferbench fabric-bench: simulation speed of the wafer-fabric RTL, in simulated cycles and
// router-cycles (cycles x k^2) per wall-second: (a) every built compute fabric (single thread,
// and Verilator --threads 2 when built with -DWB_BENCH_BUILDS=ON) running a dense SpMM that
// keeps every PE busy, golden-checked; (b) every router-only mesh under uniform traffic at 0.3.
// Medians over --repeat runs.
#include <algorithm>
#include <iostream>

#include "sw/error.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/report.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"
#include "models/ref/noc_dut.hpp"
#include "models/ref/fabric_dut.hpp"
#include "wb/hw_config.hpp"
#include "tb/fabric_factory.hpp"
#include "tb/noc_factory.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

struct Row {
  std::string fabric, workload;
  int threads = 1;
  std::uint64_t cycles = 0;
  double cycles_per_second = 0.0;
  int k = 0;
  bool ok = true;
};

// Dense 16 x 16 blocks per PE: each activation costs a PE 17 cycles; M vectors fill `cycles`.
Row bench_compute(const tb::WaferVariant& v, std::uint64_t cycles, int repeat) {
  const int kdim = 16 * v.mesh, m = static_cast<int>(std::max<std::uint64_t>(cycles / (16 * 17), 1));
  const sw::MatrixI8 a = sw::random_int8(m, kdim, 1), b = sw::random_int8(kdim, kdim, 2);
  const sw::FabricLimits limits;  // the built hardware's
  const sw::FabricProgram program = sw::map_sparse_gemm(a, b, v.mesh, sw::FabricLayout::kWeightsResident, limits);
  const sw::MatrixI32 expected = sw::gemm_ref(a, b);
  Row row{std::to_string(v.mesh) + "x" + std::to_string(v.mesh), "dense SpMM " + std::to_string(m) + "x" +
                                                                      std::to_string(kdim) + "x" + std::to_string(kdim),
          v.threads};
  row.k = v.mesh;
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

Row bench_noc(int k, std::uint64_t cycles, int repeat) {
  Row row{std::to_string(k) + "x" + std::to_string(k), "routers only, uniform 0.3", 1};
  row.k = k;
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

}  // namespace

int fabric_bench_command(int argc, char** argv) {
  int repeat = 3;
  unsigned long long cycles = 20000;
  std::string json_path;
  po::options_description desc("waferbench fabric-bench options");
  desc.add_options()("help", "show this help")
      ("repeat", po::value(&repeat)->default_value(repeat), "runs per measurement (median reported)")
      ("cycles", po::value(&cycles)->default_value(cycles), "approximate simulated cycles per run")
      ("json", po::value(&json_path), "write the table as JSON to FILE");
  if (!parse_command_line(argc, argv, desc, "usage: waferbench fabric-bench [options]")) return 0;
  if (repeat < 1 || repeat > 99) throw sw::InputError("--repeat must be in [1, 99]");
  if (cycles < 100 || cycles > 100000000ull) throw sw::InputError("--cycles must be in [100, 1e8]");
  if (!json_path.empty()) check_writable(json_path, "--json");

  std::vector<Row> rows;
  for (const auto& v : tb::built_wafer_variants()) rows.push_back(bench_compute(v, cycles, repeat));
  for (int k : tb::built_noc_meshes()) rows.push_back(bench_noc(k, cycles, repeat));

  std::vector<std::vector<std::string>> table{
      {"fabric", "threads", "workload", "cycles", "M cycles/s", "M router-cycles/s", "check"}};
  nlohmann::json out = nlohmann::json::array();
  bool all_ok = true;
  for (const auto& r : rows) {
    const double router_rate = r.cycles_per_second * r.k * r.k;
    table.push_back({r.fabric, std::to_string(r.threads), r.workload, std::to_string(r.cycles),
                     sw::fixed(r.cycles_per_second / 1e6, 4), sw::fixed(router_rate / 1e6, 3), r.ok ? "pass" : "FAIL"});
    out.push_back({{"fabric", r.fabric}, {"threads", r.threads}, {"workload", r.workload}, {"cycles", r.cycles},
                   {"cycles_per_second", r.cycles_per_second}, {"router_cycles_per_second", router_rate},
                   {"repeat", repeat}, {"check", r.ok ? "pass" : "fail"}});
    all_ok &= r.ok;
  }
  std::cout << "waferbench fabric-bench: median of " << repeat << " runs\n\n" << sw::format_table(table);
  if (!json_path.empty()) sw::write_json_file(json_path, out);
  return all_ok ? 0 : 1;
}

}  // namespace wb::cli
