// SPDX-License-Identifier: Apache-2.0
// waferbench noc: synthetic traffic on a router-only mesh of the RTL router: offered and
// accepted load, latency (mean, p50, p99) and hops; --sweep walks the offered load up to
// saturation and prints the latency/load curve.
#include <iostream>
#include <sstream>

#include "sw/error.hpp"
#include "sw/report.hpp"
#include "sw/report_plots.hpp"
#include "tb/layer_records.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"
#include "models/ref/noc_dut.hpp"
#include "tb/noc_factory.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

nlohmann::json to_json(const ref::NocResult& r, double rate) {
  return {{"rate", rate},
          {"offered", r.offered},
          {"accepted", r.accepted},
          {"latency_mean", r.latency.mean},
          {"latency_p50", r.latency.p50},
          {"latency_p99", r.latency.p99},
          {"latency_max", r.latency.max},
          {"mean_hops", r.mean_hops},
          {"measured_flits", r.latency.count},
          {"generated", r.generated},
          {"delivered", r.delivered},
          {"undelivered", r.undelivered},
          {"latency_complete", r.complete()},
          {"misrouted", r.misrouted},
          {"reordered", r.reordered},
          {"route_error", r.route_error},
          {"clean", r.clean()},
          {"sim_cycles", r.sim_cycles},
          {"sim_seconds", r.sim_seconds},
          {"router_cycles_per_second",
           r.sim_seconds > 0 ? static_cast<double>(r.sim_cycles) * r.k * r.k / r.sim_seconds : 0.0}};
}

std::vector<std::string> table_row(const ref::NocResult& r, double rate) {
  return {sw::fixed(rate, 3), sw::fixed(r.offered, 3), sw::fixed(r.accepted, 3), sw::fixed(r.latency.mean, 1),
          std::to_string(r.latency.p50), std::to_string(r.latency.p99), sw::fixed(r.mean_hops, 2),
          !r.clean() ? "FAIL" : r.complete() ? "ok" : "incomplete"};
}

struct NocArgs {
  std::string mesh = "8x8", traffic = "uniform", json_path, trace;
  sw::TraceSettings trace_window;
  double rate = 0.2;
  int colors = 4;
  unsigned long long cycles = 10000, warmup = 1000, seed = 1, drain = ref::NocOptions{}.drain_limit;
  bool sweep = false;
  ReportArgs report;

  void describe(po::options_description& desc) {
    desc.add_options()("help", "show this help")
        ("mesh", po::value(&mesh)->default_value(mesh), "KxK router-only mesh (a built size)")
        ("traffic", po::value(&traffic)->default_value(traffic), "uniform, transpose, bitcomp, hotspot or neighbor")
        ("rate", po::value(&rate)->default_value(rate, "0.2"), "offered load, flits per node per cycle, in (0, 1]")
        ("cycles", po::value(&cycles)->default_value(cycles), "measurement window, cycles")
        ("warmup", po::value(&warmup)->default_value(warmup), "cycles before measuring")
        ("drain", po::value(&drain)->default_value(drain),
         "cycles after the window to deliver the measured flits; flits still queued at their sources then are reported (latency incomplete)")
        ("colors", po::value(&colors)->default_value(colors), "colors used as virtual channels")
        ("sweep", po::bool_switch(&sweep), "walk the offered load from 0.01 to 1.0 and report saturation")
        ("seed", po::value(&seed)->default_value(seed), "seed of the traffic")
        ("json", po::value(&json_path), "write the results as JSON to FILE");
    add_trace_options(desc, trace, trace_window, "the mesh (single runs only)");
    add_report_options(desc, report);
  }

  // Throws sw::InputError; returns the run's options (the rate is set per point).
  // The output files are checked after it, as they are registered (RunOutputs).
  ref::NocOptions validate() const {
    const int k = parse_mesh(mesh);
    ref::NocOptions o;
    o.traffic = sw::parse_traffic(traffic);
    if (!(rate > 0.0 && rate <= 1.0)) throw sw::InputError("--rate must be in (0, 1]");
    if (cycles < 10 || cycles > 100000000ull) throw sw::InputError("--cycles must be in [10, 1e8]");
    if (warmup > 100000000ull) throw sw::InputError("--warmup must be at most 1e8");
    if (drain > 100000000ull) throw sw::InputError("--drain must be at most 1e8");
    o.colors = colors;
    o.cycles = cycles;
    o.warmup = warmup;
    o.seed = seed;
    o.drain_limit = drain;
    if (!trace.empty() && sweep) throw sw::InputError("--trace needs a single run, not --sweep");
    check_trace_options(trace, trace_window);
    // Fails early on a size that is not built or too many colors, before any file is opened.
    const int built_colors = tb::make_noc_dut(k)->colors();
    if (colors < 1 || colors > built_colors) {
      throw sw::InputError("--colors must be in [1, " + std::to_string(built_colors) + "] for this build");
    }
    return o;
  }
};

}  // namespace

