// SPDX-License-Identifier: Apache-2.0
#include "sw/quantized_ops.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"

namespace wb::sw {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw InputError(what);
}

int kind_min(IntKind kind) { return kind == IntKind::kUint8 ? 0 : -128; }
int kind_max(IntKind kind) { return kind == IntKind::kUint8 ? 255 : 127; }

void check_value(std::int32_t v, IntKind kind, const char* what) {
  require(v >= kind_min(kind) && v <= kind_max(kind),
          std::string(what) + " " + std::to_string(v) + " is out of range for " + int_kind_name(kind));
}

// Per-tensor (1) or per-index (n) parameters.
template <typename T>
void check_count(const std::vector<T>& v, int n, const char* what) {
  require(v.size() == 1 || v.size() == static_cast<std::size_t>(n),
          std::string(what) + " must hold 1 or " + std::to_string(n) + " values, got " + std::to_string(v.size()));
}

template <typename T>
T pick(const std::vector<T>& v, int i) {
  return v.size() == 1 ? v[0] : v[static_cast<std::size_t>(i)];
}

// Two's-complement int32 arithmetic without signed overflow.
std::uint32_t u32(std::int32_t v) { return static_cast<std::uint32_t>(v); }

std::vector<double> scales_or_one(const std::vector<double>& s) { return s.empty() ? std::vector<double>{1.0} : s; }

std::vector<std::int8_t> conv_weights_int8(const QuantConvWeights& w) {
  return offset_to_int8(w.oihw, w.kind);
}

}  // namespace

const char* int_kind_name(IntKind kind) { return kind == IntKind::kUint8 ? "uint8" : "int8"; }

int int8_offset(IntKind kind) { return kind == IntKind::kUint8 ? 128 : 0; }

MatrixI32 gemm_on_cpu(const MatrixI8& a, const MatrixI8& b) { return gemm_ref(a, b); }

MatrixI8 offset_to_int8(const MatrixI32& values, IntKind kind) {
  MatrixI8 out(values.rows(), values.cols());
  const int offset = int8_offset(kind);
  for (std::size_t i = 0; i < values.size(); ++i) {
    check_value(values.data()[i], kind, "value");
    out.data()[i] = static_cast<std::int8_t>(values.data()[i] - offset);
  }
  return out;
}

std::vector<std::int8_t> offset_to_int8(const std::vector<std::int32_t>& values, IntKind kind) {
  std::vector<std::int8_t> out;
  out.reserve(values.size());
  const int offset = int8_offset(kind);
  for (std::int32_t v : values) {
    check_value(v, kind, "value");
    out.push_back(static_cast<std::int8_t>(v - offset));
  }
  return out;
}

std::vector<std::int32_t> offset_zero_points(const std::vector<std::int32_t>& zero_points, IntKind kind) {
  const int offset = int8_offset(kind);
  if (zero_points.empty()) return {-offset};
  std::vector<std::int32_t> out;
  out.reserve(zero_points.size());
  for (std::int32_t z : zero_points) {
    check_value(z, kind, "zero point");
    out.push_back(z - offset);
  }
  return out;
}

std::vector<std::int32_t> row_sums(const MatrixI8& a) {
  std::vector<std::int32_t> s(static_cast<std::size_t>(a.rows()), 0);
  for (int m = 0; m < a.rows(); ++m) {
    std::int32_t acc = 0;  // |sum| <= 128 K: fits int32 for any K the array takes
    for (int k = 0; k < a.cols(); ++k) acc += a.at(m, k);
    s[static_cast<std::size_t>(m)] = acc;
  }
  return s;
}

std::vector<std::int32_t> col_sums(const MatrixI8& b) {
  std::vector<std::int32_t> s(static_cast<std::size_t>(b.cols()), 0);
  for (int k = 0; k < b.rows(); ++k) {
    for (int n = 0; n < b.cols(); ++n) s[static_cast<std::size_t>(n)] += b.at(k, n);
  }
  return s;
}

void fold_zero_points(MatrixI32& acc, const std::vector<std::int32_t>& a_row_sums,
                      const std::vector<std::int32_t>& b_col_sums, const std::vector<std::int32_t>& za8,
                      const std::vector<std::int32_t>& zb8, int k) {
  require(a_row_sums.size() == static_cast<std::size_t>(acc.rows()) &&
              b_col_sums.size() == static_cast<std::size_t>(acc.cols()),
          "zero-point folding: row and column sums do not match the accumulator");
  check_count(za8, acc.rows(), "the zero point of A");
  check_count(zb8, acc.cols(), "the zero point of B");
  for (int m = 0; m < acc.rows(); ++m) {
    const std::uint32_t za = u32(pick(za8, m));
    const std::uint32_t rs = u32(a_row_sums[static_cast<std::size_t>(m)]);
    for (int n = 0; n < acc.cols(); ++n) {
      const std::uint32_t zb = u32(pick(zb8, n));
      const std::uint32_t v = u32(acc.at(m, n)) - zb * rs - za * u32(b_col_sums[static_cast<std::size_t>(n)]) +
                              static_cast<std::uint32_t>(k) * za * zb;
      acc.at(m, n) = static_cast<std::int32_t>(v);
    }
  }
}

