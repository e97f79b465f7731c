// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which engine runs a layer of a network. The reference models are cycle-exact and fast, the
// RTL is the truth and slow: by default every layer runs on the RTL unless its estimated RTL
// time exceeds the budget; then the RTL runs a seeded sample of the layer's tiles (folds of the
// array, passes of the fabric), the model runs the whole layer, and the report gives the
// RTL/model agreement on the sampled tiles. `--engine model` runs everything on the models.
#include <cstdint>
#include <string>
#include <vector>

namespace wb::sw {

enum class RunMode { kRtl, kSampled, kModel };
const char* run_mode_name(RunMode mode);  // "rtl", "sampled", "model"

struct RunPolicy {
  bool model_only = false;           // --engine model
  double rtl_budget_seconds = 60.0;  // per layer (--rtl-budget)
  int sample_tiles = 4;              // --sample-tiles
  std::uint64_t seed = 1;

  // Throws InputError: budget not positive or above a day, sample tiles outside 1..1024.
  void validate() const;
};

struct LayerRunPlan {
  RunMode mode = RunMode::kRtl;
  double estimated_rtl_seconds = 0.0;
  std::vector<int> sampled_tiles;  // kSampled: sorted distinct tile indices
};

// `cycles`: the layer's cycle count (from the model), `rtl_cycles_per_second`: the RTL's
// expected speed for this configuration, `tiles`: how many tiles the layer has.
LayerRunPlan plan_layer_run(const RunPolicy& policy, std::uint64_t cycles, double rtl_cycles_per_second, int tiles);

// `count` distinct indices of 0..population-1 (all of them when count >= population), sorted,
// the same for the same seed on every platform.
std::vector<int> sample_indices(int population, int count, std::uint64_t seed);

}  // namespace wb::sw
