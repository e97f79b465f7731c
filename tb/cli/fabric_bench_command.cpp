// SPDX-License-Identifier: Apache-2.0
// waferbench fabric-bench: simulation speed of the wafer-fabric RTL (bench/fabric_bench.hpp):
// every built compute fabric (single thread, and Verilator --threads 2 when built with
// -DWB_BENCH_BUILDS=ON) and every router-only mesh; medians over --repeat runs. Then the
// sparsity figure of the 8x8 fabric (bench_fabric_sparsity) against its targets.
#include <iostream>

#include "bench/fabric_bench.hpp"
#include "sw/error.hpp"
#include "sw/report.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"
#include "tb/fabric_factory.hpp"
#include "tb/noc_factory.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

struct FabricBenchArgs {
  int repeat = 3;
  unsigned long long cycles = 20000;
  std::string json_path;

  void describe(po::options_description& desc) {
    desc.add_options()("help", "show this help")
        ("repeat", po::value(&repeat)->default_value(repeat), "runs per measurement (median reported)")
        ("cycles", po::value(&cycles)->default_value(cycles), "approximate simulated cycles per run")
        ("json", po::value(&json_path), "write the table as JSON to FILE");
  }
  void validate() const {
    if (repeat < 1 || repeat > 99) throw sw::InputError("--repeat must be in [1, 99]");
    if (cycles < 100 || cycles > 100000000ull) throw sw::InputError("--cycles must be in [100, 1e8]");
    if (!json_path.empty()) check_writable(json_path, "--json");
  }
};

}  // namespace

int fabric_bench_command(int argc, char** argv) {
  FabricBenchArgs args;
  po::options_description desc("waferbench fabric-bench options");
  args.describe(desc);
  if (!parse_command_line(argc, argv, desc, "usage: waferbench fabric-bench [options]")) return 0;
  args.validate();
  tb::need_every_mesh_rtl();  // every built mesh, those built on demand too

  std::vector<bench::FabricBenchRow> rows;
  for (const auto& v : tb::built_wafer_variants()) rows.push_back(bench::bench_compute_fabric(v, args.cycles, args.repeat));
  for (int k : tb::built_noc_meshes()) rows.push_back(bench::bench_router_mesh(k, args.cycles, args.repeat));

  std::vector<std::vector<std::string>> table{
      {"fabric", "threads", "workload", "cycles", "M cycles/s", "M router-cycles/s", "check"}};
  nlohmann::json out = nlohmann::json::array();
  bool all_ok = true;
  for (const auto& r : rows) {
    table.push_back({r.fabric, std::to_string(r.threads), r.workload, std::to_string(r.cycles),
                     sw::fixed(r.cycles_per_second / 1e6, 4), sw::fixed(r.router_cycles_per_second() / 1e6, 3),
                     r.ok ? "pass" : "FAIL"});
    out.push_back(bench::to_json(r));
    all_ok &= r.ok;
  }
  std::cout << "waferbench fabric-bench: median of " << args.repeat << " runs\n\n" << sw::format_table(table);

  // The 8x8 fabric is built by default; without it the model gives the same cycles.
  const ref::Engine engine = tb::is_built_wafer_mesh(8) ? ref::Engine::kRtl : ref::Engine::kModel;
  std::vector<std::vector<std::string>> sparse{{"density", "macs", "cycles", "util %", "speedup", "target", "check"}};
  nlohmann::json sparse_json = nlohmann::json::array();
  for (const auto& r : bench::bench_fabric_sparsity(engine)) {
    sparse.push_back({sw::fixed(r.density, 3), std::to_string(r.macs), std::to_string(r.cycles),
                      sw::fixed(100.0 * r.utilization, 1), sw::fixed(r.speedup, 2),
                      r.density == 1.0 ? ">= " + sw::fixed(100.0 * r.target, 0) + " % util" : ">= " + sw::fixed(r.target, 0) + "x",
                      r.ok() ? "pass" : "FAIL"});
    sparse_json.push_back(bench::to_json(r));
    all_ok &= r.ok();
  }
  std::cout << "\nsparsity on the 8x8 fabric (" << ref::engine_name(engine)
            << "): 8x256x256, weights resident, speedup against the dense run\n\n" << sw::format_table(sparse);
  if (!args.json_path.empty()) sw::write_json_file(args.json_path, {{"speed", out}, {"sparsity", sparse_json}});
  return all_ok ? 0 : 1;
}

}  // namespace wb::cli
