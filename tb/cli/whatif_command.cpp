// SPDX-License-Identifier: Apache-2.0
// waferbench whatif: how long training a model of P parameters on T tokens takes on N systems,
// at the utilisation, data-parallel efficiency and skipped work a simulated run measured
// (sw/whatif.hpp); optionally the tokens (and time) a power law error = a x data^b needs to
// reach an error. Prints every assumption beside the answer.
#include <fstream>
#include <iostream>
#include <sstream>

#include "sw/error.hpp"
#include "sw/report.hpp"
#include "sw/whatif.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/options.hpp"
#include "wb/hw_config.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

struct WhatIfArgs {
  double params = 0, tokens = 0, clock_mhz = hw::kClockMhz;
  int systems = 1;
  std::string from_run, target, json;
  double utilization = 0, efficiency = 0, fit_a = 0, fit_b = 0, target_error = 0;
  po::variables_map given;

  void describe(po::options_description& desc) {
    desc.add_options()("help", "show this help")
        ("params", po::value(&params), "model parameters P")
        ("tokens", po::value(&tokens), "training tokens T (or give --target-error with --fit-a, --fit-b)")
        ("systems", po::value(&systems)->default_value(systems), "data-parallel systems N, 1 to 1000000")
        ("from-run", po::value(&from_run), "the JSON of `waferbench train` or `run` whose utilisation, efficiency and skipped work to use")
        ("target", po::value(&target), "with a run of both targets: array or fabric")
        ("utilization", po::value(&utilization), "assume this utilisation of one system (0, 1] instead of a run's")
        ("efficiency", po::value(&efficiency), "assume this data-parallel efficiency at N (0, 1] where no run measured it")
        ("clock-mhz", po::value(&clock_mhz)->default_value(clock_mhz), "clock of the simulated hardware, MHz")
        ("fit-a", po::value(&fit_a), "power law error = a x data^b: a")
        ("fit-b", po::value(&fit_b), "power law error = a x data^b: b (negative)")
        ("target-error", po::value(&target_error), "the error to reach: the tokens come from the power law")
        ("json", po::value(&json), "write the answer and its inputs as JSON to FILE");
  }
};

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sw::InputError("--from-run " + path + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception&) {
    throw sw::InputError("--from-run " + path + ": not valid JSON");
  }
}

std::string sci(double v) {
  std::ostringstream os;
  os.precision(4);
  os << v;
  return os.str();
}

}  // namespace

