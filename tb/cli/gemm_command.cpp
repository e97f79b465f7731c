// SPDX-License-Identifier: Apache-2.0
// waferbench gemm: one GEMM on the systolic array (tb/array_jobs.hpp) or the compute fabric
// (tb/fabric_gemm.hpp), golden-checked against the CPU reference.
#include <iostream>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/npy.hpp"
#include "sw/report.hpp"
#include "tb/array_jobs.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/fabric_options.hpp"
#include "tb/cli/options.hpp"
#include "tb/cli/prune_options.hpp"

namespace po = boost::program_options;

namespace wb::cli {

namespace {

struct GemmArgs {
  SystemArgs sys;
  FabricArgs fabric;
  PruneArgs prune;
  ReportArgs report;
  int m = 0, k = 0, n = 0;
  std::string a_path, b_path, out_path, target = "systolic";
  po::variables_map given;

  void describe(po::options_description& desc);
  // Every check that needs no operand (the .npy shapes are checked as they are read), the
  // sizes of random operands included.
  void validate() const;
  // Fails (InputError) when a GEMM of these dimensions cannot run on the target (memory, PE
  // fit, host memory, bandwidth), before the operands are made or the reference computed.
  void check_size(int m, int k, int n) const;
  bool on_fabric() const { return target == "fabric"; }
};

void GemmArgs::describe(po::options_description& desc) {
  desc.add_options()("help", "show this help")
      ("target", po::value(&target)->default_value(target), "systolic (the array) or fabric (the wafer fabric)")
      ("m", po::value(&m), "rows of A and C")
      ("k", po::value(&k), "columns of A, rows of B")
      ("n", po::value(&n), "columns of B and C")
      ("a", po::value(&a_path), "A as an int8 .npy (M x K); random from --seed when absent")
      ("b", po::value(&b_path), "B as an int8 .npy (K x N); random from --seed when absent")
      ("out", po::value(&out_path), "write C (int32 .npy) when the golden check passes");
  add_system_options(desc, sys);
  add_fabric_options(desc, fabric);
  add_prune_options(desc, prune);
  add_report_options(desc, report);
}

void GemmArgs::validate() const {
  if (target != "systolic" && target != "fabric") {
    throw sw::InputError("--target must be systolic or fabric, got '" + target + "'");
  }
  if (on_fabric()) {
    reject_given(given, {"rows", "cols", "dataflow", "mem-bw", "mem-latency"}, "--target fabric");
  } else {
    reject_given(given, {"mesh", "layout"}, "--target systolic");
  }
  if (a_path.empty() != b_path.empty()) throw sw::InputError("give both --a and --b, or neither");
  if (!a_path.empty()) reject_given(given, {"density"}, "weights read from --b");
  if (!(fabric.density > 0.0 && fabric.density <= 1.0)) throw sw::InputError("--density must be in (0, 1]");
  if (on_fabric()) {
    check_run_outputs(sys);
    to_fabric_job(fabric, sys.backpressure, sys.seed, sys.trace, sys.engine);
  } else {
    to_system_options(sys);
  }
  if (!out_path.empty()) check_writable(out_path, "--out");
  if (a_path.empty()) {
    if (m <= 0 || k <= 0 || n <= 0) {
      throw sw::InputError("--m, --k and --n must be positive (got M=" + std::to_string(m) + " K=" + std::to_string(k) +
                           " N=" + std::to_string(n) + ")");
    }
    check_size(m, k, n);
  }
}

void GemmArgs::check_size(int rows, int inner, int cols) const {
  const std::string what = "gemm " + std::to_string(rows) + "x" + std::to_string(inner) + "x" + std::to_string(cols);
  if (on_fabric()) {
    tb::check_fabric_gemm(to_fabric_job(fabric, sys.backpressure, sys.seed, sys.trace, sys.engine), rows, inner, cols, what);
  } else {
    tb::check_array_gemm(to_system_options(sys), rows, inner, cols, what);
    check_bandwidth(static_cast<double>(rows) * inner + static_cast<double>(inner) * cols, sys.mem_bw, "--mem-bw",
                    "the operands");
  }
}

// A and B from the .npy files (their shapes checked against --m, --k, --n, then their size
// against the target) or random from the seed; B then pruned or masked.
void load_operands(const GemmArgs& g, const sw::WeightSparsity& sparsity, sw::MatrixI8& a, sw::MatrixI8& b) {
  if (g.a_path.empty()) {
    a = sw::random_int8(g.m, g.k, g.sys.seed);
    b = g.fabric.density < 1.0 ? sw::random_sparse_int8(g.k, g.n, g.fabric.density, g.sys.seed ^ 0x5bd1e995u)
                               : sw::random_int8(g.k, g.n, g.sys.seed ^ 0x5bd1e995u);
  } else {
    a = sw::read_npy_int8(g.a_path);
    b = sw::read_npy_int8(g.b_path);
    const auto check = [](int given, int actual, const char* name) {
      if (given != 0 && given != actual) {
        throw sw::InputError(std::string("--") + name + " " + std::to_string(given) + " does not match the .npy shape (" +
                             std::to_string(actual) + ")");
      }
    };
    check(g.m, a.rows(), "m");
    check(g.k, a.cols(), "k");
    check(g.n, b.cols(), "n");
  }
  sw::check_gemm_operands(a, b);
  if (!g.a_path.empty()) g.check_size(a.rows(), a.cols(), b.cols());
  b = sparsity.apply(b);
}

// "; weights pruned magnitude:0.9, density 0.100" (nothing without --prune or --mask).
std::string sparsity_note(const sw::WeightSparsity& sparsity, const sw::MatrixI8& b) {
  if (!sparsity.any()) return "";
  return "; weights " + std::string(sparsity.prune ? "pruned " : "") + sparsity.text() + ", density " +
         sw::fixed(static_cast<double>(sw::count_nonzeros(b)) / static_cast<double>(b.size()), 3);
}

int fabric_gemm(const GemmArgs& g, const sw::WeightSparsity& sparsity, const sw::MatrixI8& a, const sw::MatrixI8& b,
                RunOutputs& outputs) {
  tb::FabricJob job = to_fabric_job(g.fabric, g.sys.backpressure, g.sys.seed, g.sys.trace, g.sys.engine);
  job.trace = outputs.trace();
  job.trace_settings = outputs.trace_settings(g.sys.trace_window);
  if (!g.a_path.empty() || sparsity.any()) job.density = static_cast<double>(sw::count_nonzeros(b)) / static_cast<double>(b.size());
  sw::MatrixI32 c;
  const sw::FabricStats s = tb::run_fabric_gemm(job, a, b, c);
  std::cout << "gemm " << s.m << "x" << s.k << "x" << s.n << " on the " << s.mesh << "x" << s.mesh << " fabric"
            << (job.engine == ref::Engine::kModel ? " (model), " : ", ")
            << s.layout << ", weight density " << sw::fixed(static_cast<double>(s.nnz) / (static_cast<double>(s.k) * s.n), 3)
            << " (" << s.nnz << " nonzeros): " << s.cycles << " cycles (ideal " << s.ideal_cycles() << ", dense ideal "
            << s.ideal_dense_cycles() << ", PE utilization " << sw::fixed(100.0 * s.utilization(), 1) << " %), "
            << s.wavelets << " wavelets in, link utilization " << sw::fixed(100.0 * s.link_utilization, 1)
            << " %, golden " << (s.golden_pass ? "pass" : "FAIL") << sparsity_note(sparsity, b) << "\n"
            << "loaded in " << s.load_cycles << " cycles; simulated " << s.sim_cycles << " cycles in "
            << sw::fixed(s.sim_seconds, 3) << " s (" << sw::fixed(s.sim_seconds > 0 ? s.sim_cycles / s.sim_seconds / 1e3 : 0.0, 1)
            << " k cycles/s)\n";
  if (!s.golden_pass) std::cerr << "waferbench: golden check failed on the fabric\n";
  std::vector<sw::LayerRecord> records{sw::record_of(s, "gemm", ref::engine_name(job.engine))};
  outputs.add_energy(records);
  nlohmann::json j = sw::to_json(s);
  j["engine"] = ref::engine_name(job.engine);
  if (sparsity.any()) j["weight_sparsity"] = sparsity.text();
  sw::put_records(j, records);
  outputs.write_json(j);
  outputs.write_records(records, fabric_run_info(job, "gemm " + std::to_string(s.m) + "x" + std::to_string(s.k) + "x" +
                                                         std::to_string(s.n)), j);
  if (!g.out_path.empty() && s.golden_pass) outputs.files().write(g.out_path, sw::npy_bytes(c));
  outputs.commit();
  print_waveform(g.sys.trace);
  return s.golden_pass ? 0 : 1;
}

// What the array made of the weights' zeros, for the result line.
std::string array_sparsity_note(const sw::WeightSparsity& sparsity, sw::NmMode nm, int rows) {
  if (nm.sparse()) {
    return " (the N:M sparse array keeps " + std::to_string(nm.n) + " of every " + std::to_string(nm.m) +
           " weights along K: a fold covers " + std::to_string(rows / nm.n * nm.m) + " of K, the dense array's " +
           std::to_string(rows) + ")";
  }
  return sparsity.any() ? " (the array gains nothing from unstructured zeros: the dense array computes every zero, no fewer cycles)" : "";
}

int array_gemm(const GemmArgs& g, const sw::WeightSparsity& sparsity, sw::NmMode nm, const sw::MatrixI8& a,
               const sw::MatrixI8& b, RunOutputs& outputs) {
  tb::SystemOptions options = to_system_options(g.sys);
  options.dut.trace_path = outputs.trace();
  options.dut.trace_settings = outputs.trace_settings(g.sys.trace_window);
  const tb::ArrayGemmResult r = nm.sparse() ? tb::run_array_nm_gemm(options, a, b, nm)
                                            : tb::run_array_gemm(options, a, b, sw::parse_dataflow(g.sys.dataflow));
  const sw::GemmStats& stats = r.stats;
  const sw::Mismatch& mm = r.mismatch;
  const std::string array = stats.dataflow + (nm.sparse() ? ", N:M sparse " + nm.text().substr(3) : "");
  std::cout << "gemm " << stats.m << "x" << stats.k << "x" << stats.n << " on " << stats.rows << "x" << stats.cols
            << " " << array << (options.dut.engine == ref::Engine::kModel ? " (model)" : "") << ": " << stats.folds << " folds, " << stats.cycles << " cycles (ideal "
            << stats.ideal_cycles << ", utilization " << sw::fixed(100.0 * stats.utilization(), 1) << " %), golden "
            << (stats.golden_pass ? "pass" : "FAIL") << sparsity_note(sparsity, b)
            << array_sparsity_note(sparsity, nm, stats.rows) << "\n"
            << "simulated " << stats.sim_cycles << " cycles in " << sw::fixed(stats.sim_seconds, 3) << " s ("
            << sw::fixed(stats.sim_seconds > 0 ? stats.sim_cycles / stats.sim_seconds / 1e3 : 0.0, 1) << " k cycles/s)\n";
  if (!stats.golden_pass) {
    std::cerr << "waferbench: golden check failed: " << mm.count << " mismatches, first at C[" << mm.row << "][" << mm.col
              << "]: expected " << mm.expected << ", got " << mm.actual << "\n";
  }
  std::vector<sw::LayerRecord> records{sw::record_of(stats, "gemm", ref::engine_name(options.dut.engine))};
  outputs.add_energy(records);
  nlohmann::json j = sw::to_json(stats);
  j["engine"] = ref::engine_name(options.dut.engine);
  if (sparsity.any()) j["weight_sparsity"] = sparsity.text();
  sw::put_records(j, records);
  outputs.write_json(j);
  outputs.write_records(records, array_run_info(options, array,
                                                "gemm " + std::to_string(stats.m) + "x" + std::to_string(stats.k) + "x" +
                                                    std::to_string(stats.n)), j);
  if (!g.out_path.empty() && stats.golden_pass) outputs.files().write(g.out_path, sw::npy_bytes(r.c));
  outputs.commit();
  print_waveform(g.sys.trace);
  return stats.golden_pass ? 0 : 1;
}

}  // namespace

int gemm_command(int argc, char** argv) {
  GemmArgs g;
  po::options_description desc("waferbench gemm options");
  g.describe(desc);
  if (!parse_command_line(argc, argv, desc, "usage: waferbench gemm --m M --k K --n N [options]", &g.given)) return 0;
  g.validate();
  // nm:N:M weights run on the N:M sparse array (in waferbench-all for the RTL)
  const sw::NmMode nm = g.on_fabric() ? sw::NmMode{} : to_array_nm_mode(g.sys, prune_spec(g.prune));
  const sw::WeightSparsity sparsity = to_weight_sparsity(g.prune, g.sys.seed);
  // Every output checked and given a temporary before any work; all are written at the end, or
  // none (an output may not replace an input, nor two outputs share a file).
  RunOutputs outputs(g.sys.trace, g.sys.json, {{"--a", g.a_path}, {"--b", g.b_path}, {"--mask", g.prune.mask}}, g.report);
  outputs.files().add("--out", g.out_path);
  sw::MatrixI8 a, b;
  load_operands(g, sparsity, a, b);
  return g.on_fabric() ? fabric_gemm(g, sparsity, a, b, outputs) : array_gemm(g, sparsity, nm, a, b, outputs);
}

}  // namespace wb::cli
