// SPDX-License-Identifier: Apache-2.0
#include "sw/network_prune.hpp"

#include "sw/error.hpp"
#include "sw/network_operands.hpp"
#include "sw/parse.hpp"

namespace wb::sw {

bool has_weights(const Layer& layer) { return layer.kind == LayerKind::kGemm || layer.kind == LayerKind::kConv; }

NetworkWeights network_weights(const Network& net, std::uint64_t seed, const std::vector<FormatSpec>& formats) {
  NetworkWeights w;
  w.bytes.resize(formats.size());
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (!has_weights(l)) continue;
    for (int g = 0; g < l.count; ++g) {
      const MatrixI8 b = layer_operands(l, g, seed + i).b;
      w.nnz += count_nonzeros(b);
      w.elements += b.size();
      for (std::size_t f = 0; f < formats.size(); ++f) {
        const StorageBytes s = storage_bytes(b, formats[f]);
        w.bytes[f].values += s.values;
        w.bytes[f].metadata += s.metadata;
      }
    }
  }
  return w;
}

Network sparsify_network(const Network& net, const WeightSparsity& sparsity, std::uint64_t seed) {
  if (!sparsity.any()) return net;
  Network out = net;
  int matched = 0;
  for (std::size_t i = 0; i < out.layers.size(); ++i) {
    Layer& l = out.layers[i];
    if (!has_weights(l) || (sparsity.mask && (sparsity.mask->rows() != l.gemm.k || sparsity.mask->cols() != l.gemm.n))) continue;
    ++matched;
    std::vector<MatrixI8> weights;
    std::uint64_t nnz = 0, total = 0;
    for (int g = 0; g < l.count; ++g) {
      weights.push_back(sparsity.apply(layer_operands(l, g, seed + i).b, i * 65536 + static_cast<std::uint64_t>(g)));
      nnz += count_nonzeros(weights.back());
      total += weights.back().size();
    }
    l.weights = std::move(weights);
    l.weight_density = total ? static_cast<double>(nnz) / static_cast<double>(total) : 1.0;
    // The structure the weights have now (a declared N:M one no longer holds after other pruning).
    l.sparsity.reset();
    if (sparsity.prune && sparsity.prune->method == PruneMethod::kNm) l.sparsity = NmSparsity{sparsity.prune->n, sparsity.prune->m};
  }
  if (sparsity.mask && matched == 0) throw sparsity.unmatched_mask(net.name);
  return out;
}

}  // namespace wb::sw
