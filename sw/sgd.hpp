// SPDX-License-Identifier: Apache-2.0
#pragma once
// Integer SGD, optionally with momentum, as the weight store applies it. Weights are int8,
// gradients and the momentum state are exact integers, and every scaling is a fixed-point
// rational num / 2^shift with one rounding rule (to nearest, ties towards +infinity). The step
// therefore depends only on the summed gradient: splitting a batch over N systems and adding
// their int32 gradients gives bit-identical weights to one system with the whole batch.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wb::sw {

struct SgdOptions {
  std::int64_t lr_num = 1;  // learning rate lr_num / 2^lr_shift
  int lr_shift = 8;
  bool momentum = false;
  std::int64_t momentum_num = 0;  // momentum mu = momentum_num / 2^momentum_shift, below 1
  int momentum_shift = 0;
};

// Throws InputError unless 0 <= lr_num <= 65535, 0 <= lr_shift <= 32, 0 <= momentum_shift <= 16
// and 0 <= mu < 1: both multipliers stay below 2^16, so every product fits int64 while the
// summed gradient and the velocity stay below 2^47 in magnitude.
void validate(const SgdOptions& options);

// x / 2^shift rounded to the nearest integer, ties towards +infinity; exact for any int64 x
// whose |x| + 2^(shift-1) fits.
std::int64_t round_shift(std::int64_t x, int shift);

// One optimizer step over a layer, element by element:
//   without momentum: w -= round_shift(g * lr_num, lr_shift)
//   with momentum:    v = round_shift(v * momentum_num, momentum_shift) + g
//                     w -= round_shift(v * lr_num, lr_shift)
// w saturates to [-128, 127]. `velocity` is used (and sized on first use) only with momentum.
void sgd_step(std::vector<std::int8_t>& weights, const std::vector<std::int64_t>& grads,
              std::vector<std::int64_t>& velocity, const SgdOptions& options);

}  // namespace wb::sw
