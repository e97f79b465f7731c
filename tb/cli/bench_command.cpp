// waferbench bench: simulated cycles per CPU-second (and per wall-second) of (a) the Verilated
// array driven by a bare C++ loop and (b) the full SystemC/TLM path (memory -> streamer ->
// transactor -> RTL -> monitor), on the same GEMM in both dataflows, with the ratio b/a; and
// (m) the C++ reference model of the array (models/ref/systolic_array_model.hpp) on the same beats, with m/a.
// Then a network figure: wall time, CPU time and peak memory of a whole process running the
// GEMMs of a BERT-base encoder layer on the RTL and on the model. Each (b) and network run is a
// child process because SystemC elaborates once per process; medians over --repeat runs.
#include <algorithm>
#include <iostream>

#include "bench/bert_layer.hpp"
#include "bench/raw_loop.hpp"
#include "sw/child_process.hpp"
#include "sw/cpu_time.hpp"
#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/report.hpp"
#include "tb/array_system.hpp"
#include "models/ref/pin_gemm.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"
#include "tb/systolic_array_factory.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

// The benchmark GEMM, 4 folds sized for about `cycles` cycles: WS streams M rows per fold
// (M x 2R x 2C), OS streams K beat pairs per fold (2R x K x 2C).
sw::GemmShape bench_shape(sw::ArrayShape array, sw::Dataflow dataflow, std::uint64_t cycles) {
  const int stream = static_cast<int>(std::max<std::uint64_t>(cycles / 4, 1));
  if (dataflow == sw::Dataflow::kOutputStationary) return {2 * array.rows, stream, 2 * array.cols};
  return {stream, 2 * array.rows, 2 * array.cols};
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

// Runs `waferbench bench-worker <args>` and returns its JSON line and resource use.
nlohmann::json run_worker(const std::vector<std::string>& args, sw::ChildResult* usage = nullptr) {
  std::vector<std::string> argv{self_exe(), "bench-worker"};
  argv.insert(argv.end(), args.begin(), args.end());
  sw::ChildResult r = sw::run_child(argv);
  if (r.exit_code != 0) throw std::runtime_error("bench worker failed (exit " + std::to_string(r.exit_code) + ")");
  if (usage) *usage = r;
  return nlohmann::json::parse(r.out);
}

}  // namespace

