// SPDX-License-Identifier: Apache-2.0
#pragma once
// Pruning (or masking) every weight matrix of a network before it runs: the layers that hold
// weights (fully connected / Gemm and convolutions; attention and batched matmuls multiply two
// activations and are left alone) get concrete pruned int8 weights, so that every runner and
// report sees the same ones.
#include <cstdint>
#include <vector>

#include "sw/network.hpp"
#include "sw/prune.hpp"
#include "sw/sparse_format.hpp"

namespace wb::sw {

// The network with each weight layer i's GEMM g weights replaced by
// `sparsity.apply(layer_operands(layer, g, seed + i).b, ...)` (the operands the network runners
// draw for layer i) and its weight_density the measured one; a mask applies to the layers of
// its shape, and InputError when it matches none. `net` itself when sparsity.any() is false.
Network sparsify_network(const Network& net, const WeightSparsity& sparsity, std::uint64_t seed);

// Whether the layer's B is a weight (pruning applies to it).
bool has_weights(const Layer& layer);

// The weights of every weight layer, as the runners draw them (layer_operands(layer, g, seed + i).b):
// nonzeros, elements, and their storage bytes in each of `formats` (in that order).
struct NetworkWeights {
  std::uint64_t nnz = 0, elements = 0;
  std::vector<StorageBytes> bytes;
  double density() const { return elements ? static_cast<double>(nnz) / static_cast<double>(elements) : 1.0; }
};
NetworkWeights network_weights(const Network& net, std::uint64_t seed, const std::vector<FormatSpec>& formats);

}  // namespace wb::sw
