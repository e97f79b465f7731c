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

// Little-endian integers of a fixed width, appended and read back.
void put(std::string& out, std::uint64_t v, int width) {
  for (int b = 0; b < width; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
}
void put_all(std::string& out, const std::vector<std::uint32_t>& vs, int width) {
  for (std::uint32_t v : vs) put(out, v, width);
}
void put_values(std::string& out, const std::vector<std::int8_t>& vs) { out.append(vs.begin(), vs.end()); }

class Reader {
 public:
  explicit Reader(const std::string& bytes) : m_bytes(bytes) {}
  std::uint64_t get(int width) {
    need(static_cast<std::size_t>(width));
    std::uint64_t v = 0;
    for (int b = 0; b < width; ++b) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_bytes[m_at++])) << (8 * b);
    return v;
  }
  std::vector<std::uint32_t> get_all(std::size_t count, int width) {
    std::vector<std::uint32_t> vs(count);
    for (auto& v : vs) v = static_cast<std::uint32_t>(get(width));
    return vs;
  }
  std::vector<std::int8_t> values(std::size_t count) {
    need(count);
    std::vector<std::int8_t> vs(m_bytes.begin() + static_cast<std::ptrdiff_t>(m_at),
                                m_bytes.begin() + static_cast<std::ptrdiff_t>(m_at + count));
    m_at += count;
    return vs;
  }
  void done() const {
    if (m_at != m_bytes.size()) throw InputError("sparse bytes: " + std::to_string(m_bytes.size() - m_at) + " bytes left over");
  }

 private:
  void need(std::size_t n) const {
    if (m_at + n > m_bytes.size()) throw InputError("sparse bytes: truncated");
  }
  const std::string& m_bytes;
  std::size_t m_at = 0;
};

