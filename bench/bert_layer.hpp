#pragma once
// The GEMMs of one BERT-base encoder layer at sequence length 128 (hidden 768, 12 heads of 64,
// FFN 3072), as M x K x N with how many times each runs: the network figure of
// `waferbench bench`.
#include <vector>

namespace wb::bench {

struct LayerGemm {
  const char* name;
  int m, k, n;
  int count;
};

inline const std::vector<LayerGemm>& bert_base_encoder_gemms() {
  static const std::vector<LayerGemm> gemms = {
      {"qkv", 128, 768, 2304, 1},  // Q, K and V projections together
      {"qk", 128, 64, 128, 12},    // Q K^T per head
      {"av", 128, 128, 64, 12},    // softmax(Q K^T) V per head
      {"proj", 128, 768, 768, 1},  // attention output projection
      {"ffn1", 128, 768, 3072, 1},
      {"ffn2", 128, 3072, 768, 1},
  };
  return gemms;
}

}  // namespace wb::bench
