// SPDX-License-Identifier: Apache-2.0
#pragma once
// Sparse storage formats of an int8 weight matrix W (K x N: rows along K, the reduction
// dimension, columns the outputs), each lossless both ways, with the exact bytes it stores so
// that reports can count what moves: `values` (one byte per stored int8) and `metadata`
// (indices, pointers, bitmaps). Index and pointer widths are the smallest of 1, 2 or 4 bytes
// that holds the largest value the field stores (index_bytes), as a compact store would pack them.
//
//   dense   K*N values, no metadata
//   csr     row pointers (K+1, up to nnz), column indices (nnz, up to N-1), nnz values
//   csc     column pointers (N+1, up to nnz), row indices (nnz, up to K-1), nnz values
//   bitmap  one bit per element, row-major, ceil(K*N/8) bytes, nnz values
//   nm      N of every M consecutive weights of a column along K: ceil(K/M)*N*cols values and
//           as many ceil(log2 M)-bit indices, packed, ceil(bits/8) bytes (NmCompressed)
//   bsr     b x b blocks (K and N padded to multiples of b): block-row pointers (ceil(K/b)+1, up
//           to the block count), block-column indices (one per nonzero block), b*b values per
//           nonzero block
#include <cstdint>
#include <string>
#include <vector>

#include "sw/tensor.hpp"

namespace wb::sw {

enum class SparseFormat { kDense, kCsr, kCsc, kBitmap, kNm, kBsr };
const char* sparse_format_name(SparseFormat f);  // "dense", "csr", "csc", "bitmap", "nm", "bsr"
// One of the names above; InputError naming `option` otherwise.
SparseFormat parse_sparse_format(const std::string& text, const std::string& option);

struct StorageBytes {
  std::uint64_t values = 0;
  std::uint64_t metadata = 0;
  std::uint64_t total() const { return values + metadata; }
};

// Bytes of one stored unsigned field that must hold `max_value`: 1, 2 or 4.
int index_bytes(std::uint64_t max_value);

struct Csr {
  int rows = 0, cols = 0;
  std::vector<std::uint32_t> row_ptr;  // rows + 1
  std::vector<std::uint32_t> col_idx;  // nnz, ascending within a row
  std::vector<std::int8_t> values;     // nnz
};
struct Csc {
  int rows = 0, cols = 0;
  std::vector<std::uint32_t> col_ptr;  // cols + 1
  std::vector<std::uint32_t> row_idx;  // nnz, ascending within a column
  std::vector<std::int8_t> values;
};
struct Bitmap {
  int rows = 0, cols = 0;
  std::vector<std::uint8_t> bits;   // element i (row-major) is bit i % 8 of byte i / 8
  std::vector<std::int8_t> values;  // the nonzeros, row-major
};

// N:M compressed along K, the layout sparse tensor cores take. With G = ceil(k/m) groups per
// column, `values` and `indices` are (G*n) x cols: row g*n + j, column c holds the j-th kept
// weight of group g of column c, and `indices` its offset in the group, so the weight is
// W[g*m + index][c]. Offsets ascend within a group; a group with fewer than n nonzeros pads
// with zero values at the smallest unused offsets. A last group shorter than m (k not a
// multiple of m) uses offsets below its size only.
struct NmCompressed {
  int n = 0, m = 0;     // keep n of every m
  int k = 0, cols = 0;  // the dense shape
  MatrixI8 values;
  MatrixU8 indices;
  int groups() const { return m > 0 ? (k + m - 1) / m : 0; }
  int index_bits() const;  // nm_index_bits(m)
};
// Bits of an offset in a group of m: ceil(log2 m), 0 for m = 1.
int nm_index_bits(int m);

struct Bsr {
  int rows = 0, cols = 0, block = 0;
  std::vector<std::uint32_t> block_row_ptr;  // ceil(rows/block) + 1
  std::vector<std::uint32_t> block_col_idx;  // one per nonzero block, ascending within a block row
  std::vector<std::int8_t> values;           // block*block per nonzero block, row-major within it (padding zeros)
};

Csr to_csr(const MatrixI8& w);
Csc to_csc(const MatrixI8& w);
Bitmap to_bitmap(const MatrixI8& w);
// InputError when some group of m along K holds more than n nonzeros (naming column and rows),
// or unless 1 <= n <= m <= 256.
NmCompressed to_nm(const MatrixI8& w, int n, int m);
// InputError unless block >= 1.
Bsr to_bsr(const MatrixI8& w, int block);

MatrixI8 to_dense(const Csr& s);
MatrixI8 to_dense(const Csc& s);
MatrixI8 to_dense(const Bitmap& s);
MatrixI8 to_dense(const NmCompressed& s);
MatrixI8 to_dense(const Bsr& s);

StorageBytes storage_bytes(const Csr& s);
StorageBytes storage_bytes(const Csc& s);
StorageBytes storage_bytes(const Bitmap& s);
StorageBytes storage_bytes(const NmCompressed& s);
StorageBytes storage_bytes(const Bsr& s);

// A format with its parameters (nm: n and m; bsr: block), for choosing one at run time.
struct FormatSpec {
  SparseFormat format = SparseFormat::kDense;
  int n = 0, m = 0;  // nm
  int block = 0;     // bsr
  std::string text() const;  // "dense", "csr", "nm:2:4", "bsr:4"
};

// The bytes `w` takes in `spec` (converting it; InputError when it does not fit nm).
StorageBytes storage_bytes(const MatrixI8& w, const FormatSpec& spec);

// `w` as the bytes a store holds in `spec`, exactly storage_bytes(w, spec).total() of them:
// the metadata fields first, in the order of the table above (pointers, then indices; the
// bitmap; N:M indices packed LSB first), each integer little-endian in its index_bytes width,
// then the values. decode() is its inverse for the shape (InputError on bytes that do not
// decode to that shape).
std::string encode(const MatrixI8& w, const FormatSpec& spec);
// The nm bytes of an already compressed matrix (encode's nm layout: the packed indices, then the values).
std::string encode(const NmCompressed& s);
MatrixI8 decode(const std::string& bytes, int rows, int cols, const FormatSpec& spec);

}  // namespace wb::sw
