// SPDX-License-Identifier: Apache-2.0
#pragma once
// --prune and --mask, the weight-sparsity options of `gemm`, `run` and `sparsity`.
#include <boost/program_options.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "sw/prune.hpp"

namespace wb::cli {

struct PruneArgs {
  std::string prune;  // sw::parse_prune_spec's forms
  std::string mask;   // .npy, bool or uint8

  bool any() const { return !prune.empty() || !mask.empty(); }
};

void add_prune_options(boost::program_options::options_description& desc, PruneArgs& args);

// --prune parsed (nullopt without it): for checks before the mask is read.
std::optional<sw::PruneSpec> prune_spec(const PruneArgs& args);

// Parses --prune and reads --mask (one-line sw::InputError: a malformed spec or mask file, or
// both options given); pruning is seeded from `seed`.
sw::WeightSparsity to_weight_sparsity(const PruneArgs& args, std::uint64_t seed);

}  // namespace wb::cli
