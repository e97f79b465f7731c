// SPDX-License-Identifier: Apache-2.0
// [unit] ONNX import (sw/onnx_import.hpp) of the committed fixtures
// (tests/fixtures/make_onnx_models.py): layer lists, shapes, quantized weights, not-mapped layers
// and the one-line errors. test_onnx_array.cpp runs the imported layers on the array.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sw/conv.hpp"
#include "sw/error.hpp"
#include "sw/network.hpp"
#include "sw/onnx_import.hpp"
#include "sw/quantize.hpp"

using namespace wb;
using Catch::Matchers::Contains;

namespace {

const std::string kFixtures = WB_ONNX_FIXTURES;

std::string fixture(const std::string& name) { return kFixtures + "/" + name; }

sw::OnnxImportOptions mlp_shape(std::int64_t batch = 4) {
  sw::OnnxImportOptions o;
  o.input_shapes["x"] = {batch, 16};
  return o;
}

std::string import_error(const std::string& path, const sw::OnnxImportOptions& options = {}) {
  try {
    sw::import_onnx(path, options);
  } catch (const sw::InputError& e) {
    const std::string what = e.what();
    CHECK(what.find('\n') == std::string::npos);  // one line
    return what;
  }
  FAIL("no InputError for " << path);
  return "";
}

std::string write_tmp(const std::string& name, const std::string& bytes) {
  const std::string path = std::string(WB_TEST_TMPDIR) + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const sw::Layer& layer(const sw::Network& net, const std::string& name) {
  for (const sw::Layer& l : net.layers) {
    if (l.name == name) return l;
  }
  FAIL("no layer " << name);
  return net.layers.front();
}

void check_gemm(const sw::Layer& l, int m, int k, int n, int count = 1) {
  INFO("layer " << l.name);
  CHECK(l.gemm.m == m);
  CHECK(l.gemm.k == k);
  CHECK(l.gemm.n == n);
  CHECK(l.count == count);
}

}  // namespace

TEST_CASE("onnx import: parse_input_shape takes NAME=DIMS", "[unit]") {
  CHECK(sw::parse_input_shape("image=1x3x224x224") == std::make_pair(std::string("image"), std::vector<std::int64_t>{1, 3, 224, 224}));
  CHECK(sw::parse_input_shape("x=7") == std::make_pair(std::string("x"), std::vector<std::int64_t>{7}));
  // ONNX names may hold ':' and '=' (the last '=' splits).
  CHECK(sw::parse_input_shape("input:0=2x16").first == "input:0");
  CHECK(sw::parse_input_shape("a=b=2x2").first == "a=b");
  for (const char* bad : {"", "x", "x=", "=1x2", "x=1x", "x=x1", "x=0x3", "x=1x-3", "x=1,3", "x=1xax3", "x= 1",
                          "x=1x2x", "x=12345678901"}) {
    INFO("'" << bad << "'");
    CHECK_THROWS_WITH(sw::parse_input_shape(bad), Contains("--input-shape must be NAME=DIMS"));
  }
}

TEST_CASE("onnx import: conv net layers, shapes and not-mapped ops", "[unit]") {
  const sw::Network net = sw::import_onnx(fixture("conv_net.onnx"));
  CHECK(net.name == "conv_net");
  REQUIRE(net.layers.size() == 6);
  const std::vector<std::string> names{"conv1", "relu1", "conv2", "pool", "flatten", "fc"};
  const std::vector<std::string> ops{"Conv", "Relu", "Conv", "MaxPool", "Flatten", "Gemm"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    CHECK(net.layers[i].name == names[i]);
    CHECK(net.layers[i].op == ops[i]);
    CHECK(net.layers[i].source == "onnx node '" + names[i] + "'");
  }
  CHECK(net.mapped_layers() == 3);
  CHECK(net.layers[1].kind == sw::LayerKind::kNotMapped);
  CHECK(net.layers[3].kind == sw::LayerKind::kNotMapped);
  CHECK(net.layers[4].kind == sw::LayerKind::kNotMapped);

  const sw::Layer& c1 = layer(net, "conv1");
  CHECK(c1.kind == sw::LayerKind::kConv);
  check_gemm(c1, 64, 27, 4);  // 8x8 pixels, 3x3x3, 4 filters
  CHECK(c1.conv->pad_top == 1);
  CHECK(c1.conv->pad_right == 1);
  CHECK(c1.operands == std::vector<std::string>{"image", "conv1.w", "conv1.b"});

  // group 2, stride 2, auto_pad SAME_UPPER on 8x8: out 4x4, total pad 1, all of it after.
  const sw::Layer& c2 = layer(net, "conv2");
  check_gemm(c2, 16, 18, 4, 2);
  CHECK(c2.conv->groups == 2);
  CHECK(c2.conv->stride_h == 2);
  CHECK(c2.conv->pad_top == 0);
  CHECK(c2.conv->pad_left == 0);
  CHECK(c2.conv->pad_bottom == 1);
  CHECK(c2.conv->pad_right == 1);
  CHECK(c2.weights.size() == 2);

  const sw::Layer& fc = layer(net, "fc");  // Gemm with transB: fc.w is 10 x 32
  CHECK(fc.kind == sw::LayerKind::kGemm);
  check_gemm(fc, 1, 32, 10);
  CHECK(net.macs() == 64ull * 27 * 4 + 2ull * 16 * 18 * 4 + 32 * 10);
}

TEST_CASE("onnx import: conv net float weights quantized per tensor, symmetric", "[unit]") {
  const sw::Network net = sw::import_onnx(fixture("conv_net.onnx"));
  REQUIRE(net.notes.size() == 1);
  CHECK(net.notes[0] == sw::symmetric_quantization_note());
  const sw::Layer& c1 = layer(net, "conv1");
  CHECK(c1.weight_encoding == sw::WeightEncoding::kQuantizedFloat);
  REQUIRE(c1.weight_scales.size() == 1);
  CHECK(c1.weight_scales[0] == 0.49609375 / 127);  // max |conv1.w| / 127
  // Values pinned from the fixture (make_onnx_models.py, same scheme in Python). conv1.w OIHW
  // [0,0,0,0..3] = -103, 23, 60 (kw), 22 (kh 1); the GEMM's K runs (kh, kw, c).
  const sw::MatrixI8& w = c1.weights.at(0);
  REQUIRE(w.rows() == 27);
  REQUIRE(w.cols() == 4);
  CHECK(int(w.at(0, 0)) == -103);
  CHECK(int(w.at(3, 0)) == 23);
  CHECK(int(w.at(6, 0)) == 60);
  CHECK(int(w.at(9, 0)) == 22);
  const sw::Layer& c2 = layer(net, "conv2");
  CHECK(c2.weight_scales[0] == 0.242919921875 / 127);
  CHECK(int(c2.weights.at(0).at(0, 0)) == -41);
  // fc.w (10 x 32, transB): weights(k, n) = fc.w[n][k].
  const sw::Layer& fc = layer(net, "fc");
  CHECK(int(fc.weights.at(0).at(0, 0)) == 109);
  CHECK(int(fc.weights.at(0).at(1, 0)) == 112);
  CHECK(int(fc.weights.at(0).at(0, 1)) == 18);
  CHECK(fc.weight_scales[0] == 0.12451171875 / 127);
  for (const sw::Layer& l : net.layers) {
    for (const sw::MatrixI8& m : l.weights) {
      for (std::size_t i = 0; i < m.size(); ++i) REQUIRE(m.data()[i] != -128);
    }
  }
}

TEST_CASE("onnx import: the MLP dynamic batch needs --input-shape, unnamed nodes get op and index", "[unit]") {
  const std::string err = import_error(fixture("mlp.onnx"));
  CHECK_THAT(err, Contains("mlp.onnx: input 'x' has a dynamic dimension 'batch'"));
  CHECK_THAT(err, Contains("--input-shape x="));

  const sw::Network net = sw::import_onnx(fixture("mlp.onnx"), mlp_shape(4));
  REQUIRE(net.layers.size() == 4);
  check_gemm(layer(net, "fc1"), 4, 16, 32);
  CHECK(layer(net, "bias1").op == "Add");
  CHECK(!layer(net, "bias1").mapped());
  const sw::Layer& relu = net.layers[2];
  CHECK(relu.name == "Relu_2");
  CHECK(relu.source == "onnx node #2 (Relu)");
  CHECK(!relu.mapped());
  const sw::Layer& fc2 = layer(net, "fc2");
  check_gemm(fc2, 4, 32, 10);
  CHECK(int(layer(net, "fc1").weights.at(0).at(0, 0)) == -58);
  CHECK(int(layer(net, "fc1").weights.at(0).at(0, 2)) == -95);
  CHECK(int(layer(net, "fc1").weights.at(0).at(0, 3)) == 45);
  CHECK(int(fc2.weights.at(0).at(0, 0)) == 117);
  CHECK(layer(net, "fc1").weight_scales[0] == 0.9990234375 / 127);
  // Another batch changes M only.
  check_gemm(layer(sw::import_onnx(fixture("mlp.onnx"), mlp_shape(64)), "fc2"), 64, 32, 10);

  sw::OnnxImportOptions wrong_rank;
  wrong_rank.input_shapes["x"] = {4, 16, 1};
  CHECK_THAT(import_error(fixture("mlp.onnx"), wrong_rank), Contains("has 3 dimensions, the model's input has 2"));
  sw::OnnxImportOptions wrong_name;
  wrong_name.input_shapes["y"] = {4, 16};
  CHECK_THAT(import_error(fixture("mlp.onnx"), wrong_name), Contains("'y', which is not an input of the model (inputs: x)"));
  sw::OnnxImportOptions wrong_k;
  wrong_k.input_shapes["x"] = {4, 15};
  CHECK_THAT(import_error(fixture("mlp.onnx"), wrong_k),
             Contains("mlp.onnx: node 'fc1' (MatMul): A is 4x15 and B is 16x32: inner dimensions differ"));
}

TEST_CASE("onnx import: integer net, QLinearConv and MatMulInteger with uint8 weights and zero points", "[unit]") {
  const sw::Network net = sw::import_onnx(fixture("int_net.onnx"));
  REQUIRE(net.layers.size() == 3);
  const sw::Layer& q = layer(net, "qconv");
  CHECK(q.kind == sw::LayerKind::kConv);
  CHECK(q.op == "QLinearConv");
  check_gemm(q, 16, 18, 4);  // 6x6 -> 4x4 pixels, 2x3x3, 4 filters
  CHECK(q.weight_encoding == sw::WeightEncoding::kOffsetUint8);
  CHECK(int(q.weights.at(0).at(0, 0)) == 37 - 128);  // qconv.w[0] = 37
  CHECK(q.weight_zero_points == std::vector<std::int32_t>{0, -8, 7, 0});  // {128, 120, 135, 128} - 128
  CHECK(q.weight_scales == std::vector<double>{0.00390625, 0.0078125, 0.001953125, 0.005859375});
  CHECK(!layer(net, "flatten").mapped());
  const sw::Layer& fc = layer(net, "fc");
  CHECK(fc.op == "MatMulInteger");
  check_gemm(fc, 1, 64, 5);
  CHECK(fc.weight_encoding == sw::WeightEncoding::kOffsetUint8);
  CHECK(int(fc.weights.at(0).at(0, 0)) == 13 - 128);
  CHECK(int(fc.weights.at(0).at(0, 1)) == 242 - 128);
  CHECK(fc.weight_zero_points == std::vector<std::int32_t>{0, -1, -2, 1, 2});
  REQUIRE(net.notes.size() == 1);
  CHECK_THAT(net.notes[0], Contains("u - 128"));
}

TEST_CASE("onnx import: 1-D Conv, weights from Constant nodes, int8 weights as stored, SAME_LOWER", "[unit]") {
  const sw::Network net = sw::import_onnx(fixture("misc_net.onnx"));
  REQUIRE(net.layers.size() == 7);
  const sw::Layer& c = layer(net, "conv1d");  // x 1x2x10, w 3x2x3, dilation 2, pads 1: width 8
  CHECK(c.kind == sw::LayerKind::kConv);
  check_gemm(c, 8, 6, 3);
  CHECK(c.conv->in_h == 1);
  CHECK(c.conv->kernel_h == 1);
  CHECK(c.conv->dilation_w == 2);
  CHECK(c.conv->pad_left == 1);
  CHECK(c.conv->pad_top == 0);
  // conv.w OIW [0,0,0..2] = 116, 117, 76 and [0,1,0] = -9 (max |w| 0.96875); K runs (kw, c).
  CHECK(int(c.weights.at(0).at(0, 0)) == 116);
  CHECK(int(c.weights.at(0).at(2, 0)) == 117);
  CHECK(int(c.weights.at(0).at(4, 0)) == 76);
  CHECK(int(c.weights.at(0).at(1, 0)) == -9);
  CHECK(layer(net, "fc_weights").op == "Constant");
  CHECK(!layer(net, "fc_weights").mapped());
  const sw::Layer& fc = layer(net, "fc");
  check_gemm(fc, 1, 24, 4);
  CHECK(fc.weight_encoding == sw::WeightEncoding::kQuantizedFloat);
  CHECK(fc.weight_scales[0] == 0.9248046875 / 127);
  CHECK(int(fc.weights.at(0).at(0, 0)) == 80);
  CHECK(int(fc.weights.at(0).at(0, 3)) == 123);
  const sw::Layer& qfc = layer(net, "qfc");
  check_gemm(qfc, 2, 8, 3);
  CHECK(qfc.weight_encoding == sw::WeightEncoding::kAsStored);
  CHECK(int(qfc.weights.at(0).at(0, 0)) == 7);
  CHECK(int(qfc.weights.at(0).at(0, 1)) == 84);
  CHECK(qfc.weight_zero_points.empty());
  // SAME_LOWER, 2x2 stride 2 on 5x5: 3x3 out, one pixel of padding, before.
  const sw::Layer& lower = layer(net, "conv_lower");
  check_gemm(lower, 9, 4, 1);
  CHECK(lower.conv->pad_top == 1);
  CHECK(lower.conv->pad_left == 1);
  CHECK(lower.conv->pad_bottom == 0);
  CHECK(lower.conv->pad_right == 0);
}

TEST_CASE("onnx import: errors are one line naming the file", "[unit]") {
  CHECK_THAT(import_error(fixture("no_such.onnx")), Contains("no_such.onnx: cannot open the file"));
  const std::string garbage = write_tmp("garbage.onnx", "this is not a protobuf \xff\xff\xff\xff\x01 at all\n");
  CHECK_THAT(import_error(garbage), Contains("garbage.onnx: not an ONNX model"));
  const std::string empty = write_tmp("empty.onnx", "");
  CHECK_THAT(import_error(empty), Contains("empty.onnx: not an ONNX model"));
  const std::string bytes = read_bytes(fixture("conv_net.onnx"));
  for (std::size_t cut : {bytes.size() / 2, bytes.size() - 3, std::size_t{20}}) {
    const std::string truncated = write_tmp("truncated.onnx", bytes.substr(0, cut));
    INFO("cut at " << cut << " of " << bytes.size());
    CHECK_THAT(import_error(truncated), Contains("truncated.onnx: not an ONNX model"));
  }
  CHECK_THAT(import_error(fixture("opset18.onnx")), Contains("opset18.onnx: opset 18 is not supported (supported: 1 to 17)"));
  CHECK_THAT(import_error(fixture("conv3d.onnx")),
             Contains("conv3d.onnx: node 'conv3d' (Conv): convolution with 3 spatial dimensions is not supported"));
  CHECK_THAT(import_error(fixture("no_opset.onnx")), Contains("no_opset.onnx: the model imports no ai.onnx opset (supported: 1 to 17)"));
}
