// SPDX-License-Identifier: Apache-2.0
#include "bench/array_bench.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/ref/pin_gemm.hpp"
#include "sw/builtin_networks.hpp"
#include "sw/child_process.hpp"
#include "sw/cpu_time.hpp"
#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/report.hpp"
#include "tb/array_system.hpp"
#include "tb/systolic_array_factory.hpp"

namespace wb::bench {

sw::GemmShape bench_shape(sw::ArrayShape array, sw::Dataflow dataflow, std::uint64_t cycles) {
  const int stream = static_cast<int>(std::max<std::uint64_t>(cycles / 4, 1));
  if (dataflow == sw::Dataflow::kOutputStationary) return {2 * array.rows, stream, 2 * array.cols};
  return {stream, 2 * array.rows, 2 * array.cols};
}

RawWorkload raw_workload(const sw::GemmPlan& plan, const sw::MatrixI8& a, const sw::MatrixI8& b) {
  RawWorkload w;
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

std::vector<std::string> worker_args(const WorkerJob& job) {
  std::vector<std::string> args{"--rows", std::to_string(job.array.rows), "--cols", std::to_string(job.array.cols),
                                "--dataflow", sw::dataflow_name(job.dataflow), "--engine", ref::engine_name(job.engine)};
  if (job.network.empty()) {
    args.insert(args.end(), {"--m", std::to_string(job.shape.m), "--k", std::to_string(job.shape.k), "--n",
                             std::to_string(job.shape.n)});
  } else {
    args.insert(args.end(), {"--network", job.network});
  }
  return args;
}

WorkerJob parse_worker_job(const std::vector<std::string>& args) {
  WorkerJob job;
  const auto number = [](const std::string& name, const std::string& text) {
    std::size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size() || v < 0) throw sw::InputError("bench worker: bad " + name + " '" + text + "'");
    return v;
  };
  if (args.size() % 2 != 0) throw sw::InputError("bench worker: arguments come as --name value pairs");
  for (std::size_t i = 0; i < args.size(); i += 2) {
    const std::string& name = args[i];
    const std::string& value = args[i + 1];
    if (name == "--rows") {
      job.array.rows = number(name, value);
    } else if (name == "--cols") {
      job.array.cols = number(name, value);
    } else if (name == "--m") {
      job.shape.m = number(name, value);
    } else if (name == "--k") {
      job.shape.k = number(name, value);
    } else if (name == "--n") {
      job.shape.n = number(name, value);
    } else if (name == "--dataflow") {
      job.dataflow = sw::parse_dataflow(value);
    } else if (name == "--engine") {
      job.engine = ref::parse_engine(value);
    } else if (name == "--network") {
      job.network = value;
    } else {
      throw sw::InputError("bench worker: unknown argument '" + name + "'");
    }
  }
  return job;
}

WorkerResult run_worker_job(const WorkerJob& job) {
  tb::SystemOptions options;
  options.array = job.array;
  options.dut.engine = job.engine;
  // Memory never the bottleneck: the array sets the pace, as in the bare loop.
  options.memory.bytes_per_cycle = 1e6;
  options.memory.latency_cycles = 0;
  struct Gemm {
    sw::MatrixI8 a, b;
  };
  std::vector<Gemm> gemms;
  if (job.network == "bert-encoder") {
    std::uint64_t seed = 1;
    for (const sw::Layer& l : sw::builtin_network("bert-base").layers) {
      if (!l.mapped()) continue;
      for (int i = 0; i < l.count; ++i, seed += 2) {
        gemms.push_back({sw::random_int8(l.gemm.m, l.gemm.k, seed), sw::random_int8(l.gemm.k, l.gemm.n, seed + 1)});
      }
    }
  } else if (job.network.empty()) {
    gemms.push_back({sw::random_int8(job.shape.m, job.shape.k, 1), sw::random_int8(job.shape.k, job.shape.n, 2)});
  } else {
    throw sw::InputError("unknown bench network '" + job.network + "'");
  }
  std::vector<sw::MatrixI32> results;
  WorkerResult r;
  // The rate counts the simulation only: the golden checks come after (the bare loop has none).
  r.seconds = tb::run_array_system(options, [&](tb::ArraySession& s) {
    const double cpu0 = sw::process_cpu_seconds();
    for (const Gemm& g : gemms) results.push_back(s.gemm(g.a, g.b, job.dataflow).c);
    r.cpu_seconds = sw::process_cpu_seconds() - cpu0;
    r.cycles = s.simulated_cycles();
  });
  r.golden = true;
  for (std::size_t i = 0; i < gemms.size(); ++i) {
    r.golden &= results[i] == sw::gemm_ref(gemms[i].a, gemms[i].b);
    r.checksum += checksum(results[i]);
  }
  r.gemms = gemms.size();
  return r;
}

nlohmann::json to_json(const WorkerResult& r) {
  nlohmann::json j;
  j["cycles"] = r.cycles;
  j["seconds"] = r.seconds;
  j["cpu_seconds"] = r.cpu_seconds;
  j["gemms"] = r.gemms;
  j["checksum"] = r.checksum;
  j["golden"] = r.golden ? "pass" : "fail";
  return j;
}

WorkerResult worker_result(const nlohmann::json& j) {
  WorkerResult r;
  r.cycles = j.at("cycles").get<std::uint64_t>();
  r.seconds = j.at("seconds").get<double>();
  r.cpu_seconds = j.at("cpu_seconds").get<double>();
  r.gemms = j.at("gemms").get<std::uint64_t>();
  r.checksum = j.at("checksum").get<std::int64_t>();
  r.golden = j.at("golden") == "pass";
  return r;
}

namespace {

// Runs a worker on `job` and returns its result and resource use.
WorkerResult run_worker(const std::vector<std::string>& prefix, const WorkerJob& job, sw::ChildResult* usage = nullptr) {
  std::vector<std::string> argv = prefix;
  const std::vector<std::string> args = worker_args(job);
  argv.insert(argv.end(), args.begin(), args.end());
  sw::ChildResult r = sw::run_child(argv);
  if (r.exit_code != 0) throw std::runtime_error("bench worker failed (exit " + std::to_string(r.exit_code) + ")");
  if (usage) *usage = r;
  return worker_result(nlohmann::json::parse(r.out));
}

}  // namespace

ArrayBenchRow measure_array(sw::ArrayShape array, sw::Dataflow dataflow, std::uint64_t cycles, int repeat,
                            const std::vector<std::string>& worker_prefix) {
  ArrayBenchRow row;
  row.array = array;
  row.dataflow = dataflow;
  row.repeat = repeat;
  row.shape = bench_shape(array, dataflow, cycles);
  const sw::GemmShape shape = row.shape;
  const sw::MatrixI8 a = sw::random_int8(shape.m, shape.k, 1), b = sw::random_int8(shape.k, shape.n, 2);
  const sw::GemmPlan plan(shape, array, dataflow);
  const RawWorkload w = raw_workload(plan, a, b);
  const std::int64_t expected_sum = checksum(sw::gemm_ref(a, b));
  std::vector<double> raw_cpu_rate, raw_wall_rate, tlm_rate, model_rate;
  WorkerJob job;
  job.array = array;
  job.shape = shape;
  job.dataflow = dataflow;
  // Interleave the three so that machine noise hits them alike.
  for (int i = 0; i < repeat; ++i) {
    const RawResult r = run_raw_loop(w);
    row.raw_cycles = r.cycles;
    raw_cpu_rate.push_back(static_cast<double>(r.cycles) / r.cpu_seconds);
    raw_wall_rate.push_back(static_cast<double>(r.cycles) / r.seconds);
    row.golden &= r.checksum == expected_sum;
    const WorkerResult t = run_worker(worker_prefix, job);
    row.tlm_cycles = t.cycles;
    tlm_rate.push_back(static_cast<double>(t.cycles) / t.cpu_seconds);
    row.golden &= t.golden && t.checksum == expected_sum;
    // The reference model on the same beats (pin-level driver, no SystemC).
    ref::DutOptions model_options;
    model_options.engine = ref::Engine::kModel;
    auto model = tb::make_array_dut(array.rows, array.cols, model_options);
    const double cpu0 = sw::process_cpu_seconds();
    const ref::PinGemmResult mr = ref::run_gemm_on_pins(*model, plan, a, b);
    const double cpu = sw::process_cpu_seconds() - cpu0;
    row.model_cycles = model->cycle();
    model_rate.push_back(static_cast<double>(row.model_cycles) / cpu);
    row.golden &= checksum(mr.c) == expected_sum;
  }
  row.raw_cpu_rate = sw::median(raw_cpu_rate);
  row.raw_wall_rate = sw::median(raw_wall_rate);
  row.tlm_rate = sw::median(tlm_rate);
  row.model_rate = sw::median(model_rate);
  return row;
}

nlohmann::json to_json(const ArrayBenchRow& r) {
  const std::string name = std::to_string(r.array.rows) + "x" + std::to_string(r.array.cols);
  return {{"array", name}, {"dataflow", sw::dataflow_name(r.dataflow)}, {"m", r.shape.m}, {"k", r.shape.k},
          {"n", r.shape.n}, {"raw_cycles", r.raw_cycles}, {"tlm_cycles", r.tlm_cycles},
          {"raw_cycles_per_cpu_second", r.raw_cpu_rate}, {"raw_cycles_per_second", r.raw_wall_rate},
          {"tlm_cycles_per_cpu_second", r.tlm_rate}, {"ratio", r.tlm_rate / r.raw_cpu_rate}, {"model_cycles", r.model_cycles},
          {"model_cycles_per_cpu_second", r.model_rate}, {"model_ratio", r.model_rate / r.raw_cpu_rate},
          {"repeat", r.repeat}, {"golden", r.golden ? "pass" : "fail"}};
}

NetworkBenchRow measure_network(ref::Engine engine, int repeat, const std::vector<std::string>& worker_prefix) {
  NetworkBenchRow row;
  row.engine = engine;
  row.repeat = repeat;
  WorkerJob job;
  job.array = {16, 16};
  job.dataflow = sw::Dataflow::kOutputStationary;
  job.engine = engine;
  job.network = "bert-encoder";
  std::vector<double> wall, cpu, rss;
  WorkerResult last;
  for (int i = 0; i < repeat; ++i) {
    sw::ChildResult usage;
    last = run_worker(worker_prefix, job, &usage);
    wall.push_back(usage.wall_seconds);
    cpu.push_back(usage.cpu_seconds);
    rss.push_back(static_cast<double>(usage.max_rss_kb) / 1024.0);
  }
  row.gemms = last.gemms;
  row.cycles = last.cycles;
  row.golden = last.golden;
  row.wall_seconds = sw::median(wall);
  row.cpu_seconds = sw::median(cpu);
  row.peak_rss_mb = sw::median(rss);
  return row;
}

nlohmann::json to_json(const NetworkBenchRow& r) {
  return {{"network", "bert-base-encoder-seq128"}, {"rows", 16}, {"cols", 16}, {"dataflow", "os"},
          {"engine", ref::engine_name(r.engine)}, {"gemms", r.gemms}, {"cycles", r.cycles},
          {"wall_seconds", r.wall_seconds}, {"cpu_seconds", r.cpu_seconds}, {"peak_rss_mb", r.peak_rss_mb},
          {"repeat", r.repeat}, {"golden", r.golden ? "pass" : "fail"}};
}

}  // namespace wb::bench
