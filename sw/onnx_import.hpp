// SPDX-License-Identifier: Apache-2.0
#pragma once
// ONNX models (.onnx) read into a Network with Debian's libonnx: its protobuf parser, and its
// shape inference for the shape of every tensor.
//
// Mapped ops, with their initializers (or Constant nodes) as the weights:
//   MatMul, MatMulInteger, QLinearMatMul   A (.., M, K) x B (K, N): a GEMM with the leading
//                                          dimensions of A folded into M; a B with batch
//                                          dimensions of its own makes a batched matmul
//   Gemm                                   transA / transB honoured; alpha folds into the weight
//                                          scale and the bias (times beta) is added on the host
//   Conv, ConvInteger, QLinearConv         2-D (or 1-D as H = 1): pads, strides, dilations,
//                                          group, auto_pad (NOTSET, VALID, SAME_UPPER, SAME_LOWER)
// Every other node becomes a not-mapped layer with its op type (a control-flow node such as Loop
// or If is one layer; its subgraphs are not read). Weights: int8 as stored; uint8 as
// u - 128 with the zero points moved alike (sw/quantized_ops.hpp); float quantized per tensor,
// symmetric (sw/quantize.hpp); the layer and Network::notes record which. A weight that is a
// graph input (not an initializer) leaves the layer without weights.
//
// Layer sources are "onnx node 'NAME'", or "onnx node #INDEX (OP)" for an unnamed node.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sw/network.hpp"

namespace wb::sw {

// The default-domain (ai.onnx) opsets this import accepts: every one that Debian's libonnx 1.12
// defines, so that its shape inference knows each op. The mapped ops mean the same in all of
// them (Gemm before 7 only adds a `broadcast` attribute for the bias, which the host adds).
constexpr int kOnnxMinOpset = 1;
constexpr int kOnnxMaxOpset = 17;

struct OnnxImportOptions {
  // Shapes of graph inputs, overriding dynamic (or any) dimensions: NAME -> dims.
  std::map<std::string, std::vector<std::int64_t>> input_shapes;
};

// "NAME=1x3x224x224" -> {"NAME", {1, 3, 224, 224}} (the CLI's --input-shape). The name is
// everything before the last '='; dims are positive integers. Throws InputError otherwise.
std::pair<std::string, std::vector<std::int64_t>> parse_input_shape(const std::string& text);

// Throws InputError, one line starting with the path, when the file does not parse as an ONNX
// model, its opset is outside [kOnnxMinOpset, kOnnxMaxOpset], a graph input has a dynamic
// dimension that `options` does not give, shape inference fails or leaves a mapped node's shape
// unknown, or a mapped node has an attribute value the array cannot run.
Network import_onnx(const std::string& path, const OnnxImportOptions& options = {});
// The same from a model's bytes in memory; `name` stands for the path (errors, layer sources).
Network import_onnx_bytes(const std::string& bytes, const std::string& name, const OnnxImportOptions& options = {});

}  // namespace wb::sw
