// SPDX-License-Identifier: Apache-2.0
// The inputs with which the fuzzers of tests/fuzz/ crashed a parser, each now refused with a
// one-line InputError: they run in every build, not only in the sanitizer build.
#include <catch2/catch.hpp>

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "sw/energy.hpp"
#include "sw/error.hpp"
#include "sw/npy.hpp"
#include "sw/onnx_import.hpp"
#include "sw/sweep_spec.hpp"

using namespace wb;

namespace {

// The message of the InputError that `parse` throws; fails the test when it throws none.
template <typename Parse>
std::string refusal(Parse parse) {
  try {
    parse();
  } catch (const sw::InputError& e) {
    const std::string what = e.what();
    CHECK(what.find('\n') == std::string::npos);
    return what;
  }
  FAIL("accepted");
  return "";
}

// A float model with one node of `op` on graph input x (dims `x_dims`) and weights w (an
// initializer of `w_dims`, zeros), opset 13.
onnx::ModelProto one_node_model(const std::string& op, const std::vector<std::int64_t>& x_dims,
                                const std::vector<std::int64_t>& w_dims) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  auto* g = model.mutable_graph();
  g->set_name("g");
  auto* x = g->add_input();
  x->set_name("x");
  auto* x_type = x->mutable_type()->mutable_tensor_type();
  x_type->set_elem_type(onnx::TensorProto::FLOAT);
  for (const auto d : x_dims) x_type->mutable_shape()->add_dim()->set_dim_value(d);
  auto* w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  std::int64_t elements = 1;
  for (const auto d : w_dims) {
    w->add_dims(d);
    elements *= d;
  }
  for (std::int64_t i = 0; i < elements; ++i) w->add_float_data(0.0f);
  auto* n = g->add_node();
  n->set_op_type(op);
  n->add_input("x");
  n->add_input("w");
  n->add_output("y");
  g->add_output()->set_name("y");
  g->mutable_output(0)->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  return model;
}

std::string bytes_of(const onnx::ModelProto& model) {
  std::string bytes;
  model.SerializeToString(&bytes);
  return bytes;
}

}  // namespace

