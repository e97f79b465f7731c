// SPDX-License-Identifier: Apache-2.0
#include "sw/sgd.hpp"

#include <algorithm>
#include <stdexcept>

#include "sw/error.hpp"

namespace wb::sw {

void validate(const SgdOptions& options) {
  if (options.lr_num < 0 || options.lr_num > 65535) throw InputError("sgd learning-rate numerator must be in [0, 65535]");
  if (options.lr_shift < 0 || options.lr_shift > 32) throw InputError("sgd learning-rate shift must be in [0, 32]");
  if (!options.momentum) return;
  if (options.momentum_shift < 0 || options.momentum_shift > 16) throw InputError("sgd momentum shift must be in [0, 16]");
  if (options.momentum_num < 0 || options.momentum_num >= (std::int64_t{1} << options.momentum_shift)) {
    throw InputError("sgd momentum must be in [0, 1): numerator below 2^shift");
  }
}

std::int64_t round_shift(std::int64_t x, int shift) {
  if (shift == 0) return x;
  const std::int64_t y = x + (std::int64_t{1} << (shift - 1));
  // floor(y / 2^shift) without relying on >> of a negative number (implementation-defined in C++17).
  const std::int64_t d = std::int64_t{1} << shift;
  return y >= 0 ? y / d : -((-y + d - 1) / d);
}

void sgd_step(std::vector<std::int8_t>& weights, const std::vector<std::int64_t>& grads,
              std::vector<std::int64_t>& velocity, const SgdOptions& options) {
  if (grads.size() != weights.size()) throw std::logic_error("sgd_step: gradient and weight sizes differ");
  if (options.momentum) velocity.resize(weights.size(), 0);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    std::int64_t g = grads[i];
    if (options.momentum) {
      velocity[i] = round_shift(velocity[i] * options.momentum_num, options.momentum_shift) + g;
      g = velocity[i];
    }
    const std::int64_t w = weights[i] - round_shift(g * options.lr_num, options.lr_shift);
    weights[i] = static_cast<std::int8_t>(std::clamp<std::int64_t>(w, -128, 127));
  }
}

}  // namespace wb::sw
