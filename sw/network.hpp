// SPDX-License-Identifier: Apache-2.0
#pragma once
// A network as the hardware sees it: an ordered list of named layers, each lowered to the GEMMs
// the targets run (`count` independent GEMMs of one M x K x N shape), or marked "not mapped"
// with its op type (pooling, softmax, normalisation, elementwise) so that a report lists it
// rather than dropping it. Importers (SCALE-Sim topology CSV, ONNX) and the built-in networks
// all produce this.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sw/conv.hpp"
#include "sw/gemm_plan.hpp"
#include "sw/tensor.hpp"

namespace wb::sw {

enum class LayerKind {
  kGemm,              // fully connected / Gemm / MatMul: A (M x K) activations, B (K x N) weights
  kConv,              // convolution lowered by im2col (depthwise: groups = channels)
  kAttentionScores,   // Q K^T of each head: count = heads, M = queries, K = head dim, N = keys
  kAttentionContext,  // softmax(Q K^T) V of each head: M = queries, K = keys, N = head dim
  kBatchedMatmul,     // count independent matmuls
  kNotMapped,         // an op neither target runs
};
const char* layer_kind_name(LayerKind kind);  // "gemm", "conv", "attention.qk", ...

// N nonzeros in every group of M consecutive weights along K (SCALE-Sim's "N:M" column).
struct NmSparsity {
  int n = 0;
  int m = 0;
};
// "2:4" -> {2, 4}; throws InputError unless 1 <= N <= M.
NmSparsity parse_nm_sparsity(const std::string& text);

enum class WeightEncoding {
  kAsStored,        // int8 in the source, or no tensors (seeded random)
  kQuantizedFloat,  // float quantized per tensor (sw/quantize.hpp): w ~= weight_scales[0] * int8
  kOffsetUint8,     // uint8 moved to int8 as u - 128, zero points likewise (sw/quantized_ops.hpp)
};
const char* weight_encoding_name(WeightEncoding encoding);  // "int8", "quantized float", "uint8 - 128"

struct Layer {
  std::string name;
  std::string op;      // the op type as the source names it ("Conv", "MatMul", "fc", "Softmax")
  LayerKind kind = LayerKind::kGemm;
  std::string source;  // where it came from: "file.csv:12", "onnx node 'conv1'", "built-in bert-base"
  GemmShape gemm;      // one lowered GEMM (unset for kNotMapped)
  int count = 1;       // independent GEMMs of that shape: groups, heads, batch
  std::optional<ConvShape> conv;        // for kConv: the convolution before lowering
  std::optional<NmSparsity> sparsity;   // structured weight sparsity declared by the source
  double weight_density = 1.0;          // unstructured density declared by the source (DeepBench)
  // Real int8 tensors when the source has them (one per GEMM of `count`), else empty: the run
  // then uses seeded random ones of the declared density.
  std::vector<MatrixI8> weights;  // each K x N
  std::vector<MatrixI8> inputs;   // each M x K (already lowered)
  // How `weights` came from the source's tensors (ONNX import), so that a report can say so.
  WeightEncoding weight_encoding = WeightEncoding::kAsStored;
  std::vector<double> weight_scales;            // real value of one step: 1 (per tensor) or per output channel
  std::vector<std::int32_t> weight_zero_points;  // in the int8 the array takes; empty = 0
  // The source's names of the op's input tensors, in the op's order (ONNX), so that a caller
  // with real data for them can run the layer.
  std::vector<std::string> operands;

  bool mapped() const { return kind != LayerKind::kNotMapped; }
  std::uint64_t macs() const;     // count * M * K * N (0 when not mapped)
  // im2col expansion of the input (1 unless a convolution).
  double duplication() const;
};

struct Network {
  std::string name;
  std::string source;  // file path or "built-in"
  std::vector<Layer> layers;
  // What a report must say about how the tensors were made (quantization, offsets), one line each.
  std::vector<std::string> notes;

  std::size_t mapped_layers() const;
  std::uint64_t macs() const;
};

// Layer builders; each validates its shape (InputError naming the layer).
Layer gemm_layer(std::string name, std::string op, GemmShape shape, std::string source);
Layer conv_layer(std::string name, std::string op, const ConvShape& conv, std::string source);
Layer attention_scores_layer(std::string name, int heads, int queries, int keys, int head_dim, std::string source);
Layer attention_context_layer(std::string name, int heads, int queries, int keys, int head_dim, std::string source);
Layer not_mapped_layer(std::string name, std::string op, std::string source);

}  // namespace wb::sw
