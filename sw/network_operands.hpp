// SPDX-License-Identifier: Apache-2.0
#pragma once
// The int8 operands a layer's GEMMs run on: the layer's own tensors when its source had them,
// else seeded random ones of the layer's declared sparsity. A convolution's A is the im2col of
// a random NHWC input, so the zeros of its padding are real; an N:M layer's B has exactly N
// nonzeros in every M consecutive weights of a column along K.
#include <cstdint>

#include "sw/gemm_plan.hpp"
#include "sw/network.hpp"
#include "sw/tensor.hpp"

namespace wb::sw {

struct GemmOperands {
  MatrixI8 a;  // M x K
  MatrixI8 b;  // K x N
};

// GEMM `index` (0..count-1) of a mapped layer; the same for the same seed on every platform.
GemmOperands layer_operands(const Layer& layer, int index, std::uint64_t seed);

// A K x N weight matrix with exactly `nm.n` nonzeros (uniform over the nonzero int8 values) at
// seeded positions in every group of `nm.m` consecutive rows of each column (the last group
// of a K that is not a multiple of M keeps min(N, its size)).
MatrixI8 random_nm_sparse_int8(int k, int n, NmSparsity nm, std::uint64_t seed);

// The operands of one fold of a plan, as a GEMM of its own (A[m0:, k0:], B[k0:, n0:]; an N:M
// plan's fold: the whole groups of K its kept rows belong to, so that it is one fold again).
GemmOperands fold_operands(const GemmPlan& plan, const Fold& fold, const MatrixI8& a, const MatrixI8& b);

}  // namespace wb::sw