// Pointers must ascend from 0 to `total`, and indices stay below `limit`.
void check_pointers(const std::vector<std::uint32_t>& ptr, const std::vector<std::uint32_t>& idx, std::uint32_t limit) {
  for (std::size_t i = 0; i + 1 < ptr.size(); ++i) {
    if (ptr[i] > ptr[i + 1]) throw InputError("sparse bytes: pointers do not ascend");
  }
  if (ptr.front() != 0 || ptr.back() != idx.size()) throw InputError("sparse bytes: pointers do not span the entries");
  for (std::uint32_t i : idx) {
    if (i >= limit) throw InputError("sparse bytes: an index is out of range");
  }
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

int nm_index_bits(int m) {
  int bits = 0;
  while ((1 << bits) < m) ++bits;
  return bits;
}

int NmCompressed::index_bits() const { return nm_index_bits(m); }

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

std::string encode(const MatrixI8& w, const FormatSpec& spec) {
  std::string out;
  switch (spec.format) {
    case SparseFormat::kDense:
      out.assign(reinterpret_cast<const char*>(w.data()), w.size());
      break;
    case SparseFormat::kCsr: {
      const Csr s = to_csr(w);
      put_all(out, s.row_ptr, index_bytes(s.values.size()));
      put_all(out, s.col_idx, index_bytes(s.cols > 0 ? s.cols - 1u : 0u));
      put_values(out, s.values);
      break;
    }
    case SparseFormat::kCsc: {
      const Csc s = to_csc(w);
      put_all(out, s.col_ptr, index_bytes(s.values.size()));
      put_all(out, s.row_idx, index_bytes(s.rows > 0 ? s.rows - 1u : 0u));
      put_values(out, s.values);
      break;
    }
    case SparseFormat::kBitmap: {
      const Bitmap s = to_bitmap(w);
      out.append(s.bits.begin(), s.bits.end());
      put_values(out, s.values);
      break;
    }
    case SparseFormat::kNm:
      out = encode(to_nm(w, spec.n, spec.m));
      break;
    case SparseFormat::kBsr: {
      const Bsr s = to_bsr(w, spec.block);
      const std::uint64_t bcols = ceil_div(static_cast<std::uint64_t>(s.cols), static_cast<std::uint64_t>(s.block));
      put_all(out, s.block_row_ptr, index_bytes(s.block_col_idx.size()));
      put_all(out, s.block_col_idx, index_bytes(bcols > 0 ? bcols - 1 : 0));
      put_values(out, s.values);
      break;
    }
  }
  return out;
}

std::string encode(const NmCompressed& s) {
  const int bits = s.index_bits();
  std::string out(ceil_div(s.indices.size() * static_cast<std::uint64_t>(bits), 8), '\0');
  for (std::size_t i = 0; i < s.indices.size(); ++i) {
    for (int b = 0; b < bits; ++b) {
      if ((s.indices.data()[i] >> b) & 1u) {
        const std::size_t bit = i * static_cast<std::size_t>(bits) + static_cast<std::size_t>(b);
        out[bit / 8] = static_cast<char>(out[bit / 8] | (1 << (bit % 8)));
      }
    }
  }
  out.append(reinterpret_cast<const char*>(s.values.data()), s.values.size());
  return out;
}

MatrixI8 decode(const std::string& bytes, int rows, int cols, const FormatSpec& spec) {
  Reader in(bytes);
  MatrixI8 w;
  switch (spec.format) {
    case SparseFormat::kDense: {
      w = MatrixI8(rows, cols);
      const std::vector<std::int8_t> v = in.values(w.size());
      std::copy(v.begin(), v.end(), w.data());
      break;
    }
    case SparseFormat::kCsr: {
      // The pointer width depends on nnz, which only the last pointer holds: try each width.
      for (int width : {1, 2, 4}) {
        if (bytes.size() < (static_cast<std::size_t>(rows) + 1) * static_cast<std::size_t>(width)) break;
        Reader probe(bytes);
        Csr s{rows, cols, probe.get_all(static_cast<std::size_t>(rows) + 1, width), {}, {}};
        if (index_bytes(s.row_ptr.back()) != width) continue;
        try {
          s.col_idx = probe.get_all(s.row_ptr.back(), index_bytes(cols > 0 ? cols - 1u : 0u));
          s.values = probe.values(s.row_ptr.back());
          probe.done();
          check_pointers(s.row_ptr, s.col_idx, static_cast<std::uint32_t>(cols));
        } catch (const InputError&) {
          continue;  // not this width
        }
        return to_dense(s);
      }
      throw InputError("sparse bytes: not a CSR matrix of this shape");
    }
    case SparseFormat::kCsc: {
      for (int width : {1, 2, 4}) {
        if (bytes.size() < (static_cast<std::size_t>(cols) + 1) * static_cast<std::size_t>(width)) break;
        Reader probe(bytes);
        Csc s{rows, cols, probe.get_all(static_cast<std::size_t>(cols) + 1, width), {}, {}};
        if (index_bytes(s.col_ptr.back()) != width) continue;
        try {
          s.row_idx = probe.get_all(s.col_ptr.back(), index_bytes(rows > 0 ? rows - 1u : 0u));
          s.values = probe.values(s.col_ptr.back());
          probe.done();
          check_pointers(s.col_ptr, s.row_idx, static_cast<std::uint32_t>(rows));
        } catch (const InputError&) {
          continue;
        }
        return to_dense(s);
      }
      throw InputError("sparse bytes: not a CSC matrix of this shape");
    }
    case SparseFormat::kBitmap: {
      Bitmap s{rows, cols, {}, {}};
      const std::vector<std::int8_t> bits = in.values(ceil_div(static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols), 8));
      s.bits.assign(bits.begin(), bits.end());
      std::size_t nnz = 0;
      for (std::uint8_t b : s.bits) nnz += static_cast<std::size_t>(__builtin_popcount(b));
      s.values = in.values(nnz);
      w = to_dense(s);
      break;
    }
    case SparseFormat::kNm: {
      NmCompressed s;
      s.n = spec.n;
      s.m = spec.m;
      s.k = rows;
      s.cols = cols;
      s.values = MatrixI8(s.groups() * s.n, cols);
      s.indices = MatrixU8(s.groups() * s.n, cols);
      const int bits = s.index_bits();
      const std::vector<std::int8_t> packed = in.values(ceil_div(s.indices.size() * static_cast<std::uint64_t>(bits), 8));
      for (std::size_t i = 0; i < s.indices.size(); ++i) {
        unsigned v = 0;
        for (int b = 0; b < bits; ++b) {
          const std::size_t bit = i * static_cast<std::size_t>(bits) + static_cast<std::size_t>(b);
          v |= ((static_cast<unsigned char>(packed[bit / 8]) >> (bit % 8)) & 1u) << b;
        }
        const int row = static_cast<int>(i / static_cast<std::size_t>(cols));
        if (static_cast<int>(v) >= std::min(s.m, rows - (row / s.n) * s.m)) throw InputError("sparse bytes: an N:M index is out of range");
        s.indices.data()[i] = static_cast<std::uint8_t>(v);
      }
      const std::vector<std::int8_t> v = in.values(s.values.size());
      std::copy(v.begin(), v.end(), s.values.data());
      w = to_dense(s);
      break;
    }
    case SparseFormat::kBsr: {
      const std::uint64_t brows = ceil_div(static_cast<std::uint64_t>(rows), static_cast<std::uint64_t>(spec.block));
      const std::uint64_t bcols = ceil_div(static_cast<std::uint64_t>(cols), static_cast<std::uint64_t>(spec.block));
      for (int width : {1, 2, 4}) {
        if (bytes.size() < (brows + 1) * static_cast<std::uint64_t>(width)) break;
        Reader probe(bytes);
        Bsr s{rows, cols, spec.block, probe.get_all(brows + 1, width), {}, {}};
        if (index_bytes(s.block_row_ptr.back()) != width) continue;
        try {
          s.block_col_idx = probe.get_all(s.block_row_ptr.back(), index_bytes(bcols > 0 ? bcols - 1 : 0));
          s.values = probe.values(static_cast<std::size_t>(s.block_row_ptr.back()) * static_cast<std::size_t>(spec.block) *
                                  static_cast<std::size_t>(spec.block));
          probe.done();
          check_pointers(s.block_row_ptr, s.block_col_idx, static_cast<std::uint32_t>(bcols));
        } catch (const InputError&) {
          continue;
        }
        return to_dense(s);
      }
      throw InputError("sparse bytes: not a BSR matrix of this shape");
    }
  }
  in.done();
  return w;
}

}  // namespace wb::sw
