// SPDX-License-Identifier: Apache-2.0
#pragma once
// CPU golden model of the array's GEMM: int8 x int8 products summed in int32 with two's
// complement wrap-around, exactly as the RTL accumulates.
#include "sw/tensor.hpp"

namespace wb::sw {

// Throws InputError ("K mismatch: ...") unless A's columns match B's rows.
void check_gemm_operands(const MatrixI8& a, const MatrixI8& b);

// C = A (M x K) * B (K x N). Throws InputError when K differs.
MatrixI32 gemm_ref(const MatrixI8& a, const MatrixI8& b);

}  // namespace wb::sw
