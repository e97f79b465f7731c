// SPDX-License-Identifier: Apache-2.0
#include "sw/sparse_format.hpp"

#include <algorithm>

#include "sw/error.hpp"
#include "sw/parse.hpp"

namespace wb::sw {
namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// Pointers of `count + 1` entries up to `total`, plus `total` indices up to `max_index`.
std::uint64_t pointer_index_bytes(std::uint64_t count, std::uint64_t total, std::uint64_t max_index) {
  return (count + 1) * static_cast<std::uint64_t>(index_bytes(total)) +
         total * static_cast<std::uint64_t>(index_bytes(max_index));
}

}  // namespace

const char* sparse_format_name(SparseFormat f) {
  switch (f) {
    case SparseFormat::kDense: return "dense";
    case SparseFormat::kCsr: return "csr";
    case SparseFormat::kCsc: return "csc";
    case SparseFormat::kBitmap: return "bitmap";
    case SparseFormat::kNm: return "nm";
    case SparseFormat::kBsr: return "bsr";
  }
  return "?";
}

SparseFormat parse_sparse_format(const std::string& text, const std::string& option) {
  for (SparseFormat f : {SparseFormat::kDense, SparseFormat::kCsr, SparseFormat::kCsc, SparseFormat::kBitmap,
                         SparseFormat::kNm, SparseFormat::kBsr}) {
    if (text == sparse_format_name(f)) return f;
  }
  throw InputError(option + " must be dense, csr, csc, bitmap, nm or bsr, got '" + printable(text) + "'");
}

int index_bytes(std::uint64_t max_value) { return max_value <= 0xff ? 1 : max_value <= 0xffff ? 2 : 4; }

int NmCompressed::index_bits() const {
  int bits = 0;
  while ((1 << bits) < m) ++bits;
  return bits;
}

Csr to_csr(const MatrixI8& w) {
  Csr s{w.rows(), w.cols(), {0}, {}, {}};
  for (int r = 0; r < w.rows(); ++r) {
    for (int c = 0; c < w.cols(); ++c) {
      if (w.at(r, c) == 0) continue;
      s.col_idx.push_back(static_cast<std::uint32_t>(c));
      s.values.push_back(w.at(r, c));
    }
    s.row_ptr.push_back(static_cast<std::uint32_t>(s.values.size()));
  }
  return s;
}

Csc to_csc(const MatrixI8& w) {
  Csc s{w.rows(), w.cols(), {0}, {}, {}};
  for (int c = 0; c < w.cols(); ++c) {
    for (int r = 0; r < w.rows(); ++r) {
      if (w.at(r, c) == 0) continue;
      s.row_idx.push_back(static_cast<std::uint32_t>(r));
      s.values.push_back(w.at(r, c));
    }
    s.col_ptr.push_back(static_cast<std::uint32_t>(s.values.size()));
  }
  return s;
}

Bitmap to_bitmap(const MatrixI8& w) {
  Bitmap s{w.rows(), w.cols(), std::vector<std::uint8_t>(ceil_div(w.size(), 8), 0), {}};
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w.data()[i] == 0) continue;
    s.bits[i / 8] = static_cast<std::uint8_t>(s.bits[i / 8] | (1u << (i % 8)));
    s.values.push_back(w.data()[i]);
  }
  return s;
}

NmCompressed to_nm(const MatrixI8& w, int n, int m) {
  if (!(n >= 1 && n <= m && m <= 256)) {
    throw InputError("N:M compression needs 1 <= N <= M <= 256, got " + std::to_string(n) + ":" + std::to_string(m));
  }
  NmCompressed s;
  s.n = n;
  s.m = m;
  s.k = w.rows();
  s.cols = w.cols();
  s.values = MatrixI8(s.groups() * n, w.cols());
  s.indices = MatrixU8(s.groups() * n, w.cols());
  std::vector<int> offsets;
  for (int c = 0; c < w.cols(); ++c) {
    for (int g = 0; g < s.groups(); ++g) {
      const int k0 = g * m, size = std::min(m, w.rows() - k0);
      offsets.clear();
      for (int i = 0; i < size; ++i) {
        if (w.at(k0 + i, c) != 0) offsets.push_back(i);
      }
      if (static_cast<int>(offsets.size()) > n) {
        throw InputError("weights are not " + std::to_string(n) + ":" + std::to_string(m) + " sparse: column " +
                         std::to_string(c) + ", rows " + std::to_string(k0) + ".." + std::to_string(k0 + size - 1) +
                         " hold " + std::to_string(offsets.size()) + " nonzeros");
      }
      // Pad with the smallest unused offsets, then keep them ascending.
      for (int i = 0; static_cast<int>(offsets.size()) < std::min(n, size) && i < size; ++i) {
        if (std::find(offsets.begin(), offsets.end(), i) == offsets.end()) offsets.push_back(i);
      }
      std::sort(offsets.begin(), offsets.end());
      for (int j = 0; j < static_cast<int>(offsets.size()); ++j) {
        s.values.at(g * n + j, c) = w.at(k0 + offsets[static_cast<std::size_t>(j)], c);
        s.indices.at(g * n + j, c) = static_cast<std::uint8_t>(offsets[static_cast<std::size_t>(j)]);
      }
      // A short last group with fewer than n rows: the rest stay value 0 at offset 0, a
      // zero weight that decodes to nothing.
    }
  }
  return s;
}

