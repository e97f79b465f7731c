// SPDX-License-Identifier: Apache-2.0
// [cosim] The ONNX backend node tests of Debian's libonnx-testdata (a model.onnx and its
// test_data_set_0/{input,output}_N.pb each) through the systolic array on the RTL: every integer
// matmul/conv test, and every Conv/MatMul/Gemm test whose inputs are all integers that fit int8,
// on 4x4 and 8x8 in both dataflows, compared exactly with the expected outputs. The rest of the
// matmul/gemm/conv tests are listed with the reason they do not run. Missing test data fails
// (scripts/setup.sh installs it): a suite that silently runs nothing proves nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "array_gemm.hpp"
#include "sw/error.hpp"
#include "sw/onnx_import.hpp"
#include "sw/onnx_tensor.hpp"
#include "sw/quantized_ops.hpp"

using namespace wb;
namespace fs = std::filesystem;

namespace {

const std::string kNodeTests = WB_ONNX_NODE_TESTS;

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

// Integer ops: all of them must run.
bool is_integer_test(const std::string& name) {
  for (const char* p : {"test_matmulinteger", "test_convinteger", "test_basic_convinteger", "test_qlinearmatmul",
                        "test_qlinearconv"}) {
    if (starts_with(name, p)) return true;
  }
  return false;
}

// Float ops: run when their inputs are integers that fit int8.
bool is_candidate_test(const std::string& name) {
  for (const char* p : {"test_matmul", "test_gemm", "test_conv", "test_basic_conv"}) {
    if (starts_with(name, p)) return true;
  }
  return false;
}

struct NodeTest {
  std::string name;
  sw::Layer layer;
  std::map<std::string, sw::OnnxTensor> inputs;  // by name
  sw::OnnxTensor expected;
};

NodeTest load(const fs::path& dir) {
  NodeTest t;
  t.name = dir.filename().string();
  const sw::Network net = sw::import_onnx((dir / "model.onnx").string());
  REQUIRE(net.layers.size() == 1);
  t.layer = net.layers[0];
  const fs::path data = dir / "test_data_set_0";
  for (int i = 0; fs::exists(data / ("input_" + std::to_string(i) + ".pb")); ++i) {
    sw::OnnxTensor x = sw::read_onnx_tensor((data / ("input_" + std::to_string(i) + ".pb")).string());
    REQUIRE(!x.name.empty());
    t.inputs[x.name] = std::move(x);
  }
  t.expected = sw::read_onnx_tensor((data / "output_0.pb").string());
  REQUIRE(!fs::exists(data / "output_1.pb"));
  return t;
}

// Why a candidate does not run, or nothing.
std::optional<std::string> not_runnable(const NodeTest& t) {
  if (!t.layer.mapped()) return t.layer.op + " is not an op the array runs (not mapped)";
  for (const auto& [name, x] : t.inputs) {
    if (!x.all_integers_in(-128, 127)) return "float-valued (input '" + name + "' is not integers in int8)";
  }
  if (!t.expected.all_integers_in(-2147483648.0, 2147483647.0)) return "float-valued output";
  if (t.layer.op == "Gemm") return "Gemm tests carry alpha/beta/bias in float";  // none qualifies today
  return std::nullopt;
}

// Stored element type of an 8-bit operand.
sw::IntKind kind_of(const sw::OnnxTensor& x) {
  return x.data_type == 2 /* uint8 */ ? sw::IntKind::kUint8 : sw::IntKind::kInt8;
}

const sw::OnnxTensor* operand(const NodeTest& t, std::size_t i) {
  if (i >= t.layer.operands.size() || t.layer.operands[i].empty()) return nullptr;
  const auto it = t.inputs.find(t.layer.operands[i]);
  REQUIRE(it != t.inputs.end());
  return &it->second;
}

std::vector<std::int32_t> ints_or_empty(const sw::OnnxTensor* x) { return x ? x->as_int32() : std::vector<std::int32_t>{}; }
std::vector<double> doubles_or_empty(const sw::OnnxTensor* x) { return x ? x->values : std::vector<double>{}; }

// NCHW tensor (or OIHW weights) values -> NHWC rows (batch * h * w) x channels.
sw::MatrixI32 nchw_to_nhwc(const sw::OnnxTensor& x, const sw::ConvShape& s) {
  const std::vector<std::int32_t> v = x.as_int32();
  sw::MatrixI32 m(s.batch * s.in_h * s.in_w, s.in_c);
  for (int b = 0; b < s.batch; ++b) {
    for (int c = 0; c < s.in_c; ++c) {
      for (int p = 0; p < s.in_h * s.in_w; ++p) m.at(b * s.in_h * s.in_w + p, c) = v[(static_cast<std::size_t>(b) * s.in_c + c) * s.in_h * s.in_w + p];
    }
  }
  return m;
}

std::vector<std::int32_t> nhwc_to_nchw(const sw::MatrixI32& y, const sw::ConvShape& s) {
  const int pixels = s.out_h() * s.out_w();
  std::vector<std::int32_t> v(y.size());
  for (int b = 0; b < s.batch; ++b) {
    for (int c = 0; c < s.out_c; ++c) {
      for (int p = 0; p < pixels; ++p) v[(static_cast<std::size_t>(b) * s.out_c + c) * pixels + p] = y.at(b * pixels + p, c);
    }
  }
  return v;
}

std::vector<std::int32_t> run_conv(const NodeTest& t, const sw::GemmRunner& gemm) {
  const sw::ConvShape& s = *t.layer.conv;
  const bool qlinear = t.layer.op == "QLinearConv";
  const bool integer = t.layer.op == "ConvInteger";
  // Conv: (X, W, B); ConvInteger: (x, w, x_zero_point, w_zero_point);
  // QLinearConv: (x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B).
  const sw::OnnxTensor& x = *operand(t, 0);
  const sw::OnnxTensor& w = *operand(t, qlinear ? 3 : 1);
  sw::QuantMatrix xq{kind_of(x), nchw_to_nhwc(x, s), {}, {}};
  sw::QuantConvWeights wq{kind_of(w), w.as_int32(), {}, {}};
  if (qlinear || integer) {
    xq.zero_points = ints_or_empty(operand(t, 2));
    wq.zero_points = ints_or_empty(operand(t, qlinear ? 5 : 3));
  }
  sw::MatrixI32 y;
  if (qlinear) {
    xq.scales = doubles_or_empty(operand(t, 1));
    wq.scales = doubles_or_empty(operand(t, 4));
    const sw::OnnxTensor& y_zero_point = *operand(t, 7);
    const sw::OutputQuant out{kind_of(y_zero_point), operand(t, 6)->values.at(0), y_zero_point.as_int32().at(0)};
    y = sw::qlinear_conv(s, xq, wq, ints_or_empty(operand(t, 8)), out, gemm);
  } else {
    y = sw::conv_integer(s, xq, wq, gemm);
    if (const sw::OnnxTensor* bias = integer ? nullptr : operand(t, 2)) {  // Conv's bias: the output stage
      const std::vector<std::int32_t> b = bias->as_int32();
      for (int r = 0; r < y.rows(); ++r) {
        for (int c = 0; c < y.cols(); ++c) y.at(r, c) += b[static_cast<std::size_t>(c)];
      }
    }
  }
  return nhwc_to_nchw(y, s);
}

// One matrix of a (.., rows, cols) tensor: batch element `index` (broadcast when it has one).
sw::MatrixI32 slice(const sw::OnnxTensor& x, std::int64_t index) {
  const std::size_t r = x.dims.size();
  const int rows = static_cast<int>(x.dims[r - 2]), cols = static_cast<int>(x.dims[r - 1]);
  const std::int64_t batches = x.elements() / (static_cast<std::int64_t>(rows) * cols);
  const std::vector<std::int32_t> v = x.as_int32();
  sw::MatrixI32 m(rows, cols);
  const std::size_t first = static_cast<std::size_t>((batches == 1 ? 0 : index) * rows * cols);
  std::copy(v.begin() + static_cast<long>(first), v.begin() + static_cast<long>(first + m.size()), m.data());
  return m;
}

std::vector<std::int32_t> run_matmul(const NodeTest& t, const sw::GemmRunner& gemm) {
  const bool qlinear = t.layer.op == "QLinearMatMul";
  // MatMulInteger: (A, B, a_zero_point, b_zero_point);
  // QLinearMatMul: (a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point).
  const sw::OnnxTensor& a = *operand(t, 0);
  const sw::OnnxTensor& b = *operand(t, qlinear ? 3 : 1);
  REQUIRE(a.dims.size() >= 2);
  REQUIRE(b.dims.size() >= 2);
  // Batched operands here broadcast only by matching batches (or one side unbatched).
  const std::int64_t batches = std::max(a.elements() / (a.dims[a.dims.size() - 2] * a.dims.back()),
                                        b.elements() / (b.dims[b.dims.size() - 2] * b.dims.back()));
  REQUIRE(batches == t.layer.count);
  std::vector<std::int32_t> out;
  for (std::int64_t i = 0; i < batches; ++i) {
    sw::QuantMatrix aq{kind_of(a), slice(a, i), {}, {}}, bq{kind_of(b), slice(b, i), {}, {}};
    REQUIRE(aq.values.rows() == t.layer.gemm.m);
    REQUIRE(aq.values.cols() == t.layer.gemm.k);
    REQUIRE(bq.values.cols() == t.layer.gemm.n);
    sw::MatrixI32 y;
    if (qlinear) {
      aq.zero_points = ints_or_empty(operand(t, 2));
      aq.scales = doubles_or_empty(operand(t, 1));
      bq.zero_points = ints_or_empty(operand(t, 5));
      bq.scales = doubles_or_empty(operand(t, 4));
      const sw::OnnxTensor& y_zero_point = *operand(t, 7);
      y = sw::qlinear_matmul(aq, bq, {kind_of(y_zero_point), operand(t, 6)->values.at(0), y_zero_point.as_int32().at(0)}, gemm);
    } else {
      if (t.layer.op == "MatMulInteger") {
        aq.zero_points = ints_or_empty(operand(t, 2));
        bq.zero_points = ints_or_empty(operand(t, 3));
      }
      y = sw::matmul_integer(aq, bq, gemm);
    }
    out.insert(out.end(), y.data(), y.data() + y.size());
  }
  return out;
}

std::vector<std::int32_t> run_node_test(const NodeTest& t, const sw::GemmRunner& gemm) {
  if (t.layer.kind == sw::LayerKind::kConv) return run_conv(t, gemm);
  return run_matmul(t, gemm);
}

}  // namespace

