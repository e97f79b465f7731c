// SPDX-License-Identifier: Apache-2.0
#include "sw/network_operands.hpp"

#include <algorithm>
#include <vector>

#include "sw/conv.hpp"
#include "sw/error.hpp"
#include "sw/rng.hpp"

namespace wb::sw {
namespace {

std::int8_t nonzero_int8(SplitMix64& rng) {
  const auto v = static_cast<std::int8_t>(rng.uniform(-128, 126));
  return static_cast<std::int8_t>(v >= 0 ? v + 1 : v);  // skip 0
}

}  // namespace

MatrixI8 random_nm_sparse_int8(int k, int n, NmSparsity nm, std::uint64_t seed) {
  if (nm.m < 1 || nm.n < 1 || nm.n > nm.m) throw InputError("N:M sparsity needs 1 <= N <= M");
  MatrixI8 w(k, n);
  SplitMix64 rng(seed);
  std::vector<int> slots;
  for (int col = 0; col < n; ++col) {
    for (int k0 = 0; k0 < k; k0 += nm.m) {
      const int size = std::min(nm.m, k - k0);
      slots.resize(static_cast<std::size_t>(size));
      for (int i = 0; i < size; ++i) slots[static_cast<std::size_t>(i)] = i;
      const int keep = std::min(nm.n, size);
      for (int i = 0; i < keep; ++i) {  // partial Fisher-Yates: the first `keep` slots
        const int j = static_cast<int>(rng.uniform(i, size - 1));
        std::swap(slots[static_cast<std::size_t>(i)], slots[static_cast<std::size_t>(j)]);
        w.at(k0 + slots[static_cast<std::size_t>(i)], col) = nonzero_int8(rng);
      }
    }
  }
  return w;
}

GemmOperands layer_operands(const Layer& layer, int index, std::uint64_t seed) {
  if (!layer.mapped()) throw InputError("layer '" + layer.name + "' (" + layer.op + ") is not mapped to a GEMM");
  if (index < 0 || index >= layer.count) throw InputError("layer '" + layer.name + "': GEMM index out of range");
  const auto i = static_cast<std::size_t>(index);
  const std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(index) * 2 + 1;
  GemmOperands ops;
  if (i < layer.inputs.size()) {
    ops.a = layer.inputs[i];
  } else if (layer.conv) {
    const ConvShape& c = *layer.conv;
    // One random input for the whole layer, each group's GEMM its im2col slice.
    const MatrixI8 input = random_int8(c.batch * c.in_h * c.in_w, c.in_c, seed * 0x9E3779B97F4A7C15ull);
    ops.a = im2col(c, input, index);
  } else {
    ops.a = random_int8(layer.gemm.m, layer.gemm.k, s);
  }
  if (i < layer.weights.size()) {
    ops.b = layer.weights[i];
  } else if (layer.sparsity) {
    ops.b = random_nm_sparse_int8(layer.gemm.k, layer.gemm.n, *layer.sparsity, s + 1);
  } else if (layer.weight_density < 1.0) {
    ops.b = random_sparse_int8(layer.gemm.k, layer.gemm.n, layer.weight_density, s + 1);
  } else {
    ops.b = random_int8(layer.gemm.k, layer.gemm.n, s + 1);
  }
  if (ops.a.rows() != layer.gemm.m || ops.a.cols() != layer.gemm.k || ops.b.rows() != layer.gemm.k ||
      ops.b.cols() != layer.gemm.n) {
    throw InputError("layer '" + layer.name + "': its tensors do not match its " + std::to_string(layer.gemm.m) + "x" +
                     std::to_string(layer.gemm.k) + "x" + std::to_string(layer.gemm.n) + " GEMM");
  }
  return ops;
}

GemmOperands fold_operands(const GemmPlan& plan, const Fold& f, const MatrixI8& a, const MatrixI8& b) {
  Region k{0, 0, f.k0, f.k_len};  // the fold's columns of A are its rows of B
  if (plan.nm().sparse()) k = plan.a_region(f, 0, 0);
  return {extract_region(a, Region{f.m0, f.m_len, k.col0, k.cols}), extract_region(b, Region{k.col0, k.cols, f.n0, f.n_len})};
}

}  // namespace wb::sw
