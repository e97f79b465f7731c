// SPDX-License-Identifier: Apache-2.0
// waferbench bench: the simulation speed of the array, bare Verilator loop vs the full
// SystemC/TLM path vs the C++ model, and the network figure (bench/array_bench.hpp); and
// bench-worker, the internal command that runs one TLM-path job in its own process.
#include <iostream>

#include "bench/array_bench.hpp"
#include "sw/error.hpp"
#include "sw/report.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"
#include "tb/systolic_array_factory.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

struct BenchArgs {
  std::string sizes_text = "8x8,16x16,32x32";
  int repeat = 3;
  unsigned long long cycles = 40000;
  std::string json_path;
  bool no_network = false;

  void describe(po::options_description& desc);
  // Throws sw::InputError; returns the array sizes.
  std::vector<sw::ArrayShape> validate() const;
};

void BenchArgs::describe(po::options_description& desc) {
  desc.add_options()("help", "show this help")
      ("sizes", po::value(&sizes_text)->default_value(sizes_text), "array sizes, comma-separated RxC")
      ("repeat", po::value(&repeat)->default_value(repeat), "runs per measurement (median reported)")
      ("cycles", po::value(&cycles)->default_value(cycles), "approximate simulated cycles per run")
      ("json", po::value(&json_path), "write the tables as JSON to FILE")
      ("no-network", po::bool_switch(&no_network), "skip the network figure (BERT-base encoder layer on 16x16 OS, RTL and model)");
}

std::vector<sw::ArrayShape> BenchArgs::validate() const {
  if (repeat < 1 || repeat > 99) throw sw::InputError("--repeat must be in [1, 99]");
  if (cycles < 100 || cycles > 100000000ull) throw sw::InputError("--cycles must be in [100, 1e8]");
  if (!json_path.empty()) check_writable(json_path, "--json");
  std::vector<sw::ArrayShape> sizes;
  for (const std::string& item : parse_list(sizes_text, "--sizes", "array sizes RxC")) {
    const auto dims = parse_dims(item);
    if (!dims) throw sw::InputError("bad size '" + item + "' in --sizes (expected RxC)");
    const auto [r, c] = *dims;
    tb::need_array_rtl(r, c, false);
    if (!tb::is_built_array_size(r, c)) throw sw::InputError("array size " + item + " is not built (built: " + tb::built_array_sizes_text() + ")");
    sizes.push_back({r, c});
  }
  return sizes;
}

std::vector<std::string> worker_prefix() { return {self_exe(), "bench-worker"}; }

}  // namespace

int bench_worker_command(int argc, char** argv) {
  const bench::WorkerJob job = bench::parse_worker_job(std::vector<std::string>(argv + 1, argv + argc));
  std::cout << bench::to_json(bench::run_worker_job(job)).dump() << "\n";
  return 0;
}

int bench_command(int argc, char** argv) {
  BenchArgs args;
  po::options_description desc("waferbench bench options");
  args.describe(desc);
  if (!parse_command_line(argc, argv, desc, "usage: waferbench bench [options]")) return 0;
  const std::vector<sw::ArrayShape> sizes = args.validate();
  // (the network runs on the 16x16 RTL: skipped in builds without it)
  const bool run_network = !args.no_network && tb::is_built_array_size(16, 16);

  std::vector<std::vector<std::string>> table{{"array", "flow", "cycles", "a: bare Mcyc/cpu-s", "a: Mcyc/wall-s",
                                               "b: SystemC/TLM Mcyc/cpu-s", "b/a", "m: model Mcyc/cpu-s", "m/a",
                                               "golden"}};
  nlohmann::json arrays = nlohmann::json::array();
  bool all_ok = true;
  for (const sw::ArrayShape array : sizes) {
    for (const sw::Dataflow dataflow : {sw::Dataflow::kWeightStationary, sw::Dataflow::kOutputStationary}) {
      const bench::ArrayBenchRow r = bench::measure_array(array, dataflow, args.cycles, args.repeat, worker_prefix());
      table.push_back({std::to_string(array.rows) + "x" + std::to_string(array.cols), sw::dataflow_name(dataflow),
                       std::to_string(r.tlm_cycles), sw::fixed(r.raw_cpu_rate / 1e6, 3), sw::fixed(r.raw_wall_rate / 1e6, 3),
                       sw::fixed(r.tlm_rate / 1e6, 3), sw::fixed(r.tlm_rate / r.raw_cpu_rate, 3),
                       sw::fixed(r.model_rate / 1e6, 3), sw::fixed(r.model_rate / r.raw_cpu_rate, 2),
                       r.golden ? "pass" : "FAIL"});
      arrays.push_back(bench::to_json(r));
      all_ok &= r.golden;
    }
  }
  std::cout << "waferbench bench: GEMM of 4 folds (WS M x 2R x 2C, OS 2R x K x 2C), median of " << args.repeat
            << " runs; rates per CPU-second of the simulation\n\n"
            << sw::format_table(table);

  // The network figure: whole processes (start-up, inputs, golden checks included).
  nlohmann::json network = nlohmann::json::array();
  if (run_network) {
    std::vector<std::vector<std::string>> net_table{
        {"network", "array", "flow", "engine", "gemms", "cycles", "wall s", "cpu s", "peak MB", "golden"}};
    for (const ref::Engine engine : {ref::Engine::kRtl, ref::Engine::kModel}) {
      const bench::NetworkBenchRow r = bench::measure_network(engine, args.repeat, worker_prefix());
      all_ok &= r.golden;
      net_table.push_back({"bert-base encoder, seq 128", "16x16", "os", ref::engine_name(engine), std::to_string(r.gemms),
                           std::to_string(r.cycles), sw::fixed(r.wall_seconds, 2), sw::fixed(r.cpu_seconds, 2),
                           sw::fixed(r.peak_rss_mb, 1), r.golden ? "pass" : "FAIL"});
      network.push_back(bench::to_json(r));
    }
    std::cout << "\nwhole process, median of " << args.repeat << " runs\n\n" << sw::format_table(net_table);
  }
  if (!args.json_path.empty()) sw::write_json_file(args.json_path, {{"arrays", arrays}, {"network", network}});
  return all_ok ? 0 : 1;
}

}  // namespace wb::cli