TEST_CASE("onnx node tests: integer matmul and conv on the RTL array, exact", "[cosim]") {
  if (!fs::is_directory(kNodeTests)) FAIL("libonnx-testdata's node tests are missing at " << kNodeTests << ": run scripts/setup.sh");
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(kNodeTests)) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());

  const std::vector<test::ArrayTarget> targets = test::array_targets(ref::Engine::kRtl);
  std::vector<std::string> ran, skipped;
  for (const fs::path& dir : dirs) {
    const std::string name = dir.filename().string();
    const bool integer = is_integer_test(name);
    if (!integer && !is_candidate_test(name)) continue;
    INFO("node test " << name);
    NodeTest t;
    try {
      t = load(dir);
    } catch (const sw::InputError& e) {
      if (integer) throw;
      skipped.push_back(name + ": the import refuses it: " + e.what());
      continue;
    }
    if (!integer) {
      if (const auto why = not_runnable(t)) {
        skipped.push_back(name + ": " + *why);
        continue;
      }
    }
    REQUIRE(t.layer.mapped());
    const std::vector<std::int32_t> expected = t.expected.as_int32();
    for (const auto& target : targets) {
      INFO("on " << target.name());
      int gemms = 0;
      const std::vector<std::int32_t> got = run_node_test(t, test::array_gemm(target, &gemms));
      CHECK(got == expected);
      CHECK(gemms >= 1);
    }
    ran.push_back(name);
  }
  std::cout << "ONNX node tests run on the RTL array (4x4, 8x8; ws, os): " << ran.size() << "\n";
  for (const auto& n : ran) std::cout << "  ran  " << n << "\n";
  for (const auto& n : skipped) std::cout << "  not  " << n << "\n";
  // libonnx-testdata 1.12: the set that must run (a change in the data or in the selection shows).
  CHECK(ran == std::vector<std::string>{
                   "test_basic_conv_with_padding", "test_basic_conv_without_padding", "test_basic_convinteger",
                   "test_conv_with_autopad_same", "test_conv_with_strides_and_asymmetric_padding",
                   "test_conv_with_strides_no_padding", "test_conv_with_strides_padding",
                   "test_convinteger_with_padding", "test_convinteger_without_padding", "test_matmulinteger",
                   "test_qlinearconv", "test_qlinearmatmul_2D", "test_qlinearmatmul_3D"});
}
