// SPDX-License-Identifier: Apache-2.0
// [unit] Integer ONNX ops on an int8 array (sw/quantized_ops.hpp) and the symmetric quantization
// of float weights (sw/quantize.hpp): hand-computed small cases, and random cases against a
// direct int64 computation of the ops' definitions.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sw/error.hpp"
#include "sw/quantize.hpp"
#include "sw/quantized_ops.hpp"
#include "sw/rng.hpp"

using namespace wb;

namespace {

sw::MatrixI32 matrix(int rows, int cols, const std::vector<std::int32_t>& v) {
  sw::MatrixI32 m(rows, cols);
  REQUIRE(v.size() == m.size());
  for (std::size_t i = 0; i < v.size(); ++i) m.data()[i] = v[i];
  return m;
}

std::vector<std::int32_t> values(const sw::MatrixI32& m) { return {m.data(), m.data() + m.size()}; }

// A GemmRunner that records that it only ever saw int8 operands (by type) and how often it ran.
struct CountingGemm {
  int calls = 0;
  sw::GemmRunner runner() {
    return [this](const sw::MatrixI8& a, const sw::MatrixI8& b) {
      ++calls;
      return sw::gemm_on_cpu(a, b);
    };
  }
};

sw::QuantMatrix random_quant(sw::SplitMix64& rng, sw::IntKind kind, int rows, int cols) {
  sw::QuantMatrix q;
  q.kind = kind;
  q.values = sw::MatrixI32(rows, cols);
  const int lo = kind == sw::IntKind::kUint8 ? 0 : -128;
  for (std::size_t i = 0; i < q.values.size(); ++i) q.values.data()[i] = lo + static_cast<int>(rng.uniform(0, 255));
  return q;
}

std::int64_t zp(const std::vector<std::int32_t>& z, int i) { return z.empty() ? 0 : (z.size() == 1 ? z[0] : z[i]); }

}  // namespace

TEST_CASE("quantized ops: symmetric quantization: scale = max|x| / 127, round half away from zero", "[unit]") {
  const sw::SymmetricQuantized q = sw::quantize_symmetric({1.27, -0.635, 0.005, -0.015, 0.0, 0.6349});
  CHECK(q.scale == Approx(0.01).epsilon(1e-12));
  // 1.27 -> 127; -0.635 -> -63.5 -> -64; 0.005 -> 0.5 -> 1; -0.015 -> -1.5 -> -2; 0.6349 -> 63.49 -> 63
  CHECK(q.values == std::vector<std::int8_t>{127, -64, 1, -2, 0, 63});
  const sw::SymmetricQuantized neg = sw::quantize_symmetric({-2.0, 1.0});
  CHECK(neg.values == std::vector<std::int8_t>{-127, 64});  // never -128: the range is symmetric
  const sw::SymmetricQuantized zeros = sw::quantize_symmetric({0.0, 0.0});
  CHECK(zeros.scale == 1.0);
  CHECK(zeros.values == std::vector<std::int8_t>{0, 0});
  CHECK_THROWS_AS(sw::quantize_symmetric({1.0, std::nan("")}), sw::InputError);
}

TEST_CASE("quantized ops: uint8 goes onto the array as x - 128, zero points alike", "[unit]") {
  CHECK(sw::offset_to_int8(std::vector<std::int32_t>{0, 128, 255}, sw::IntKind::kUint8) ==
        std::vector<std::int8_t>{-128, 0, 127});
  CHECK(sw::offset_to_int8(std::vector<std::int32_t>{-128, 127}, sw::IntKind::kInt8) == std::vector<std::int8_t>{-128, 127});
  CHECK(sw::offset_zero_points({}, sw::IntKind::kUint8) == std::vector<std::int32_t>{-128});  // absent = 0
  CHECK(sw::offset_zero_points({}, sw::IntKind::kInt8) == std::vector<std::int32_t>{0});
  CHECK(sw::offset_zero_points({1, 255}, sw::IntKind::kUint8) == std::vector<std::int32_t>{-127, 127});
  CHECK_THROWS_AS(sw::offset_to_int8(std::vector<std::int32_t>{256}, sw::IntKind::kUint8), sw::InputError);
  CHECK_THROWS_AS(sw::offset_to_int8(std::vector<std::int32_t>{128}, sw::IntKind::kInt8), sw::InputError);
  CHECK_THROWS_AS(sw::offset_zero_points({-1}, sw::IntKind::kUint8), sw::InputError);
}