int noc_command(int argc, char** argv) {
  NocArgs args;
  po::options_description desc("waferbench noc options");
  args.describe(desc);
  if (!parse_command_line(argc, argv, desc, "usage: waferbench noc [options]")) return 0;
  ref::NocOptions o = args.validate();
  const int k = parse_mesh(args.mesh);
  RunOutputs outputs(args.trace, args.json_path, {}, args.report);  // written together at the end, or not at all

  const std::vector<double> rates =
      args.sweep ? std::vector<double>{0.01, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.8, 1.0}
                 : std::vector<double>{args.rate};
  std::vector<std::vector<std::string>> table{{"rate", "offered", "accepted", "lat mean", "p50", "p99", "hops", "check"}};
  nlohmann::json points = nlohmann::json::array();
  std::vector<sw::LayerRecord> records;
  std::vector<double> offered, mean, p99;
  bool clean = true;
  std::uint64_t incomplete = 0;
  double saturation = 0.0, zero_load_latency = 0.0, zero_load_hops = 0.0, router_rate = 0.0;
  for (double r : rates) {
    o.rate = r;
    const ref::NocResult res = tb::make_noc_dut(k, outputs.trace(), outputs.trace_settings(args.trace_window))->run(o);
    table.push_back(table_row(res, r));
    points.push_back(to_json(res, r));
    records.push_back(tb::record_of(res, r, sw::traffic_name(o.traffic)));
    offered.push_back(res.offered);
    mean.push_back(res.latency.mean);
    p99.push_back(static_cast<double>(res.latency.p99));
    clean &= res.clean();
    incomplete += res.complete() ? 0 : 1;
    saturation = std::max(saturation, res.accepted);
    if (r == rates.front()) {
      zero_load_latency = res.latency.mean;
      zero_load_hops = res.mean_hops;
    }
    router_rate = points.back()["router_cycles_per_second"].get<double>();
  }
  std::cout << "waferbench noc: " << k << "x" << k << " mesh, " << sw::traffic_name(o.traffic) << " traffic, "
            << args.colors << " colors, single-wavelet packets, " << args.cycles << " measured cycles\n\n"
            << sw::format_table(table);
  if (args.sweep) {
    std::cout << "\nsaturation (max accepted): " << sw::fixed(saturation, 3) << " flits/node/cycle"
              << (o.traffic == sw::Traffic::kUniform ? " (bisection bound " + sw::fixed(4.0 / k, 3) + ")" : "")
              << "\nzero-load latency: " << sw::fixed(zero_load_latency, 2) << " cycles at "
              << sw::fixed(zero_load_hops, 2) << " hops (+" << sw::fixed(zero_load_latency - zero_load_hops, 2) << ")\n";
  }
  std::cout << "simulation: " << sw::fixed(router_rate / 1e6, 2) << " M router-cycles/s\n";
  if (incomplete) {
    std::cout << "incomplete: at " << incomplete << (incomplete == 1 ? " point" : " points")
              << " measured flits were still queued at their sources when the drain ended (" << args.drain
              << " cycles, --drain); nothing was lost, but the latencies there miss the slowest flits\n";
  }
  if (!clean) std::cerr << "waferbench: NoC check failed (misrouted, duplicated or reordered wavelets, or a route error)\n";
  outputs.add_energy(records);
  {
    nlohmann::json j{{"target", "fabric"},     {"mesh", args.mesh},     {"traffic", sw::traffic_name(o.traffic)},
                     {"colors", args.colors}, {"cycles", args.cycles}, {"warmup", args.warmup},
                     {"drain", args.drain},
                     {"points", points},      {"clean", clean}};
    if (args.sweep) {
      j["saturation"] = saturation;
      j["zero_load_latency"] = zero_load_latency;
      j["zero_load_hops"] = zero_load_hops;
    }
    sw::put_records(j, records);
    outputs.write_json(j);
    sw::RunInfo info;
    info.title = "waferbench noc: " + std::to_string(k) + "x" + std::to_string(k) + " router mesh, " +
                 sw::traffic_name(o.traffic) + " traffic";
    info.hardware = {{"target", "router-only mesh (NoC)"},
                     {"mesh", std::to_string(k) + " x " + std::to_string(k) + " routers"},
                     {"colors used", std::to_string(args.colors)},
                     {"window", std::to_string(args.cycles) + " cycles after " + std::to_string(args.warmup) + " of warm-up"}};
    if (args.sweep) {
      info.summary.push_back("Saturation (max accepted): " + sw::fixed(saturation, 3) + " flits/node/cycle; zero-load latency " +
                             sw::fixed(zero_load_latency, 2) + " cycles at " + sw::fixed(zero_load_hops, 2) + " hops.");
    }
    std::vector<sw::HtmlTable> tables{{"Load points", table, "check: every flit delivered once, at its destination, in order."}};
    std::vector<sw::HtmlPlot> plots;
    if (outputs.wants_report()) {
      plots.push_back(sw::page_plot("latency.svg", sw::noc_latency_plot(offered, mean, p99),
                                    "Latency from generation to ejection against the offered load."));
    }
    outputs.write_records(records, info, j, plots, tables);
  }
  outputs.commit();
  print_waveform(args.trace);
  return clean ? 0 : 1;
}

}  // namespace wb::cli
