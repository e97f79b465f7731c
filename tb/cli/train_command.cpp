// SPDX-License-Identifier: Apache-2.0
// waferbench train: training steps of an int8 MLP on N array systems behind a weight store and
// a broadcast/reduce tree, with weights streamed into double-buffered weight buffers
// (tb/training_system.hpp). Per layer: compute, stream and exposed cycles, bytes per tier, link
// utilisation; per step: time, loss, speedup against one system and scaling efficiency.
// --sweep-bw runs the step at several ingress bandwidths and prints the achieved throughput next
// to the roofline min(peak, BW x intensity).
//
// SystemC elaborates once per process: the one-system baseline and the sweep points run as
// worker processes of this executable (`train ... --worker` prints the JSON on stdout), the
// baseline beside this process's own run, the sweep points up to one per core.
#include <future>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "sw/child_process.hpp"
#include "sw/error.hpp"
#include "sw/report.hpp"
#include "sw/report_plots.hpp"
#include "sw/roofline.hpp"
#include "sw/training.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"
#include "tb/layer_records.hpp"
#include "tb/training_system.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

// The ingress bandwidths of --sweep-bw, bytes/cycle.
const std::vector<double> kSweepBandwidths{1, 2, 4, 8, 16, 32, 64, 128, 256};

struct TrainArgs {
  SystemArgs sys;
  ReportArgs report;
  std::string model = "mlp:256x256x256";
  int batch = 64, systems = 1, steps = 1, fan_out = 2, lr_shift = 12, grad_chunks = 4;
  double ingress_bw = 16.0, store_bw = 256.0;
  long long hop_latency = 4, weight_buffer = 64 * 1024, act_mem = 4 * 1024 * 1024, dram_bytes = 64 << 20;
  sw::TrainShifts shifts;
  bool sweep = false, worker = false, no_baseline = false;
  po::variables_map given;

  void describe(po::options_description& desc);
  // The library's options from the arguments (values unchecked: validate() checks them).
  tb::TrainOptions train_options() const;
  // The one check of the command line: the options this command rejects, then the library's
  // limits (TrainOptions::validate, the host memory included) for this run, the one-system
  // baseline and every sweep point, and the bandwidths against the weights they stream, so that
  // no worker process fails on its input. Throws sw::InputError.
  void validate() const;
  bool runs_baseline() const { return systems > 1 && !no_baseline && !sweep && !worker; }
};

void TrainArgs::describe(po::options_description& desc) {
  using L = tb::TrainLimits;
  const std::string systems_help = "data-parallel systems N, each an array (RTL: up to " +
                                   std::to_string(L::kMaxSystemsRtl) + ", --engine model: up to " +
                                   std::to_string(L::kMaxSystemsModel) + ")";
  desc.add_options()("help", "show this help")
      ("model", po::value(&model)->default_value(model), "network: mlp:IN x H1 x ... x OUT")
      ("batch", po::value(&batch)->default_value(batch), "whole batch, split evenly over the systems")
      ("systems", po::value(&systems)->default_value(systems), systems_help.c_str())
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
      ("fwd-shift", po::value(&shifts.fwd_shift)->default_value(shifts.fwd_shift), "fixed requantisation shift of Y")
      ("bwd-shift", po::value(&shifts.bwd_shift)->default_value(shifts.bwd_shift), "fixed requantisation shift of dX")
      ("sweep-bw", po::bool_switch(&sweep), "run at ingress bandwidths 1, 2, 4, ... 256 against the roofline")
      ("no-baseline", po::bool_switch(&no_baseline), "skip the one-system run (no speedup)")
      ("worker", po::bool_switch(&worker), "internal: print the JSON on stdout only");
  add_system_options(desc, sys, {"dataflow", "trace"});  // N streamed WS arrays, no waveform
  add_report_options(desc, report);
}

tb::TrainOptions TrainArgs::train_options() const {
  tb::TrainOptions o;
  o.spec = sw::parse_mlp(model);
  o.system = to_system_options(sys);
  o.batch = batch;
  o.systems = systems;
  o.steps = steps;
  o.ingress_bw = ingress_bw;
  o.fan_out = fan_out;
  // Negative values wrap to huge ones, which validate() rejects with the option's range.
  o.hop_latency = static_cast<std::uint64_t>(hop_latency);
  o.weight_buffer_bytes = static_cast<std::size_t>(weight_buffer);
  o.act_mem_bytes = static_cast<std::size_t>(act_mem);
  o.grad_chunks = grad_chunks;
  o.shifts = shifts;
  o.store.dram = models::TierConfig{static_cast<std::size_t>(dram_bytes), store_bw, 20};
  o.store.flash = models::TierConfig{std::size_t{1} << 32, 8.0, 200};
  o.store.sgd.lr_num = 1;
  o.store.sgd.lr_shift = lr_shift;
  return o;
}

