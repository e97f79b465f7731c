// SPDX-License-Identifier: Apache-2.0
#pragma once
// ONNX's integer matmul and convolution ops (MatMulInteger, ConvInteger, QLinearMatMul,
// QLinearConv) on an int8 x int8 -> int32 array, the way int8 accelerators run asymmetric
// quantization:
//
//   1. offset: a stored value x of kind uint8 goes onto the array as x8 = x - 128 (int8 as is),
//      and its zero point z as z8 = z - 128, so that x - z = x8 - z8 exactly;
//   2. the array computes acc = A8 * B8 (int32, wrapping);
//   3. the output stage on the host folds in the zero-point terms,
//        sum_k (A8 - za8[m]) (B8 - zb8[n])
//          = acc - zb8[n] * rowsum(A8)[m] - za8[m] * colsum(B8)[n] + K * za8[m] * zb8[n],
//      in wrapping int32 (exact whenever the true result fits int32, as ONNX requires);
//   4. QLinear* only: add the int32 bias, then requantize as the ONNX spec defines,
//        y = saturate(round_half_even(acc * x_scale * w_scale / y_scale) + y_zero_point),
//      computed in double precision.
// A convolution pads its input with the input zero point (a real zero), so im2col fills the
// padding with za8 and the same folding holds.
#include <cstdint>
#include <functional>
#include <vector>

#include "sw/conv.hpp"
#include "sw/tensor.hpp"

namespace wb::sw {

enum class IntKind { kInt8, kUint8 };
const char* int_kind_name(IntKind kind);  // "int8" / "uint8"
// What the offset subtracts: 0 for int8, 128 for uint8.
int int8_offset(IntKind kind);

// The array's GEMM: C = A (M x K) * B (K x N). The array on pins, the reference model or gemm_ref.
using GemmRunner = std::function<MatrixI32(const MatrixI8& a, const MatrixI8& b)>;
MatrixI32 gemm_on_cpu(const MatrixI8& a, const MatrixI8& b);  // gemm_ref as a GemmRunner

// An 8-bit integer matrix as an ONNX op takes it: stored values and zero point(s), and for the
// QLinear ops its scale(s).
struct QuantMatrix {
  IntKind kind = IntKind::kInt8;
  MatrixI32 values;                        // as stored: [-128, 127] or [0, 255]
  std::vector<std::int32_t> zero_points;   // empty (0), one (per tensor), or per row (A) / column (B)
  std::vector<double> scales;              // QLinear only: one, or per row (A) / column (B)
};

// Convolution weights, OIHW as stored, with zero point(s) and scale(s) per tensor or per
// output channel.
struct QuantConvWeights {
  IntKind kind = IntKind::kInt8;
  std::vector<std::int32_t> oihw;
  std::vector<std::int32_t> zero_points;
  std::vector<double> scales;
};

// The requantized output of a QLinear op.
struct OutputQuant {
  IntKind kind = IntKind::kUint8;
  double scale = 1.0;
  std::int32_t zero_point = 0;
};

// Step 1: stored values to the array's int8. Throws InputError when a value is out of its kind.
MatrixI8 offset_to_int8(const MatrixI32& values, IntKind kind);
std::vector<std::int8_t> offset_to_int8(const std::vector<std::int32_t>& values, IntKind kind);
// Zero points moved by the same offset; empty becomes {-offset} (an absent zero point is 0).
std::vector<std::int32_t> offset_zero_points(const std::vector<std::int32_t>& zero_points, IntKind kind);

// Step 3, the output stage. za8 has 1 or acc.rows() entries, zb8 1 or acc.cols(); a_row_sums
// acc.rows(), b_col_sums acc.cols(). Applied in place.
std::vector<std::int32_t> row_sums(const MatrixI8& a);
std::vector<std::int32_t> col_sums(const MatrixI8& b);
void fold_zero_points(MatrixI32& acc, const std::vector<std::int32_t>& a_row_sums,
                      const std::vector<std::int32_t>& b_col_sums, const std::vector<std::int32_t>& za8,
                      const std::vector<std::int32_t>& zb8, int k);

// Step 4. Round half to even, whatever the FPU's rounding mode.
double round_half_even(double v);
// y[m][n] = saturate(round_half_even((acc[m][n] + bias[n]) * a_scales[m] * b_scales[n] / out.scale)
//                    + out.zero_point); a_scales and b_scales hold 1 or per row / column values,
// bias is empty or per column.
MatrixI32 requantize(const MatrixI32& acc, const std::vector<std::int32_t>& bias, const std::vector<double>& a_scales,
                     const std::vector<double>& b_scales, const OutputQuant& out);

// MatMulInteger: (A - za) (B - zb), A M x K, B K x N; int32 (wrapping). Validates shapes,
// value ranges and zero-point counts (InputError).
MatrixI32 matmul_integer(const QuantMatrix& a, const QuantMatrix& b, const GemmRunner& gemm = gemm_on_cpu);
// QLinearMatMul: matmul_integer, then requantize with the scales of A, B and `out`.
MatrixI32 qlinear_matmul(const QuantMatrix& a, const QuantMatrix& b, const OutputQuant& out,
                         const GemmRunner& gemm = gemm_on_cpu);

// ConvInteger: x is NHWC ((batch * in_h * in_w) x in_c) with one zero point, w OIHW; the result
// is NHWC ((batch * out_h * out_w) x out_c), int32. One GEMM per group.
MatrixI32 conv_integer(const ConvShape& shape, const QuantMatrix& x, const QuantConvWeights& w,
                       const GemmRunner& gemm = gemm_on_cpu);
// QLinearConv: conv_integer, plus bias (empty or out_c int32 values, at scale x_scale * w_scale),
// then requantize.
MatrixI32 qlinear_conv(const ConvShape& shape, const QuantMatrix& x, const QuantConvWeights& w,
                       const std::vector<std::int32_t>& bias, const OutputQuant& out,
                       const GemmRunner& gemm = gemm_on_cpu);

}  // namespace wb::sw
