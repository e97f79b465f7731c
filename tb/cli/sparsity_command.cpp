// SPDX-License-Identifier: Apache-2.0
// waferbench sparsity: one layer shape on the compute fabric at several weight densities, each
// golden-checked; reports the measured speedup against the dense run and against the ideal 1/d.
#include <iostream>

#include "sw/error.hpp"
#include "sw/report.hpp"
#include "sw/report_plots.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/fabric_options.hpp"
#include "tb/cli/options.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

struct SparsityArgs {
  FabricArgs fabric;
  ReportArgs report;
  int m = 8, k = 256, n = 256;
  unsigned long long seed = 1;
  std::string densities_text = "1,0.5,0.1,0.01", json_path, engine = "rtl";

  void describe(po::options_description& desc) {
    desc.add_options()("help", "show this help")
        ("m", po::value(&m)->default_value(m), "activation vectors (rows of A)")
        ("k", po::value(&k)->default_value(k), "layer inputs")
        ("n", po::value(&n)->default_value(n), "layer outputs")
        ("densities", po::value(&densities_text)->default_value(densities_text), "weight densities, dense first")
        ("mesh", po::value(&fabric.mesh)->default_value(fabric.mesh), "KxK compute fabric (a built size for --engine rtl, up to 16x16 for --engine model)")
        ("engine", po::value(&engine)->default_value(engine), "rtl (the Verilated fabric) or model (the C++ reference model)")
        ("layout", po::value(&fabric.layout)->default_value(fabric.layout), "weights-resident or weight-streaming")
        ("seed", po::value(&seed)->default_value(seed), "seed of the random operands")
        ("json", po::value(&json_path), "write the table as JSON to FILE");
    add_report_options(desc, report);
  }
  // Throws sw::InputError (a shape that fits no PE or the host memory included); returns the
  // densities.
  std::vector<double> validate() const {
    if (m <= 0 || k <= 0 || n <= 0) throw sw::InputError("--m, --k and --n must be positive");
    const std::vector<double> densities = parse_number_list(densities_text, "--densities", 0.0, 1.0, "(0, 1]");
    const tb::FabricJob job = to_fabric_job(fabric, 0.0, seed, "", engine);
    tb::check_fabric_gemm(job, m, k, n, "sparsity " + std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n));
    return densities;
  }
};

}  // namespace

int sparsity_command(int argc, char** argv) {
  SparsityArgs args;
  po::options_description desc("waferbench sparsity options");
  args.describe(desc);
  if (!parse_command_line(argc, argv, desc, "usage: waferbench sparsity [options]")) return 0;
  const std::vector<double> densities = args.validate();
  RunOutputs outputs("", args.json_path, {}, args.report);  // written together at the end, or not at all
  tb::FabricJob job = to_fabric_job(args.fabric, 0.0, args.seed, "", args.engine);
  const sw::MatrixI8 a = sw::random_int8(args.m, args.k, args.seed);
  std::vector<sw::FabricStats> runs;
  for (double d : densities) {
    job.density = d;
    sw::MatrixI32 c;
    runs.push_back(tb::run_fabric_gemm(job, a, sw::random_sparse_int8(args.k, args.n, d, args.seed ^ 0x5bd1e995u), c));
  }
  const double base = static_cast<double>(runs.front().cycles);
  std::vector<std::vector<std::string>> table{
      {"density", "nnz", "macs", "cycles", "ideal", "util %", "speedup", "1/d", "wavelets", "golden"}};
  nlohmann::json j{{"mesh", args.fabric.mesh}, {"layout", args.fabric.layout}, {"engine", ref::engine_name(job.engine)}, {"m", args.m}, {"k", args.k}, {"n", args.n}, {"runs", nlohmann::json::array()}};
  bool all_pass = true;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& s = runs[i];
    const double speedup = s.cycles ? base / static_cast<double>(s.cycles) : 0.0;
    const double ideal_speedup = densities.front() / densities[i];
    table.push_back({sw::fixed(densities[i], 3), std::to_string(s.nnz), std::to_string(s.macs), std::to_string(s.cycles),
                     std::to_string(s.ideal_cycles()), sw::fixed(100.0 * s.utilization(), 1), sw::fixed(speedup, 2),
                     sw::fixed(ideal_speedup, 2), std::to_string(s.wavelets), s.golden_pass ? "pass" : "FAIL"});
    auto row = sw::to_json(s);
    row["speedup_vs_first"] = speedup;
    row["ideal_speedup"] = ideal_speedup;
    j["runs"].push_back(row);
    all_pass &= s.golden_pass;
  }
  std::cout << "waferbench sparsity: " << args.m << "x" << args.k << "x" << args.n << " on the " << job.mesh << "x" << job.mesh
            << " fabric" << (job.engine == ref::Engine::kModel ? " (model), " : ", ") << args.fabric.layout << " (speedup against the first density; 1/d relative to it)\n\n"
            << sw::format_table(table);
  std::vector<sw::LayerRecord> records;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    records.push_back(sw::record_of(runs[i], "sparsity", ref::engine_name(job.engine)));
    records.back().name = "d=" + sw::fixed(densities[i], 3);
  }
  outputs.add_energy(records);
  sw::put_records(j, records);
  outputs.write_json(j);
  if (outputs.wants_report()) {
    const std::string what = "sparsity " + std::to_string(args.m) + "x" + std::to_string(args.k) + "x" + std::to_string(args.n);
    sw::RunInfo info = fabric_run_info(job, what);
    info.summary.push_back("Speedup at the sparsest density: " + table.back()[6] + "x measured against " +
                           table.back()[7] + "x ideal (1/d).");
    outputs.write_records(records, info, j,
                          {sw::page_plot("speedup.svg", sw::speedup_plot(records),
                                         "Measured speedup of each density over the densest run, and the ideal 1/d.")});
  } else {
    outputs.write_records(records, {}, j);
  }
  outputs.commit();
  if (!all_pass) std::cerr << "waferbench: golden check failed\n";
  return all_pass ? 0 : 1;
}

}  // namespace wb::cli
