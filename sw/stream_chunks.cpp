// SPDX-License-Identifier: Apache-2.0
#include "sw/stream_chunks.hpp"

#include <algorithm>

#include "sw/error.hpp"
#include "sw/parse.hpp"

namespace wb::sw {
namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// The bytes sw::encode gives `rows` rows of `cols` holding `nnz` nonzeros (nm: whole groups).
std::uint64_t chunk_bytes(const FormatSpec& f, std::uint64_t rows, std::uint64_t cols, std::uint64_t nnz) {
  switch (f.format) {
    case SparseFormat::kCsr:
      return (rows + 1) * static_cast<std::uint64_t>(index_bytes(nnz)) +
             nnz * static_cast<std::uint64_t>(index_bytes(cols > 0 ? cols - 1 : 0)) + nnz;
    case SparseFormat::kBitmap: return ceil_div(rows * cols, 8) + nnz;
    case SparseFormat::kNm: {
      NmCompressed shape;
      shape.m = f.m;
      const std::uint64_t slots = ceil_div(rows, static_cast<std::uint64_t>(f.m)) * static_cast<std::uint64_t>(f.n) * cols;
      return slots + ceil_div(slots * static_cast<std::uint64_t>(shape.index_bits()), 8);
    }
    default: return rows * cols;
  }
}

}  // namespace

FormatSpec parse_store_format(const std::string& text, const std::string& option, int nm_n, int nm_m) {
  FormatSpec f;
  if (text == "dense") return f;
  if (text == "csr") {
    f.format = SparseFormat::kCsr;
  } else if (text == "bitmap") {
    f.format = SparseFormat::kBitmap;
  } else if (text == "nm") {
    if (nm_n < 1 || nm_m < nm_n) throw InputError(option + " nm needs N:M weights (give --prune nm:N:M)");
    f.format = SparseFormat::kNm;
    f.n = nm_n;
    f.m = nm_m;
  } else {
    throw InputError(option + " must be dense, csr, nm or bitmap, got '" + printable(text) + "'");
  }
  return f;
}

std::vector<int> stream_row_order(const std::vector<int>& order, int k, const FormatSpec& format) {
  if (format.format != SparseFormat::kNm) return order;
  std::vector<int> out;
  std::vector<bool> placed(static_cast<std::size_t>((k + format.m - 1) / format.m), false);
  for (int r : order) {
    const int g = r / format.m;
    if (placed[static_cast<std::size_t>(g)]) continue;
    placed[static_cast<std::size_t>(g)] = true;
    for (int i = g * format.m; i < std::min(k, (g + 1) * format.m); ++i) out.push_back(i);
  }
  return out;
}

std::vector<StreamChunk> encode_stream_chunks(const MatrixI8& stored, const std::vector<int>& order,
                                              const FormatSpec& format, std::size_t max_bytes) {
  const bool nm = format.format == SparseFormat::kNm;
  const auto cols = static_cast<std::uint64_t>(stored.cols());
  std::vector<StreamChunk> chunks;
  int r0 = 0;
  while (r0 < stored.rows()) {
    int end = r0;
    std::uint64_t nnz = 0;
    bool short_group = false;  // nm: a group shorter than M ends the chunk
    while (end < stored.rows() && !short_group) {
      // The next unit: one row, or (nm) the rest of its group.
      int next = end + 1;
      if (nm) {
        const int g = order[static_cast<std::size_t>(end)] / format.m;
        while (next < stored.rows() && order[static_cast<std::size_t>(next)] / format.m == g) ++next;
        short_group = next - end < format.m;
      }
      std::uint64_t unit_nnz = 0;
      for (int r = end; r < next; ++r) {
        unit_nnz += static_cast<std::uint64_t>(std::count_if(stored.row(r), stored.row(r) + cols, [](std::int8_t v) { return v != 0; }));
      }
      if (chunk_bytes(format, static_cast<std::uint64_t>(next - r0), cols, nnz + unit_nnz) > max_bytes) {
        if (end == r0) {
          throw InputError("weight buffer half of " + std::to_string(max_bytes) + " bytes cannot hold one " +
                           (nm ? "N:M group" : "row") + " of " + std::to_string(cols) + " weights in " + format.text());
        }
        short_group = false;
        break;
      }
      nnz += unit_nnz;
      end = next;
    }
    MatrixI8 part(end - r0, stored.cols());
    std::copy(stored.row(r0), stored.row(r0) + part.size(), part.data());
    chunks.push_back({r0, end - r0, encode(part, format)});
    r0 = end;
  }
  return chunks;
}

}  // namespace wb::sw