TEST_CASE("quantized ops: round half to even", "[unit]") {
  CHECK(sw::round_half_even(0.5) == 0.0);
  CHECK(sw::round_half_even(1.5) == 2.0);
  CHECK(sw::round_half_even(2.5) == 2.0);
  CHECK(sw::round_half_even(-0.5) == 0.0);
  CHECK(sw::round_half_even(-1.5) == -2.0);
  CHECK(sw::round_half_even(-2.5) == -2.0);
  CHECK(sw::round_half_even(2.4999) == 2.0);
  CHECK(sw::round_half_even(-2.6) == -3.0);
}

TEST_CASE("quantized ops: zero-point folding: the output stage's correction terms", "[unit]") {
  // A8 = [[2, 0], [-1, 127]], B8 = [[1, -2], [3, 4]], za8 = 1, zb8 = {1, -1}, K = 2:
  // (A8 - 1)(B8 - zb8) = [[1, -1], [-2, 126]] x [[0, -1], [2, 5]] = [[-2, -6], [252, 632]].
  sw::MatrixI8 a(2, 2), b(2, 2);
  a.at(0, 0) = 2, a.at(0, 1) = 0, a.at(1, 0) = -1, a.at(1, 1) = 127;
  b.at(0, 0) = 1, b.at(0, 1) = -2, b.at(1, 0) = 3, b.at(1, 1) = 4;
  CHECK(sw::row_sums(a) == std::vector<std::int32_t>{2, 126});
  CHECK(sw::col_sums(b) == std::vector<std::int32_t>{4, 2});
  sw::MatrixI32 acc = sw::gemm_on_cpu(a, b);
  sw::fold_zero_points(acc, sw::row_sums(a), sw::col_sums(b), {1}, {1, -1}, 2);
  CHECK(values(acc) == std::vector<std::int32_t>{-2, -6, 252, 632});
}

TEST_CASE("quantized ops: MatMulInteger by hand: uint8 A with a zero point, int8 B", "[unit]") {
  // A - 128 = [[2, 0], [-1, 127]]; B - 1 = [[0, -3], [2, 3]] -> [[0, -6], [254, 384]].
  sw::QuantMatrix a{sw::IntKind::kUint8, matrix(2, 2, {130, 128, 127, 255}), {128}, {}};
  sw::QuantMatrix b{sw::IntKind::kInt8, matrix(2, 2, {1, -2, 3, 4}), {1}, {}};
  CountingGemm gemm;
  CHECK(values(sw::matmul_integer(a, b, gemm.runner())) == std::vector<std::int32_t>{0, -6, 254, 384});
  CHECK(gemm.calls == 1);
  // Per-row zero points of A and per-column ones of B: (A - [1; 2]) (B - [10, 20])
  //   = [[0, 1], [1, 2]] x [[0, 0], [20, 20]] = [[20, 20], [40, 40]].
  sw::QuantMatrix a2{sw::IntKind::kInt8, matrix(2, 2, {1, 2, 3, 4}), {1, 2}, {}};
  sw::QuantMatrix b2{sw::IntKind::kUint8, matrix(2, 2, {10, 20, 30, 40}), {10, 20}, {}};
  CHECK(values(sw::matmul_integer(a2, b2)) == std::vector<std::int32_t>{20, 20, 40, 40});
  // Wrong counts are refused.
  a2.zero_points = {1, 2, 3};
  CHECK_THROWS_AS(sw::matmul_integer(a2, b2), sw::InputError);
}

