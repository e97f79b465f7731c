// SPDX-License-Identifier: Apache-2.0
#include "sw/onnx_import.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "sw/error.hpp"
#include "sw/onnx_tensor_proto.hpp"
#include "sw/parse.hpp"
#include "sw/quantize.hpp"

namespace wb::sw {
namespace {

using Dims = std::vector<std::int64_t>;  // -1: unknown

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string dims_text(const Dims& d) {
  if (d.empty()) return "scalar";
  std::string s;
  for (std::size_t i = 0; i < d.size(); ++i) s += (i ? "x" : "") + (d[i] < 0 ? std::string("?") : std::to_string(d[i]));
  return s;
}

std::int64_t product(const Dims& d, std::size_t first, std::size_t last) {
  std::int64_t p = 1;
  for (std::size_t i = first; i < last; ++i) p *= d[i];
  return p;
}

// The int8 weights of one tensor and how they were made.
struct Int8Tensor {
  std::vector<std::int8_t> values;
  WeightEncoding encoding = WeightEncoding::kAsStored;
  double scale = 1.0;
};

class Importer {
 public:
  Importer(std::string path, const OnnxImportOptions& options) : m_path(std::move(path)), m_options(options) {}

  // The model file's bytes.
  std::string read_file() const {
    std::ifstream in(m_path, std::ios::binary);
    if (!in) fail("cannot open the file");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  // The messages name the model's nodes and tensors: printable() keeps each on one line even
  // when those names hold line breaks or control characters.
  Network run(const std::string& bytes) {
    try {
      return import(bytes);
    } catch (const InputError& e) {
      throw InputError(printable(e.what()));
    }
  }

 private:
  Network import(const std::string& bytes) {
    parse(bytes);
    check_opset();
    apply_input_shapes();
    check_node_inputs();
    check_window_attributes();
    complete_kernel_shapes();
    infer_shapes();
    collect_constants();
    m_net.name = std::filesystem::path(m_path).stem().string();
    m_net.source = m_path;
    const auto& nodes = m_model.graph().node();
    for (int i = 0; i < nodes.size(); ++i) m_net.layers.push_back(map_node(nodes.Get(i), i));
    bool quantized = false, offset = false;
    for (const Layer& l : m_net.layers) {
      quantized |= l.weight_encoding == WeightEncoding::kQuantizedFloat;
      offset |= l.weight_encoding == WeightEncoding::kOffsetUint8;
    }
    if (quantized) m_net.notes.push_back(symmetric_quantization_note());
    if (offset) {
      m_net.notes.push_back("uint8 weights offset to int8 (u - 128) with their zero points; the zero-point terms "
                            "fold into the output stage on the host");
    }
    return m_net;
  }

 private:
  // The node being mapped, for messages and layer fields.
  struct Node {
    const onnx::NodeProto& proto;
    std::string name;
    std::string source;
    std::string where;  // for messages: "node 'conv1' (Conv)" or "node #3 (MatMul)"
  };

  [[noreturn]] void fail(const std::string& what) const { throw InputError(m_path + ": " + what); }
  [[noreturn]] void fail(const Node& n, const std::string& what) const {
    fail(n.where + ": " + what);
  }

  void parse(const std::string& bytes) {
    if (!m_model.ParseFromString(bytes)) fail("not an ONNX model (the file does not parse as a ModelProto)");
    if (!m_model.has_graph() || m_model.ir_version() <= 0) fail("not an ONNX model (no graph or IR version)");
  }

  void check_opset() {
    int opset = -1;
    for (const auto& o : m_model.opset_import()) {
      if (o.domain().empty() || o.domain() == "ai.onnx") opset = static_cast<int>(o.version());
    }
    const std::string range = " (supported: " + std::to_string(kOnnxMinOpset) + " to " + std::to_string(kOnnxMaxOpset) + ")";
    if (opset < 0) fail("the model imports no ai.onnx opset" + range);
    if (opset < kOnnxMinOpset || opset > kOnnxMaxOpset) fail("opset " + std::to_string(opset) + " is not supported" + range);
  }

  bool is_initializer(const std::string& name) const {
    for (const auto& t : m_model.graph().initializer()) {
      if (t.name() == name) return true;
    }
    return false;
  }

  // --input-shape values replace the declared shapes; then every graph input must be concrete.
  void apply_input_shapes() {
    auto* graph = m_model.mutable_graph();
    std::string names;
    for (const auto& [name, dims] : m_options.input_shapes) {
      onnx::ValueInfoProto* input = nullptr;
      for (auto& i : *graph->mutable_input()) {
        if (i.name() == name && !is_initializer(name)) input = &i;
      }
      if (input == nullptr) {
        for (const auto& i : graph->input()) {
          if (!is_initializer(i.name())) names += (names.empty() ? "" : ", ") + i.name();
        }
        fail("--input-shape names '" + name + "', which is not an input of the model (inputs: " + names + ")");
      }
      auto* type = input->mutable_type()->mutable_tensor_type();
      if (type->has_shape() && type->shape().dim_size() != static_cast<int>(dims.size())) {
        fail("--input-shape " + name + "=" + dims_text(dims) + " has " + std::to_string(dims.size()) +
             " dimensions, the model's input has " + std::to_string(type->shape().dim_size()));
      }
      type->mutable_shape()->clear_dim();
      for (std::int64_t d : dims) type->mutable_shape()->add_dim()->set_dim_value(d);
    }
    for (const auto& i : graph->input()) {
      if (is_initializer(i.name()) || !i.type().has_tensor_type()) continue;
      const auto& type = i.type().tensor_type();
      const std::string hint = "; give it with --input-shape " + i.name() + "=DIMS (e.g. 1x3x224x224)";
      if (!type.has_shape()) fail("input '" + i.name() + "' has no shape" + hint);
      for (const auto& d : type.shape().dim()) {
        if (d.has_dim_value() && d.dim_value() > 0) continue;
        const std::string dim = d.has_dim_param() ? "'" + d.dim_param() + "'" : "of unknown size";
        fail("input '" + i.name() + "' has a dynamic dimension " + dim + hint);
      }
    }
  }

  static std::string node_where(const onnx::NodeProto& proto, int index) {
    return proto.name().empty() ? "node #" + std::to_string(index) + " (" + proto.op_type() + ")"
                                : "node '" + proto.name() + "' (" + proto.op_type() + ")";
  }

  // Every input a node names is a graph input, an initializer or an earlier node's output, as
  // ONNX requires (nodes in topological order). libonnx 1.12's shape inference reads the type of
  // an undefined input through a null pointer (found by tests/fuzz/fuzz_onnx).
  void check_node_inputs() const {
    const auto& g = m_model.graph();
    std::set<std::string> defined;
    for (const auto& i : g.input()) defined.insert(i.name());
    for (const auto& t : g.initializer()) defined.insert(t.name());
    for (int k = 0; k < g.node_size(); ++k) {
      const auto& n = g.node(k);
      for (const auto& in : n.input()) {
        if (!in.empty() && !defined.count(in)) {
          fail(node_where(n, k) + ": input '" + in + "' is neither a graph input, an initializer nor an earlier node's output");
        }
      }
      for (const auto& out : n.output()) defined.insert(out);
    }
  }

  // The sliding-window ops' strides, dilations and kernel_shape are 1 or more: libonnx 1.12's
  // shape inference divides by them unchecked (a zero stride was a division by zero, found by
  // tests/fuzz/fuzz_onnx).
  void check_window_attributes() const {
    static const std::set<std::string> windowed{"Conv", "ConvInteger", "QLinearConv", "ConvTranspose",
                                                "MaxPool", "AveragePool", "LpPool", "QLinearAveragePool"};
    const auto& g = m_model.graph();
    for (int k = 0; k < g.node_size(); ++k) {
      const auto& n = g.node(k);
      if (!windowed.count(n.op_type())) continue;
      for (const auto& a : n.attribute()) {
        if (a.name() != "strides" && a.name() != "dilations" && a.name() != "kernel_shape") continue;
        if (std::all_of(a.ints().begin(), a.ints().end(), [](std::int64_t v) { return v >= 1; })) continue;
        // (Not dims_text: it shows a negative value as an unknown '?'.)
        std::string text;
        for (int i = 0; i < a.ints_size(); ++i) text += (i ? "x" : "") + std::to_string(a.ints(i));
        fail(node_where(n, k) + ": " + a.name() + " " + text + ": every value must be 1 or more");
      }
    }
  }

  // libonnx 1.12's shape inference of a convolution without kernel_shape takes the kernel from
  // the weights' shape and indexes the input's per-axis attributes with it: weights of another
  // rank than the input read past them (a crash found by tests/fuzz/fuzz_onnx). kernel_shape is
  // defined as the weights' spatial dimensions, so it is written out wherever they are known
  // before inference (an initializer or Constant, a declared input, or through a
  // DequantizeLinear or Identity of one); the rank mismatch is then refused by the inference.
  void complete_kernel_shapes() {
    auto* graph = m_model.mutable_graph();
    std::map<std::string, Dims> dims;  // the shapes known before inference; -1: unknown
    for (const auto& t : graph->initializer()) dims[t.name()] = Dims(t.dims().begin(), t.dims().end());
    std::map<std::string, std::string> passes;  // output -> input of shape-keeping nodes
    for (const auto& n : graph->node()) {
      if (n.output_size() != 1) continue;
      if (n.op_type() == "Constant") {
        for (const auto& a : n.attribute()) {
          if (a.name() == "value" && a.has_t()) dims.emplace(n.output(0), Dims(a.t().dims().begin(), a.t().dims().end()));
        }
      } else if ((n.op_type() == "DequantizeLinear" || n.op_type() == "Identity") && n.input_size() >= 1) {
        passes[n.output(0)] = n.input(0);
      }
    }
    for (const auto& i : graph->input()) {
      if (!i.type().has_tensor_type() || !i.type().tensor_type().has_shape()) continue;
      Dims d;
      for (const auto& dim : i.type().tensor_type().shape().dim()) d.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
      dims.emplace(i.name(), d);
    }
    const auto weight_dims = [&](std::string name, Dims& out) {
      for (std::size_t hops = 0; hops <= passes.size(); ++hops) {  // more hops: a cycle
        if (const auto d = dims.find(name); d != dims.end()) {
          out = d->second;
          return true;
        }
        const auto p = passes.find(name);
        if (p == passes.end()) return false;
        name = p->second;
      }
      return false;
    };
    for (auto& n : *graph->mutable_node()) {
      const bool conv = n.op_type() == "Conv" || n.op_type() == "ConvInteger" || n.op_type() == "QLinearConv";
      if (!conv || !(n.domain().empty() || n.domain() == "ai.onnx")) continue;
      const int w_index = n.op_type() == "QLinearConv" ? 3 : 1;
      bool has_kernel = false;
      for (const auto& a : n.attribute()) has_kernel |= a.name() == "kernel_shape";
      Dims w;
      if (has_kernel || w_index >= n.input_size() || !weight_dims(n.input(w_index), w)) continue;
      auto* a = n.add_attribute();
      a->set_name("kernel_shape");
      a->set_type(onnx::AttributeProto::INTS);
      for (std::size_t i = 2; i < w.size(); ++i) a->add_ints(w[i]);
    }
  }

  void infer_shapes() {
    try {
      // error_mode 0: ops without a schema (other domains) stay unknown instead of failing;
      // data propagation resolves shapes computed by Shape/Gather/Concat chains.
      onnx::shape_inference::InferShapes(m_model, onnx::OpSchemaRegistry::Instance(),
                                         onnx::ShapeInferenceOptions(false, 0, true));
    } catch (const std::exception& e) {
      fail("shape inference failed: " + one_line(e.what()));
    }
    const auto add = [this](const onnx::ValueInfoProto& v) {
      if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
      Dims dims;
      for (const auto& d : v.type().tensor_type().shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
      m_shapes[v.name()] = dims;
    };
    const auto& g = m_model.graph();
    for (const auto& v : g.input()) add(v);
    for (const auto& v : g.value_info()) add(v);
    for (const auto& v : g.output()) add(v);
    for (const auto& t : g.initializer()) m_shapes[t.name()] = Dims(t.dims().begin(), t.dims().end());
  }

  void collect_constants() {
    const auto& g = m_model.graph();
    for (const auto& t : g.initializer()) m_constants[t.name()] = &t;
    for (const auto& n : g.node()) {
      if (n.op_type() != "Constant" || n.output_size() != 1) continue;
      for (const auto& a : n.attribute()) {
        if (a.name() == "value" && a.has_t()) {
          m_constants[n.output(0)] = &a.t();
          m_shapes[n.output(0)] = Dims(a.t().dims().begin(), a.t().dims().end());
        }
      }
    }
  }

  // --- attributes -------------------------------------------------------------------------

  const onnx::AttributeProto* attribute(const Node& n, const std::string& name) const {
    for (const auto& a : n.proto.attribute()) {
      if (a.name() == name) return &a;
    }
    return nullptr;
  }
  std::int64_t int_attr(const Node& n, const std::string& name, std::int64_t fallback) const {
    const auto* a = attribute(n, name);
    return a ? a->i() : fallback;
  }
  double float_attr(const Node& n, const std::string& name, double fallback) const {
    const auto* a = attribute(n, name);
    return a ? a->f() : fallback;
  }
  std::string string_attr(const Node& n, const std::string& name, const std::string& fallback) const {
    const auto* a = attribute(n, name);
    return a ? a->s() : fallback;
  }
  Dims ints_attr(const Node& n, const std::string& name) const {
    const auto* a = attribute(n, name);
    return a ? Dims(a->ints().begin(), a->ints().end()) : Dims{};
  }

  // --- tensors ----------------------------------------------------------------------------

  std::string input(const Node& n, int i) const { return i < n.proto.input_size() ? n.proto.input(i) : std::string(); }

  // The concrete shape of a node's input (fails when shape inference left it unknown).
  Dims shape_of(const Node& n, const std::string& tensor) const {
    const auto it = m_shapes.find(tensor);
    bool known = it != m_shapes.end();
    if (known) {
      for (std::int64_t d : it->second) known &= d > 0;
    }
    if (!known) {
      fail(n, "the shape of '" + tensor + "' is unknown after shape inference" +
                  (it == m_shapes.end() ? std::string() : " (" + dims_text(it->second) + ")") +
                  "; give the model's input shapes with --input-shape");
    }
    return it->second;
  }

  int dim_int(const Node& n, std::int64_t v, const char* what) const {
    if (v <= 0 || v > INT_MAX) fail(n, std::string(what) + " " + std::to_string(v) + " is out of range");
    return static_cast<int>(v);
  }

  const onnx::TensorProto* constant(const std::string& name) const {
    const auto it = m_constants.find(name);
    return it == m_constants.end() ? nullptr : it->second;
  }

  OnnxTensor constant_tensor(const Node& n, const std::string& name) const {
    return tensor_from_proto(*constant(name), m_path + ": node '" + n.name + "': tensor '" + name + "'");
  }

  // Weights to the array's int8: int8 as stored, uint8 offset, float quantized, other integer
  // types as stored when they fit int8.
  Int8Tensor int8_weights(const Node& n, const std::string& name) const {
    const OnnxTensor t = constant_tensor(n, name);
    Int8Tensor out;
    if (t.is_floating()) {
      SymmetricQuantized q = quantize_symmetric(t.values);
      out.values = std::move(q.values);
      out.encoding = WeightEncoding::kQuantizedFloat;
      out.scale = q.scale;
      return out;
    }
    const bool is_uint8 = t.data_type == onnx::TensorProto::UINT8;
    if (!is_uint8 && !t.all_integers_in(-128, 127)) {
      fail(n, "weights '" + name + "' of type " + onnx_type_name(t.data_type) + " do not fit int8");
    }
    out.encoding = is_uint8 ? WeightEncoding::kOffsetUint8 : WeightEncoding::kAsStored;
    for (double v : t.values) out.values.push_back(static_cast<std::int8_t>(static_cast<int>(v) - (is_uint8 ? 128 : 0)));
    return out;
  }

  // The weights' zero points, moved by the weights' offset, and (QLinear) their scales, when the
  // layer has weights and they are constants.
  void add_quantization(const Node& n, Layer& l, const std::string& zero_point, const std::string& scale) const {
    if (l.weights.empty()) return;
    if (!zero_point.empty() && constant(zero_point)) {
      l.weight_zero_points = constant_tensor(n, zero_point).as_int32();
      for (auto& z : l.weight_zero_points) z -= l.weight_encoding == WeightEncoding::kOffsetUint8 ? 128 : 0;
    }
    if (!scale.empty() && constant(scale)) l.weight_scales = constant_tensor(n, scale).values;
  }

  void set_weights(Layer& l, const Int8Tensor& w, std::vector<MatrixI8> matrices) const {
    l.weights = std::move(matrices);
    l.weight_encoding = w.encoding;
    l.weight_scales = {w.scale};
  }

  // --- ops --------------------------------------------------------------------------------

  Layer map_node(const onnx::NodeProto& proto, int index) const {
    const std::string where = node_where(proto, index);
    Node n{proto, proto.name().empty() ? proto.op_type() + "_" + std::to_string(index) : proto.name(),
           proto.name().empty() ? "onnx " + where : "onnx node '" + proto.name() + "'", where};
    const std::string& op = proto.op_type();
    const bool default_domain = proto.domain().empty() || proto.domain() == "ai.onnx";
    Layer l;
    if (!default_domain) {
      l = not_mapped_layer(n.name, proto.domain() + "." + op, n.source);
    } else if (op == "MatMul") {
      l = map_matmul(n, input(n, 0), input(n, 1));
    } else if (op == "MatMulInteger") {
      l = map_matmul(n, input(n, 0), input(n, 1));
      add_quantization(n, l, input(n, 3), "");
    } else if (op == "QLinearMatMul") {
      l = map_matmul(n, input(n, 0), input(n, 3));
      add_quantization(n, l, input(n, 5), input(n, 4));
    } else if (op == "Gemm") {
      l = map_gemm(n);
    } else if (op == "Conv") {
      l = map_conv(n, input(n, 0), input(n, 1));
    } else if (op == "ConvInteger") {
      l = map_conv(n, input(n, 0), input(n, 1));
      add_quantization(n, l, input(n, 3), "");
    } else if (op == "QLinearConv") {
      l = map_conv(n, input(n, 0), input(n, 3));
      add_quantization(n, l, input(n, 5), input(n, 4));
    } else {
      l = not_mapped_layer(n.name, op, n.source);
    }
    l.operands.assign(proto.input().begin(), proto.input().end());
    return l;
  }

  // numpy matmul semantics: 1-D operands are promoted, batch dimensions broadcast.
  Layer map_matmul(const Node& n, const std::string& a_name, const std::string& b_name) const {
    Dims a = shape_of(n, a_name), b = shape_of(n, b_name);
    // (ONNX leaves a scalar operand undefined; the checker does not refuse one.)
    if (a.empty() || b.empty()) fail(n, "A is " + dims_text(a) + " and B is " + dims_text(b) + ": both need rank 1 or more");
    if (a.size() == 1) a.insert(a.begin(), 1);
    if (b.size() == 1) b.push_back(1);
    const std::int64_t k = a.back(), kb = b[b.size() - 2], nn = b.back();
    if (k != kb) fail(n, "A is " + dims_text(a) + " and B is " + dims_text(b) + ": inner dimensions differ");
    const Dims a_batch(a.begin(), a.end() - 2), b_batch(b.begin(), b.end() - 2);
    const std::int64_t b_count = product(b_batch, 0, b_batch.size());
    const int ki = dim_int(n, k, "K"), ni = dim_int(n, nn, "N");
    const onnx::TensorProto* weights = constant(b_name);
    if (b_count == 1) {
      // B is one matrix: every row of A (all leading dimensions) is one row of the GEMM.
      const int m = dim_int(n, product(a, 0, a.size() - 1), "M");
      Layer l = gemm_layer(n.name, n.proto.op_type(), GemmShape{m, ki, ni}, n.source);
      if (weights) {
        const Int8Tensor w = int8_weights(n, b_name);
        MatrixI8 mat(ki, ni);
        std::copy(w.values.begin(), w.values.end(), mat.data());
        set_weights(l, w, {std::move(mat)});
      }
      return l;
    }
    // Broadcast the batch dimensions (right-aligned) and run one GEMM per batch element.
    const std::size_t rank = std::max(a_batch.size(), b_batch.size());
    Dims batch(rank, 1), a_pad(rank, 1), b_pad(rank, 1);
    std::copy(a_batch.begin(), a_batch.end(), a_pad.begin() + static_cast<long>(rank - a_batch.size()));
    std::copy(b_batch.begin(), b_batch.end(), b_pad.begin() + static_cast<long>(rank - b_batch.size()));
    for (std::size_t i = 0; i < rank; ++i) {
      if (a_pad[i] != b_pad[i] && a_pad[i] != 1 && b_pad[i] != 1) {
        fail(n, "batch dimensions of A (" + dims_text(a) + ") and B (" + dims_text(b) + ") do not broadcast");
      }
      batch[i] = std::max(a_pad[i], b_pad[i]);
    }
    const int count = dim_int(n, product(batch, 0, rank), "batch");
    Layer l = gemm_layer(n.name, n.proto.op_type(), GemmShape{dim_int(n, a[a.size() - 2], "M"), ki, ni}, n.source);
    l.kind = LayerKind::kBatchedMatmul;
    l.count = count;
    if (weights) {
      const Int8Tensor w = int8_weights(n, b_name);
      std::vector<MatrixI8> mats;
      for (int i = 0; i < count; ++i) {
        // Batch element i of the broadcast result -> the element of B it reads.
        std::int64_t rest = i, bi = 0, stride = 1;
        for (std::size_t d = rank; d-- > 0;) {
          const std::int64_t idx = rest % batch[d];
          rest /= batch[d];
          bi += (b_pad[d] == 1 ? 0 : idx) * stride;
          stride *= b_pad[d];
        }
        MatrixI8 mat(ki, ni);
        const auto first = w.values.begin() + static_cast<long>(bi * ki * ni);
        std::copy(first, first + static_cast<long>(ki) * ni, mat.data());
        mats.push_back(std::move(mat));
      }
      set_weights(l, w, std::move(mats));
    }
    return l;
  }

  Layer map_gemm(const Node& n) const {
    const std::int64_t trans_a = int_attr(n, "transA", 0), trans_b = int_attr(n, "transB", 0);
    if ((trans_a != 0 && trans_a != 1) || (trans_b != 0 && trans_b != 1)) fail(n, "transA and transB must be 0 or 1");
    const double alpha = float_attr(n, "alpha", 1.0);
    const std::string b_name = input(n, 1);
    const Dims a = shape_of(n, input(n, 0)), b = shape_of(n, b_name);
    if (a.size() != 2 || b.size() != 2) fail(n, "A and B must be 2-D, got " + dims_text(a) + " and " + dims_text(b));
    const int m = dim_int(n, trans_a ? a[1] : a[0], "M"), k = dim_int(n, trans_a ? a[0] : a[1], "K");
    const int kb = dim_int(n, trans_b ? b[1] : b[0], "K"), nn = dim_int(n, trans_b ? b[0] : b[1], "N");
    if (k != kb) fail(n, "A is " + dims_text(a) + " and B is " + dims_text(b) + ": inner dimensions differ");
    Layer l = gemm_layer(n.name, "Gemm", GemmShape{m, k, nn}, n.source);
    if (constant(b_name)) {
      const Int8Tensor w = int8_weights(n, b_name);
      MatrixI8 mat(k, nn);
      for (int r = 0; r < k; ++r) {
        for (int c = 0; c < nn; ++c) mat.at(r, c) = w.values[static_cast<std::size_t>(trans_b ? c * k + r : r * nn + c)];
      }
      set_weights(l, w, {std::move(mat)});
    }
    // alpha scales the product: it folds into the real value of a weight step. The bias C
    // (times beta) is an output-stage add on the host.
    for (double& s : l.weight_scales) s *= alpha;
    if (l.weight_scales.empty() && alpha != 1.0) l.weight_scales = {alpha};
    return l;
  }

  Layer map_conv(const Node& n, const std::string& x_name, const std::string& w_name) const {
    const Dims x = shape_of(n, x_name), w = shape_of(n, w_name);
    const std::size_t spatial = x.size() >= 2 ? x.size() - 2 : 0;
    if (spatial != 1 && spatial != 2) {
      fail(n, "convolution with " + std::to_string(spatial) + " spatial dimensions is not supported (1-D and 2-D are)");
    }
    if (w.size() != x.size()) fail(n, "weights " + dims_text(w) + " do not match input " + dims_text(x));
    const Dims kernel(w.begin() + 2, w.end());
    const Dims kernel_attr = ints_attr(n, "kernel_shape");
    if (!kernel_attr.empty() && kernel_attr != kernel) {
      fail(n, "kernel_shape " + dims_text(kernel_attr) + " differs from the weights' " + dims_text(kernel));
    }
    Dims strides = ints_attr(n, "strides"), dilations = ints_attr(n, "dilations"), pads = ints_attr(n, "pads");
    if (strides.empty()) strides.assign(spatial, 1);
    if (dilations.empty()) dilations.assign(spatial, 1);
    if (pads.empty()) pads.assign(2 * spatial, 0);
    if (strides.size() != spatial || dilations.size() != spatial || pads.size() != 2 * spatial) {
      fail(n, "strides, dilations and pads must have one (pads: two) value per spatial dimension");
    }
    const std::string auto_pad = string_attr(n, "auto_pad", "NOTSET");
    for (std::size_t d = 0; d < spatial; ++d) {
      if (auto_pad == "NOTSET") continue;
      if (auto_pad == "VALID") {
        pads[d] = pads[d + spatial] = 0;
      } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        // Output = ceil(in / stride); the odd pixel of padding goes last (UPPER) or first (LOWER).
        const std::int64_t in = x[2 + d], out = (in + strides[d] - 1) / strides[d];
        const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - in);
        const std::int64_t small = total / 2, large = total - small;
        pads[d] = auto_pad == "SAME_UPPER" ? small : large;
        pads[d + spatial] = auto_pad == "SAME_UPPER" ? large : small;
      } else {
        fail(n, "auto_pad '" + auto_pad + "' is not supported (NOTSET, VALID, SAME_UPPER, SAME_LOWER are)");
      }
    }
    const std::int64_t group = int_attr(n, "group", 1);
    if (group <= 0 || x[1] != w[1] * group) {
      fail(n, "input channels " + std::to_string(x[1]) + " differ from weight channels " + std::to_string(w[1]) +
                  " x group " + std::to_string(group));
    }
    for (std::int64_t v : pads) {
      if (v < 0 || v > INT_MAX) fail(n, "pad " + std::to_string(v) + " is not supported");
    }
    ConvShape s;
    s.batch = dim_int(n, x[0], "batch");
    s.in_c = dim_int(n, x[1], "input channels");
    s.out_c = dim_int(n, w[0], "output channels");
    s.groups = dim_int(n, group, "group");
    const std::size_t wd = spatial - 1;  // the width is the last spatial dimension; 1-D has H = 1
    s.in_w = dim_int(n, x[2 + wd], "input width");
    s.kernel_w = dim_int(n, kernel[wd], "kernel width");
    s.stride_w = dim_int(n, strides[wd], "stride");
    s.dilation_w = dim_int(n, dilations[wd], "dilation");
    s.pad_left = static_cast<int>(pads[wd]);
    s.pad_right = static_cast<int>(pads[wd + spatial]);
    if (spatial == 2) {
      s.in_h = dim_int(n, x[2], "input height");
      s.kernel_h = dim_int(n, kernel[0], "kernel height");
      s.stride_h = dim_int(n, strides[0], "stride");
      s.dilation_h = dim_int(n, dilations[0], "dilation");
      s.pad_top = static_cast<int>(pads[0]);
      s.pad_bottom = static_cast<int>(pads[spatial]);
    } else {
      s.in_h = 1;
    }
    Layer l = conv_layer(n.name, n.proto.op_type(), s, n.source);
    // Our output size against shape inference's: a disagreement means an attribute was misread.
    const auto out = m_shapes.find(n.proto.output(0));
    if (out != m_shapes.end() && out->second.size() == x.size()) {
      const Dims expect = spatial == 2 ? Dims{x[0], w[0], s.out_h(), s.out_w()} : Dims{x[0], w[0], s.out_w()};
      for (std::size_t i = 0; i < expect.size(); ++i) {
        if (out->second[i] > 0 && out->second[i] != expect[i]) {
          fail(n, "output " + dims_text(expect) + " differs from shape inference's " + dims_text(out->second));
        }
      }
    }
    if (constant(w_name)) {
      const Int8Tensor wt = int8_weights(n, w_name);
      std::vector<MatrixI8> mats;
      for (int g = 0; g < s.groups; ++g) mats.push_back(conv_weights_as_gemm(s, wt.values, g));
      set_weights(l, wt, std::move(mats));
    }
    return l;
  }

