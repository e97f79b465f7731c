// SPDX-License-Identifier: Apache-2.0
#include "sw/builtin_networks.hpp"

#include <array>

#include "sw/error.hpp"

namespace wb::sw {
namespace {

constexpr int kHidden = 768;     // BERT-base and GPT-2 small
constexpr int kHeads = 12;
constexpr int kHeadDim = kHidden / kHeads;
constexpr int kFfn = 3072;
constexpr int kMaxLayers = 12;

void check_transformer(const std::string& name, const BuiltinOptions& o) {
  if (o.seq < 1 || o.seq > 4096) throw InputError(name + ": --seq must be in 1..4096, got " + std::to_string(o.seq));
  if (o.layers < 1 || o.layers > kMaxLayers) {
    throw InputError(name + ": --layers must be in 1.." + std::to_string(kMaxLayers) + ", got " + std::to_string(o.layers));
  }
}

// The attention core shared by both transformers: per-head scores, softmax, per-head context.
void add_attention(Network& net, const std::string& p, int seq, const std::string& src) {
  net.layers.push_back(attention_scores_layer(p + "attn.qk", kHeads, seq, seq, kHeadDim, src));
  net.layers.push_back(not_mapped_layer(p + "attn.softmax", "Softmax", src));
  net.layers.push_back(attention_context_layer(p + "attn.av", kHeads, seq, seq, kHeadDim, src));
}

Network bert_base(const BuiltinOptions& o) {
  check_transformer("bert-base", o);
  Network net;
  net.name = "bert-base";
  net.source = "built-in";
  const std::string src = "built-in bert-base";
  for (int i = 0; i < o.layers; ++i) {
    const std::string p = o.layers > 1 ? "layer" + std::to_string(i) + "." : "";
    net.layers.push_back(gemm_layer(p + "attn.qkv", "MatMul", {o.seq, kHidden, 3 * kHidden}, src));
    add_attention(net, p, o.seq, src);
    net.layers.push_back(gemm_layer(p + "attn.out", "MatMul", {o.seq, kHidden, kHidden}, src));
    net.layers.push_back(not_mapped_layer(p + "attn.add", "Add", src));
    net.layers.push_back(not_mapped_layer(p + "attn.norm", "LayerNormalization", src));
    net.layers.push_back(gemm_layer(p + "ffn.in", "MatMul", {o.seq, kHidden, kFfn}, src));
    net.layers.push_back(not_mapped_layer(p + "ffn.gelu", "Gelu", src));
    net.layers.push_back(gemm_layer(p + "ffn.out", "MatMul", {o.seq, kFfn, kHidden}, src));
    net.layers.push_back(not_mapped_layer(p + "ffn.add", "Add", src));
    net.layers.push_back(not_mapped_layer(p + "ffn.norm", "LayerNormalization", src));
  }
  return net;
}

Network gpt2(const BuiltinOptions& o) {
  check_transformer("gpt2", o);
  Network net;
  net.name = "gpt2";
  net.source = "built-in";
  const std::string src = "built-in gpt2";
  for (int i = 0; i < o.layers; ++i) {
    const std::string p = "h" + std::to_string(i) + ".";  // GPT-2's own block names
    net.layers.push_back(not_mapped_layer(p + "ln_1", "LayerNormalization", src));
    net.layers.push_back(gemm_layer(p + "attn.c_attn", "MatMul", {o.seq, kHidden, 3 * kHidden}, src));
    add_attention(net, p, o.seq, src);
    net.layers.push_back(gemm_layer(p + "attn.c_proj", "MatMul", {o.seq, kHidden, kHidden}, src));
    net.layers.push_back(not_mapped_layer(p + "attn.add", "Add", src));
    net.layers.push_back(not_mapped_layer(p + "ln_2", "LayerNormalization", src));
    net.layers.push_back(gemm_layer(p + "mlp.c_fc", "MatMul", {o.seq, kHidden, kFfn}, src));
    net.layers.push_back(not_mapped_layer(p + "mlp.gelu", "Gelu", src));
    net.layers.push_back(gemm_layer(p + "mlp.c_proj", "MatMul", {o.seq, kFfn, kHidden}, src));
    net.layers.push_back(not_mapped_layer(p + "mlp.add", "Add", src));
  }
  return net;
}

ConvShape conv(int hw, int in_c, int out_c, int kernel, int stride) {
  ConvShape c;
  c.in_h = c.in_w = hw;
  c.in_c = in_c;
  c.out_c = out_c;
  c.kernel_h = c.kernel_w = kernel;
  c.stride_h = c.stride_w = stride;
  c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = kernel / 2;
  return c;
}

Network resnet50() {
  Network net;
  net.name = "resnet50";
  net.source = "built-in";
  const std::string src = "built-in resnet50";
  net.layers.push_back(conv_layer("conv1", "Conv", conv(224, 3, 64, 7, 2), src));
  net.layers.push_back(not_mapped_layer("maxpool", "MaxPool", src));
  struct Stage {
    int blocks, width, stride;
  };
  const std::array<Stage, 4> stages = {{{3, 64, 1}, {4, 128, 2}, {6, 256, 2}, {3, 512, 2}}};
  int hw = 56, in_c = 64;
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const Stage& st = stages[s];
    for (int b = 0; b < st.blocks; ++b) {
      const std::string p = "layer" + std::to_string(s + 1) + "." + std::to_string(b) + ".";
      const int stride = b == 0 ? st.stride : 1;
      const int out_hw = hw / stride;
      net.layers.push_back(conv_layer(p + "conv1", "Conv", conv(hw, in_c, st.width, 1, 1), src));
      net.layers.push_back(conv_layer(p + "conv2", "Conv", conv(hw, st.width, st.width, 3, stride), src));
      net.layers.push_back(conv_layer(p + "conv3", "Conv", conv(out_hw, st.width, 4 * st.width, 1, 1), src));
      if (b == 0) net.layers.push_back(conv_layer(p + "downsample", "Conv", conv(hw, in_c, 4 * st.width, 1, stride), src));
      net.layers.push_back(not_mapped_layer(p + "add", "Add", src));
      hw = out_hw;
      in_c = 4 * st.width;
    }
  }
  net.layers.push_back(not_mapped_layer("avgpool", "GlobalAveragePool", src));
  net.layers.push_back(gemm_layer("fc", "Gemm", {1, 2048, 1000}, src));
  return net;
}

Network deepbench() {
  Network net;
  net.name = "deepbench";
  net.source = "built-in";
  struct Entry {
    int m, n, k;        // DeepBench's own order
    double sparsity;    // fraction of zero weights
  };
  // inference_device_set of gemm_problems.h (dense) and of sparse_gemm_problems.h
  const std::array<Entry, 21> entries = {{
      {5124, 700, 2048, 0},   {35, 700, 2048, 0},     {3072, 1, 1024, 0},     {64, 1, 1216, 0},
      {3072, 1500, 1024, 0},  {128, 1500, 1280, 0},   {3072, 1500, 128, 0},   {128, 1, 1024, 0},
      {3072, 1, 128, 0},      {176, 1500, 1408, 0},   {4224, 1500, 176, 0},   {128, 1, 1408, 0},
      {4224, 1, 128, 0},      {7680, 1, 2560, 0.95},  {7680, 1500, 2560, 0.95}, {10752, 1, 3584, 0.95},
      {10752, 1500, 3584, 0.95}, {7680, 1, 2560, 0.9}, {7680, 1500, 2560, 0.9}, {10752, 1, 3584, 0.9},
      {10752, 1500, 3584, 0.9},
  }};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    const bool sparse = e.sparsity > 0;
    const std::string name = std::string(sparse ? "sparse" : "dense") + "_" + std::to_string(e.m) + "x" +
                             std::to_string(e.n) + "x" + std::to_string(e.k) +
                             (sparse ? "_" + std::to_string(static_cast<int>(e.sparsity * 100 + 0.5)) : "");
    Layer l = gemm_layer(name, sparse ? "sparse gemm" : "gemm", {e.n, e.k, e.m},
                         std::string("DeepBench inference_device_set ") + (sparse ? "(sparse)" : "(dense)"));
    l.weight_density = 1.0 - e.sparsity;
    net.layers.push_back(std::move(l));
  }
  return net;
}

}  // namespace

const std::vector<std::string>& builtin_network_names() {
  static const std::vector<std::string> names = {"bert-base", "gpt2", "resnet50", "deepbench"};
  return names;
}

Network builtin_network(const std::string& name, const BuiltinOptions& options) {
  if (name == "bert-base") return bert_base(options);
  if (name == "gpt2") return gpt2(options);
  if (name == "resnet50") return resnet50();
  if (name == "deepbench") return deepbench();
  std::string known;
  for (const std::string& n : builtin_network_names()) known += (known.empty() ? "" : ", ") + n;
  throw InputError("unknown network '" + name + "' (built in: " + known + ", or mlp:...)");
}

}  // namespace wb::sw
