// SPDX-License-Identifier: Apache-2.0
#pragma once
// What-if for training at scale: training FLOPs = 6 x params x tokens, and the time on N
// systems = FLOPs / (N x peak x utilisation x data-parallel efficiency at N) / sparse factor,
// with utilisation, efficiency and the sparse factor measured by a simulated run.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace wb::sw {

// What a simulated run measured, per system.
struct RunMeasurement {
  std::string source;                // "train", "run (array)", ...
  double peak_macs_per_cycle = 0;    // the system's PEs
  double utilization = 0;            // useful MACs / (peak x cycles) of one system alone
  int systems = 1;                   // systems the run had
  std::optional<double> efficiency;  // data-parallel scaling efficiency it measured at `systems`
  double sparse_factor = 1;          // dense-equivalent work per MAC done: (done + skipped) / done
};

// From the JSON of `waferbench train` (its per-system throughput; one system's utilisation is
// that over the measured scaling efficiency) or `run` (the records of `target`, or of the first
// target when empty). Throws InputError naming `what` when the JSON is neither.
RunMeasurement measurement_from_json(const nlohmann::json& j, const std::string& target, const std::string& what);

struct WhatIf {
  double params = 0, tokens = 0;
  int systems = 1;
  double peak_flops_per_system = 0;  // 2 FLOPs per MAC
  double utilization = 0, efficiency = 1, sparse_factor = 1;
};

double training_flops(double params, double tokens);  // 6 P T
double training_seconds(const WhatIf& w);

// The data that reaches `error` on the power law error = a x data^b (b < 0): (error / a)^(1/b).
// Throws InputError unless a > 0, b < 0 and 0 < error < a (the law never reaches it otherwise).
double data_for_error(double a, double b, double error);

}  // namespace wb::sw
