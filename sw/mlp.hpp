// SPDX-License-Identifier: Apache-2.0
#pragma once
// A fully connected int8 network (the built-in default workload): layer shapes, deterministic
// weights, and the requantisation between layers.
#include <cstdint>
#include <string>
#include <vector>

#include "sw/prune.hpp"
#include "sw/tensor.hpp"

namespace wb::sw {

struct MlpSpec {
  std::vector<int> widths;  // input width, then each layer's output width
  int layers() const { return static_cast<int>(widths.size()) - 1; }
  std::string text() const;  // "mlp:256x256x128x10"
};

// "mlp:256x256x128x10" (at least two widths, all positive). Throws InputError.
MlpSpec parse_mlp(const std::string& text);

// "layer fc2 (64x256x128)": layer `l` (0-based) at `batch` rows, for messages.
std::string mlp_layer_name(const MlpSpec& spec, int batch, int l);

// The deterministic inputs of `waferbench run`: X (batch x widths[0]) from the seed, and each
// layer's W (widths[l] x widths[l+1]) from seed * 1000003 + l + 1, sparse below density 1.
MatrixI8 mlp_input(const MlpSpec& spec, int batch, std::uint64_t seed);
MatrixI8 mlp_weight(const MlpSpec& spec, int layer, std::uint64_t seed, double density = 1.0);
// Every layer's mlp_weight, then pruned or masked by `sparsity` (layer l with index l; a mask
// applies to the layers of its shape).
std::vector<MatrixI8> mlp_weights(const MlpSpec& spec, std::uint64_t seed, double density, const WeightSparsity& sparsity);
// InputError when `sparsity` has a mask that fits no layer's weights (widths[l] x widths[l+1]).
void check_mask_fits(const MlpSpec& spec, const WeightSparsity& sparsity);

// ReLU, then an arithmetic right shift by the smallest amount that fits the largest value in
// int8 (rounding to nearest). Returns the shift used through `shift`.
MatrixI8 relu_requantize(const MatrixI32& c, int& shift);

}  // namespace wb::sw
