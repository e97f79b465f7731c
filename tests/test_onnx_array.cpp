// SPDX-License-Identifier: Apache-2.0
// [cosim] The int8 layers imported from the committed ONNX fixtures run on the array at pin
// level (4x4 and 8x8, both dataflows, RTL and reference model), bit-exact against gemm_ref and,
// for convolutions lowered by im2col, against the direct conv_ref.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "array_gemm.hpp"
#include "sw/conv.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/network.hpp"
#include "sw/onnx_import.hpp"

using namespace wb;

namespace {

const std::string kFixtures = WB_ONNX_FIXTURES;

std::string fixture(const std::string& name) { return kFixtures + "/" + name; }

// The OIHW weights a conv layer's per-group K x N matrices came from (the inverse of
// conv_weights_as_gemm), for conv_ref.
std::vector<std::int8_t> oihw_of(const sw::Layer& l) {
  const sw::ConvShape& s = *l.conv;
  const int cg = s.in_c / s.groups, ng = s.out_c / s.groups;
  std::vector<std::int8_t> w(static_cast<std::size_t>(s.out_c) * cg * s.kernel_h * s.kernel_w);
  for (int g = 0; g < s.groups; ++g) {
    for (int n = 0; n < ng; ++n) {
      for (int c = 0; c < cg; ++c) {
        for (int kh = 0; kh < s.kernel_h; ++kh) {
          for (int kw = 0; kw < s.kernel_w; ++kw) {
            const std::size_t o = static_cast<std::size_t>(g) * ng + n;
            w[((o * cg + c) * s.kernel_h + kh) * s.kernel_w + kw] = l.weights[g].at((kh * s.kernel_w + kw) * cg + c, n);
          }
        }
      }
    }
  }
  return w;
}

}  // namespace

TEST_CASE("onnx array: imported int8 layers run bit-exact on the array, RTL and model", "[cosim]") {
  const std::vector<sw::Network> nets{sw::import_onnx(fixture("conv_net.onnx")),
                                      sw::import_onnx(fixture("mlp.onnx"), {{{"x", {5, 16}}}}),
                                      sw::import_onnx(fixture("int_net.onnx")),
                                      sw::import_onnx(fixture("misc_net.onnx"))};
  std::vector<test::ArrayTarget> targets = test::array_targets(ref::Engine::kRtl);
  for (const auto& t : test::array_targets(ref::Engine::kModel)) targets.push_back(t);
  for (const auto& t : targets) {
    if (t.engine == ref::Engine::kRtl) REQUIRE(tb::is_built_array_size(t.array.rows, t.array.cols));
  }
  int layers = 0;
  std::uint64_t seed = 1;
  for (const sw::Network& net : nets) {
    for (const sw::Layer& l : net.layers) {
      if (!l.mapped()) continue;
      REQUIRE(l.weights.size() == static_cast<std::size_t>(l.count));
      ++layers;
      for (const auto& target : targets) {
        INFO(net.name << " layer " << l.name << " on " << target.name());
        int gemms = 0;
        const sw::GemmRunner gemm = test::array_gemm(target, &gemms);
        if (l.kind == sw::LayerKind::kConv) {
          const sw::ConvShape& s = *l.conv;
          const sw::MatrixI8 input = sw::random_int8(s.batch * s.in_h * s.in_w, s.in_c, seed++);
          sw::MatrixI32 out(l.gemm.m, s.out_c);
          for (int g = 0; g < s.groups; ++g) {
            sw::scatter_group_output(s, gemm(sw::im2col(s, input, g), l.weights[g]), g, out);
          }
          const sw::Mismatch mm = sw::first_mismatch(sw::conv_ref(s, input, oihw_of(l)), out);
          CHECK(mm.count == 0);
          CHECK(gemms == s.groups);
        } else {
          const sw::MatrixI8 a = sw::random_int8(l.gemm.m, l.gemm.k, seed++);
          CHECK(sw::first_mismatch(sw::gemm_ref(a, l.weights[0]), gemm(a, l.weights[0])).count == 0);
        }
      }
    }
  }
  CHECK(layers == 3 + 2 + 2 + 4);
}
