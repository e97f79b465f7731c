// waferbench bench: simulated cycles per wall-second of (a) the Verilated array driven by a bare
// C++ loop and (b) the full SystemC/TLM path (memory -> streamer -> transactor -> RTL ->
// monitor), on the same GEMM, with the ratio b/a; and (m) the C++ reference model of the array
// (tb/model_array_dut.hpp) on the same beats, with m/a. Each (b) run is a child process because
// SystemC elaborates once per process; medians over --repeat runs.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "bench/raw_loop.hpp"
#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/report.hpp"
#include "tb/array_system.hpp"
#include "tb/pin_gemm.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

// The benchmark GEMM: weight-stationary, 4 folds, M sized for about `cycles` cycles.
sw::GemmShape bench_shape(sw::ArrayShape array, std::uint64_t cycles) {
  return {static_cast<int>(std::max<std::uint64_t>(cycles / 4, 1)), 2 * array.rows, 2 * array.cols};
}

bench::RawWorkload raw_workload(const sw::GemmPlan& plan, const sw::MatrixI8& a, const sw::MatrixI8& b) {
  bench::RawWorkload w;
  w.rows = plan.array().rows;
  w.cols = plan.array().cols;
  w.output_stationary = plan.dataflow() == sw::Dataflow::kOutputStationary;
  w.c_beats = plan.total_c_beats();
  std::vector<std::int8_t> beat(static_cast<std::size_t>(std::max(w.rows, w.cols)));
  for (const sw::StreamOp& op : sw::stream_schedule(plan, 32)) {
    const sw::Fold& f = plan.folds()[static_cast<std::size_t>(op.fold)];
    const bool is_a = op.operand == sw::StreamOp::Operand::kA;
    const sw::Region region = is_a ? plan.a_region(f, op.first, op.count) : plan.b_region(f, op.first, op.count);
    const sw::MatrixI8 block = sw::extract_region(is_a ? a : b, region);
    for (int i = op.first; i < op.first + op.count; ++i) {
      if (is_a) {
        plan.a_beat(f, block, region, i, beat.data());
        w.a.insert(w.a.end(), beat.begin(), beat.begin() + w.rows);
        w.a_last.push_back(i == plan.a_beats(f) - 1);
      } else {
        plan.b_beat(f, block, region, i, beat.data());
        w.b.insert(w.b.end(), beat.begin(), beat.begin() + w.cols);
      }
    }
  }
  return w;
}

std::int64_t checksum(const sw::MatrixI32& c) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < c.size(); ++i) sum += c.data()[i];
  return sum;
}

nlohmann::json run_worker(sw::ArrayShape array, sw::GemmShape shape) {
  std::ostringstream cmd;
  cmd << "'" << self_exe() << "' bench-worker --rows " << array.rows << " --cols " << array.cols << " --m " << shape.m
      << " --k " << shape.k << " --n " << shape.n;
  FILE* pipe = popen(cmd.str().c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot start " + cmd.str());
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  if (pclose(pipe) != 0) throw std::runtime_error("bench worker failed: " + cmd.str());
  return nlohmann::json::parse(out);
}

}  // namespace

int bench_worker_command(int argc, char** argv) {
  int rows = 0, cols = 0, m = 0, k = 0, n = 0;
  po::options_description desc("bench-worker (internal)");
  desc.add_options()("help", "")("rows", po::value(&rows)->required(), "")("cols", po::value(&cols)->required(), "")
      ("m", po::value(&m)->required(), "")("k", po::value(&k)->required(), "")("n", po::value(&n)->required(), "");
  if (!parse_command_line(argc, argv, desc, "usage: waferbench bench-worker ...")) return 0;
  tb::SystemOptions options;
  options.array = {rows, cols};
  // Memory never the bottleneck: the RTL sets the pace, as in the bare loop.
  options.memory.bytes_per_cycle = 1e6;
  options.memory.latency_cycles = 0;
  const sw::MatrixI8 a = sw::random_int8(m, k, 1), b = sw::random_int8(k, n, 2);
  tb::GemmRun run;
  std::uint64_t simulated = 0;
  const double seconds = tb::run_array_system(options, [&](tb::ArraySession& s) {
    run = s.gemm(a, b, sw::Dataflow::kWeightStationary);
    simulated = s.simulated_cycles();
  });
  nlohmann::json j;
  j["cycles"] = simulated;
  j["seconds"] = seconds;
  j["checksum"] = checksum(run.c);
  j["golden"] = run.c == sw::gemm_ref(a, b) ? "pass" : "fail";
  std::cout << j.dump() << "\n";
  return 0;
}