  std::string m_path;
  OnnxImportOptions m_options;
  onnx::ModelProto m_model;
  std::map<std::string, Dims> m_shapes;
  std::map<std::string, const onnx::TensorProto*> m_constants;
  Network m_net;
};

}  // namespace

std::pair<std::string, std::vector<std::int64_t>> parse_input_shape(const std::string& text) {
  const std::string usage = "--input-shape must be NAME=DIMS with positive dimensions (e.g. input=1x3x224x224), got '" + text + "'";
  const auto eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) throw InputError(usage);
  std::vector<std::int64_t> dims;
  std::size_t start = eq + 1;
  while (true) {
    const std::size_t x = text.find('x', start);
    const std::string part = text.substr(start, x == std::string::npos ? std::string::npos : x - start);
    if (part.empty() || part.size() > 9 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      throw InputError(usage);
    }
    const std::int64_t d = std::stoll(part);
    if (d <= 0) throw InputError(usage);
    dims.push_back(d);
    if (x == std::string::npos) break;
    start = x + 1;
  }
  return {text.substr(0, eq), dims};
}

Network import_onnx(const std::string& path, const OnnxImportOptions& options) {
  Importer importer(path, options);
  return importer.run(importer.read_file());
}

Network import_onnx_bytes(const std::string& bytes, const std::string& name, const OnnxImportOptions& options) {
  return Importer(name, options).run(bytes);
}

}  // namespace wb::sw