int whatif_command(int argc, char** argv) {
  WhatIfArgs a;
  po::options_description desc("waferbench whatif options");
  a.describe(desc);
  if (!parse_command_line(argc, argv, desc, "usage: waferbench whatif --params P --tokens T --systems N [--from-run FILE.json]",
                          &a.given)) {
    return 0;
  }
  const bool fit = a.given.count("target-error") > 0;
  if (!(a.params > 0) || a.params > 1e18) throw sw::InputError("--params must be in (0, 1e18]");
  if (fit == (a.given.count("tokens") > 0)) throw sw::InputError("give --tokens, or --target-error with --fit-a and --fit-b");
  if (fit && (!a.given.count("fit-a") || !a.given.count("fit-b"))) throw sw::InputError("--target-error needs --fit-a and --fit-b");
  if (!fit && (a.given.count("fit-a") || a.given.count("fit-b"))) throw sw::InputError("--fit-a and --fit-b need --target-error");
  if (!fit && (!(a.tokens > 0) || a.tokens > 1e18)) throw sw::InputError("--tokens must be in (0, 1e18]");
  if (a.systems < 1 || a.systems > 1000000) throw sw::InputError("--systems must be in [1, 1000000]");
  if (!(a.clock_mhz > 0) || a.clock_mhz > 1e6) throw sw::InputError("--clock-mhz must be in (0, 1e6]");
  const auto fraction = [&](const char* name, double v) {
    if (a.given.count(name) && !(v > 0 && v <= 1)) throw sw::InputError(std::string("--") + name + " must be in (0, 1]");
  };
  fraction("utilization", a.utilization);
  fraction("efficiency", a.efficiency);
  if (a.from_run.empty() && !a.given.count("utilization")) {
    throw sw::InputError("give --from-run FILE.json (a train or run JSON) or --utilization");
  }
  if (!a.from_run.empty() && a.given.count("utilization")) throw sw::InputError("give --from-run or --utilization, not both");
  if (!a.json.empty()) check_writable(a.json, "--json");

  sw::RunMeasurement m;
  std::vector<std::string> assumptions;
  if (!a.from_run.empty()) {
    m = sw::measurement_from_json(read_json_file(a.from_run), a.target, "--from-run " + a.from_run);
  } else {
    m.source = "--utilization";
    m.utilization = a.utilization;
    assumptions.push_back("utilisation " + sw::fixed(100 * a.utilization, 1) + " % assumed (--utilization), not measured");
    if (!a.given.count("efficiency") && a.systems > 1) throw sw::InputError("with --utilization and N > 1, give --efficiency too");
    m.peak_macs_per_cycle = 0;
  }
  sw::WhatIf w;
  w.params = a.params;
  w.systems = a.systems;
  w.utilization = m.utilization;
  w.sparse_factor = m.sparse_factor;
  if (a.given.count("efficiency")) {
    w.efficiency = a.efficiency;
    assumptions.push_back("data-parallel efficiency " + sw::fixed(100 * a.efficiency, 1) + " % at " +
                          std::to_string(a.systems) + " systems assumed (--efficiency), not measured");
  } else if (a.systems == 1) {
    w.efficiency = 1.0;
  } else if (m.efficiency && m.systems == a.systems) {
    w.efficiency = *m.efficiency;
  } else {
    throw sw::InputError("--from-run " + a.from_run + " measured no data-parallel efficiency at " + std::to_string(a.systems) +
                         " systems (it ran " + std::to_string(m.systems) +
                         "): run `waferbench train --systems " + std::to_string(a.systems) + " --json FILE`, or give --efficiency");
  }
  if (m.peak_macs_per_cycle == 0) {
    throw sw::InputError("--utilization needs the system's peak: give --from-run (its PEs), there is no other source");
  }
  w.peak_flops_per_system = 2.0 * m.peak_macs_per_cycle * a.clock_mhz * 1e6;
  w.tokens = fit ? sw::data_for_error(a.fit_a, a.fit_b, a.target_error) : a.tokens;
  const double flops = sw::training_flops(w.params, w.tokens);
  const double seconds = sw::training_seconds(w);

  std::cout << "waferbench whatif: " << sci(w.params) << " parameters, " << sci(w.tokens) << " tokens, " << w.systems
            << (w.systems == 1 ? " system" : " systems") << "\n\n";
  if (fit) {
    std::cout << "tokens to reach error " << sci(a.target_error) << " on error = " << sci(a.fit_a) << " x data^" << sci(a.fit_b)
              << ": " << sci(w.tokens) << "\n";
  }
  std::cout << "training FLOPs = 6 x P x T = " << sci(flops) << "\n"
            << "peak per system: " << sw::fixed(m.peak_macs_per_cycle, 0) << " MACs/cycle x 2 FLOPs x " << a.clock_mhz
            << " MHz = " << sci(w.peak_flops_per_system) << " FLOP/s\n"
            << "utilisation of one system: " << sw::fixed(100 * w.utilization, 2) << " % (" << m.source
            << (a.from_run.empty() ? "" : ", " + a.from_run) << ")\n"
            << "data-parallel efficiency at " << w.systems << ": " << sw::fixed(100 * w.efficiency, 2) << " %"
            << (a.given.count("efficiency") ? " (assumed)" : w.systems == 1 ? " (one system)" : " (measured)") << "\n"
            << "sparse factor: " << sw::fixed(w.sparse_factor, 3)
            << (w.sparse_factor > 1 ? " (the run skipped zero work: dense-equivalent MACs per MAC done)"
                                    : " (the run skipped no work: no discount)")
            << "\n";
  for (const std::string& s : assumptions) std::cout << "assumption: " << s << "\n";
  std::cout << "time = FLOPs / (N x peak x utilisation x efficiency x sparse factor) = " << sci(seconds) << " s ("
            << sw::fixed(seconds / 3600, 2) << " h, " << sw::fixed(seconds / 86400, 2) << " days)\n";
  if (!a.json.empty()) {
    nlohmann::json j{{"command", "whatif"}, {"params", w.params}, {"tokens", w.tokens}, {"systems", w.systems},
                     {"flops", flops}, {"peak_flops_per_system", w.peak_flops_per_system}, {"utilization", w.utilization},
                     {"efficiency", w.efficiency}, {"sparse_factor", w.sparse_factor}, {"seconds", seconds},
                     {"source", m.source}, {"assumptions", assumptions}};
    sw::write_json_file(a.json, j);
  }
  return 0;
}

}  // namespace wb::cli
