// SPDX-License-Identifier: Apache-2.0
#include "sw/conv.hpp"

#include <string>

#include "sw/error.hpp"

namespace wb::sw {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw InputError("convolution: " + what);
}

// Output extent of one spatial dimension, or 0 when the (dilated) window does not fit.
int out_extent(int in, int pad_a, int pad_b, int kernel, int dilation, int stride) {
  const long long span = static_cast<long long>(dilation) * (kernel - 1) + 1;
  const long long padded = static_cast<long long>(in) + pad_a + pad_b;
  if (padded < span) return 0;
  return static_cast<int>((padded - span) / stride + 1);
}

}  // namespace

void ConvShape::validate() const {
  require(batch > 0 && in_h > 0 && in_w > 0 && in_c > 0 && out_c > 0,
          "batch, input height, width, channels and output channels must be positive");
  require(kernel_h > 0 && kernel_w > 0, "kernel height and width must be positive");
  require(stride_h > 0 && stride_w > 0, "strides must be positive");
  require(dilation_h > 0 && dilation_w > 0, "dilations must be positive");
  require(pad_top >= 0 && pad_left >= 0 && pad_bottom >= 0 && pad_right >= 0, "padding must not be negative");
  require(groups > 0 && in_c % groups == 0 && out_c % groups == 0,
          "groups (" + std::to_string(groups) + ") must divide input channels (" + std::to_string(in_c) +
              ") and output channels (" + std::to_string(out_c) + ")");
  require(out_h() > 0 && out_w() > 0, "the " + std::to_string(kernel_h) + "x" + std::to_string(kernel_w) +
                                          " window is larger than the padded " + std::to_string(in_h) + "x" +
                                          std::to_string(in_w) + " input");
  const long long m = static_cast<long long>(batch) * out_h() * out_w();
  const long long k = static_cast<long long>(in_c / groups) * kernel_h * kernel_w;
  require(m <= (1LL << 31) - 1 && k <= (1LL << 31) - 1, "the lowered GEMM exceeds 2^31 - 1 rows or columns");
}

int ConvShape::out_h() const { return out_extent(in_h, pad_top, pad_bottom, kernel_h, dilation_h, stride_h); }
int ConvShape::out_w() const { return out_extent(in_w, pad_left, pad_right, kernel_w, dilation_w, stride_w); }

LoweredConv lower_conv(const ConvShape& s) {
  s.validate();
  LoweredConv l;
  l.gemm.m = s.batch * s.out_h() * s.out_w();
  l.gemm.k = (s.in_c / s.groups) * s.kernel_h * s.kernel_w;
  l.gemm.n = s.out_c / s.groups;
  l.count = s.groups;
  const double input_elements = static_cast<double>(s.batch) * s.in_h * s.in_w * s.in_c;
  l.duplication = static_cast<double>(l.gemm.m) * l.gemm.k * l.count / input_elements;
  return l;
}

MatrixI8 im2col(const ConvShape& s, const MatrixI8& input, int group, std::int8_t pad) {
  const LoweredConv l = lower_conv(s);
  require(input.rows() == s.batch * s.in_h * s.in_w && input.cols() == s.in_c,
          "input must be (batch * height * width) x channels");
  require(group >= 0 && group < s.groups, "group out of range");
  const int cg = s.in_c / s.groups, oh = s.out_h(), ow = s.out_w();
  MatrixI8 a(l.gemm.m, l.gemm.k, pad);
  for (int b = 0; b < s.batch; ++b) {
    for (int y = 0; y < oh; ++y) {
      for (int x = 0; x < ow; ++x) {
        std::int8_t* row = a.row((b * oh + y) * ow + x);
        for (int kh = 0; kh < s.kernel_h; ++kh) {
          const int iy = y * s.stride_h - s.pad_top + kh * s.dilation_h;
          for (int kw = 0; kw < s.kernel_w; ++kw) {
            const int ix = x * s.stride_w - s.pad_left + kw * s.dilation_w;
            std::int8_t* dst = row + (kh * s.kernel_w + kw) * cg;
            if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) continue;  // padding: `pad`
            const std::int8_t* src = input.row((b * s.in_h + iy) * s.in_w + ix) + group * cg;
            for (int c = 0; c < cg; ++c) dst[c] = src[c];
          }
        }
      }
    }
  }
  return a;
}

