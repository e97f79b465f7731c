// SPDX-License-Identifier: Apache-2.0
#include "sw/quantize.hpp"

#include <algorithm>
#include <cmath>

#include "sw/error.hpp"

namespace wb::sw {

SymmetricQuantized quantize_symmetric(const std::vector<double>& values) {
  double max_abs = 0.0;
  for (double v : values) {
    if (!std::isfinite(v)) throw InputError("cannot quantize a tensor holding NaN or infinity");
    max_abs = std::max(max_abs, std::fabs(v));
  }
  SymmetricQuantized q;
  q.scale = max_abs > 0.0 ? max_abs / 127.0 : 1.0;
  q.values.reserve(values.size());
  for (double v : values) {
    // std::round rounds half away from zero, independent of the FPU rounding mode.
    const double r = std::round(v / q.scale);
    q.values.push_back(static_cast<std::int8_t>(std::clamp(r, -127.0, 127.0)));
  }
  return q;
}

std::string symmetric_quantization_note() {
  return "float weights quantized per tensor to int8: symmetric, scale = max|w| / 127, "
         "round half away from zero, clamp to [-127, 127]";
}

}  // namespace wb::sw
