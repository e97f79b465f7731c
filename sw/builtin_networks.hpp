// SPDX-License-Identifier: Apache-2.0
#pragma once
// Well-known networks built in, as layer lists (no weights: runs use seeded random tensors).
//
//   bert-base  BERT-base encoder layers (Devlin et al., 2019: hidden 768, 12 heads of 64,
//              intermediate 3072), sequence length `seq`, `layers` of the 12.
//   gpt2       GPT-2 small blocks (Radford et al., 2019, the 124M model: n_embd 768, 12 heads,
//              MLP 3072), `seq` tokens, `layers` of the 12; the causal mask does not change the
//              GEMMs (all scores are computed, as on a GEMM accelerator).
//   resnet50   every convolution and the classifier of ResNet-50 at 224x224, batch 1, in
//              torchvision's layout (He et al., 2016, with the stride on the 3x3 convolution of
//              each stage's first block, as in torchvision's and most ONNX exports).
//   deepbench  DeepBench's inference GEMMs for devices (baidu-research/DeepBench,
//              code/kernels/gemm_problems.h and sparse_gemm_problems.h, inference_device_set):
//              13 dense and 8 sparse (90 % and 95 % zero weights). DeepBench's M x N output
//              with K = A (M x K) * B (K x N) has the weights as A and the batch as N, so it is
//              our M = DeepBench N, K = K, N = DeepBench M.
// Batch norm and ReLU after a convolution fold into it (as inference compilers do); every other
// op that neither target runs (pooling, softmax, layer norm, GELU, residual adds) is a
// not-mapped layer.
#include <string>
#include <vector>

#include "sw/network.hpp"

namespace wb::sw {

struct BuiltinOptions {
  int seq = 128;   // bert-base, gpt2: tokens (1..4096)
  int layers = 1;  // bert-base, gpt2: encoder layers / blocks (1..12)
};

const std::vector<std::string>& builtin_network_names();
// Throws InputError for an unknown name or options out of range.
Network builtin_network(const std::string& name, const BuiltinOptions& options = {});

}  // namespace wb::sw
