// SPDX-License-Identifier: Apache-2.0
#include "sw/fabric_mapper.hpp"

#include <algorithm>
#include <limits>

#include "sw/error.hpp"

namespace wb::sw {
namespace {

constexpr int kMacColor = 0;
// Partial sums leave PE x on color 1 or 2 by the parity of x, so PE x + 1 receives them on the
// other one: a router then routes each color one way only (rx -> tx).
int out_color(int x) { return 1 + (x & 1); }

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// A dimension of `extent` split over at most `mesh` PEs in equal blocks (the last may be short).
struct Split {
  int block = 0, count = 0;
  Split(int extent, int mesh) : block(ceil_div(extent, std::min(mesh, extent))), count(ceil_div(extent, block)) {}
  int begin(int i) const { return i * block; }
  int size(int i, int extent) const { return std::min(block, extent - i * block); }
};

std::string pe_name(int x, int y) { return "PE (" + std::to_string(x) + "," + std::to_string(y) + ")"; }

void add_routes(FabricProgram& p, FabricLayout layout) {
  const int k = p.mesh;
  for (int y = 0; y < p.used_y; ++y) {
    for (int x = 0; x < k; ++x) {
      if (x >= p.used_x) {  // carry the last PE's sums on to the east edge
        p.routes.push_back({x, y, out_color(p.used_x - 1), false, port_bit(kPortW), port_bit(kPortE)});
        continue;
      }
      if (layout == FabricLayout::kWeightsResident) {
        const unsigned down = (y + 1 < p.used_y) ? port_bit(kPortS) : 0u;
        p.routes.push_back({x, y, kMacColor, false, port_bit(kPortN), port_bit(kPortRamp) | down});
      } else {
        p.routes.push_back({x, y, kMacColor, true, 0u, 0u});
      }
      p.routes.push_back({x, y, out_color(x), false, port_bit(kPortRamp), port_bit(kPortE)});
      if (x > 0) p.routes.push_back({x, y, out_color(x - 1), false, port_bit(kPortW), port_bit(kPortRamp)});
    }
  }
}

void check_sram(int words, int limit, int x, int y) {
  if (words > limit) {
    throw InputError("layer does not fit the fabric: " + pe_name(x, y) + " needs " + std::to_string(words) +
                     " SRAM words, it has " + std::to_string(limit) + " (use a bigger mesh or the other layout)");
  }
}

void check_accumulators(int needed, int limit) {
  if (needed > limit) {
    throw InputError("layer does not fit the fabric: a PE needs " + std::to_string(needed) +
                     " accumulators, it has " + std::to_string(limit) + " (use a bigger mesh or the other layout)");
  }
}

}  // namespace

FabricLayout parse_fabric_layout(const std::string& name) {
  if (name == "weights-resident") return FabricLayout::kWeightsResident;
  if (name == "weight-streaming") return FabricLayout::kWeightStreaming;
  throw InputError("--layout must be weights-resident or weight-streaming, got '" + name + "'");
}

const char* fabric_layout_name(FabricLayout layout) {
  return layout == FabricLayout::kWeightsResident ? "weights-resident" : "weight-streaming";
}

std::uint64_t FabricProgram::input_wavelets() const {
  std::uint64_t n = 0;
  for (const auto& in : inputs) n += in.wavelets.size();
  return n;
}

std::uint64_t FabricProgram::output_wavelets() const {
  std::uint64_t n = 0;
  for (const auto& out : outputs) n += out.targets.size();
  return n;
}

int max_rows_per_program(int k, int n, int mesh, FabricLayout layout, const FabricLimits& limits) {
  if (layout == FabricLayout::kWeightsResident || k < 1 || n < 1 || mesh < 1) return std::numeric_limits<int>::max();
  const Split in_split(k, mesh), out_split(n, mesh);
  return std::min(limits.accumulators / out_split.block, limits.sram_words / in_split.block);
}

void check_fabric_shape(int k, int n, int mesh, FabricLayout layout, const FabricLimits& limits) {
  if (k < 1 || n < 1) throw InputError("GEMM dimensions must be positive");
  if (mesh < 1 || mesh > 16) throw InputError("the fabric mesh must be 1x1 to 16x16");
  const Split in_split(k, mesh), out_split(n, mesh);
  // map_sparse_gemm's checks with one row of A, and the column pointers alone in SRAM
  check_accumulators(out_split.block, limits.accumulators);
  if (layout == FabricLayout::kWeightsResident) {
    if (in_split.block >= hw::kPeEndIndex) throw InputError("layer does not fit the fabric: input block too long");
  } else if (out_split.block > 256 || in_split.block > 256) {
    throw InputError("weight streaming addresses at most 256 x 256 weights per PE: use a bigger mesh");
  }
  check_sram(in_split.block, limits.sram_words, 0, 0);
}

FabricProgram map_sparse_gemm(const MatrixI8& a, const MatrixI8& b, int mesh, FabricLayout layout,
                              const FabricLimits& limits) {
  const int m = a.rows(), kdim = a.cols(), n = b.cols();
  if (m < 1 || kdim < 1 || n < 1) throw InputError("GEMM dimensions must be positive");
  if (b.rows() != kdim) {
    throw InputError("inner dimensions differ: A is " + std::to_string(m) + "x" + std::to_string(kdim) + ", B is " +
                     std::to_string(b.rows()) + "x" + std::to_string(n));
  }
  if (mesh < 1 || mesh > hw::kMaxMesh) {
    throw InputError("the fabric mesh must be 1x1 to " + std::to_string(hw::kMaxMesh) + "x" + std::to_string(hw::kMaxMesh));
  }
  if (limits.colors < 3) throw InputError("the fabric mapper needs 3 colors");

  const Split in_split(kdim, mesh), out_split(n, mesh);
  FabricProgram p;
  p.mesh = mesh;
  p.used_x = in_split.count;
  p.used_y = out_split.count;
  p.result_rows = m;
  p.result_cols = n;
  add_routes(p, layout);

  const bool resident = layout == FabricLayout::kWeightsResident;
  if (resident) {
    check_accumulators(out_split.block, limits.accumulators);
    if (in_split.block >= hw::kPeEndIndex) throw InputError("layer does not fit the fabric: input block too long");
  } else {
    check_accumulators(out_split.block * m, limits.accumulators);
    const int rows = 1 << hw::kPeStreamIndexRow.width, cols = 1 << hw::kPeStreamIndexCol.width;
    if (out_split.block > rows || in_split.block > cols) {
      throw InputError("weight streaming addresses at most " + std::to_string(rows) + " x " + std::to_string(cols) +
                       " weights per PE: use a bigger mesh");
    }
  }

  // Nonzero weights per row of B: the work one activation triggers (weights resident).
  std::vector<std::uint64_t> row_nnz(static_cast<std::size_t>(kdim), 0);
  for (int r = 0; r < kdim; ++r) {
    for (int c = 0; c < n; ++c) row_nnz[static_cast<std::size_t>(r)] += b.at(r, c) != 0;
  }

  for (int x = 0; x < p.used_x; ++x) {
    const int k0 = in_split.begin(x), kn = in_split.size(x, kdim);
    EdgeInput input{north_slot(mesh, x), {}};
    // Weight streaming: each PE's weights, interleaved over the column's PEs.
    std::vector<std::vector<FabricWavelet>> per_pe(static_cast<std::size_t>(p.used_y));

    for (int y = 0; y < p.used_y; ++y) {
      const int n0 = out_split.begin(y), nn = out_split.size(y, n);
      PeSetting pe;
      pe.x = x;
      pe.y = y;
      pe.mode = resident ? 0 : 1;
      pe.colors = pe_colors_word(kMacColor, x > 0 ? out_color(x - 1) : 0, out_color(x), x == 0);
      if (resident) {
        pe.shape = pe_shape_word(nn, 1);
        check_sram(kn, limits.sram_words, x, y);
        pe.sram.assign(static_cast<std::size_t>(kn), 0);  // column pointers, entries follow
        for (int j = 0; j < kn; ++j) {
          const auto start = static_cast<std::uint32_t>(pe.sram.size());
          for (int i = 0; i < nn; ++i) {
            const std::int8_t w = b.at(k0 + j, n0 + i);
            if (w != 0) pe.sram.push_back(entry_word(static_cast<std::uint16_t>(i), w));
          }
          check_sram(static_cast<int>(pe.sram.size()), limits.sram_words, x, y);
          pe.sram[static_cast<std::size_t>(j)] = colptr_word(static_cast<std::uint32_t>(pe.sram.size()) - start, start);
        }
      } else {
        check_sram(kn * m, limits.sram_words, x, y);
        pe.shape = pe_shape_word(nn * m, m);
        pe.sram.resize(static_cast<std::size_t>(kn) * m);
        for (int j = 0; j < kn; ++j) {
          for (int r = 0; r < m; ++r) {
            pe.sram[static_cast<std::size_t>(j) * m + r] = static_cast<std::uint32_t>(static_cast<std::int32_t>(a.at(r, k0 + j)));
          }
        }
        auto& stream = per_pe[static_cast<std::size_t>(y)];
        for (int i = 0; i < nn; ++i) {
          for (int j = 0; j < kn; ++j) {
            const std::int8_t w = b.at(k0 + j, n0 + i);
            if (w == 0) continue;
            stream.push_back({kMacColor, x, y, mac_data(stream_index(i, j), w)});
            p.expected_macs += static_cast<std::uint64_t>(m);
          }
        }
        stream.push_back({kMacColor, x, y, mac_data(hw::kPeEndIndex, 0)});
      }
      p.pes.push_back(std::move(pe));
    }

    if (resident) {
      for (int r = 0; r < m; ++r) {
        for (int j = 0; j < kn; ++j) {
          const std::int8_t v = a.at(r, k0 + j);
          if (v == 0) continue;
          input.wavelets.push_back({kMacColor, 0, 0, mac_data(static_cast<std::uint16_t>(j), v)});
          p.expected_macs += row_nnz[static_cast<std::size_t>(k0 + j)];
        }
        input.wavelets.push_back({kMacColor, 0, 0, mac_data(hw::kPeEndIndex, 0)});
      }
    } else {
      for (std::size_t i = 0;; ++i) {
        bool any = false;
        for (const auto& stream : per_pe) {
          if (i < stream.size()) {
            input.wavelets.push_back(stream[i]);
            any = true;
          }
        }
        if (!any) break;
      }
    }
    p.inputs.push_back(std::move(input));
  }

  for (int y = 0; y < p.used_y; ++y) {
    const int n0 = out_split.begin(y), nn = out_split.size(y, n);
    EdgeOutput out{east_slot(mesh, y), {}};
    if (resident) {
      for (int r = 0; r < m; ++r) {
        for (int i = 0; i < nn; ++i) out.targets.push_back({r, n0 + i});
      }
    } else {
      for (int i = 0; i < nn; ++i) {
        for (int r = 0; r < m; ++r) out.targets.push_back({r, n0 + i});
      }
    }
    p.outputs.push_back(std::move(out));
  }
  return p;
}

WeightStreamLayout weight_stream_layout(int k, int n, int mesh) {
  if (k < 1 || n < 1 || mesh < 1) throw InputError("weight stream layout: dimensions must be positive");
  const Split in_split(k, mesh), out_split(n, mesh);
  return WeightStreamLayout{k, n, mesh, in_split.block, out_split.block, in_split.count, out_split.count};
}

std::vector<int> weight_stream_row_order(const WeightStreamLayout& l) {
  std::vector<int> order;
  order.reserve(static_cast<std::size_t>(l.k));
  for (int j = 0; j < l.in_block; ++j) {
    for (int x = 0; x < l.used_x; ++x) {
      const int r = x * l.in_block + j;
      if (r < l.k) order.push_back(r);
    }
  }
  return order;
}

std::uint64_t weight_stream_wavelets(const WeightStreamLayout& l, const std::int8_t* rows, const int* ids, int count,
                                     bool end, std::vector<std::vector<FabricWavelet>>& out) {
  out.resize(static_cast<std::size_t>(l.used_x));
  std::uint64_t nnz = 0;
  // per (x, y) in stream order
  std::vector<std::vector<FabricWavelet>> per_pe(static_cast<std::size_t>(l.used_x * l.used_y));
  for (int r = 0; r < count; ++r) {
    const int row = ids[r], x = row / l.in_block, j = row % l.in_block;
    const std::int8_t* w = rows + static_cast<std::size_t>(r) * l.n;
    for (int c = 0; c < l.n; ++c) {
      if (w[c] == 0) continue;
      const int y = c / l.out_block, i = c % l.out_block;
      per_pe[static_cast<std::size_t>(x * l.used_y + y)].push_back(
          {kMacColor, x, y, mac_data(stream_index(i, j), w[c])});
      ++nnz;
    }
  }
  for (int x = 0; x < l.used_x; ++x) {
    if (end) {
      for (int y = 0; y < l.used_y; ++y) per_pe[static_cast<std::size_t>(x * l.used_y + y)].push_back({kMacColor, x, y, mac_data(hw::kPeEndIndex, 0)});
    }
    auto& dst = out[static_cast<std::size_t>(x)];
    for (std::size_t i = 0;; ++i) {
      bool any = false;
      for (int y = 0; y < l.used_y; ++y) {
        const auto& src = per_pe[static_cast<std::size_t>(x * l.used_y + y)];
        if (i < src.size()) {
          dst.push_back(src[i]);
          any = true;
        }
      }
      if (!any) break;
    }
  }
  return nnz;
}

}  // namespace wb::sw