TEST_CASE("fuzz regressions: YAML that is not UTF-8 (energy table, sweep spec)", "[unit]") {
  // fuzz_energy_yaml: a key with a stray byte 0xf4 made nlohmann::json throw a type_error (not an
  // InputError) when the YAML was written out as JSON.
  const std::string energy = "name: my 7 nm guess\nint8_mac_pj: 0.05\nregister_pj_pgr_by\xf4" "e: 0\n";
  CHECK(refusal([&] { sw::parse_energy_table(energy, true, "t.yaml"); }) ==
        "t.yaml: not valid YAML: a key or value is not UTF-8 text");
  // The same through a value, in a sweep spec; an overlong encoding (0xc0 0xaf) and a cut-short
  // sequence are refused too, while well-formed UTF-8 passes.
  for (const std::string& bad : {std::string("\xc3"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80")}) {
    CHECK(refusal([&] { sw::parse_sweep_spec("command: gemm\ndataflow: " + bad + "\n", true, "s.yaml"); }) ==
          "s.yaml: not valid YAML: a key or value is not UTF-8 text");
  }
  const sw::SweepSpec ok = sw::parse_sweep_spec("command: gemm\nlayout: \xc3\xa9t\xc3\xa9\n", true, "s.yaml");
  REQUIRE(ok.axes.size() == 1);
  CHECK(ok.axes[0].values[0].text == "\xc3\xa9t\xc3\xa9");
}

TEST_CASE("fuzz regressions: ONNX convolutions whose weights have another rank than the input", "[unit]") {
  // fuzz_onnx: a rank-3 input under rank-4 weights without kernel_shape made libonnx's shape
  // inference read past its per-axis attributes (a segfault inside libonnx).
  const std::string bytes = bytes_of(one_node_model("Conv", {2, 6, 6}, {4, 2, 3, 3}));
  // With kernel_shape written out, inference leaves the output unknown and the mapping refuses it.
  CHECK(refusal([&] { sw::import_onnx_bytes(bytes, "m.onnx"); }) ==
        "m.onnx: node #0 (Conv): weights 4x2x3x3 do not match input 2x6x6");
  // The kernel_shape written out is the weights' own: a matching model still imports.
  const sw::Network net = sw::import_onnx_bytes(bytes_of(one_node_model("Conv", {1, 2, 6, 6}, {4, 2, 3, 3})), "m.onnx");
  REQUIRE(net.layers.size() == 1);
  CHECK(net.layers[0].gemm.m == 16);
  CHECK(net.layers[0].gemm.k == 18);
  CHECK(net.layers[0].gemm.n == 4);
}

TEST_CASE("fuzz regressions: ONNX nodes naming an input that nothing defines", "[unit]") {
  // fuzz_onnx: QLinearConv's x_zero_point renamed to a tensor that does not exist made libonnx's
  // shape inference read its type through a null pointer.
  onnx::ModelProto model = one_node_model("Conv", {1, 2, 6, 6}, {4, 2, 3, 3});
  model.mutable_graph()->mutable_node(0)->set_input(1, "W");
  CHECK(refusal([&] { sw::import_onnx_bytes(bytes_of(model), "m.onnx"); }) ==
        "m.onnx: node #0 (Conv): input 'W' is neither a graph input, an initializer nor an earlier node's output");
  // A name with a line break stays on one line in the message.
  model.mutable_graph()->mutable_node(0)->set_input(1, "w\nx");
  CHECK(refusal([&] { sw::import_onnx_bytes(bytes_of(model), "m.onnx"); }) ==
        "m.onnx: node #0 (Conv): input 'w\\nx' is neither a graph input, an initializer nor an earlier node's output");
}

TEST_CASE("fuzz regressions: ONNX matrix products of a scalar", "[unit]") {
  // fuzz_onnx_long: MatMulInteger with a scalar Constant as B made the mapping index B's shape
  // from before its start (UBSan: a negative offset applied to a null pointer).
  CHECK(refusal([&] { sw::import_onnx_bytes(bytes_of(one_node_model("MatMul", {2}, {})), "m.onnx"); }) ==
        "m.onnx: node #0 (MatMul): A is 2 and B is scalar: both need rank 1 or more");
  CHECK(refusal([&] { sw::import_onnx_bytes(bytes_of(one_node_model("MatMul", {4, 2}, {})), "m.onnx"); }) ==
        "m.onnx: node #0 (MatMul): A is 4x2 and B is scalar: both need rank 1 or more");
  // Rank 1 on either side is ONNX's vector product and still imports.
  const sw::Network net = sw::import_onnx_bytes(bytes_of(one_node_model("MatMul", {2}, {2, 3})), "m.onnx");
  REQUIRE(net.layers.size() == 1);
  CHECK(net.layers[0].gemm.m == 1);
  CHECK(net.layers[0].gemm.k == 2);
  CHECK(net.layers[0].gemm.n == 3);
}

TEST_CASE("fuzz regressions: ONNX windows with a zero stride, dilation or kernel size", "[unit]") {
  // fuzz_onnx_long: a Conv with strides [2, 0] was a division by zero in libonnx's shape inference.
  const auto with_ints = [](const std::string& name, const std::vector<std::int64_t>& values) {
    onnx::ModelProto model = one_node_model("Conv", {1, 2, 6, 6}, {4, 2, 3, 3});
    auto* a = model.mutable_graph()->mutable_node(0)->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (const auto v : values) a->add_ints(v);
    return bytes_of(model);
  };
  CHECK(refusal([&] { sw::import_onnx_bytes(with_ints("strides", {2, 0}), "m.onnx"); }) ==
        "m.onnx: node #0 (Conv): strides 2x0: every value must be 1 or more");
  CHECK(refusal([&] { sw::import_onnx_bytes(with_ints("dilations", {1, -1}), "m.onnx"); }) ==
        "m.onnx: node #0 (Conv): dilations 1x-1: every value must be 1 or more");
  CHECK(refusal([&] { sw::import_onnx_bytes(with_ints("kernel_shape", {0, 3}), "m.onnx"); }) ==
        "m.onnx: node #0 (Conv): kernel_shape 0x3: every value must be 1 or more");
  // Positive strides still import: 6x6 by 3x3 at stride 2 gives 2x2 outputs.
  const sw::Network net = sw::import_onnx_bytes(with_ints("strides", {2, 2}), "m.onnx");
  REQUIRE(net.layers.size() == 1);
  CHECK(net.layers[0].gemm.m == 4);
  CHECK(net.layers[0].gemm.k == 18);
  CHECK(net.layers[0].gemm.n == 4);
}

TEST_CASE("npy from bytes: the readers the fuzzer calls match the file readers", "[unit]") {
  sw::MatrixI8 a(2, 3);
  for (int i = 0; i < 6; ++i) a.data()[i] = static_cast<std::int8_t>(i * 50 - 128);
  const sw::MatrixI8 back = sw::parse_npy_int8(sw::npy_bytes(a), "a.npy");
  CHECK(back.rows() == 2);
  CHECK(back.cols() == 3);
  CHECK(std::vector<std::int8_t>(back.data(), back.data() + 6) == std::vector<std::int8_t>(a.data(), a.data() + 6));
  CHECK(refusal([&] { sw::parse_npy_int32(sw::npy_bytes(a), "a.npy"); }) ==
        "a.npy: dtype is '|i1', expected int32 ('<i4')");
  CHECK(refusal([&] { sw::parse_npy_mask(sw::npy_bytes(a).substr(0, 20), "m.npy"); }) == "m.npy: truncated .npy header");
}
