// SPDX-License-Identifier: Apache-2.0
#pragma once
// 2-D convolution lowered to GEMMs by im2col, the way a GEMM accelerator runs it.
//
// Tensors: the input is NHWC, stored as a (batch * in_h * in_w) x in_c matrix (one row per
// pixel); the weights are OIHW (ONNX's layout), out_c x (in_c / groups) x kernel_h x kernel_w;
// the output is NHWC, (batch * out_h * out_w) x out_c. Group g of `groups` is one GEMM:
//   A_g (M x K) = im2col of input channels [g * Cg, (g + 1) * Cg), one row per output pixel,
//                 K ordered (kh, kw, c) with zeros where the window covers padding;
//   B_g (K x N) = the weights of output channels [g * Ng, (g + 1) * Ng), same K order;
//   C_g (M x N) = output channels of group g.
// with M = batch * out_h * out_w, K = Cg * kernel_h * kernel_w, N = out_c / groups.
// Depthwise convolution is groups = in_c.
#include <cstdint>
#include <string>
#include <vector>

#include "sw/gemm_plan.hpp"
#include "sw/tensor.hpp"

namespace wb::sw {

struct ConvShape {
  int batch = 1;
  int in_h = 0, in_w = 0, in_c = 0;
  int out_c = 0;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;

  // Throws InputError naming the first impossible field (non-positive sizes, channels not
  // divisible by groups, a window larger than the padded input).
  void validate() const;
  int out_h() const;
  int out_w() const;
  bool depthwise() const { return groups > 1 && groups == in_c; }
};

// The GEMMs a convolution lowers to: `count` independent GEMMs of one shape.
struct LoweredConv {
  GemmShape gemm;
  int count = 1;
  // im2col's expansion of the input: elements of all A_g over input elements (1 for a 1x1
  // stride-1 convolution, about kernel_h * kernel_w for a stride-1 'same' one).
  double duplication = 1.0;
};
LoweredConv lower_conv(const ConvShape& shape);  // validates

// A_g of group g (see the top). `input` is (batch * in_h * in_w) x in_c. Window positions over
// the padding read `pad` (an input zero point for offset integer inputs, else 0).
MatrixI8 im2col(const ConvShape& shape, const MatrixI8& input, int group, std::int8_t pad = 0);

// Weights in OIHW order, flattened: out_c * (in_c / groups) * kernel_h * kernel_w values.
// B_g of group g as a K x N matrix.
MatrixI8 conv_weights_as_gemm(const ConvShape& shape, const std::vector<std::int8_t>& oihw, int group);

// Places C_g (M x N) into the NHWC output ((batch * out_h * out_w) x out_c).
void scatter_group_output(const ConvShape& shape, const MatrixI32& c_group, int group, MatrixI32& output);

// Direct convolution (no lowering), int32 accumulation with two's-complement wrap-around: the
// reference the lowering is checked against.
MatrixI32 conv_ref(const ConvShape& shape, const MatrixI8& input, const std::vector<std::int8_t>& oihw);

}  // namespace wb::sw