void TrainArgs::validate() const {
  tb::TrainOptions o = train_options();  // also checks the array options
  o.validate();
  double weights = 0;
  for (int l = 0; l < o.spec.layers(); ++l) weights += static_cast<double>(o.spec.widths[l]) * o.spec.widths[l + 1];
  const double streamed = weights * steps;
  if (!sweep) check_bandwidth(streamed, ingress_bw, "--ingress-bw", "the weights");  // a sweep's below
  check_bandwidth(streamed, store_bw, "--store-bw", "the weights");
  if (runs_baseline()) {
    // The baseline runs the whole batch on one system, in the same activation memory.
    const std::size_t need = tb::activation_bytes(o.spec, batch);
    if (need > o.act_mem_bytes) {
      throw sw::InputError("the one-system baseline holds all " + std::to_string(batch) + " samples and needs " +
                           std::to_string(need) + " bytes of activation memory, more than --act-mem " +
                           std::to_string(o.act_mem_bytes) + ": raise --act-mem to " + std::to_string(need) +
                           " or pass --no-baseline");
    }
    tb::TrainOptions base = o;
    base.systems = 1;
    base.validate();
  }
  if (sweep) {
    for (double bw : kSweepBandwidths) {
      o.ingress_bw = bw;
      o.validate();
      check_bandwidth(streamed, bw, "--ingress-bw", "the weights");
    }
  }
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

// `waferbench train <args> --worker`, as an argument vector (no shell).
std::vector<std::string> worker_command(std::vector<std::string> args) {
  args.insert(args.begin(), {self_exe(), "train"});
  args.push_back("--worker");
  return args;
}

nlohmann::json worker_json(const sw::ChildResult& r) {
  if (r.exit_code != 0) throw std::runtime_error("train worker failed (exit " + std::to_string(r.exit_code) + ")");
  return nlohmann::json::parse(r.out);
}

std::string pct(double v) { return sw::fixed(100.0 * v, 1); }

std::string loss_list(const nlohmann::json& loss) {
  std::string s;
  for (const auto& v : loss) s += (s.empty() ? "" : ", ") + sw::fixed(v.get<double>(), 2);
  return s;
}

// What a report says about the run: N arrays behind the store and the tree; its roofline is a
// system's R x C MACs per cycle under its ingress link.
sw::RunInfo train_info(const TrainArgs& a, const tb::TrainOptions& o, const std::string& what) {
  sw::RunInfo info = array_run_info(o.system, "ws", what);
  info.title += ", " + std::to_string(a.systems) + (a.systems == 1 ? " system" : " systems");
  info.hardware.push_back({"systems", std::to_string(a.systems) + " data-parallel, batch " + std::to_string(a.batch / a.systems) + " each"});
  info.hardware.push_back({"weight streaming", sw::fixed(a.ingress_bw, 1) + " B/cycle per tree link, fan-out " +
                                                   std::to_string(a.fan_out) + ", " + std::to_string(a.hop_latency) +
                                                   " cycles per hop, weight buffer " + std::to_string(a.weight_buffer) + " B"});
  info.hardware.push_back({"weight store", "DRAM " + sw::fixed(a.store_bw, 1) + " B/cycle, flash 8 B/cycle"});
  info.bandwidth_bytes_per_cycle = a.ingress_bw;
  info.bandwidth_name = "system's tree link";
  return info;
}

// The points of --sweep-bw, run side by side as workers; printed and returned in sweep order.
int run_sweep(const TrainArgs& a, const tb::TrainOptions& o, const std::vector<std::string>& base, RunOutputs& outputs) {
  std::vector<std::vector<std::string>> commands;
  for (double bw : kSweepBandwidths) {
    std::vector<std::string> args = base;
    std::ostringstream value;
    value << bw;
    args.insert(args.end(), {"--ingress-bw", value.str()});
    commands.push_back(worker_command(args));
  }
  const std::vector<sw::ChildResult> results = sw::run_children(commands, sw::available_cores());
  std::vector<std::vector<std::string>> table{
      {"ingress B/cycle", "step cycles", "exposed %", "MACs/cycle", "roofline", "peak", "bound"}};
  nlohmann::json points = nlohmann::json::array();
  std::vector<sw::LayerRecord> records;  // one per point: its layers' total
  std::vector<double> achieved, roofline;
  const double peak = static_cast<double>(o.system.array.rows) * o.system.array.cols;
  sw::Roofline roof{peak, 0.0};
  bool pass = true;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const double bw = kSweepBandwidths[i];
    nlohmann::json p = worker_json(results[i]);
    roof.intensity = p["operational_intensity"];
    table.push_back({sw::fixed(bw, 0), sw::fixed(p["step_cycles"].get<double>(), 0),
                     pct(p["exposed_fraction"].get<double>()), sw::fixed(p["macs_per_cycle_per_system"].get<double>(), 2),
                     sw::fixed(p["roofline_macs_per_cycle_per_system"].get<double>(), 2),
                     sw::fixed(p["peak_macs_per_cycle_per_system"].get<double>(), 0),
                     roof.bandwidth_bound(bw) ? "bandwidth" : "compute"});
    pass &= p["golden"] == "pass";
    std::vector<sw::LayerRecord> layers;
    for (const auto& r : p["records"]) layers.push_back(sw::record_from_json(r));
    records.push_back(sw::total_of(layers, "bw " + sw::fixed(bw, 0)));
    achieved.push_back(p["macs_per_cycle_per_system"].get<double>());
    roofline.push_back(p["roofline_macs_per_cycle_per_system"].get<double>());
    points.push_back(std::move(p));
  }
  std::cout << "waferbench train --sweep-bw: " << o.spec.text() << ", batch " << a.batch << ", " << a.systems
            << (a.systems == 1 ? " system" : " systems") << ", " << o.system.array.rows << "x" << o.system.array.cols
            << " arrays\noperational intensity " << sw::fixed(roof.intensity, 2)
            << " MACs per link byte (max of weights down, int32 gradients up); roofline crossover at "
            << sw::fixed(roof.crossover_bandwidth(), 1) << " B/cycle\n\n"
            << sw::format_table(table);
  outputs.add_energy(records);
  nlohmann::json j;
  j["command"] = "train";
  j["model"] = o.spec.text();
  j["systems"] = a.systems;
  j["operational_intensity"] = roof.intensity;
  j["crossover_bw"] = roof.crossover_bandwidth();
  j["sweep"] = points;
  sw::put_records(j, records);
  outputs.write_json(j);
  sw::RunInfo info = train_info(a, o, "train --sweep-bw " + o.spec.text());
  info.summary.push_back("Operational intensity " + sw::fixed(roof.intensity, 2) +
                         " MACs per link byte; the roofline's crossover is at " + sw::fixed(roof.crossover_bandwidth(), 1) +
                         " B/cycle.");
  std::vector<sw::HtmlPlot> plots;
  if (outputs.wants_report()) {
    plots.push_back(sw::page_plot("bandwidth_sweep.svg", sw::bandwidth_sweep_plot(kSweepBandwidths, achieved, roofline, peak),
                                  "Measured MACs per cycle per system at each ingress bandwidth, under the roofline."));
  }
  outputs.write_records(records, info, j, plots, {{"Bandwidth sweep", table, ""}});
  outputs.commit();
  return pass ? 0 : 1;
}

