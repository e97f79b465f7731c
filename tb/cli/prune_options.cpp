// SPDX-License-Identifier: Apache-2.0
#include "tb/cli/prune_options.hpp"

#include "sw/error.hpp"
#include "sw/npy.hpp"

namespace po = boost::program_options;

namespace wb::cli {

void add_prune_options(po::options_description& desc, PruneArgs& args) {
  desc.add_options()
      ("prune", po::value(&args.prune),
       "prune the weights: random:S (each zero with probability S), magnitude:S (the fraction S of smallest |w|), "
       "nm:N:M (N of every M along K; on the array 1:4 and 2:4 run on its N:M sparse array), block:B:S (the fraction S of B x B blocks of smallest L1 norm); seeded by --seed")
      ("mask", po::value(&args.mask), "zero the weights where this .npy mask (bool or uint8, K x N) is 0");
}

std::optional<sw::PruneSpec> prune_spec(const PruneArgs& args) {
  if (args.prune.empty()) return std::nullopt;
  return sw::parse_prune_spec(args.prune, "--prune");
}

sw::WeightSparsity to_weight_sparsity(const PruneArgs& args, std::uint64_t seed) {
  if (!args.prune.empty() && !args.mask.empty()) throw sw::InputError("give --prune or --mask, not both");
  sw::WeightSparsity s;
  s.seed = seed;
  s.prune = prune_spec(args);
  if (!args.mask.empty()) {
    s.mask = sw::read_npy_mask(args.mask);
    s.mask_path = args.mask;
  }
  return s;
}

}  // namespace wb::cli
