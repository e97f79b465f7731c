// SPDX-License-Identifier: Apache-2.0
#pragma once
// Integer MLP training: the math of one training step and its CPU reference.
//
// Every operation after a GEMM is per sample (per row of the batch) with FIXED shifts, never a
// shift chosen from the batch's values. The gradient of a batch is therefore the int32 sum of
// its samples' gradients: N systems that each take a slice of the batch and add their dW in a
// reduce tree get exactly the full-batch dW, and the store's integer SGD (sw/sgd.hpp) then gives
// bit-identical weights.
//
// Layer l (0-based, L layers), X_0 the input (batch x widths[0], int8), W_l (widths[l] x widths[l+1]):
//   forward   Y_l = X_l W_l (int32);  X_{l+1} = clamp(round_shift(relu(Y_l), fwd_shift), 0, 127)
//   loss      dY_{L-1} = sat8(round_shift(Y_{L-1}, fwd_shift) - T)          (T: int8 targets)
//   backward  dW_l = X_l^T dY_l (int32)
//             dX_l = dY_l W_l^T (int32), for l >= 1 only (nothing uses the input's gradient);
//             dY_{l-1} = sat8(round_shift(dX_l, bwd_shift)) where X_l > 0 (ReLU mask), else 0
#include <cstdint>
#include <vector>

#include "sw/mlp.hpp"
#include "sw/sgd.hpp"
#include "sw/tensor.hpp"

namespace wb::sw {

struct TrainShifts {
  int fwd_shift = 8;  // requantisation of Y (int32) to int8 activations
  int bwd_shift = 8;  // requantisation of dX (int32) to int8 gradients
};

MatrixI8 transpose(const MatrixI8& m);
// Rows [row0, row0 + rows) of m.
MatrixI8 row_slice(const MatrixI8& m, int row0, int rows);
// Columns [col0, col0 + cols) of m.
MatrixI8 col_slice(const MatrixI8& m, int col0, int cols);
int saturate_int8(std::int64_t v);

MatrixI8 activation(const MatrixI32& y, int fwd_shift);                  // forward requantisation
MatrixI8 loss_gradient(const MatrixI32& y, const MatrixI8& t, int fwd_shift);
// The loss the gradient above descends: sum over the batch and the outputs of
// (round_shift(Y, fwd_shift) - T)^2, exact (int64, before dY's saturation). Per sample, so the
// slices of a batch add up to the whole batch's.
std::int64_t squared_error(const MatrixI32& y, const MatrixI8& t, int fwd_shift);
MatrixI8 backward_gradient(const MatrixI32& dx, const MatrixI8& x, int bwd_shift);  // masked by x > 0

// Deterministic training data and initial weights of `spec` from the seed.
struct TrainData {
  std::vector<MatrixI8> weights;  // per layer, widths[l] x widths[l+1]
  MatrixI8 x;                     // batch x widths[0]
  MatrixI8 t;                     // batch x widths[L]
};
TrainData make_train_data(const MlpSpec& spec, int batch, std::uint64_t seed);

// One system's passes over its slice of the batch: every activation and each layer's dW.
struct StepResult {
  std::vector<MatrixI8> acts;   // X_0 .. X_L (X_L is the requantised output)
  std::vector<MatrixI8> dys;    // dY_l per layer
  std::vector<MatrixI32> dws;   // dW_l per layer
  MatrixI32 y;                  // Y_{L-1}, the output before requantisation
};
StepResult train_passes_ref(const std::vector<MatrixI8>& weights, const MatrixI8& x, const MatrixI8& t,
                            const TrainShifts& shifts);

// The CPU reference of `steps` full training steps on the whole batch: passes, then SGD on
// every layer (velocity kept across steps). Returns the final weights; each step's
// squared_error (before its update) goes to `squared_errors` when given.
std::vector<MatrixI8> train_ref(std::vector<MatrixI8> weights, const MatrixI8& x, const MatrixI8& t,
                                const TrainShifts& shifts, const SgdOptions& sgd, int steps,
                                std::vector<std::int64_t>* squared_errors = nullptr);

// Multiply-accumulates of one step over `batch` samples: 3 GEMMs per layer, 2 for the first.
std::uint64_t train_step_macs(const MlpSpec& spec, int batch);

}  // namespace wb::sw
