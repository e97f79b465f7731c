// waferbench train: training steps of an int8 MLP on N array systems behind a weight store and
// a broadcast/reduce tree, with weights streamed into double-buffered weight buffers.
// Per layer: compute, stream and exposed cycles, bytes per tier, link utilisation; per step: time,
// speedup against one system and scaling efficiency. --sweep-bw runs the step at several ingress
// bandwidths and prints the achieved throughput next to the roofline min(peak, BW x intensity).
//
// SystemC elaborates once per process: the one-system baseline and the sweep points run as
// worker processes of this executable (`train ... --worker` prints the JSON on stdout).
#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "models/weight_streamer.hpp"
#include "sw/child_process.hpp"
#include "sw/error.hpp"
#include "sw/host_memory.hpp"
#include "sw/report.hpp"
#include "sw/training.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"
#include "tb/training_system.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

nlohmann::json to_json(const tb::LayerTrainStats& l) {
  nlohmann::json j;
  j["name"] = l.name;
  j["in"] = l.in;
  j["out"] = l.out;
  j["tier"] = l.tier;
  j["chunks"] = l.chunks;
  j["fwd_cycles"] = l.fwd_cycles;
  j["bwd_cycles"] = l.bwd_cycles;
  j["compute_cycles"] = l.fwd_cycles + l.bwd_cycles;
  j["stream_cycles"] = l.stream_cycles;
  j["exposed_cycles"] = l.exposed_cycles;
  j["weight_bytes"] = l.weight_bytes;
  j["dram_bytes"] = l.tier == "dram" ? l.weight_bytes : 0;
  j["flash_bytes"] = l.tier == "flash" ? l.weight_bytes : 0;
  j["grad_bytes"] = l.grad_bytes;
  j["link_utilization"] = l.link_utilization();
  j["golden"] = l.golden_pass ? "pass" : "fail";
  return j;
}

nlohmann::json to_json(const tb::TrainOptions& o, const tb::TrainResult& r) {
  nlohmann::json j;
  j["target"] = "systolic";
  j["command"] = "train";
  j["model"] = o.spec.text();
  j["batch"] = o.batch;
  j["systems"] = o.systems;
  j["steps"] = o.steps;
  j["rows"] = o.system.array.rows;
  j["cols"] = o.system.array.cols;
  j["ingress_bw"] = o.ingress_bw;
  j["weight_buffer_bytes"] = o.weight_buffer_bytes;
  j["act_mem_bytes"] = o.act_mem_bytes;
  j["grad_chunks"] = o.grad_chunks;
  j["layers"] = nlohmann::json::array();
  for (const auto& l : r.layers) j["layers"].push_back(to_json(l));
  j["step_end"] = r.step_end;
  j["cycles"] = r.cycles;
  j["step_cycles"] = r.step_cycles();
  j["exposed_cycles"] = r.exposed_cycles;
  j["exposed_fraction"] = r.cycles > 0 ? r.exposed_cycles / r.cycles : 0.0;
  j["macs"] = r.macs;
  // Per system: each receives every weight byte and sends a full int32 gradient of every layer
  // up its (full-duplex) link; the batch, and the MACs, split over the systems. The busier
  // direction bounds the step: bytes = max(down, up).
  const double sys_macs = static_cast<double>(r.macs) / o.systems;
  const double down = static_cast<double>(r.dram_bytes_read + r.flash_bytes_read);
  const double up = static_cast<double>(r.dram_grad_bytes + r.flash_grad_bytes);
  const double bytes = std::max(down, up);
  j["link_bytes_down_per_system"] = down;
  j["link_bytes_up_per_system"] = up;
  const double peak = static_cast<double>(o.system.array.rows) * o.system.array.cols;
  const double intensity = bytes > 0 ? sys_macs / bytes : 0.0;
  j["macs_per_cycle_per_system"] = r.cycles > 0 ? sys_macs / r.cycles : 0.0;
  j["peak_macs_per_cycle_per_system"] = peak;
  j["operational_intensity"] = intensity;  // MACs per byte on the system's busier link direction
  j["roofline_macs_per_cycle_per_system"] = std::min(peak, o.ingress_bw * intensity);
  j["dram_bytes_read"] = r.dram_bytes_read;
  j["flash_bytes_read"] = r.flash_bytes_read;
  j["dram_grad_bytes"] = r.dram_grad_bytes;
  j["flash_grad_bytes"] = r.flash_grad_bytes;
  j["leaf_link_utilization"] = r.leaf_link_utilization;
  j["golden"] = r.golden_pass ? "pass" : "fail";
  sw::put_sim_speed(j, r.sim_seconds, r.sim_cycles);
  return j;
}