Bsr to_bsr(const MatrixI8& w, int block) {
  if (block < 1) throw InputError("BSR needs a block size of at least 1");
  Bsr s{w.rows(), w.cols(), block, {0}, {}, {}};
  const int brows = static_cast<int>(ceil_div(static_cast<std::uint64_t>(w.rows()), static_cast<std::uint64_t>(block)));
  const int bcols = static_cast<int>(ceil_div(static_cast<std::uint64_t>(w.cols()), static_cast<std::uint64_t>(block)));
  for (int br = 0; br < brows; ++br) {
    for (int bc = 0; bc < bcols; ++bc) {
      bool any = false;
      for (int r = br * block; r < std::min(w.rows(), (br + 1) * block) && !any; ++r) {
        for (int c = bc * block; c < std::min(w.cols(), (bc + 1) * block) && !any; ++c) any = w.at(r, c) != 0;
      }
      if (!any) continue;
      s.block_col_idx.push_back(static_cast<std::uint32_t>(bc));
      for (int i = 0; i < block; ++i) {
        for (int j = 0; j < block; ++j) {
          const int r = br * block + i, c = bc * block + j;
          s.values.push_back(r < w.rows() && c < w.cols() ? w.at(r, c) : std::int8_t{0});
        }
      }
    }
    s.block_row_ptr.push_back(static_cast<std::uint32_t>(s.block_col_idx.size()));
  }
  return s;
}

MatrixI8 to_dense(const Csr& s) {
  MatrixI8 w(s.rows, s.cols);
  for (int r = 0; r < s.rows; ++r) {
    for (std::uint32_t i = s.row_ptr[static_cast<std::size_t>(r)]; i < s.row_ptr[static_cast<std::size_t>(r) + 1]; ++i) {
      w.at(r, static_cast<int>(s.col_idx[i])) = s.values[i];
    }
  }
  return w;
}

MatrixI8 to_dense(const Csc& s) {
  MatrixI8 w(s.rows, s.cols);
  for (int c = 0; c < s.cols; ++c) {
    for (std::uint32_t i = s.col_ptr[static_cast<std::size_t>(c)]; i < s.col_ptr[static_cast<std::size_t>(c) + 1]; ++i) {
      w.at(static_cast<int>(s.row_idx[i]), c) = s.values[i];
    }
  }
  return w;
}

MatrixI8 to_dense(const Bitmap& s) {
  MatrixI8 w(s.rows, s.cols);
  std::size_t next = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if ((s.bits[i / 8] >> (i % 8)) & 1u) w.data()[i] = s.values[next++];
  }
  return w;
}

MatrixI8 to_dense(const NmCompressed& s) {
  MatrixI8 w(s.k, s.cols);
  for (int row = 0; row < s.values.rows(); ++row) {
    const int k0 = (row / s.n) * s.m;
    for (int c = 0; c < s.cols; ++c) {
      if (s.values.at(row, c) != 0) w.at(k0 + s.indices.at(row, c), c) = s.values.at(row, c);
    }
  }
  return w;
}

MatrixI8 to_dense(const Bsr& s) {
  MatrixI8 w(s.rows, s.cols);
  const std::size_t area = static_cast<std::size_t>(s.block) * static_cast<std::size_t>(s.block);
  for (std::size_t br = 0; br + 1 < s.block_row_ptr.size(); ++br) {
    for (std::uint32_t b = s.block_row_ptr[br]; b < s.block_row_ptr[br + 1]; ++b) {
      for (int i = 0; i < s.block; ++i) {
        for (int j = 0; j < s.block; ++j) {
          const int r = static_cast<int>(br) * s.block + i, c = static_cast<int>(s.block_col_idx[b]) * s.block + j;
          if (r < s.rows && c < s.cols) w.at(r, c) = s.values[b * area + static_cast<std::size_t>(i * s.block + j)];
        }
      }
    }
  }
  return w;
}

StorageBytes storage_bytes(const Csr& s) {
  const std::uint64_t nnz = s.values.size();
  return {nnz, pointer_index_bytes(static_cast<std::uint64_t>(s.rows), nnz, s.cols > 0 ? s.cols - 1u : 0u)};
}

StorageBytes storage_bytes(const Csc& s) {
  const std::uint64_t nnz = s.values.size();
  return {nnz, pointer_index_bytes(static_cast<std::uint64_t>(s.cols), nnz, s.rows > 0 ? s.rows - 1u : 0u)};
}

StorageBytes storage_bytes(const Bitmap& s) { return {s.values.size(), s.bits.size()}; }

StorageBytes storage_bytes(const NmCompressed& s) {
  const std::uint64_t slots = s.values.size();
  return {slots, ceil_div(slots * static_cast<std::uint64_t>(s.index_bits()), 8)};
}

StorageBytes storage_bytes(const Bsr& s) {
  const std::uint64_t blocks = s.block_col_idx.size();
  const std::uint64_t bcols = ceil_div(static_cast<std::uint64_t>(s.cols), static_cast<std::uint64_t>(s.block));
  return {s.values.size(), pointer_index_bytes(s.block_row_ptr.size() - 1, blocks, bcols > 0 ? bcols - 1 : 0)};
}

std::string FormatSpec::text() const {
  if (format == SparseFormat::kNm) return "nm:" + std::to_string(n) + ":" + std::to_string(m);
  if (format == SparseFormat::kBsr) return "bsr:" + std::to_string(block);
  return sparse_format_name(format);
}

StorageBytes storage_bytes(const MatrixI8& w, const FormatSpec& spec) {
  switch (spec.format) {
    case SparseFormat::kDense: return {w.size(), 0};
    case SparseFormat::kCsr: return storage_bytes(to_csr(w));
    case SparseFormat::kCsc: return storage_bytes(to_csc(w));
    case SparseFormat::kBitmap: return storage_bytes(to_bitmap(w));
    case SparseFormat::kNm: return storage_bytes(to_nm(w, spec.n, spec.m));
    case SparseFormat::kBsr: return storage_bytes(to_bsr(w, spec.block));
  }
  return {};
}

}  // namespace wb::sw