void print_run(const TrainArgs& a, const tb::TrainOptions& o, const tb::TrainResult& r, const nlohmann::json& j) {
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
  std::cout << "waferbench train: " << o.spec.text() << ", batch " << a.batch << " (" << a.batch / a.systems
            << " per system), " << a.systems << (a.systems == 1 ? " system" : " systems") << " of " << o.system.array.rows
            << "x" << o.system.array.cols << ", ingress " << sw::fixed(a.ingress_bw, 1) << " B/cycle, weight buffer "
            << o.weight_buffer_bytes << " B, " << a.steps << (a.steps == 1 ? " step" : " steps") << "\n\n"
            << sw::format_table(table) << "\n"
            << "step: " << sw::fixed(r.step_cycles(), 0) << " cycles, exposed stream " << pct(j["exposed_fraction"].get<double>())
            << " % of it; " << sw::fixed(j["macs_per_cycle_per_system"].get<double>(), 2) << " MACs/cycle per system (roofline "
            << sw::fixed(j["roofline_macs_per_cycle_per_system"].get<double>(), 2) << ", peak "
            << o.system.array.rows * o.system.array.cols << ")\n";
  if (a.systems > 1 && j.contains("speedup")) {
    std::cout << "scaling: 1 system " << sw::fixed(j["baseline_step_cycles"].get<double>(), 0) << " cycles/step, "
              << a.systems << ": speedup " << sw::fixed(j["speedup"].get<double>(), 2) << ", efficiency "
              << pct(j["scaling_efficiency"].get<double>()) << " %\n";
  }
  std::cout << "store: DRAM " << sw::fixed(r.dram_bytes_read / 1e6, 3) << " MB read, " << sw::fixed(r.dram_grad_bytes / 1e6, 3)
            << " MB gradients; flash " << sw::fixed(r.flash_bytes_read / 1e6, 3) << " MB read, "
            << sw::fixed(r.flash_grad_bytes / 1e6, 3) << " MB gradients\n"
            << "loss (mean squared error) per step: " << loss_list(j["loss"]) << "; final weights FNV-1a 64 "
            << j["weights_fnv1a64"].get<std::string>() << "\n"
            << "simulated " << r.sim_cycles << " cycles in " << sw::fixed(r.sim_seconds, 3) << " s\n";
}

}  // namespace

