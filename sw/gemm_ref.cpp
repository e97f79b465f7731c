// SPDX-License-Identifier: Apache-2.0
#include "sw/gemm_ref.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "sw/error.hpp"

namespace wb::sw {

void check_gemm_operands(const MatrixI8& a, const MatrixI8& b) {
  if (a.cols() != b.rows()) {
    throw InputError("K mismatch: A is " + std::to_string(a.rows()) + "x" + std::to_string(a.cols()) +
                     " but B is " + std::to_string(b.rows()) + "x" + std::to_string(b.cols()));
  }
}

MatrixI32 gemm_ref(const MatrixI8& a, const MatrixI8& b) {
  check_gemm_operands(a, b);
  MatrixI32 c(a.rows(), b.cols());
  // Unsigned arithmetic gives the wrap-around of the RTL without signed-overflow UB.
  std::vector<std::uint32_t> acc(static_cast<std::size_t>(b.cols()));
  for (int m = 0; m < a.rows(); ++m) {
    std::fill(acc.begin(), acc.end(), 0u);
    for (int k = 0; k < a.cols(); ++k) {
      const auto av = static_cast<std::uint32_t>(static_cast<std::int32_t>(a.at(m, k)));
      const std::int8_t* brow = b.row(k);
      for (int n = 0; n < b.cols(); ++n) acc[n] += av * static_cast<std::uint32_t>(static_cast<std::int32_t>(brow[n]));
    }
    for (int n = 0; n < b.cols(); ++n) c.at(m, n) = static_cast<std::int32_t>(acc[n]);
  }
  return c;
}

}  // namespace wb::sw