int bench_command(int argc, char** argv) {
  std::string sizes_text = "8x8,16x16,32x32";
  int repeat = 3;
  unsigned long long cycles = 40000;
  std::string json_path;
  po::options_description desc("waferbench bench options");
  desc.add_options()("help", "show this help")
      ("sizes", po::value(&sizes_text)->default_value(sizes_text), "array sizes, comma-separated RxC")
      ("repeat", po::value(&repeat)->default_value(repeat), "runs per measurement (median reported)")
      ("cycles", po::value(&cycles)->default_value(cycles), "approximate simulated cycles per run")
      ("json", po::value(&json_path), "write the table as JSON to FILE");
  if (!parse_command_line(argc, argv, desc, "usage: waferbench bench [options]")) return 0;
  if (repeat < 1 || repeat > 99) throw sw::InputError("--repeat must be in [1, 99]");
  if (cycles < 100 || cycles > 100000000ull) throw sw::InputError("--cycles must be in [100, 1e8]");
  if (!json_path.empty()) check_writable(json_path, "--json");
  std::vector<sw::ArrayShape> sizes;
  std::stringstream ss(sizes_text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    int r = 0, c = 0;
    char x = 0;
    std::istringstream is(item);
    if (!(is >> r >> x >> c) || x != 'x' || !is.eof()) throw sw::InputError("bad size '" + item + "' (expected RxC)");
    if (!tb::is_built_array_size(r, c)) throw sw::InputError("array size " + item + " is not built (built: " + tb::built_array_sizes_text() + ")");
    sizes.push_back({r, c});
  }

  std::vector<std::vector<std::string>> table{
      {"array", "cycles", "a: bare loop Mcyc/s", "b: SystemC/TLM Mcyc/s", "b/a", "m: C++ model Mcyc/s", "m/a", "golden"}};
  nlohmann::json out = nlohmann::json::array();
  bool all_ok = true;
  for (const sw::ArrayShape array : sizes) {
    const sw::GemmShape shape = bench_shape(array, cycles);
    const sw::MatrixI8 a = sw::random_int8(shape.m, shape.k, 1), b = sw::random_int8(shape.k, shape.n, 2);
    const sw::GemmPlan plan(shape, array, sw::Dataflow::kWeightStationary);
    const bench::RawWorkload w = raw_workload(plan, a, b);
    const std::int64_t expected_sum = checksum(sw::gemm_ref(a, b));
    std::vector<double> raw_rate, tlm_rate, model_rate;
    std::uint64_t raw_cycles = 0, tlm_cycles = 0, model_cycles = 0;
    bool ok = true;
    // Interleave the two so that machine noise hits both alike.
    for (int i = 0; i < repeat; ++i) {
      const bench::RawResult r = bench::run_raw_loop(w);
      raw_cycles = r.cycles;
      raw_rate.push_back(static_cast<double>(r.cycles) / r.seconds);
      ok &= r.checksum == expected_sum;
      const nlohmann::json t = run_worker(array, shape);
      tlm_cycles = t["cycles"].get<std::uint64_t>();
      tlm_rate.push_back(static_cast<double>(tlm_cycles) / t["seconds"].get<double>());
      ok &= t["golden"] == "pass" && t["checksum"].get<std::int64_t>() == expected_sum;
      // The reference model on the same beats (pin-level driver, no SystemC).
      tb::DutOptions model_options;
      model_options.engine = tb::Engine::kModel;
      auto model = tb::make_array_dut(array.rows, array.cols, model_options);
      const auto t0 = std::chrono::steady_clock::now();
      const tb::PinGemmResult mr = tb::run_gemm_on_pins(*model, plan, a, b);
      const double ms = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      model_cycles = model->cycle();
      model_rate.push_back(static_cast<double>(model_cycles) / ms);
      ok &= checksum(mr.c) == expected_sum;
    }
    const double ra = sw::median(raw_rate), rb = sw::median(tlm_rate), rm = sw::median(model_rate);
    const std::string name = std::to_string(array.rows) + "x" + std::to_string(array.cols);
    table.push_back({name, std::to_string(tlm_cycles), sw::fixed(ra / 1e6, 3), sw::fixed(rb / 1e6, 3),
                     sw::fixed(rb / ra, 3), sw::fixed(rm / 1e6, 3), sw::fixed(rm / ra, 2), ok ? "pass" : "FAIL"});
    out.push_back({{"array", name}, {"m", shape.m}, {"k", shape.k}, {"n", shape.n}, {"raw_cycles", raw_cycles},
                   {"tlm_cycles", tlm_cycles}, {"raw_cycles_per_second", ra}, {"tlm_cycles_per_second", rb},
                   {"ratio", rb / ra}, {"model_cycles", model_cycles}, {"model_cycles_per_second", rm},
                   {"model_ratio", rm / ra}, {"repeat", repeat}, {"golden", ok ? "pass" : "fail"}});
    all_ok &= ok;
  }
  std::cout << "waferbench bench: WS GEMM M x 2R x 2C (4 folds), median of " << repeat << " runs\n\n"
            << sw::format_table(table);
  if (!json_path.empty()) sw::write_json_file(json_path, out);
  return all_ok ? 0 : 1;
}

}  // namespace wb::cli
