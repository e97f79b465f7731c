// SPDX-License-Identifier: Apache-2.0
// Networks as layer lists: convolution lowering, SCALE-Sim topology files, built-in networks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "sw/builtin_networks.hpp"
#include "sw/conv.hpp"
#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/network.hpp"
#include "sw/network_operands.hpp"
#include "sw/run_policy.hpp"
#include "sw/topology_csv.hpp"

using namespace wb;

namespace {

sw::ConvShape square_conv(int hw, int in_c, int out_c, int kernel, int stride, int pad, int groups = 1) {
  sw::ConvShape c;
  c.in_h = c.in_w = hw;
  c.in_c = in_c;
  c.out_c = out_c;
  c.kernel_h = c.kernel_w = kernel;
  c.stride_h = c.stride_w = stride;
  c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = pad;
  c.groups = groups;
  return c;
}

std::vector<std::int8_t> random_weights(const sw::ConvShape& c, std::uint64_t seed) {
  const sw::MatrixI8 w = sw::random_int8(c.out_c, (c.in_c / c.groups) * c.kernel_h * c.kernel_w, seed);
  return std::vector<std::int8_t>(w.data(), w.data() + w.size());
}

// The lowering end to end: im2col, one GEMM per group, scatter.
sw::MatrixI32 conv_by_lowering(const sw::ConvShape& c, const sw::MatrixI8& input, const std::vector<std::int8_t>& w) {
  sw::MatrixI32 out(c.batch * c.out_h() * c.out_w(), c.out_c);
  for (int g = 0; g < c.groups; ++g) {
    const sw::MatrixI32 cg = sw::gemm_ref(sw::im2col(c, input, g), sw::conv_weights_as_gemm(c, w, g));
    sw::scatter_group_output(c, cg, g, out);
  }
  return out;
}

std::string error_of(const std::string& text) {
  try {
    sw::parse_scalesim_topology(text, "t.csv");
  } catch (const sw::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("convolution lowering: GEMM shapes and im2col duplication", "[unit]") {
  // ResNet-50's first convolution: 224x224x3, 64 filters 7x7, stride 2, padding 3.
  const sw::LoweredConv conv1 = sw::lower_conv(square_conv(224, 3, 64, 7, 2, 3));
  CHECK(conv1.gemm.m == 112 * 112);
  CHECK(conv1.gemm.k == 7 * 7 * 3);
  CHECK(conv1.gemm.n == 64);
  CHECK(conv1.count == 1);
  CHECK(conv1.duplication == Approx(12544.0 * 147 / (224 * 224 * 3)));  // 12.25
  CHECK(sw::lower_conv(square_conv(14, 256, 1024, 1, 1, 0)).duplication == 1.0);

  // Depthwise 3x3 over 8x8x4: four GEMMs of 64 x 9 x 1, each input element read 9 times.
  const sw::LoweredConv dw = sw::lower_conv(square_conv(8, 4, 4, 3, 1, 1, 4));
  CHECK(dw.gemm.m == 64);
  CHECK(dw.gemm.k == 9);
  CHECK(dw.gemm.n == 1);
  CHECK(dw.count == 4);
  CHECK(dw.duplication == Approx(9.0));

  // Dilation 2 turns a 3x3 window into a 5x5 span: 7 - 5 + 1 = 3 outputs per dimension.
  sw::ConvShape dil = square_conv(7, 2, 3, 3, 1, 0);
  dil.dilation_h = dil.dilation_w = 2;
  CHECK(dil.out_h() == 3);
  CHECK(sw::lower_conv(dil).gemm.m == 9);
}

TEST_CASE("convolution by im2col equals the direct convolution", "[unit]") {
  std::vector<sw::ConvShape> shapes = {
      square_conv(5, 3, 4, 3, 1, 1),      square_conv(9, 4, 6, 3, 2, 0),  square_conv(6, 6, 6, 3, 1, 1, 6),
      square_conv(8, 4, 8, 1, 2, 0, 2),   square_conv(4, 2, 3, 4, 1, 2),  square_conv(1, 16, 10, 1, 1, 0),
  };
  sw::ConvShape odd = square_conv(7, 3, 5, 3, 2, 1);
  odd.in_w = 6;
  odd.kernel_w = 2;
  odd.pad_right = 0;
  odd.dilation_h = 2;
  odd.batch = 2;
  shapes.push_back(odd);
  std::uint64_t seed = 10;
  for (const sw::ConvShape& c : shapes) {
    const sw::MatrixI8 input = sw::random_int8(c.batch * c.in_h * c.in_w, c.in_c, seed++);
    const std::vector<std::int8_t> w = random_weights(c, seed++);
    CHECK(conv_by_lowering(c, input, w) == sw::conv_ref(c, input, w));
  }
}

TEST_CASE("direct convolution: hand-computed values", "[unit]") {
  // Input 3x3 = 1..9 (one channel), kernel [[1, 2], [3, 4]].
  sw::MatrixI8 input(9, 1);
  for (int i = 0; i < 9; ++i) input.at(i, 0) = static_cast<std::int8_t>(i + 1);
  const std::vector<std::int8_t> w = {1, 2, 3, 4};
  sw::ConvShape c = square_conv(3, 1, 1, 2, 1, 0);
  const sw::MatrixI32 valid = sw::conv_ref(c, input, w);
  REQUIRE(valid.rows() == 4);
  CHECK(valid.at(0, 0) == 1 * 1 + 2 * 2 + 4 * 3 + 5 * 4);  // 37
  CHECK(valid.at(1, 0) == 2 * 1 + 3 * 2 + 5 * 3 + 6 * 4);  // 47
  CHECK(valid.at(2, 0) == 67);
  CHECK(valid.at(3, 0) == 77);
  // Padding 1, stride 2: windows start at -1 and 1.
  c = square_conv(3, 1, 1, 2, 2, 1);
  const sw::MatrixI32 padded = sw::conv_ref(c, input, w);
  REQUIRE(padded.rows() == 4);
  CHECK(padded.at(0, 0) == 1 * 4);
  CHECK(padded.at(1, 0) == 2 * 3 + 3 * 4);
  CHECK(padded.at(2, 0) == 4 * 2 + 7 * 4);
  CHECK(padded.at(3, 0) == 77);
  CHECK(conv_by_lowering(c, input, w) == padded);
}

TEST_CASE("convolution shapes that cannot run are input errors", "[unit]") {
  CHECK_THROWS_AS(sw::lower_conv(square_conv(8, 6, 4, 3, 1, 1, 4)), sw::InputError);  // 4 does not divide 6
  CHECK_THROWS_AS(sw::lower_conv(square_conv(2, 1, 1, 3, 1, 0)), sw::InputError);     // window > input
  CHECK_THROWS_AS(sw::lower_conv(square_conv(8, 1, 1, 3, 0, 0)), sw::InputError);     // stride 0
  CHECK_THROWS_AS(sw::lower_conv(square_conv(8, 1, 1, 3, 1, -1)), sw::InputError);    // negative padding
  CHECK_THROWS_WITH(sw::conv_layer("c", "Conv", square_conv(2, 1, 1, 3, 1, 0), "x"), Catch::Contains("layer 'c'"));
}

TEST_CASE("SCALE-Sim conv topology: spacing, trailing commas, notes, comments", "[unit]") {
  // As SCALE-Sim's own files write them: padded cells, trailing commas, a note column, a row
  // of commas, tabs, '#' comments, a row without its trailing comma, a depthwise "DP" layer.
  const std::string text =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,,,Eh,Ew,e2\n"
      ",,,,,,,,,,,,\n"
      "Conv1     ,224         ,224        ,11           ,11          ,3       ,96        ,4      ,\n"
      "\n"
      "Conv2     ,27         ,27        ,5            ,5           ,96      ,256       ,1      ,\n"
      "CB3a_1,56,56,1,1,256,128,2,,,,,\n"
      "Res1,224,224,7,7,3,64,2,,,110,110,12100\n"
      "\tConv14_dw_0,14,14,3,3,1,1,1,\n"
      "Conv11,28,28,1,1,256,256,1\n"
      "Conv2_dw, 112, 112, 3, 3, 1, 1, 1,#dw\n"
      "Sep_DP,112,112,3,3,32,1,1,\n";
  const sw::Network net = sw::parse_scalesim_topology(text, "nets/alex.csv");
  CHECK(net.name == "alex");
  REQUIRE(net.layers.size() == 8);
  const sw::Layer& conv1 = net.layers[0];
  CHECK(conv1.name == "Conv1");
  CHECK(conv1.source == "nets/alex.csv:3");
  // SCALE-Sim rounds up: ceil((224 - 11) / 4) + 1 = 55; AlexNet conv1 is 105 415 200 MACs.
  CHECK(conv1.gemm.m == 55 * 55);
  CHECK(conv1.gemm.k == 11 * 11 * 3);
  CHECK(conv1.gemm.n == 96);
  CHECK(conv1.macs() == 105415200u);
  CHECK(net.layers[1].source == "nets/alex.csv:5");
  CHECK(net.layers[1].gemm.m == 23 * 23);
  CHECK(net.layers[1].gemm.k == 5 * 5 * 96);
  // A 1x1 stride-2 layer on 56x56: ceil(55 / 2) + 1 = 29 (SCALE-Sim's figure, not PyTorch's 28).
  CHECK(net.layers[2].gemm.m == 29 * 29);
  // SCALE-Sim's own note for ResNet-50's Conv1: Eh = Ew = 110, e2 = 12100.
  CHECK(net.layers[3].gemm.m == 12100);
  CHECK(net.layers[4].name == "Conv14_dw_0");
  CHECK(net.layers[4].gemm.m == 12 * 12);
  CHECK(net.layers[5].name == "Conv11");
  CHECK(net.layers[6].gemm.k == 9);
  const sw::Layer& dp = net.layers[7];
  CHECK(dp.op == "conv.depthwise");
  CHECK(dp.count == 32);
  CHECK(dp.gemm.m == 110 * 110);
  CHECK(dp.gemm.k == 9);
  CHECK(dp.gemm.n == 1);
}

TEST_CASE("SCALE-Sim GEMM topology and the sparsity column", "[unit]") {
  const sw::Network gpt = sw::parse_scalesim_topology("Layer,M,N,K\nQKT,1024,1024,64\nQKTV,1024,64,1024\n", "g.csv");
  REQUIRE(gpt.layers.size() == 2);
  CHECK(gpt.layers[0].gemm.m == 1024);
  CHECK(gpt.layers[0].gemm.k == 64);
  CHECK(gpt.layers[0].gemm.n == 1024);
  CHECK(gpt.layers[1].gemm.k == 1024);
  CHECK(gpt.layers[1].gemm.n == 64);
  const sw::Network sparse =
      sw::parse_scalesim_topology("Layer Name, M, N, K, Sparsity,\nGEMM_1, 3, 5, 16, 3:4,\nGEMM_2, 1, 5, 16, ,", "s.csv");
  REQUIRE(sparse.layers.size() == 2);
  CHECK(sparse.layers[0].gemm.m == 3);
  CHECK(sparse.layers[0].gemm.k == 16);
  CHECK(sparse.layers[0].gemm.n == 5);
  REQUIRE(sparse.layers[0].sparsity);
  CHECK(sparse.layers[0].sparsity->n == 3);
  CHECK(sparse.layers[0].sparsity->m == 4);
  CHECK_FALSE(sparse.layers[1].sparsity);
  // SCALE-Sim's topologies/sparsity/gemm_mix.csv as it is: a ratio of 1 is dense.
  const sw::Network mix = sw::parse_scalesim_topology("Layer Name, M, N, K, Sparsity,\nGEMM_1, 1, 5, 16, 1,\n", "m.csv");
  REQUIRE(mix.layers.size() == 1);
  CHECK(mix.layers[0].gemm.k == 16);
  CHECK_FALSE(mix.layers[0].sparsity);
  const sw::Network conv = sw::parse_scalesim_topology(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides, Sparsity,\n"
      "CONV_1,     5,            5,           3,             3,            2,        6,          1,       2:4,",
      "c.csv");
  REQUIRE(conv.layers.size() == 1);
  CHECK(conv.layers[0].gemm.m == 9);
  CHECK(conv.layers[0].gemm.k == 18);
  CHECK(conv.layers[0].sparsity->n == 2);
}

TEST_CASE("SCALE-Sim topology: a malformed file is one line naming the file and line", "[unit]") {
  const std::string conv_header = "Layer name,IFMAP Height,IFMAP Width,Filter Height,Filter Width,Channels,Num Filter,Strides,\n";
  CHECK(error_of("") == "t.csv: empty topology (no header row)");
  CHECK(error_of("\n,,,\n") == "t.csv: empty topology (no header row)");
  CHECK(error_of("Layer,M,N,K\n\n") == "t.csv: the topology has a header but no layers");
  CHECK_THAT(error_of("Layer, M, N\nA,1,2\n"), Catch::StartsWith("t.csv:1: the header has no 'K' column"));
  CHECK_THAT(error_of("foo,bar\nA,1\n"), Catch::StartsWith("t.csv:1: the header has no 'Layer name' column"));
  CHECK_THAT(error_of("Layer,M,N,K,M\nA,1,2,3,4\n"), Catch::StartsWith("t.csv:1: column 'M' appears twice"));
  CHECK(error_of("Layer,M,N,K\nA,12,x,3\n") == "t.csv:2: 'N' must be a positive integer below 10^9, got 'x'");
  CHECK(error_of("Layer,M,N,K\n\nA,0,1,1\n") == "t.csv:3: 'M' must be a positive integer below 10^9, got '0'");
  CHECK(error_of("Layer,M,N,K\nA,1.5,1,1\n") == "t.csv:2: 'M' must be a positive integer below 10^9, got '1.5'");
  CHECK(error_of("Layer,M,N,K\nA,-3,1,1\n") == "t.csv:2: 'M' must be a positive integer below 10^9, got '-3'");
  CHECK(error_of("Layer,M,N,K\nA,1,2\n") == "t.csv:2: missing 'K'");
  CHECK(error_of("Layer,M,N,K\nA,1,2,,\n") == "t.csv:2: missing 'K'");
  CHECK(error_of("Layer,M,N,K\n,1,2,3\n") == "t.csv:2: missing 'Layer name'");
  CHECK(error_of("Layer,M,N,K\nA,1,2,3,4\n") == "t.csv:2: unexpected value '4' after the last column of the header");
  CHECK(error_of("Layer,M,N,K,Sparsity\nA,1,2,3,5:4\n") == "t.csv:2: sparsity N:M needs 1 <= N <= M, got '5:4'");
  CHECK(error_of("Layer,M,N,K,Sparsity\nA,1,2,3,half\n") == "t.csv:2: sparsity must be N:M (e.g. 2:4), got 'half'");
  CHECK(error_of(conv_header + "C,2,8,3,3,1,1,1,\n") == "t.csv:2: filter 3x3 is larger than the ifmap 2x8");
  CHECK(error_of(conv_header + "C,8,8,3,3,1,1,\n") == "t.csv:2: missing 'Strides'");
  CHECK(error_of(conv_header + "C,8,8,3,3,1,1,0,\n") == "t.csv:2: 'Strides' must be a positive integer below 10^9, got '0'");
  CHECK_THROWS_WITH(sw::read_scalesim_topology("/nonexistent/t.csv"), "/nonexistent/t.csv: not a regular file");
  CHECK_THROWS_WITH(sw::read_scalesim_topology("/tmp"), "/tmp: not a regular file");
}

TEST_CASE("built-in networks: layer lists and MAC counts", "[unit]") {
  const sw::Network bert = sw::builtin_network("bert-base");
  CHECK(bert.layers.size() == 12);
  CHECK(bert.mapped_layers() == 6);
  // 128x768x2304 + 2 * 12 * 128x64x128 + 128x768x768 + 2 * 128x768x3072
  CHECK(bert.macs() == 226492416u + 2u * 12582912u + 75497472u + 2u * 301989888u);
  CHECK(bert.layers[1].kind == sw::LayerKind::kAttentionScores);
  CHECK(bert.layers[1].count == 12);
  CHECK(bert.layers[1].gemm.k == 64);
  CHECK(bert.layers[2].op == "Softmax");
  CHECK_FALSE(bert.layers[2].mapped());
  sw::BuiltinOptions twelve;
  twelve.layers = 12;
  CHECK(sw::builtin_network("bert-base", twelve).macs() == 12 * bert.macs());
  CHECK(sw::builtin_network("bert-base", twelve).layers[12].name == "layer1.attn.qkv");

  sw::BuiltinOptions long_seq;
  long_seq.seq = 1024;
  const sw::Network gpt = sw::builtin_network("gpt2", long_seq);
  CHECK(gpt.layers[1].name == "h0.attn.c_attn");
  CHECK(gpt.layers[1].gemm.m == 1024);
  CHECK(gpt.layers[1].gemm.n == 2304);
  CHECK(gpt.mapped_layers() == 6);

  // ResNet-50: 53 convolutions and the classifier, 4 089 184 256 MACs (the published 4.09 G).
  const sw::Network resnet = sw::builtin_network("resnet50");
  CHECK(resnet.mapped_layers() == 54);
  CHECK(resnet.macs() == 4089184256u);
  CHECK(resnet.layers[0].gemm.m == 112 * 112);
  CHECK(resnet.layers.back().name == "fc");
  CHECK(resnet.layers.back().gemm.k == 2048);

  const sw::Network deep = sw::builtin_network("deepbench");
  CHECK(deep.layers.size() == 21);
  CHECK(deep.layers[0].gemm.m == 700);   // DeepBench N (the batch)
  CHECK(deep.layers[0].gemm.k == 2048);
  CHECK(deep.layers[0].gemm.n == 5124);  // DeepBench M (the weights' rows)
  CHECK(deep.layers[0].weight_density == 1.0);
  CHECK(deep.layers[13].name == "sparse_7680x1x2560_95");
  CHECK(deep.layers[13].weight_density == Approx(0.05));

  CHECK_THROWS_WITH(sw::builtin_network("alexnet"), Catch::StartsWith("unknown network 'alexnet'"));
  sw::BuiltinOptions bad;
  bad.seq = 0;
  CHECK_THROWS_AS(sw::builtin_network("bert-base", bad), sw::InputError);
  bad.seq = 128;
  bad.layers = 13;
  CHECK_THROWS_AS(sw::builtin_network("gpt2", bad), sw::InputError);
}

TEST_CASE("run policy: RTL within the budget, a seeded sample of tiles beyond it", "[unit]") {
  sw::RunPolicy policy;  // 60 s, 4 tiles
  policy.validate();
  const sw::LayerRunPlan small = sw::plan_layer_run(policy, 30'000'000, 1e6, 100);
  CHECK(small.mode == sw::RunMode::kRtl);
  CHECK(small.estimated_rtl_seconds == Approx(30.0));
  CHECK(small.sampled_tiles.empty());
  const sw::LayerRunPlan big = sw::plan_layer_run(policy, 120'000'000, 1e6, 100);
  CHECK(big.mode == sw::RunMode::kSampled);
  REQUIRE(big.sampled_tiles.size() == 4);
  CHECK(std::is_sorted(big.sampled_tiles.begin(), big.sampled_tiles.end()));
  CHECK(std::adjacent_find(big.sampled_tiles.begin(), big.sampled_tiles.end()) == big.sampled_tiles.end());
  CHECK(big.sampled_tiles.back() < 100);
  CHECK(sw::plan_layer_run(policy, 120'000'000, 1e6, 1).mode == sw::RunMode::kRtl);  // one tile: no sampling
  policy.model_only = true;
  CHECK(sw::plan_layer_run(policy, 10, 1e6, 100).mode == sw::RunMode::kModel);

  CHECK(sw::sample_indices(10, 3, 7) == sw::sample_indices(10, 3, 7));
  CHECK(sw::sample_indices(5, 9, 1) == std::vector<int>{0, 1, 2, 3, 4});
  std::vector<int> seen(1000, 0);
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    for (int i : sw::sample_indices(1000, 5, seed)) ++seen[static_cast<std::size_t>(i)];
  }
  CHECK(std::count(seen.begin(), seen.end(), 0) < 1000 - 600);  // spread over the population

  sw::RunPolicy bad;
  bad.rtl_budget_seconds = 0;
  CHECK_THROWS_AS(bad.validate(), sw::InputError);
  bad.rtl_budget_seconds = 1;
  bad.sample_tiles = 0;
  CHECK_THROWS_AS(bad.validate(), sw::InputError);
}

TEST_CASE("layer operands: real tensors, seeded random ones, N:M weights, im2col inputs", "[unit]") {
  // 2:4 over K = 10: groups of rows 0-3, 4-7 and 8-9, two nonzeros each in every column.
  const sw::MatrixI8 w = sw::random_nm_sparse_int8(10, 3, {2, 4}, 5);
  for (int col = 0; col < 3; ++col) {
    for (int k0 = 0; k0 < 10; k0 += 4) {
      int nnz = 0;
      for (int k = k0; k < std::min(k0 + 4, 10); ++k) nnz += w.at(k, col) != 0;
      CHECK(nnz == 2);
    }
  }
  CHECK(sw::count_nonzeros(sw::random_nm_sparse_int8(8, 16, {1, 4}, 9)) == 2 * 16);
  CHECK(sw::random_nm_sparse_int8(8, 16, {1, 4}, 9) == sw::random_nm_sparse_int8(8, 16, {1, 4}, 9));

  sw::Layer fc = sw::gemm_layer("fc", "Gemm", {6, 10, 3}, "test");
  const sw::GemmOperands r = sw::layer_operands(fc, 0, 3);
  CHECK(r.a.rows() == 6);
  CHECK(r.b.cols() == 3);
  CHECK(sw::layer_operands(fc, 0, 3).a == r.a);
  CHECK(sw::layer_operands(fc, 0, 4).a != r.a);
  fc.sparsity = sw::NmSparsity{2, 4};
  CHECK(sw::count_nonzeros(sw::layer_operands(fc, 0, 3).b) == 3 * (2 + 2 + 2));
  fc.sparsity.reset();
  fc.weight_density = 0.05;
  fc.gemm = {4, 400, 100};
  const std::size_t nnz = sw::count_nonzeros(sw::layer_operands(fc, 0, 3).b);
  CHECK(nnz > 1500);
  CHECK(nnz < 2500);  // 5 % of 40 000
  fc.gemm = {2, 2, 2};
  fc.weight_density = 1.0;
  sw::MatrixI8 given(2, 2, 7);
  fc.weights = {given};
  fc.inputs = {given};
  CHECK(sw::layer_operands(fc, 0, 1).b == given);
  CHECK(sw::layer_operands(fc, 0, 1).a == given);
  CHECK_THROWS_AS(sw::layer_operands(fc, 1, 1), sw::InputError);
  CHECK_THROWS_AS(sw::layer_operands(sw::not_mapped_layer("p", "MaxPool", "t"), 0, 1), sw::InputError);

  // 3x3 'same' convolution on 4x4: output pixel (0, 0) reads padding for kernel row 0.
  const sw::Layer conv = sw::conv_layer("c", "Conv", square_conv(4, 2, 5, 3, 1, 1), "test");
  const sw::GemmOperands c = sw::layer_operands(conv, 0, 8);
  REQUIRE(c.a.rows() == 16);
  REQUIRE(c.a.cols() == 18);
  for (int j = 0; j < 6; ++j) CHECK(c.a.at(0, j) == 0);
  CHECK(sw::count_nonzeros(c.a) > 100);
}

TEST_CASE("fold operands: the folds of a plan, run as GEMMs of their own, add up to the product", "[unit]") {
  const sw::MatrixI8 a = sw::random_int8(5, 9, 1), b = sw::random_int8(9, 7, 2);
  const sw::MatrixI32 full = sw::gemm_ref(a, b);
  const sw::MatrixI8 b24 = sw::random_nm_sparse_int8(9, 7, {2, 4}, 3);
  const sw::MatrixI32 full24 = sw::gemm_ref(a, b24);
  for (int variant = 0; variant < 3; ++variant) {
    const sw::Dataflow df = variant == 1 ? sw::Dataflow::kOutputStationary : sw::Dataflow::kWeightStationary;
    const sw::NmMode nm = variant == 2 ? sw::NmMode{2, 4} : sw::NmMode{};  // 2:4: folds of 2 groups of K
    const sw::GemmPlan plan({5, 9, 7}, {4, 4}, df, nm);
    const sw::MatrixI8& w = nm.sparse() ? b24 : b;
    sw::MatrixI32 sum(5, 7);
    for (const sw::Fold& f : plan.folds()) {
      const sw::GemmOperands ops = sw::fold_operands(plan, f, a, w);
      if (nm.sparse()) CHECK(sw::GemmPlan({5, ops.a.cols(), ops.b.cols()}, {4, 4}, df, nm).folds().size() == 1);
      const sw::MatrixI32 part = sw::gemm_ref(ops.a, ops.b);
      for (int m = 0; m < f.m_len; ++m) {
        for (int n = 0; n < f.n_len; ++n) sum.at(f.m0 + m, f.n0 + n) += part.at(m, n);
      }
    }
    CHECK(sum == (nm.sparse() ? full24 : full));
  }
}