TEST_CASE("quantized ops: MatMulInteger matches its definition on random uint8/int8 operands", "[unit]") {
  sw::SplitMix64 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const int m = 1 + static_cast<int>(rng.uniform(0, 9)), k = 1 + static_cast<int>(rng.uniform(0, 40)),
              n = 1 + static_cast<int>(rng.uniform(0, 9));
    const auto kind_a = trial % 2 ? sw::IntKind::kUint8 : sw::IntKind::kInt8;
    const auto kind_b = trial % 3 ? sw::IntKind::kUint8 : sw::IntKind::kInt8;
    sw::QuantMatrix a = random_quant(rng, kind_a, m, k), b = random_quant(rng, kind_b, k, n);
    const int lo_a = kind_a == sw::IntKind::kUint8 ? 0 : -128, lo_b = kind_b == sw::IntKind::kUint8 ? 0 : -128;
    if (trial % 4 != 0) a.zero_points = {lo_a + static_cast<int>(rng.uniform(0, 255))};
    for (int j = 0; trial % 5 != 0 && j < n; ++j) b.zero_points.push_back(lo_b + static_cast<int>(rng.uniform(0, 255)));
    const sw::MatrixI32 c = sw::matmul_integer(a, b);
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) {
        std::int64_t want = 0;
        for (int x = 0; x < k; ++x) want += (a.values.at(i, x) - zp(a.zero_points, i)) * (b.values.at(x, j) - zp(b.zero_points, j));
        INFO("trial " << trial << " at " << i << "," << j);
        REQUIRE(c.at(i, j) == want);
      }
    }
  }
}

TEST_CASE("quantized ops: requantize: scales, bias, round half to even, saturation", "[unit]") {
  const sw::MatrixI32 acc = matrix(1, 4, {10, -10, 1000, 5});
  sw::OutputQuant out{sw::IntKind::kUint8, 0.25, 100};
  // 10 * 0.5 * 0.1 / 0.25 = 2; -2; 200 -> 300 saturates to 255; 5 * 0.05 / 0.25 = 1.
  CHECK(values(sw::requantize(acc, {}, {0.5}, {0.1}, out)) == std::vector<std::int32_t>{102, 98, 255, 101});
  // Ties go to even: (acc + bias) / 2 = 2.5 -> 2, 3.5 -> 4, -0.5 -> 0, 1.5 -> 2.
  out = {sw::IntKind::kInt8, 2.0, 0};
  CHECK(values(sw::requantize(matrix(1, 4, {4, 6, -2, 0}), {1, 1, 1, 3}, {1.0}, {1.0}, out)) ==
        std::vector<std::int32_t>{2, 4, 0, 2});
  // Per-column scales; int8 saturates at -128.
  CHECK(values(sw::requantize(matrix(1, 2, {-1000, 3}), {}, {1.0}, {1.0, 2.0}, out)) ==
        std::vector<std::int32_t>{-128, 3});
}

TEST_CASE("quantized ops: ConvInteger by hand: zero-point padding, per-channel weight zero points", "[unit]") {
  // One 2x2 uint8 input with zero point 100 (real [[2, 3], [4, 5]]), pads 1, 2x2 kernels:
  //   channel 0: uint8 [[129, 128], [128, 129]] - 128 = [[1, 0], [0, 1]]
  //   channel 1: uint8 [[5, 5], [5, 6]] - 5 = [[0, 0], [0, 1]]
  // Padding is a real zero (the zero point), so the 3x3 outputs are
  //   channel 0: [[2, 3, 0], [4, 7, 3], [0, 4, 5]], channel 1: [[2, 3, 0], [4, 5, 0], [0, 0, 0]].
  sw::ConvShape s;
  s.in_h = s.in_w = 2;
  s.in_c = 1;
  s.out_c = 2;
  s.kernel_h = s.kernel_w = 2;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  sw::QuantMatrix x{sw::IntKind::kUint8, matrix(4, 1, {102, 103, 104, 105}), {100}, {}};
  sw::QuantConvWeights w{sw::IntKind::kUint8, {129, 128, 128, 129, 5, 5, 5, 6}, {128, 5}, {}};
  CountingGemm gemm;
  const sw::MatrixI32 y = sw::conv_integer(s, x, w, gemm.runner());
  REQUIRE(y.rows() == 9);
  REQUIRE(y.cols() == 2);
  std::vector<std::int32_t> c0, c1;
  for (int p = 0; p < 9; ++p) c0.push_back(y.at(p, 0)), c1.push_back(y.at(p, 1));
  CHECK(c0 == std::vector<std::int32_t>{2, 3, 0, 4, 7, 3, 0, 4, 5});
  CHECK(c1 == std::vector<std::int32_t>{2, 3, 0, 4, 5, 0, 0, 0, 0});
  CHECK(gemm.calls == 1);
  // QLinearConv on the same: bias {1, 0}, scales 0.5 * 0.5 / 0.125 = 2 -> y = 2 (acc + bias) + 3.
  const sw::MatrixI32 q = sw::qlinear_conv(s, {x.kind, x.values, x.zero_points, {0.5}},
                                           {w.kind, w.oihw, w.zero_points, {0.5}}, {1, 0},
                                           {sw::IntKind::kUint8, 0.125, 3});
  CHECK(q.at(4, 0) == 2 * (7 + 1) + 3);
  CHECK(q.at(8, 1) == 3);
}

