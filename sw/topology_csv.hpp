// SPDX-License-Identifier: Apache-2.0
#pragma once
// SCALE-Sim topology files read as SCALE-Sim's own topologies/ folder writes them.
//
// Two formats, told apart by the header row:
//   conv: Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels,
//         Num Filter, Strides[, Sparsity]     (or Stride height / Stride width)
//   GEMM: Layer, M, N, K[, Sparsity]
// Header names are matched ignoring case, spaces and underscores; header columns of other names
// (SCALE-Sim's files carry notes such as "Eh, Ew") are ignored, as are blank lines, trailing
// commas, leading tabs and "#..." comments. Sparsity is "N:M" (N nonzeros in every M weights
// along K) or empty.
//
// Meaning, as in SCALE-Sim (scalesim/topology_utils.py): a conv layer has no padding and its
// ofmap is rounded up, ofmap = ceil((ifmap - filter) / stride) + 1 (the last, partial window
// reads zeros past the edge), and it lowers to M = ofmap_h * ofmap_w,
// K = filter_h * filter_w * channels, N = num_filter; a layer whose name contains "DP" is
// depthwise (SCALE-Sim runs one single-channel convolution per channel: here groups =
// channels, each a GEMM of M x filter_h*filter_w x num_filter). A GEMM row is
// C (M x N) = A (M x K) * B (K x N): SCALE-Sim turns it into an M x K ifmap, a 1 x K filter
// and N filters, which is our M x K x N with the N filters as the weight columns.
#include <string>

#include "sw/network.hpp"

namespace wb::sw {

// Throws InputError "FILE:LINE: what is wrong" (one line) on a malformed file.
Network read_scalesim_topology(const std::string& path);
// The same from text; `file` names it in layer sources and errors.
Network parse_scalesim_topology(const std::string& text, const std::string& file);

}  // namespace wb::sw
