// SPDX-License-Identifier: Apache-2.0
#include "sw/run_policy.hpp"

#include <algorithm>
#include <numeric>

#include "sw/error.hpp"
#include "sw/rng.hpp"

namespace wb::sw {

const char* run_mode_name(RunMode mode) {
  switch (mode) {
    case RunMode::kRtl: return "rtl";
    case RunMode::kSampled: return "sampled";
    case RunMode::kModel: return "model";
  }
  return "?";
}

void RunPolicy::validate() const {
  if (!(rtl_budget_seconds > 0.0) || rtl_budget_seconds > 86400.0) {
    throw InputError("--rtl-budget must be in (0, 86400] seconds, got " + std::to_string(rtl_budget_seconds));
  }
  if (sample_tiles < 1 || sample_tiles > 1024) {
    throw InputError("--sample-tiles must be in 1..1024, got " + std::to_string(sample_tiles));
  }
}

LayerRunPlan plan_layer_run(const RunPolicy& policy, std::uint64_t cycles, double rtl_cycles_per_second, int tiles) {
  LayerRunPlan plan;
  plan.estimated_rtl_seconds = rtl_cycles_per_second > 0 ? static_cast<double>(cycles) / rtl_cycles_per_second : 0.0;
  if (policy.model_only) {
    plan.mode = RunMode::kModel;
  } else if (plan.estimated_rtl_seconds <= policy.rtl_budget_seconds || tiles <= 1) {
    plan.mode = RunMode::kRtl;  // a single tile cannot be sampled: the RTL runs it whole
  } else {
    plan.mode = RunMode::kSampled;
    plan.sampled_tiles = sample_indices(tiles, policy.sample_tiles, policy.seed);
  }
  return plan;
}

std::vector<int> sample_indices(int population, int count, std::uint64_t seed) {
  std::vector<int> all(static_cast<std::size_t>(std::max(population, 0)));
  std::iota(all.begin(), all.end(), 0);
  if (count >= population) return all;
  // Partial Fisher-Yates with SplitMix64: the first `count` of a seeded shuffle.
  SplitMix64 rng(seed);
  for (int i = 0; i < count; ++i) {
    const int j = static_cast<int>(rng.uniform(i, population - 1));
    std::swap(all[static_cast<std::size_t>(i)], all[static_cast<std::size_t>(j)]);
  }
  all.resize(static_cast<std::size_t>(std::max(count, 0)));
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace wb::sw
