// SPDX-License-Identifier: Apache-2.0
#pragma once
// Float tensors to int8 for the array: per-tensor symmetric quantization, the scheme the ONNX
// importer applies to float weights (and the report names).
//
//   scale = max |x| / 127            (computed in double; an all-zero tensor gets scale 1)
//   q     = clamp(round(x / scale), -127, 127), rounding half away from zero
//
// so that x ~= scale * q. Symmetric (zero point 0) keeps the array's int8 x int8 products free of
// zero-point terms; -128 is left out so that the range is symmetric. Deterministic: the same
// floats give the same int8 on every platform.
#include <cstdint>
#include <string>
#include <vector>

namespace wb::sw {

struct SymmetricQuantized {
  std::vector<std::int8_t> values;
  double scale = 1.0;  // real value of one int8 step
};

// Throws InputError on a NaN or infinite value.
SymmetricQuantized quantize_symmetric(const std::vector<double>& values);

// One line for reports: the scheme above.
std::string symmetric_quantization_note();

}  // namespace wb::sw
