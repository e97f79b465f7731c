// waferbench gemm: one GEMM on the systolic array or the compute fabric, golden-checked against
// the CPU reference.
#include <iostream>

#include "sw/error.hpp"
#include "sw/file_util.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/npy.hpp"
#include "sw/report.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/fabric_gemm.hpp"
#include "tb/cli/options.hpp"

namespace po = boost::program_options;

namespace wb::cli {

namespace {

int fabric_gemm(const FabricJob& job, const SystemArgs& sys, const sw::MatrixI8& a, const sw::MatrixI8& b,
                const std::string& out_path, sw::OutputFiles& outputs) {
  sw::MatrixI32 c;
  const sw::FabricStats s = run_fabric_gemm(job, a, b, c);
  std::cout << "gemm " << s.m << "x" << s.k << "x" << s.n << " on the " << s.mesh << "x" << s.mesh << " fabric"
            << (job.engine == ref::Engine::kModel ? " (model), " : ", ")
            << s.layout << ", weight density " << sw::fixed(static_cast<double>(s.nnz) / (static_cast<double>(s.k) * s.n), 3)
            << " (" << s.nnz << " nonzeros): " << s.cycles << " cycles (ideal " << s.ideal_cycles() << ", dense ideal "
            << s.ideal_dense_cycles() << ", PE utilization " << sw::fixed(100.0 * s.utilization(), 1) << " %), "
            << s.wavelets << " wavelets in, link utilization " << sw::fixed(100.0 * s.link_utilization, 1)
            << " %, golden " << (s.golden_pass ? "pass" : "FAIL") << "\n"
            << "loaded in " << s.load_cycles << " cycles; simulated " << s.sim_cycles << " cycles in "
            << sw::fixed(s.sim_seconds, 3) << " s (" << sw::fixed(s.sim_seconds > 0 ? s.sim_cycles / s.sim_seconds / 1e3 : 0.0, 1)
            << " k cycles/s)\n";
  if (!s.golden_pass) std::cerr << "waferbench: golden check failed on the fabric\n";
  if (!sys.json.empty()) {
    nlohmann::json j = sw::to_json(s);
    j["engine"] = ref::engine_name(job.engine);
    outputs.write(sys.json, sw::json_text(j));
  }
  if (!out_path.empty() && s.golden_pass) outputs.write(out_path, sw::npy_bytes(c));
  outputs.commit();
  if (!sys.trace.empty()) std::cout << "waveform: " << sys.trace << "\n";
  return s.golden_pass ? 0 : 1;
}

}  // namespace

int gemm_command(int argc, char** argv) {
  SystemArgs sys;
  FabricArgs fabric;
  int m = 0, k = 0, n = 0;
  std::string a_path, b_path, out_path, target = "systolic";
  po::options_description desc("waferbench gemm options");
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
  po::variables_map given;
  if (!parse_command_line(argc, argv, desc, "usage: waferbench gemm --m M --k K --n N [options]", &given)) return 0;

  if (target != "systolic" && target != "fabric") {
    throw sw::InputError("--target must be systolic or fabric, got '" + target + "'");
  }
  const bool on_fabric = target == "fabric";
  if (on_fabric) {
    reject_given(given, {"rows", "cols", "dataflow", "mem-bw", "mem-latency"}, "--target fabric");
  } else {
    reject_given(given, {"mesh", "layout"}, "--target systolic");
  }
  if (a_path.empty() != b_path.empty()) throw sw::InputError("give both --a and --b, or neither");
  if (!a_path.empty()) reject_given(given, {"density"}, "weights read from --b");
  if (!(fabric.density > 0.0 && fabric.density <= 1.0)) throw sw::InputError("--density must be in (0, 1]");
  FabricJob job;
  tb::SystemOptions options;
  if (on_fabric) {
    check_run_outputs(sys);
    job = to_fabric_job(fabric, sys.backpressure, sys.seed, sys.trace, sys.engine);
  } else {
    options = to_system_options(sys);
  }
  // Every output checked and given a temporary before any work; all are written at the end, or
  // none (an output may not replace an input, nor two outputs share a file).
  sw::OutputFiles outputs;
  outputs.add_input("--a", a_path);
  outputs.add_input("--b", b_path);
  job.trace = options.dut.trace_path = outputs.add_for_writer("--trace", sys.trace);
  outputs.add("--json", sys.json);
  outputs.add("--out", out_path);
  sw::MatrixI8 a, b;
  if (!a_path.empty()) {
    a = sw::read_npy_int8(a_path);
    b = sw::read_npy_int8(b_path);
    const auto check = [](int given, int actual, const char* name) {
      if (given != 0 && given != actual) {
        throw sw::InputError(std::string("--") + name + " " + std::to_string(given) + " does not match the .npy shape (" +
                             std::to_string(actual) + ")");
      }
    };
    check(m, a.rows(), "m");
    check(k, a.cols(), "k");
    check(n, b.cols(), "n");
    if (a.cols() != b.rows()) sw::gemm_ref(a, b);  // throws the K mismatch
    m = a.rows();
    k = a.cols();
    n = b.cols();
  } else if (m <= 0 || k <= 0 || n <= 0) {
    throw sw::InputError("--m, --k and --n must be positive (got M=" + std::to_string(m) + " K=" + std::to_string(k) +
                         " N=" + std::to_string(n) + ")");
  }
  // Impossible sizes fail here, before the operands are made or the reference computed.
  const std::string what = "gemm " + std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n);
  if (on_fabric) {
    check_fabric_gemm(job, m, k, n, what);
  } else {
    check_array_gemm(options, m, k, n, what);
    check_bandwidth(static_cast<double>(m) * k + static_cast<double>(k) * n, sys.mem_bw, "--mem-bw", "the operands");
  }
  if (a_path.empty()) {
    a = sw::random_int8(m, k, sys.seed);
    b = fabric.density < 1.0 ? sw::random_sparse_int8(k, n, fabric.density, sys.seed ^ 0x5bd1e995u)
                             : sw::random_int8(k, n, sys.seed ^ 0x5bd1e995u);
  }
  const sw::MatrixI32 expected = sw::gemm_ref(a, b);  // also rejects a K mismatch
  if (on_fabric) {
    job.density = a_path.empty() ? fabric.density : static_cast<double>(sw::count_nonzeros(b)) / static_cast<double>(b.size());
    return fabric_gemm(job, sys, a, b, out_path, outputs);
  }
  const sw::Dataflow dataflow = sw::parse_dataflow(sys.dataflow);
  const sw::GemmPlan plan({a.rows(), a.cols(), b.cols()}, options.array, dataflow);

