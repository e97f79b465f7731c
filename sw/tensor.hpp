// SPDX-License-Identifier: Apache-2.0
#pragma once
// Dense row-major 2-D matrices: the only tensor type the GEMM path needs.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wb::sw {

template <typename T>
class Matrix {
 public:
  Matrix() = default;
  Matrix(int rows, int cols, T fill = T{})
      : m_rows(rows), m_cols(cols), m_data(static_cast<std::size_t>(rows) * cols, fill) {}

  int rows() const { return m_rows; }
  int cols() const { return m_cols; }
  std::size_t size() const { return m_data.size(); }

  T& at(int r, int c) { return m_data[static_cast<std::size_t>(r) * m_cols + c]; }
  const T& at(int r, int c) const { return m_data[static_cast<std::size_t>(r) * m_cols + c]; }
  T* row(int r) { return m_data.data() + static_cast<std::size_t>(r) * m_cols; }
  const T* row(int r) const { return m_data.data() + static_cast<std::size_t>(r) * m_cols; }
  T* data() { return m_data.data(); }
  const T* data() const { return m_data.data(); }

  bool operator==(const Matrix& o) const {
    return m_rows == o.m_rows && m_cols == o.m_cols && m_data == o.m_data;
  }
  bool operator!=(const Matrix& o) const { return !(*this == o); }

 private:
  int m_rows = 0;
  int m_cols = 0;
  std::vector<T> m_data;
};

using MatrixI8 = Matrix<std::int8_t>;
using MatrixI32 = Matrix<std::int32_t>;
using MatrixU8 = Matrix<std::uint8_t>;  // masks, N:M indices

// Uniform random int8 in [-128, 127], reproducible from the seed on every platform.
MatrixI8 random_int8(int rows, int cols, std::uint64_t seed);

// Unstructured sparsity: each element is nonzero with probability `density` (in [0, 1]), and a
// nonzero is uniform over the 255 nonzero int8 values. Reproducible from the seed.
MatrixI8 random_sparse_int8(int rows, int cols, double density, std::uint64_t seed);

std::size_t count_nonzeros(const MatrixI8& m);

// Where two matrices first differ, for golden-check diagnostics.
struct Mismatch {
  int row = -1;
  int col = -1;
  std::int64_t expected = 0;
  std::int64_t actual = 0;
  std::size_t count = 0;  // total number of differing elements
};
Mismatch first_mismatch(const MatrixI32& expected, const MatrixI32& actual);

}  // namespace wb::sw