TEST_CASE("quantized ops: ConvInteger matches its definition: groups, strides, dilations, asymmetric pads", "[unit]") {
  sw::SplitMix64 rng(11);
  for (int trial = 0; trial < 12; ++trial) {
    sw::ConvShape s;
    s.batch = 1 + trial % 2;
    s.groups = 1 + trial % 3;
    s.in_c = s.groups * (1 + static_cast<int>(rng.uniform(0, 2)));
    s.out_c = s.groups * (1 + static_cast<int>(rng.uniform(0, 2)));
    s.in_h = 3 + static_cast<int>(rng.uniform(0, 4));
    s.in_w = 5 + static_cast<int>(rng.uniform(0, 3));  // room for a dilated 3-wide window
    s.kernel_h = 1 + static_cast<int>(rng.uniform(0, 2));
    s.kernel_w = 1 + static_cast<int>(rng.uniform(0, 2));
    s.stride_h = 1 + trial % 2;
    s.dilation_w = 1 + (trial / 2) % 2;
    s.pad_top = trial % 2, s.pad_bottom = (trial / 3) % 2, s.pad_left = 1, s.pad_right = 0;
    const auto xk = trial % 2 ? sw::IntKind::kUint8 : sw::IntKind::kInt8;
    const auto wk = trial % 3 ? sw::IntKind::kUint8 : sw::IntKind::kInt8;
    sw::QuantMatrix x = random_quant(rng, xk, s.batch * s.in_h * s.in_w, s.in_c);
    x.zero_points = {(xk == sw::IntKind::kUint8 ? 0 : -128) + static_cast<int>(rng.uniform(0, 255))};
    const int cg = s.in_c / s.groups, ng = s.out_c / s.groups;
    const sw::QuantMatrix wm = random_quant(rng, wk, 1, s.out_c * cg * s.kernel_h * s.kernel_w);
    sw::QuantConvWeights w{wk, values(wm.values), {}, {}};
    for (int o = 0; o < s.out_c; ++o) w.zero_points.push_back((wk == sw::IntKind::kUint8 ? 0 : -128) + static_cast<int>(rng.uniform(0, 255)));
    const sw::MatrixI32 y = sw::conv_integer(s, x, w);
    for (int b = 0; b < s.batch; ++b) {
      for (int oy = 0; oy < s.out_h(); ++oy) {
        for (int ox = 0; ox < s.out_w(); ++ox) {
          for (int o = 0; o < s.out_c; ++o) {
            std::int64_t want = 0;
            for (int c = 0; c < cg; ++c) {
              for (int kh = 0; kh < s.kernel_h; ++kh) {
                for (int kw = 0; kw < s.kernel_w; ++kw) {
                  const int iy = oy * s.stride_h - s.pad_top + kh * s.dilation_h;
                  const int ix = ox * s.stride_w - s.pad_left + kw * s.dilation_w;
                  if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) continue;  // padding: real zero
                  const std::int64_t xv = x.values.at((b * s.in_h + iy) * s.in_w + ix, (o / ng) * cg + c) - x.zero_points[0];
                  const std::int64_t wv = w.oihw[((static_cast<std::size_t>(o) * cg + c) * s.kernel_h + kh) * s.kernel_w + kw] - w.zero_points[o];
                  want += xv * wv;
                }
              }
            }
            INFO("trial " << trial << " pixel " << oy << "," << ox << " channel " << o);
            REQUIRE(y.at((b * s.out_h() + oy) * s.out_w() + ox, o) == want);
          }
        }
      }
    }
  }
}
