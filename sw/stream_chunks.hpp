// SPDX-License-Identifier: Apache-2.0
#pragma once
// Compressed weight streaming: a layer's weight rows, in the order the store keeps them, cut
// into chunks of whole rows, each encoded on its own in a store format (sw::encode), so that a
// store tier, a tree link and an edge buffer move exactly its bytes, metadata included, and the
// receiver decodes each chunk by itself (sw::decode with the chunk's rows).
#include <cstddef>
#include <string>
#include <vector>

#include "sw/sparse_format.hpp"
#include "sw/tensor.hpp"

namespace wb::sw {

// "dense", "csr", "bitmap", or "nm" (the N:M of `nm`, which must be given); InputError naming
// `option` otherwise (csc and bsr do not stream by rows).
FormatSpec parse_store_format(const std::string& text, const std::string& option, int nm_n = 0, int nm_m = 0);

// The store row order for `format`: `order` itself (store row p is row order[p] of B), except
// for nm:N:M, where each group of M consecutive rows along K (the last one possibly shorter)
// is kept together, ascending, in the order its first row comes in `order`, so that a chunk
// can hold whole groups.
std::vector<int> stream_row_order(const std::vector<int>& order, int k, const FormatSpec& format);

struct StreamChunk {
  int row0 = 0, rows = 0;  // store rows
  std::string bytes;       // sw::encode of those rows
};

// `stored` (rows in store order; row p is row order[p] of B) cut greedily into chunks of as many
// rows as encode within `max_bytes` (nm: whole groups, a chunk ending after a short group).
// InputError when one row (nm: one group) alone does not fit, or when the weights are not N:M.
std::vector<StreamChunk> encode_stream_chunks(const MatrixI8& stored, const std::vector<int>& order,
                                              const FormatSpec& format, std::size_t max_bytes);

}  // namespace wb::sw
