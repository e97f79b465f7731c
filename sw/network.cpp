// SPDX-License-Identifier: Apache-2.0
#include "sw/network.hpp"

#include <cctype>
#include <utility>

#include "sw/error.hpp"

namespace wb::sw {
namespace {

void check_gemm(const std::string& name, GemmShape g, int count) {
  if (g.m <= 0 || g.k <= 0 || g.n <= 0 || count <= 0) {
    throw InputError("layer '" + name + "': GEMM dimensions must be positive, got M=" + std::to_string(g.m) +
                     " K=" + std::to_string(g.k) + " N=" + std::to_string(g.n) + " x" + std::to_string(count));
  }
}

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 6) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Layer attention_layer(std::string name, LayerKind kind, GemmShape g, int heads, std::string source) {
  check_gemm(name, g, heads);
  Layer l;
  l.name = std::move(name);
  l.op = kind == LayerKind::kAttentionScores ? "attention.qk" : "attention.av";
  l.kind = kind;
  l.source = std::move(source);
  l.gemm = g;
  l.count = heads;
  return l;
}

}  // namespace

const char* layer_kind_name(LayerKind kind) {
  switch (kind) {
    case LayerKind::kGemm: return "gemm";
    case LayerKind::kConv: return "conv";
    case LayerKind::kAttentionScores: return "attention.qk";
    case LayerKind::kAttentionContext: return "attention.av";
    case LayerKind::kBatchedMatmul: return "batched-matmul";
    case LayerKind::kNotMapped: return "not mapped";
  }
  return "?";
}

const char* weight_encoding_name(WeightEncoding encoding) {
  switch (encoding) {
    case WeightEncoding::kAsStored: return "int8";
    case WeightEncoding::kQuantizedFloat: return "quantized float";
    case WeightEncoding::kOffsetUint8: return "uint8 - 128";
  }
  return "?";
}

NmSparsity parse_nm_sparsity(const std::string& text) {
  const auto colon = text.find(':');
  const std::string n = colon == std::string::npos ? "" : text.substr(0, colon);
  const std::string m = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (!all_digits(n) || !all_digits(m)) throw InputError("sparsity must be N:M (e.g. 2:4), got '" + text + "'");
  NmSparsity s{std::stoi(n), std::stoi(m)};
  if (s.n < 1 || s.n > s.m) throw InputError("sparsity N:M needs 1 <= N <= M, got '" + text + "'");
  return s;
}

std::uint64_t Layer::macs() const {
  if (!mapped()) return 0;
  return static_cast<std::uint64_t>(count) * static_cast<std::uint64_t>(gemm.m) * static_cast<std::uint64_t>(gemm.k) *
         static_cast<std::uint64_t>(gemm.n);
}

double Layer::duplication() const { return conv ? lower_conv(*conv).duplication : 1.0; }

std::size_t Network::mapped_layers() const {
  std::size_t n = 0;
  for (const Layer& l : layers) n += l.mapped() ? 1 : 0;
  return n;
}

std::uint64_t Network::macs() const {
  std::uint64_t total = 0;
  for (const Layer& l : layers) total += l.macs();
  return total;
}

Layer gemm_layer(std::string name, std::string op, GemmShape shape, std::string source) {
  check_gemm(name, shape, 1);
  Layer l;
  l.name = std::move(name);
  l.op = std::move(op);
  l.kind = LayerKind::kGemm;
  l.source = std::move(source);
  l.gemm = shape;
  return l;
}

Layer conv_layer(std::string name, std::string op, const ConvShape& conv, std::string source) {
  LoweredConv lowered;
  try {
    lowered = lower_conv(conv);
  } catch (const InputError& e) {
    throw InputError("layer '" + name + "': " + e.what());
  }
  Layer l;
  l.name = std::move(name);
  l.op = std::move(op);
  l.kind = LayerKind::kConv;
  l.source = std::move(source);
  l.gemm = lowered.gemm;
  l.count = lowered.count;
  l.conv = conv;
  return l;
}

Layer attention_scores_layer(std::string name, int heads, int queries, int keys, int head_dim, std::string source) {
  return attention_layer(std::move(name), LayerKind::kAttentionScores, GemmShape{queries, head_dim, keys}, heads,
                         std::move(source));
}

Layer attention_context_layer(std::string name, int heads, int queries, int keys, int head_dim, std::string source) {
  return attention_layer(std::move(name), LayerKind::kAttentionContext, GemmShape{queries, keys, head_dim}, heads,
                         std::move(source));
}

Layer not_mapped_layer(std::string name, std::string op, std::string source) {
  Layer l;
  l.name = std::move(name);
  l.op = std::move(op);
  l.kind = LayerKind::kNotMapped;
  l.source = std::move(source);
  l.count = 0;
  return l;
}

}  // namespace wb::sw
