// SPDX-License-Identifier: Apache-2.0
#pragma once
// Weight pruning, seeded and deterministic (the same zeros for the same seed on every platform),
// and masks. W is K x N (rows along K, the reduction dimension). `s` is the sparsity, the
// fraction of weights (or blocks) set to zero, in [0, 1).
//
//   random:s      each weight zero with probability s (so the density is 1 - s on average)
//   magnitude:s   per layer: the round(s*K*N) weights of smallest |w| become zero, ties broken
//                 by a seeded order, so exactly that many (weights already zero count among them)
//   nm:N:M        along K: in every group of M consecutive weights of a column, the N of
//                 largest |w| stay (ties seeded); a last group shorter than M keeps min(N, size)
//   block:b:s     b x b blocks (the last ones partial), the round(s*blocks) of smallest L1 norm
//                 become zero (ties seeded)
#include <cstdint>
#include <optional>
#include <string>

#include "sw/error.hpp"
#include "sw/tensor.hpp"

namespace wb::sw {

enum class PruneMethod { kRandom, kMagnitude, kNm, kBlock };

struct PruneSpec {
  PruneMethod method = PruneMethod::kMagnitude;
  double sparsity = 0.0;  // random, magnitude, block
  int n = 0, m = 0;       // nm
  int block = 0;          // block
  std::string text() const;  // as parsed: "magnitude:0.9", "nm:2:4", "block:4:0.75"
  // The density it leaves on a dense matrix (1 - s, or N/M).
  double density() const;
};

// "random:S", "magnitude:S", "nm:N:M" (1 <= N <= M <= 256), "block:B:S" (1 <= B <= 4096), S in
// [0, 1). InputError naming `option` and the accepted forms otherwise.
PruneSpec parse_prune_spec(const std::string& text, const std::string& option = "--prune");

// `w` pruned by `spec`; deterministic in `seed`.
MatrixI8 prune(const MatrixI8& w, const PruneSpec& spec, std::uint64_t seed);

// `w` with every element whose mask is 0 set to zero (mask values 0 or 1, the shape of `w`;
// InputError naming `what` otherwise).
MatrixI8 apply_mask(const MatrixI8& w, const MatrixU8& mask, const std::string& what);

// The structure of a sparsity study (`waferbench sparsity --structure`): which pruning leaves
// each density d.
//   unstructured  magnitude:(1-d)
//   nm:N:M        nm:(d*M):M, so d must be a multiple of 1/M (N/M is the default density)
//   block:B       block:B:(1-d)
struct SparsityStructure {
  enum class Kind { kUnstructured, kNm, kBlock } kind = Kind::kUnstructured;
  int n = 0, m = 0;  // nm
  int block = 0;     // block
  std::string text() const;  // "unstructured", "nm:2:4", "block:4"
  // The densities a study runs when none are given: "1,0.5,0.1,0.01", "1,N/M", "1,0.5,0.25,0.1".
  std::string default_densities() const;
  // The pruning that leaves density `d` in (0, 1]; InputError for an N:M density that is not a
  // multiple of 1/M.
  PruneSpec prune_for(double d) const;
};
// "unstructured", "nm:N:M" (1 <= N <= M <= 256), "block:B" (1 <= B <= 4096); InputError naming
// `option` otherwise.
SparsityStructure parse_sparsity_structure(const std::string& text, const std::string& option = "--structure");

// How a run makes its weights sparse: a pruning spec, or a mask from a file, or nothing.
struct WeightSparsity {
  std::optional<PruneSpec> prune;
  std::optional<MatrixU8> mask;
  std::string mask_path;  // for messages
  std::uint64_t seed = 1;

  bool any() const { return prune || mask; }
  // prune: every weight matrix; mask: only one of the mask's shape (`matches`).
  bool matches(const MatrixI8& w) const;
  // `w` pruned (its own seed per `index`, e.g. the layer) or masked (InputError when the mask's
  // shape is not w's); unchanged without either.
  MatrixI8 apply(const MatrixI8& w, std::uint64_t index = 0) const;
  // "magnitude:0.9", "mask m.npy", "" (none).
  std::string text() const;
  // The InputError for a mask that fits no weight matrix of `what` ("mlp:16x8x4").
  InputError unmatched_mask(const std::string& what) const;
};

}  // namespace wb::sw