int train_command(int argc, char** argv) {
  TrainArgs a;
  po::options_description desc("waferbench train options");
  a.describe(desc);
  if (!parse_command_line(argc, argv, desc, "usage: waferbench train [options]", &a.given)) return 0;
  a.validate();
  const tb::TrainOptions o = a.train_options();
  // Written together at the end, or not at all; a worker writes nothing but its stdout.
  RunOutputs outputs("", a.worker ? "" : a.sys.json, {}, a.worker ? ReportArgs{} : a.report);
  const std::vector<std::string> report_options{"json", "csv", "scalesim-csv", "report"};
  const auto without = [&](std::vector<std::string> drop) {
    drop.insert(drop.end(), report_options.begin(), report_options.end());
    return worker_args(argc, argv, drop, desc);
  };
  if (a.sweep) return run_sweep(a, o, without({"ingress-bw", "sweep-bw", "no-baseline"}), outputs);

  // The baseline's worker runs beside this process's own simulation.
  std::future<sw::ChildResult> baseline;
  if (a.runs_baseline()) {
    std::vector<std::string> args = without({"systems", "no-baseline"});
    args.insert(args.end(), {"--systems", "1"});
    baseline = std::async(std::launch::async, [cmd = worker_command(args)] { return sw::run_child(cmd); });
  }
  const tb::TrainResult r = tb::run_training(o, sw::make_train_data(o.spec, a.batch, a.sys.seed));
  nlohmann::json j = tb::to_json(o, r);
  const double step = r.step_cycles();
  const double base_step = a.systems == 1 ? step : baseline.valid() ? worker_json(baseline.get())["step_cycles"].get<double>() : 0.0;
  if (base_step > 0 && step > 0) {
    j["baseline_step_cycles"] = base_step;
    j["speedup"] = base_step / step;
    j["scaling_efficiency"] = base_step / step / a.systems;
  }
  std::vector<sw::LayerRecord> records;
  for (std::size_t l = 0; l < r.layers.size(); ++l) {
    records.push_back(tb::record_of(r.layers[l], o, l, ref::engine_name(o.system.dut.engine)));
  }
  outputs.add_energy(records);
  sw::put_records(j, records);
  if (a.worker) {
    std::cout << j.dump() << "\n";
    return r.golden_pass ? 0 : 1;
  }
  print_run(a, o, r, j);
  if (!r.golden_pass) std::cerr << "waferbench: golden check failed\n";
  outputs.write_json(j);
  sw::RunInfo info = train_info(a, o, "train " + o.spec.text() + ", batch " + std::to_string(a.batch));
  info.summary.push_back("Step: " + sw::fixed(r.step_cycles(), 0) + " cycles, exposed stream " +
                         pct(j["exposed_fraction"].get<double>()) + " % of it; loss per step " + loss_list(j["loss"]) + ".");
  std::vector<sw::HtmlPlot> plots;
  if (outputs.wants_report() && j.contains("scaling_efficiency")) {
    info.summary.push_back("Scaling: " + std::to_string(a.systems) + " systems, speedup " +
                           sw::fixed(j["speedup"].get<double>(), 2) + ", efficiency " +
                           pct(j["scaling_efficiency"].get<double>()) + " % against one system with the whole batch.");
    plots.push_back(sw::page_plot("scaling.svg",
                                  sw::scaling_plot({1.0, static_cast<double>(a.systems)},
                                                   {100.0, 100.0 * j["scaling_efficiency"].get<double>()}),
                                  "Scaling efficiency (speedup over one system, per system) at 1 and N systems."));
  }
  outputs.write_records(records, info, j, plots);
  outputs.commit();
  return r.golden_pass ? 0 : 1;
}

}  // namespace wb::cli