// The original arguments without the ones a worker gets anew.
std::vector<std::string> worker_args(int argc, char** argv, const std::vector<std::string>& drop,
                                     const po::options_description& desc) {
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string name = a.rfind("--", 0) == 0 ? a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2) : "";
    bool skip = false;
    for (const auto& d : drop) skip |= name == d;
    const po::option_description* od = name.empty() ? nullptr : desc.find_nothrow(name, false);
    const bool takes_value = od != nullptr && od->semantic()->max_tokens() > 0 && a.find('=') == std::string::npos;
    if (!skip) out.push_back(a);
    if (takes_value && i + 1 < argc) {
      if (!skip) out.push_back(argv[i + 1]);
      ++i;
    }
  }
  return out;
}

// Runs `waferbench train <args> --worker` (an argument vector: no shell) and returns its JSON.
nlohmann::json run_worker(std::vector<std::string> args) {
  args.insert(args.begin(), {self_exe(), "train"});
  args.push_back("--worker");
  const sw::ChildResult r = sw::run_child(args);
  if (r.exit_code != 0) throw std::runtime_error("train worker failed (exit " + std::to_string(r.exit_code) + ")");
  return nlohmann::json::parse(r.out);
}

std::string pct(double v) { return sw::fixed(100.0 * v, 1); }

}  // namespace