double round_half_even(double v) {
  const double f = std::floor(v);
  const double diff = v - f;
  if (diff > 0.5) return f + 1.0;
  if (diff < 0.5) return f;
  return std::fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

MatrixI32 requantize(const MatrixI32& acc, const std::vector<std::int32_t>& bias, const std::vector<double>& a_scales,
                     const std::vector<double>& b_scales, const OutputQuant& out) {
  check_count(a_scales, acc.rows(), "the scale of A");
  check_count(b_scales, acc.cols(), "the scale of B");
  require(bias.empty() || bias.size() == static_cast<std::size_t>(acc.cols()),
          "the bias must hold one value per output channel");
  require(out.scale > 0.0 && std::isfinite(out.scale), "the output scale must be positive");
  check_value(out.zero_point, out.kind, "output zero point");
  MatrixI32 y(acc.rows(), acc.cols());
  for (int m = 0; m < acc.rows(); ++m) {
    for (int n = 0; n < acc.cols(); ++n) {
      const std::int64_t a = static_cast<std::int64_t>(acc.at(m, n)) + (bias.empty() ? 0 : bias[static_cast<std::size_t>(n)]);
      const double real = static_cast<double>(a) * pick(a_scales, m) * pick(b_scales, n);
      const double q = round_half_even(real / out.scale) + out.zero_point;
      y.at(m, n) = static_cast<std::int32_t>(std::clamp(q, static_cast<double>(kind_min(out.kind)),
                                                        static_cast<double>(kind_max(out.kind))));
    }
  }
  return y;
}

MatrixI32 matmul_integer(const QuantMatrix& a, const QuantMatrix& b, const GemmRunner& gemm) {
  require(a.values.cols() == b.values.rows(), "matmul: A is " + std::to_string(a.values.rows()) + " x " +
                                                  std::to_string(a.values.cols()) + " but B is " +
                                                  std::to_string(b.values.rows()) + " x " +
                                                  std::to_string(b.values.cols()));
  const MatrixI8 a8 = offset_to_int8(a.values, a.kind);
  const MatrixI8 b8 = offset_to_int8(b.values, b.kind);
  const std::vector<std::int32_t> za8 = offset_zero_points(a.zero_points, a.kind);
  const std::vector<std::int32_t> zb8 = offset_zero_points(b.zero_points, b.kind);
  check_count(za8, a.values.rows(), "the zero point of A");
  check_count(zb8, b.values.cols(), "the zero point of B");
  MatrixI32 acc = gemm(a8, b8);
  fold_zero_points(acc, row_sums(a8), col_sums(b8), za8, zb8, a.values.cols());
  return acc;
}

MatrixI32 qlinear_matmul(const QuantMatrix& a, const QuantMatrix& b, const OutputQuant& out, const GemmRunner& gemm) {
  return requantize(matmul_integer(a, b, gemm), {}, scales_or_one(a.scales), scales_or_one(b.scales), out);
}

MatrixI32 conv_integer(const ConvShape& shape, const QuantMatrix& x, const QuantConvWeights& w,
                       const GemmRunner& gemm) {
  const LoweredConv lowered = lower_conv(shape);
  const MatrixI8 x8 = offset_to_int8(x.values, x.kind);
  const std::vector<std::int8_t> w8 = conv_weights_int8(w);
  const std::vector<std::int32_t> zx8 = offset_zero_points(x.zero_points, x.kind);
  const std::vector<std::int32_t> zw8 = offset_zero_points(w.zero_points, w.kind);
  require(zx8.size() == 1, "the input zero point of a convolution must be one value");
  check_count(zw8, shape.out_c, "the weight zero point");
  const int ng = lowered.gemm.n;
  MatrixI32 out(lowered.gemm.m, shape.out_c);
  for (int g = 0; g < shape.groups; ++g) {
    const MatrixI8 a = im2col(shape, x8, g, static_cast<std::int8_t>(zx8[0]));
    const MatrixI8 b = conv_weights_as_gemm(shape, w8, g);
    std::vector<std::int32_t> zb(zw8);
    if (zw8.size() > 1) zb.assign(zw8.begin() + g * ng, zw8.begin() + (g + 1) * ng);
    MatrixI32 acc = gemm(a, b);
    fold_zero_points(acc, row_sums(a), col_sums(b), zx8, zb, lowered.gemm.k);
    scatter_group_output(shape, acc, g, out);
  }
  return out;
}

MatrixI32 qlinear_conv(const ConvShape& shape, const QuantMatrix& x, const QuantConvWeights& w,
                       const std::vector<std::int32_t>& bias, const OutputQuant& out, const GemmRunner& gemm) {
  require(x.scales.size() <= 1, "the input scale of a convolution must be one value");
  return requantize(conv_integer(shape, x, w, gemm), bias, scales_or_one(x.scales), scales_or_one(w.scales), out);
}

}  // namespace wb::sw