int bench_worker_command(int argc, char** argv) {
  int rows = 0, cols = 0, m = 0, k = 0, n = 0;
  std::string dataflow_text = "ws", engine_text = "rtl", network;
  po::options_description desc("bench-worker (internal)");
  desc.add_options()("help", "")("rows", po::value(&rows)->required(), "")("cols", po::value(&cols)->required(), "")
      ("m", po::value(&m), "")("k", po::value(&k), "")("n", po::value(&n), "")
      ("dataflow", po::value(&dataflow_text), "")("engine", po::value(&engine_text), "")
      ("network", po::value(&network), "bert-encoder: the GEMMs of bench/bert_layer.hpp");
  if (!parse_command_line(argc, argv, desc, "usage: waferbench bench-worker ...")) return 0;
  tb::SystemOptions options;
  options.array = {rows, cols};
  options.dut.engine = ref::parse_engine(engine_text);
  const sw::Dataflow dataflow = sw::parse_dataflow(dataflow_text);
  // Memory never the bottleneck: the array sets the pace, as in the bare loop.
  options.memory.bytes_per_cycle = 1e6;
  options.memory.latency_cycles = 0;
  struct Job {
    sw::MatrixI8 a, b;
  };
  std::vector<Job> jobs;
  if (network == "bert-encoder") {
    std::uint64_t seed = 1;
    for (const bench::LayerGemm& g : bench::bert_base_encoder_gemms()) {
      for (int i = 0; i < g.count; ++i, seed += 2) {
        jobs.push_back({sw::random_int8(g.m, g.k, seed), sw::random_int8(g.k, g.n, seed + 1)});
      }
    }
  } else if (network.empty()) {
    jobs.push_back({sw::random_int8(m, k, 1), sw::random_int8(k, n, 2)});
  } else {
    throw sw::InputError("unknown bench network '" + network + "'");
  }
  std::vector<sw::MatrixI32> results;
  std::uint64_t simulated = 0;
  double cpu = 0.0;
  // The rate counts the simulation only: the golden checks come after (the bare loop has none).
  const double seconds = tb::run_array_system(options, [&](tb::ArraySession& s) {
    const double cpu0 = sw::process_cpu_seconds();
    for (const Job& job : jobs) results.push_back(s.gemm(job.a, job.b, dataflow).c);
    cpu = sw::process_cpu_seconds() - cpu0;
    simulated = s.simulated_cycles();
  });
  std::int64_t sum = 0;
  bool golden = true;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    golden &= results[i] == sw::gemm_ref(jobs[i].a, jobs[i].b);
    sum += checksum(results[i]);
  }
  nlohmann::json j;
  j["cycles"] = simulated;
  j["seconds"] = seconds;
  j["cpu_seconds"] = cpu;
  j["gemms"] = jobs.size();
  j["checksum"] = sum;
  j["golden"] = golden ? "pass" : "fail";
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
      ("json", po::value(&json_path), "write the tables as JSON to FILE")
      ("no-network", "skip the network figure (BERT-base encoder layer on 16x16 OS, RTL and model)");
  po::variables_map vm;
  if (!parse_command_line(argc, argv, desc, "usage: waferbench bench [options]", &vm)) return 0;
  // (the network runs on the 16x16 RTL: skipped in builds without it)
  const bool run_network = vm.count("no-network") == 0 && tb::is_built_array_size(16, 16);
  if (repeat < 1 || repeat > 99) throw sw::InputError("--repeat must be in [1, 99]");
  if (cycles < 100 || cycles > 100000000ull) throw sw::InputError("--cycles must be in [100, 1e8]");
  if (!json_path.empty()) check_writable(json_path, "--json");
  std::vector<sw::ArrayShape> sizes;
  for (const std::string& item : parse_list(sizes_text, "--sizes", "array sizes RxC")) {
    const auto dims = parse_dims(item);
    if (!dims) throw sw::InputError("bad size '" + item + "' in --sizes (expected RxC)");
    const auto [r, c] = *dims;
    if (!tb::is_built_array_size(r, c)) throw sw::InputError("array size " + item + " is not built (built: " + tb::built_array_sizes_text() + ")");
    sizes.push_back({r, c});
  }

  std::vector<std::vector<std::string>> table{{"array", "flow", "cycles", "a: bare Mcyc/cpu-s", "a: Mcyc/wall-s",
                                               "b: SystemC/TLM Mcyc/cpu-s", "b/a", "m: model Mcyc/cpu-s", "m/a",
                                               "golden"}};
  nlohmann::json arrays = nlohmann::json::array();
  bool all_ok = true;
  for (const sw::ArrayShape array : sizes) {
    for (const sw::Dataflow dataflow : {sw::Dataflow::kWeightStationary, sw::Dataflow::kOutputStationary}) {
      const sw::GemmShape shape = bench_shape(array, dataflow, cycles);
      const sw::MatrixI8 a = sw::random_int8(shape.m, shape.k, 1), b = sw::random_int8(shape.k, shape.n, 2);
      const sw::GemmPlan plan(shape, array, dataflow);
      const bench::RawWorkload w = raw_workload(plan, a, b);
      const std::int64_t expected_sum = checksum(sw::gemm_ref(a, b));
      std::vector<double> raw_cpu_rate, raw_wall_rate, tlm_rate, model_rate;
      std::uint64_t raw_cycles = 0, tlm_cycles = 0, model_cycles = 0;
      bool ok = true;
      const std::vector<std::string> worker_args{"--rows", std::to_string(array.rows), "--cols",
                                                 std::to_string(array.cols), "--m", std::to_string(shape.m),
                                                 "--k", std::to_string(shape.k), "--n", std::to_string(shape.n),
                                                 "--dataflow", sw::dataflow_name(dataflow)};
      // Interleave the three so that machine noise hits them alike.
      for (int i = 0; i < repeat; ++i) {
        const bench::RawResult r = bench::run_raw_loop(w);
        raw_cycles = r.cycles;
        raw_cpu_rate.push_back(static_cast<double>(r.cycles) / r.cpu_seconds);
        raw_wall_rate.push_back(static_cast<double>(r.cycles) / r.seconds);
        ok &= r.checksum == expected_sum;
        const nlohmann::json t = run_worker(worker_args);
        tlm_cycles = t["cycles"].get<std::uint64_t>();
        tlm_rate.push_back(static_cast<double>(tlm_cycles) / t["cpu_seconds"].get<double>());
        ok &= t["golden"] == "pass" && t["checksum"].get<std::int64_t>() == expected_sum;
        // The reference model on the same beats (pin-level driver, no SystemC).
        ref::DutOptions model_options;
        model_options.engine = ref::Engine::kModel;
        auto model = tb::make_array_dut(array.rows, array.cols, model_options);
        const double cpu0 = sw::process_cpu_seconds();
        const ref::PinGemmResult mr = ref::run_gemm_on_pins(*model, plan, a, b);
        const double cpu = sw::process_cpu_seconds() - cpu0;
        model_cycles = model->cycle();
        model_rate.push_back(static_cast<double>(model_cycles) / cpu);
        ok &= checksum(mr.c) == expected_sum;
      }
      const double ra = sw::median(raw_cpu_rate), rw = sw::median(raw_wall_rate), rb = sw::median(tlm_rate),
                   rm = sw::median(model_rate);
      const std::string name = std::to_string(array.rows) + "x" + std::to_string(array.cols);
      table.push_back({name, sw::dataflow_name(dataflow), std::to_string(tlm_cycles), sw::fixed(ra / 1e6, 3),
                       sw::fixed(rw / 1e6, 3), sw::fixed(rb / 1e6, 3), sw::fixed(rb / ra, 3), sw::fixed(rm / 1e6, 3),
                       sw::fixed(rm / ra, 2), ok ? "pass" : "FAIL"});
      arrays.push_back({{"array", name}, {"dataflow", sw::dataflow_name(dataflow)}, {"m", shape.m}, {"k", shape.k},
                        {"n", shape.n}, {"raw_cycles", raw_cycles}, {"tlm_cycles", tlm_cycles},
                        {"raw_cycles_per_cpu_second", ra}, {"raw_cycles_per_second", rw},
                        {"tlm_cycles_per_cpu_second", rb}, {"ratio", rb / ra}, {"model_cycles", model_cycles},
                        {"model_cycles_per_cpu_second", rm}, {"model_ratio", rm / ra}, {"repeat", repeat},
                        {"golden", ok ? "pass" : "fail"}});
      all_ok &= ok;
    }
  }
  std::cout << "waferbench bench: GEMM of 4 folds (WS M x 2R x 2C, OS 2R x K x 2C), median of " << repeat
            << " runs; rates per CPU-second of the simulation\n\n"
            << sw::format_table(table);

  // The network figure: whole processes (start-up, inputs, golden checks included).
  nlohmann::json network = nlohmann::json::array();
  if (run_network) {
    std::vector<std::vector<std::string>> net_table{
        {"network", "array", "flow", "engine", "gemms", "cycles", "wall s", "cpu s", "peak MB", "golden"}};
    for (const char* engine : {"rtl", "model"}) {
      std::vector<double> wall, cpu, rss;
      nlohmann::json last;
      for (int i = 0; i < repeat; ++i) {
        sw::ChildResult usage;
        last = run_worker({"--network", "bert-encoder", "--rows", "16", "--cols", "16", "--dataflow", "os",
                           "--engine", engine},
                          &usage);
        wall.push_back(usage.wall_seconds);
        cpu.push_back(usage.cpu_seconds);
        rss.push_back(static_cast<double>(usage.max_rss_kb) / 1024.0);
      }
      const bool ok = last["golden"] == "pass";
      all_ok &= ok;
      net_table.push_back({"bert-base encoder, seq 128", "16x16", "os", engine,
                           std::to_string(last["gemms"].get<int>()), std::to_string(last["cycles"].get<std::uint64_t>()),
                           sw::fixed(sw::median(wall), 2), sw::fixed(sw::median(cpu), 2), sw::fixed(sw::median(rss), 1),
                           ok ? "pass" : "FAIL"});
      network.push_back({{"network", "bert-base-encoder-seq128"}, {"rows", 16}, {"cols", 16}, {"dataflow", "os"},
                         {"engine", engine}, {"gemms", last["gemms"]}, {"cycles", last["cycles"]},
                         {"wall_seconds", sw::median(wall)}, {"cpu_seconds", sw::median(cpu)},
                         {"peak_rss_mb", sw::median(rss)}, {"repeat", repeat}, {"golden", ok ? "pass" : "fail"}});
    }
    std::cout << "\nwhole process, median of " << repeat << " runs\n\n" << sw::format_table(net_table);
  }
  if (!json_path.empty()) sw::write_json_file(json_path, {{"arrays", arrays}, {"network", network}});
  return all_ok ? 0 : 1;
}

}  // namespace wb::cli