MatrixI8 conv_weights_as_gemm(const ConvShape& s, const std::vector<std::int8_t>& oihw, int group) {
  const LoweredConv l = lower_conv(s);
  const int cg = s.in_c / s.groups, ng = s.out_c / s.groups;
  require(oihw.size() == static_cast<std::size_t>(s.out_c) * cg * s.kernel_h * s.kernel_w,
          "weights must hold out_c * (in_c / groups) * kernel_h * kernel_w values");
  require(group >= 0 && group < s.groups, "group out of range");
  MatrixI8 w(l.gemm.k, l.gemm.n);
  for (int n = 0; n < ng; ++n) {
    const std::size_t o = static_cast<std::size_t>(group) * ng + n;
    for (int c = 0; c < cg; ++c) {
      for (int kh = 0; kh < s.kernel_h; ++kh) {
        for (int kw = 0; kw < s.kernel_w; ++kw) {
          const std::size_t src = ((o * cg + c) * s.kernel_h + kh) * s.kernel_w + kw;
          w.at((kh * s.kernel_w + kw) * cg + c, n) = oihw[src];
        }
      }
    }
  }
  return w;
}

void scatter_group_output(const ConvShape& s, const MatrixI32& c_group, int group, MatrixI32& output) {
  const LoweredConv l = lower_conv(s);
  require(c_group.rows() == l.gemm.m && c_group.cols() == l.gemm.n, "group output has the wrong shape");
  require(output.rows() == l.gemm.m && output.cols() == s.out_c, "output has the wrong shape");
  for (int m = 0; m < l.gemm.m; ++m) {
    const std::int32_t* src = c_group.row(m);
    std::int32_t* dst = output.row(m) + group * l.gemm.n;
    for (int n = 0; n < l.gemm.n; ++n) dst[n] = src[n];
  }
}

MatrixI32 conv_ref(const ConvShape& s, const MatrixI8& input, const std::vector<std::int8_t>& oihw) {
  s.validate();
  require(input.rows() == s.batch * s.in_h * s.in_w && input.cols() == s.in_c,
          "input must be (batch * height * width) x channels");
  const int cg = s.in_c / s.groups, ng = s.out_c / s.groups, oh = s.out_h(), ow = s.out_w();
  require(oihw.size() == static_cast<std::size_t>(s.out_c) * cg * s.kernel_h * s.kernel_w,
          "weights must hold out_c * (in_c / groups) * kernel_h * kernel_w values");
  MatrixI32 out(s.batch * oh * ow, s.out_c);
  for (int b = 0; b < s.batch; ++b) {
    for (int y = 0; y < oh; ++y) {
      for (int x = 0; x < ow; ++x) {
        for (int o = 0; o < s.out_c; ++o) {
          const int g = o / ng;
          std::uint32_t acc = 0;  // unsigned: the int32 wrap-around without signed overflow
          for (int c = 0; c < cg; ++c) {
            for (int kh = 0; kh < s.kernel_h; ++kh) {
              const int iy = y * s.stride_h - s.pad_top + kh * s.dilation_h;
              if (iy < 0 || iy >= s.in_h) continue;
              for (int kw = 0; kw < s.kernel_w; ++kw) {
                const int ix = x * s.stride_w - s.pad_left + kw * s.dilation_w;
                if (ix < 0 || ix >= s.in_w) continue;
                const std::int32_t a = input.at((b * s.in_h + iy) * s.in_w + ix, g * cg + c);
                const std::int32_t w = oihw[((static_cast<std::size_t>(o) * cg + c) * s.kernel_h + kh) * s.kernel_w + kw];
                acc += static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(w);
              }
            }
          }
          out.at((b * oh + y) * ow + x, o) = static_cast<std::int32_t>(acc);
        }
      }
    }
  }
  return out;
}

}  // namespace wb::sw