int train_command(int argc, char** argv) {
  SystemArgs sys;
  std::string model = "mlp:256x256x256";
  int batch = 64, systems = 1, steps = 1, fan_out = 2, lr_shift = 12, grad_chunks = 4;
  tb::TrainOptions o;
  double ingress_bw = 16.0, store_bw = 256.0;
  long long hop_latency = 4, weight_buffer = 64 * 1024, act_mem = 4 * 1024 * 1024, dram_bytes = 64 << 20;
  bool sweep = false, worker = false, no_baseline = false;
  po::options_description desc("waferbench train options");
  desc.add_options()("help", "show this help")
      ("model", po::value(&model)->default_value(model), "network: mlp:IN x H1 x ... x OUT")
      ("batch", po::value(&batch)->default_value(batch), "whole batch, split evenly over the systems")
      ("systems", po::value(&systems)->default_value(systems), "data-parallel systems N, each an array (RTL: up to 64, --engine model: up to 192)")
      ("steps", po::value(&steps)->default_value(steps), "training steps")
      ("ingress-bw", po::value(&ingress_bw)->default_value(ingress_bw), "bytes/cycle of each tree link (a system's ingress)")
      ("fan-out", po::value(&fan_out)->default_value(fan_out), "fan-out of the broadcast/reduce tree")
      ("hop-latency", po::value(&hop_latency)->default_value(hop_latency), "cycles per tree hop")
      ("store-bw", po::value(&store_bw)->default_value(store_bw), "weight store DRAM tier bytes/cycle (flash: 8)")
      ("dram-bytes", po::value(&dram_bytes)->default_value(dram_bytes), "weight store DRAM capacity; later layers go to flash")
      ("weight-buffer", po::value(&weight_buffer)->default_value(weight_buffer), "on-chip weight buffer bytes (two halves)")
      ("grad-chunks", po::value(&grad_chunks)->default_value(grad_chunks), "row blocks of each layer's dW, each sent up the tree as soon as it is computed")
      ("act-mem", po::value(&act_mem)->default_value(act_mem), "on-chip activation memory bytes per system")
      ("lr-shift", po::value(&lr_shift)->default_value(lr_shift), "SGD learning rate 2^-S")
      ("fwd-shift", po::value(&o.shifts.fwd_shift)->default_value(o.shifts.fwd_shift), "fixed requantisation shift of Y")
      ("bwd-shift", po::value(&o.shifts.bwd_shift)->default_value(o.shifts.bwd_shift), "fixed requantisation shift of dX")
      ("sweep-bw", po::bool_switch(&sweep), "run at ingress bandwidths 1, 2, 4, ... 256 against the roofline")
      ("no-baseline", po::bool_switch(&no_baseline), "skip the one-system run (no speedup)")
      ("worker", po::bool_switch(&worker), "internal: print the JSON on stdout only");
  add_system_options(desc, sys);
  po::variables_map given;
  if (!parse_command_line(argc, argv, desc, "usage: waferbench train [options]", &given)) return 0;

  reject_given(given, {"trace"}, "train (N arrays; trace a gemm instead)");
  if (sys.dataflow != "ws") throw sw::InputError("--dataflow must be ws for train (the streamed weights are stationary)");
  o.spec = sw::parse_mlp(model);
  if (batch <= 0 || batch > 1000000) throw sw::InputError("--batch must be in [1, 1000000]");
  // Each system is a simulated array: the C++ model makes hundreds of them affordable.
  const int max_systems = ref::parse_engine(sys.engine) == ref::Engine::kModel ? 192 : 64;
  if (systems < 1 || systems > max_systems) {
    throw sw::InputError("--systems must be in [1, " + std::to_string(max_systems) + "] with --engine " + sys.engine);
  }
  if (batch % systems != 0) {
    throw sw::InputError("--batch " + std::to_string(batch) + " does not split evenly over " + std::to_string(systems) + " systems");
  }
  if (steps < 1 || steps > 100) throw sw::InputError("--steps must be in [1, 100]");
  if (!(ingress_bw > 0.0) || ingress_bw > 1e6) throw sw::InputError("--ingress-bw must be in (0, 1e6] bytes per cycle");
  if (!(store_bw > 0.0) || store_bw > 1e6) throw sw::InputError("--store-bw must be in (0, 1e6] bytes per cycle");
  if (fan_out < 2 || fan_out > 64) throw sw::InputError("--fan-out must be in [2, 64]");
  if (hop_latency < 0 || hop_latency > 100000) throw sw::InputError("--hop-latency must be in [0, 100000]");
  if (weight_buffer < 2 || weight_buffer > (1ll << 30)) throw sw::InputError("--weight-buffer must be in [2, 2^30] bytes");
  if (grad_chunks < 1 || grad_chunks > 4096) throw sw::InputError("--grad-chunks must be in [1, 4096]");
  if (act_mem < 1 || act_mem > (1ll << 32)) throw sw::InputError("--act-mem must be in [1, 2^32] bytes");
  if (dram_bytes < 0 || dram_bytes > (1ll << 34)) throw sw::InputError("--dram-bytes must be in [0, 2^34]");
  if (lr_shift < 0 || lr_shift > 32) throw sw::InputError("--lr-shift must be in [0, 32]");
  if (o.shifts.fwd_shift < 0 || o.shifts.fwd_shift > 31 || o.shifts.bwd_shift < 0 || o.shifts.bwd_shift > 31) {
    throw sw::InputError("--fwd-shift and --bwd-shift must be in [0, 31]");
  }
  o.system = to_system_options(sys);
  o.batch = batch;
  o.systems = systems;
  o.steps = steps;
  o.ingress_bw = ingress_bw;
  o.fan_out = fan_out;
  o.hop_latency = static_cast<std::uint64_t>(hop_latency);
  o.weight_buffer_bytes = static_cast<std::size_t>(weight_buffer);
  o.act_mem_bytes = static_cast<std::size_t>(act_mem);
  o.grad_chunks = grad_chunks;
  o.store.dram = models::TierConfig{static_cast<std::size_t>(dram_bytes), store_bw, 20};
  o.store.flash = models::TierConfig{std::size_t{1} << 32, 8.0, 200};
  o.store.sgd.lr_num = 1;
  o.store.sgd.lr_shift = lr_shift;
  std::size_t total_weights = 0;
  for (int l = 0; l < o.spec.layers(); ++l) total_weights += static_cast<std::size_t>(o.spec.widths[l]) * o.spec.widths[l + 1];
  if (total_weights > o.store.dram.capacity_bytes + o.store.flash.capacity_bytes) {
    throw sw::InputError("the model's " + std::to_string(total_weights) + " weight bytes do not fit the weight store");
  }
  // Every size check before any simulation (the workers would fail later otherwise).
  for (int l = 1; l <= o.spec.layers(); ++l) models::rows_per_chunk(o.spec.widths[l], o.weight_buffer_bytes / 2);
  sw::check_host_memory(sw::train_host_bytes(o.spec, batch), "model " + o.spec.text());
  check_bandwidth(static_cast<double>(total_weights) * steps, ingress_bw, "--ingress-bw", "the weights");
  check_bandwidth(static_cast<double>(total_weights) * steps, store_bw, "--store-bw", "the weights");
  const sw::TrainData data = sw::make_train_data(o.spec, batch, sys.seed);

  if (sweep) {
    const std::vector<std::string> base = worker_args(argc, argv, {"ingress-bw", "json", "sweep-bw", "no-baseline"}, desc);
    std::vector<std::vector<std::string>> table{
        {"ingress B/cycle", "step cycles", "exposed %", "MACs/cycle", "roofline", "peak", "bound"}};
    nlohmann::json points = nlohmann::json::array();
    double intensity = 0.0;
    for (double bw = 1; bw <= 256; bw *= 2) {
      std::vector<std::string> args = base;
      std::ostringstream value;
      value << bw;
      args.insert(args.end(), {"--ingress-bw", value.str()});
      nlohmann::json p = run_worker(args);
      const double achieved = p["macs_per_cycle_per_system"], roof = p["roofline_macs_per_cycle_per_system"];
      const double peak = p["peak_macs_per_cycle_per_system"];
      intensity = p["operational_intensity"];
      table.push_back({sw::fixed(bw, 0), sw::fixed(p["step_cycles"].get<double>(), 0),
                       pct(p["exposed_fraction"].get<double>()), sw::fixed(achieved, 2), sw::fixed(roof, 2),
                       sw::fixed(peak, 0), bw * intensity < peak ? "bandwidth" : "compute"});
      points.push_back(p);
    }
    const double peak = static_cast<double>(o.system.array.rows) * o.system.array.cols;
    std::cout << "waferbench train --sweep-bw: " << o.spec.text() << ", batch " << batch << ", " << systems
              << (systems == 1 ? " system" : " systems") << ", " << o.system.array.rows << "x" << o.system.array.cols
              << " arrays\noperational intensity " << sw::fixed(intensity, 2)
              << " MACs per link byte (max of weights down, int32 gradients up); roofline crossover at " << sw::fixed(intensity > 0 ? peak / intensity : 0, 1)
              << " B/cycle\n\n"
              << sw::format_table(table);
    bool pass = true;
    for (const auto& p : points) pass &= p["golden"] == "pass";
    if (!sys.json.empty()) {
      nlohmann::json j;
      j["command"] = "train";
      j["model"] = o.spec.text();
      j["systems"] = systems;
      j["operational_intensity"] = intensity;
      j["crossover_bw"] = intensity > 0 ? peak / intensity : 0.0;
      j["sweep"] = points;
      sw::write_json_file(sys.json, j);
    }
    return pass ? 0 : 1;
  }

  nlohmann::json baseline;
  if (!worker && !no_baseline && systems > 1) {
    std::vector<std::string> args = worker_args(argc, argv, {"systems", "json", "no-baseline"}, desc);
    args.insert(args.end(), {"--systems", "1"});
    baseline = run_worker(args);
  }
  const tb::TrainResult r = tb::run_training(o, data);
  nlohmann::json j = to_json(o, r);
  const double step = r.step_cycles();
  const double base_step = systems == 1 ? step : baseline.is_null() ? 0.0 : baseline["step_cycles"].get<double>();
  if (base_step > 0 && step > 0) {
    j["baseline_step_cycles"] = base_step;
    j["speedup"] = base_step / step;
    j["scaling_efficiency"] = base_step / step / systems;
  }
  if (worker) {
    std::cout << j.dump() << "\n";
    return r.golden_pass ? 0 : 1;
  }

  std::vector<std::vector<std::string>> table{{"layer", "in x out", "tier", "chunks", "fwd cyc", "bwd cyc", "stream cyc",
                                               "exposed", "weight MB", "grad MB", "link util %", "golden"}};
  std::uint64_t fwd = 0, bwd = 0, wbytes = 0, gbytes = 0;
  double stream = 0;
  for (const auto& l : r.layers) {
    table.push_back({l.name, std::to_string(l.in) + "x" + std::to_string(l.out), l.tier, std::to_string(l.chunks),
                     std::to_string(l.fwd_cycles), std::to_string(l.bwd_cycles), sw::fixed(l.stream_cycles, 0),
                     sw::fixed(l.exposed_cycles, 0), sw::fixed(l.weight_bytes / 1e6, 3), sw::fixed(l.grad_bytes / 1e6, 3),
                     pct(l.link_utilization()), l.golden_pass ? "pass" : "FAIL"});
    fwd += l.fwd_cycles;
    bwd += l.bwd_cycles;
    stream += l.stream_cycles;
    wbytes += l.weight_bytes;
    gbytes += l.grad_bytes;
  }
  table.push_back({"total", "", "", "", std::to_string(fwd), std::to_string(bwd), sw::fixed(stream, 0),
                   sw::fixed(r.exposed_cycles, 0), sw::fixed(wbytes / 1e6, 3), sw::fixed(gbytes / 1e6, 3),
                   pct(r.leaf_link_utilization), r.golden_pass ? "pass" : "FAIL"});
  std::cout << "waferbench train: " << o.spec.text() << ", batch " << batch << " (" << batch / systems
            << " per system), " << systems << (systems == 1 ? " system" : " systems") << " of " << o.system.array.rows
            << "x" << o.system.array.cols << ", ingress " << sw::fixed(ingress_bw, 1) << " B/cycle, weight buffer "
            << o.weight_buffer_bytes << " B, " << steps << (steps == 1 ? " step" : " steps") << "\n\n"
            << sw::format_table(table) << "\n"
            << "step: " << sw::fixed(step, 0) << " cycles, exposed stream " << pct(j["exposed_fraction"].get<double>())
            << " % of it; " << sw::fixed(j["macs_per_cycle_per_system"].get<double>(), 2) << " MACs/cycle per system (roofline "
            << sw::fixed(j["roofline_macs_per_cycle_per_system"].get<double>(), 2) << ", peak "
            << o.system.array.rows * o.system.array.cols << ")\n";
  if (systems > 1 && j.contains("speedup")) {
    std::cout << "scaling: 1 system " << sw::fixed(base_step, 0) << " cycles/step, " << systems << ": speedup "
              << sw::fixed(j["speedup"].get<double>(), 2) << ", efficiency " << pct(j["scaling_efficiency"].get<double>())
              << " %\n";
  }
  std::cout << "store: DRAM " << sw::fixed(r.dram_bytes_read / 1e6, 3) << " MB read, " << sw::fixed(r.dram_grad_bytes / 1e6, 3)
            << " MB gradients; flash " << sw::fixed(r.flash_bytes_read / 1e6, 3) << " MB read, "
            << sw::fixed(r.flash_grad_bytes / 1e6, 3) << " MB gradients\n"
            << "simulated " << r.sim_cycles << " cycles in " << sw::fixed(r.sim_seconds, 3) << " s\n";
  if (!r.golden_pass) std::cerr << "waferbench: golden check failed\n";
  if (!sys.json.empty()) sw::write_json_file(sys.json, j);
  return r.golden_pass ? 0 : 1;
}

}  // namespace wb::cli
