// SPDX-License-Identifier: Apache-2.0
#include "sw/tensor.hpp"

#include "sw/rng.hpp"

namespace wb::sw {

MatrixI8 random_int8(int rows, int cols, std::uint64_t seed) {
  MatrixI8 m(rows, cols);
  SplitMix64 rng(seed);
  for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<std::int8_t>(rng.next() >> 56);
  return m;
}

MatrixI8 random_sparse_int8(int rows, int cols, double density, std::uint64_t seed) {
  MatrixI8 m(rows, cols);
  SplitMix64 rng(seed);
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (!rng.chance(density)) continue;
    const auto v = static_cast<std::int8_t>(rng.uniform(-128, 126));
    m.data()[i] = static_cast<std::int8_t>(v >= 0 ? v + 1 : v);  // skip 0
  }
  return m;
}

std::size_t count_nonzeros(const MatrixI8& m) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < m.size(); ++i) n += m.data()[i] != 0;
  return n;
}

Mismatch first_mismatch(const MatrixI32& expected, const MatrixI32& actual) {
  Mismatch mm;
  if (expected.rows() != actual.rows() || expected.cols() != actual.cols()) {
    mm.count = expected.size() > actual.size() ? expected.size() : actual.size();
    return mm;
  }
  for (int r = 0; r < expected.rows(); ++r) {
    for (int c = 0; c < expected.cols(); ++c) {
      if (expected.at(r, c) == actual.at(r, c)) continue;
      if (mm.count++ == 0) {
        mm.row = r;
        mm.col = c;
        mm.expected = expected.at(r, c);
        mm.actual = actual.at(r, c);
      }
    }
  }
  return mm;
}

}  // namespace wb::sw