  tb::GemmRun run;
  std::uint64_t simulated = 0;
  const double seconds = tb::run_array_system(options, [&](tb::ArraySession& session) {
    run = session.gemm(a, b, dataflow);
    simulated = session.simulated_cycles();
  });

  const sw::Mismatch mm = sw::first_mismatch(expected, run.c);
  sw::GemmStats stats = gemm_stats(plan, run);
  stats.golden_pass = mm.count == 0;
  stats.sim_seconds = seconds;
  stats.sim_cycles = simulated;

  std::cout << "gemm " << stats.m << "x" << stats.k << "x" << stats.n << " on " << stats.rows << "x" << stats.cols
            << " " << stats.dataflow << (options.dut.engine == ref::Engine::kModel ? " (model)" : "") << ": " << stats.folds << " folds, " << stats.cycles << " cycles (ideal "
            << stats.ideal_cycles << ", utilization " << sw::fixed(100.0 * stats.utilization(), 1) << " %), golden "
            << (stats.golden_pass ? "pass" : "FAIL") << "\n"
            << "simulated " << simulated << " cycles in " << sw::fixed(seconds, 3) << " s ("
            << sw::fixed(seconds > 0 ? simulated / seconds / 1e3 : 0.0, 1) << " k cycles/s)\n";
  if (!stats.golden_pass) {
    std::cerr << "waferbench: golden check failed: " << mm.count << " mismatches, first at C[" << mm.row << "][" << mm.col
              << "]: expected " << mm.expected << ", got " << mm.actual << "\n";
  }
  if (!sys.json.empty()) {
    nlohmann::json j = sw::to_json(stats);
    j["engine"] = ref::engine_name(options.dut.engine);
    outputs.write(sys.json, sw::json_text(j));
  }
  if (!out_path.empty() && stats.golden_pass) outputs.write(out_path, sw::npy_bytes(run.c));
  outputs.commit();
  if (!sys.trace.empty()) std::cout << "waveform: " << sys.trace << "\n";
  return stats.golden_pass ? 0 : 1;
}

}  // namespace wb::cli
