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

// Weight streaming: addressed MAC wavelets, partial sums west to east along each PE row.
void add_streaming_routes(FabricProgram& p) {
  const int k = p.mesh;
  for (int y = 0; y < p.used_y; ++y) {
    for (int x = 0; x < k; ++x) {
      if (x >= p.used_x) {  // carry the last PE's sums on to the east edge
        p.routes.push_back({x, y, out_color(p.used_x - 1), false, port_bit(kPortW), port_bit(kPortE)});
        continue;
      }
      p.routes.push_back({x, y, kMacColor, true, 0u, 0u});
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

namespace {

// ---- weights resident
// The mesh holds rx x ry copies of the layer's PE grid (replicas), each on M / (rx ry) of the
// vectors, so a PE sees fewer activations and sends fewer sums per layer than one big grid
// would. Copy (ix, iy) takes region ix of rx across and iy of ry down. With rx = 2 the left
// copies send their sums west and the right ones east, so no row chain crosses another copy;
// with rx = 1 the sums go east as on one grid. The upper (ry + 1) / 2 copies take their
// activations from the north edge, the others from the south, and the copies of one edge
// stream share its wavelets: two copies take one int8 lane each.
struct Replicas {
  int rx = 1, ry = 1;
  int count() const { return rx * ry; }
};

struct ResidentGrid {
  int mesh;
  Replicas r;
  Split in, out;  // of one copy: K over its PE columns, N over its PE rows
  ResidentGrid(int mesh_, Replicas r_, int kdim, int n)
      : mesh(mesh_), r(r_), in(kdim, mesh_ / r_.rx), out(n, mesh_ / r_.ry) {}
  int top() const { return (r.ry + 1) / 2; }  // copies fed from the north
  bool north_fed(int iy) const { return iy < top(); }
  bool east_exit(int ix) const { return r.rx == 1 || ix == 1; }
  // Mesh column of input block bx, and its place in the row chain (0: the head, farthest from the exit).
  int x_of(int ix, int bx) const { return (r.rx == 2 && ix == 1) ? mesh - in.count + bx : bx; }
  int chain_pos(int ix, int bx) const { return east_exit(ix) ? bx : in.count - 1 - bx; }
  // Mesh row of output block by: the upper copies from the top, the lower ones flush with the south edge.
  int y_of(int iy, int by) const {
    const int h = mesh / r.ry;
    return north_fed(iy) ? iy * h + by : mesh - (r.ry - iy) * h + (h - out.count) + by;
  }
  // The copies of one edge stream, nearest to the edge first, and the lane each takes.
  std::vector<int> stream_rows(bool north) const {
    std::vector<int> rows;
    if (north) {
      for (int iy = 0; iy < top(); ++iy) rows.push_back(iy);
    } else {
      for (int iy = r.ry - 1; iy >= top(); --iy) rows.push_back(iy);
    }
    return rows;
  }
  static int lane(std::size_t copies, std::size_t i) { return copies == 1 ? 0 : static_cast<int>(i) + 1; }
};

// Which rows of B each input block takes and which columns each output block takes, so that
// the blocks hold about equally many nonzero weights: the busiest PE sets a layer's time. The
// blocks keep their sizes; rows go heaviest first to the lightest block with room, then
// columns, heaviest first, to the output block that keeps the busiest PE lightest.
struct BlockMembers {
  std::vector<std::vector<int>> rows, cols;  // [input block] rows of B, [output block] columns of B
};

BlockMembers balance_blocks(const MatrixI8& b, const std::vector<std::uint64_t>& row_nnz, const Split& in,
                            const Split& out) {
  const int kdim = b.rows(), n = b.cols();
  // Heaviest first (stable: equal rows keep their order).
  const auto by_weight = [](const auto& w) {
    std::vector<int> order(w.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int x, int y) { return w[static_cast<std::size_t>(x)] > w[static_cast<std::size_t>(y)]; });
    return order;
  };
  BlockMembers m;
  m.rows.resize(static_cast<std::size_t>(in.count));
  std::vector<long> row_load(static_cast<std::size_t>(in.count), 0);
  std::vector<int> group_of(static_cast<std::size_t>(kdim), 0);
  for (int r : by_weight(row_nnz)) {
    int best = -1;
    for (int g = 0; g < in.count; ++g) {
      if (static_cast<int>(m.rows[static_cast<std::size_t>(g)].size()) == in.size(g, kdim)) continue;
      if (best < 0 || row_load[static_cast<std::size_t>(g)] < row_load[static_cast<std::size_t>(best)]) best = g;
    }
    m.rows[static_cast<std::size_t>(best)].push_back(r);
    row_load[static_cast<std::size_t>(best)] += static_cast<long>(row_nnz[static_cast<std::size_t>(r)]);
    group_of[static_cast<std::size_t>(r)] = best;
  }
  // Per column, its nonzeros in each input block.
  std::vector<long> col_nnz(static_cast<std::size_t>(n), 0), part(static_cast<std::size_t>(n) * in.count, 0);
  for (int r = 0; r < kdim; ++r) {
    for (int c = 0; c < n; ++c) {
      if (b.at(r, c) == 0) continue;
      ++col_nnz[static_cast<std::size_t>(c)];
      ++part[static_cast<std::size_t>(c) * in.count + group_of[static_cast<std::size_t>(r)]];
    }
  }
  m.cols.resize(static_cast<std::size_t>(out.count));
  std::vector<long> load(static_cast<std::size_t>(in.count) * out.count, 0);  // [input block][output block]
  for (int c : by_weight(col_nnz)) {
    int best = -1;
    long best_peak = 0;
    for (int y = 0; y < out.count; ++y) {
      if (static_cast<int>(m.cols[static_cast<std::size_t>(y)].size()) == out.size(y, n)) continue;
      long peak = 0;
      for (int g = 0; g < in.count; ++g) {
        peak = std::max(peak, load[static_cast<std::size_t>(g) * out.count + y] +
                                  part[static_cast<std::size_t>(c) * in.count + g]);
      }
      if (best < 0 || peak < best_peak) {
        best = y;
        best_peak = peak;
      }
    }
    m.cols[static_cast<std::size_t>(best)].push_back(c);
    for (int g = 0; g < in.count; ++g) {
      load[static_cast<std::size_t>(g) * out.count + best] += part[static_cast<std::size_t>(c) * in.count + g];
    }
  }
  return m;
}

// Nonzero weights of the fullest block once balanced: its SRAM and its work.
std::uint64_t busiest_block(const MatrixI8& b, const std::vector<std::uint64_t>& row_nnz, const ResidentGrid& g) {
  const BlockMembers members = balance_blocks(b, row_nnz, g.in, g.out);
  std::uint64_t most = 0;
  for (const auto& rows : members.rows) {
    for (const auto& cols : members.cols) {
      std::uint64_t nnz = 0;
      for (int r : rows) {
        for (int c : cols) nnz += b.at(r, c) != 0;
      }
      most = std::max(most, nnz);
    }
  }
  return most;
}

// The copies that fit (accumulators, SRAM, vectors dividing evenly) and cost least: per PE
// and copy, vectors x (the busiest block's weights + activations taken + sums sent).
Replicas choose_replicas(const MatrixI8& a, const MatrixI8& b, const std::vector<std::uint64_t>& row_nnz, int mesh,
                         const FabricLimits& limits, int most) {
  Replicas best;
  std::uint64_t best_cost = std::numeric_limits<std::uint64_t>::max();
  for (int ry = 1; ry <= std::min(4, mesh); ++ry) {
    for (int rx = 1; rx <= std::min(2, mesh); ++rx) {
      const Replicas r{rx, ry};
      if (r.count() > most || a.rows() % r.count() != 0) continue;
      const ResidentGrid g(mesh, r, a.cols(), b.cols());
      if (g.out.block > limits.accumulators || g.in.block >= hw::kPeEndIndex) continue;
      const std::uint64_t busiest = busiest_block(b, row_nnz, g);
      if (static_cast<std::uint64_t>(g.in.block) + busiest > static_cast<std::uint64_t>(limits.sram_words)) continue;
      const std::uint64_t cost = static_cast<std::uint64_t>(a.rows() / r.count()) *
                                 (busiest + static_cast<std::uint64_t>(g.in.block + g.out.block));
      if (cost < best_cost) {
        best_cost = cost;
        best = r;
      }
    }
  }
  return best;
}

void map_resident(const MatrixI8& a, const MatrixI8& b, const std::vector<std::uint64_t>& row_nnz,
                  const FabricLimits& limits, const ResidentGrid& g, FabricProgram& p) {
  const int mesh = g.mesh, m = a.rows(), kdim = a.cols(), n = b.cols();
  const int copies = g.r.count(), per_copy = m / copies;
  p.used_x = g.in.count;
  p.used_y = g.out.count;
  p.replicas = copies;
  check_accumulators(g.out.block, limits.accumulators);
  if (g.in.block >= hw::kPeEndIndex) throw InputError("layer does not fit the fabric: input block too long");
  const auto vec = [&](int ix, int iy, int v) { return (iy * g.r.rx + ix) * per_copy + v; };
  const BlockMembers members = balance_blocks(b, row_nnz, g.in, g.out);
  const auto krow = [&](int bx, int j) { return members.rows[static_cast<std::size_t>(bx)][static_cast<std::size_t>(j)]; };
  const auto ncol = [&](int by, int i) { return members.cols[static_cast<std::size_t>(by)][static_cast<std::size_t>(i)]; };

  // Each block's SRAM image (column pointers, then the nonzero entries), shared by the copies.
  std::vector<std::vector<std::uint32_t>> sram(static_cast<std::size_t>(p.used_x * p.used_y));
  for (int bx = 0; bx < p.used_x; ++bx) {
    const int kn = g.in.size(bx, kdim);
    for (int by = 0; by < p.used_y; ++by) {
      const int nn = g.out.size(by, n);
      auto& img = sram[static_cast<std::size_t>(bx * p.used_y + by)];
      img.assign(static_cast<std::size_t>(kn), 0);
      check_sram(kn, limits.sram_words, bx, by);
      for (int j = 0; j < kn; ++j) {
        const auto start = static_cast<std::uint32_t>(img.size());
        for (int i = 0; i < nn; ++i) {
          const std::int8_t w = b.at(krow(bx, j), ncol(by, i));
          if (w != 0) img.push_back(entry_word(static_cast<std::uint16_t>(i), w));
        }
        check_sram(static_cast<int>(img.size()), limits.sram_words, bx, by);
        img[static_cast<std::size_t>(j)] = colptr_word(static_cast<std::uint32_t>(img.size()) - start, start);
      }
    }
  }

  for (int ix = 0; ix < g.r.rx; ++ix) {
    const bool east = g.east_exit(ix);
    const unsigned fwd = port_bit(east ? kPortE : kPortW), back = port_bit(east ? kPortW : kPortE);
    for (int bx = 0; bx < p.used_x; ++bx) {
      const int x = g.x_of(ix, bx), pos = g.chain_pos(ix, bx), kn = g.in.size(bx, kdim);
      for (const bool north : {true, false}) {
        const std::vector<int> rows = g.stream_rows(north);
        if (rows.empty()) continue;
        // Multicast along the column from the edge to the farthest PE of the stream.
        std::vector<int> ys;
        for (int iy : rows) {
          for (int by = 0; by < p.used_y; ++by) ys.push_back(g.y_of(iy, by));
        }
        const int far = north ? *std::max_element(ys.begin(), ys.end()) : *std::min_element(ys.begin(), ys.end());
        const unsigned from = port_bit(north ? kPortN : kPortS), onward = port_bit(north ? kPortS : kPortN);
        for (int y = north ? 0 : mesh - 1; north ? y <= far : y >= far; y += north ? 1 : -1) {
          const bool here = std::find(ys.begin(), ys.end(), y) != ys.end();
          p.routes.push_back({x, y, kMacColor, false, from, (here ? port_bit(kPortRamp) : 0u) | (y != far ? onward : 0u)});
        }
        // The stream: per vector of the copies, their nonzero activations, then the end.
        EdgeInput input{north ? north_slot(mesh, x) : south_slot(mesh, x), {}};
        for (int v = 0; v < per_copy; ++v) {
          for (int j = 0; j < kn; ++j) {
            std::int8_t val[2] = {0, 0};
            for (std::size_t i = 0; i < rows.size(); ++i) {
              val[i] = a.at(vec(ix, rows[i], v), krow(bx, j));
              if (val[i] != 0) p.expected_macs += row_nnz[static_cast<std::size_t>(krow(bx, j))];
            }
            if (val[0] == 0 && val[1] == 0) continue;
            const auto idx = static_cast<std::uint16_t>(j);
            const std::uint32_t data = rows.size() == 1 ? mac_data(idx, val[0]) : mac_lanes_data(idx, val[0], val[1]);
            input.wavelets.push_back({kMacColor, 0, 0, data});
          }
          input.wavelets.push_back({kMacColor, 0, 0, mac_data(hw::kPeEndIndex, 0)});
        }
        p.inputs.push_back(std::move(input));
        for (std::size_t i = 0; i < rows.size(); ++i) {
          for (int by = 0; by < p.used_y; ++by) {
            PeSetting pe;
            pe.x = x;
            pe.y = g.y_of(rows[i], by);
            pe.mode = pe_mode_word(0, ResidentGrid::lane(rows.size(), i));
            pe.colors = pe_colors_word(kMacColor, pos > 0 ? out_color(pos - 1) : 0, out_color(pos), pos == 0);
            pe.shape = pe_shape_word(g.out.size(by, n), 1);
            pe.sram = sram[static_cast<std::size_t>(bx * p.used_y + by)];
            p.pes.push_back(std::move(pe));
          }
        }
      }
    }
    // Row chains: each PE adds its sums to the ones from the PE before it and passes them on.
    for (int iy = 0; iy < g.r.ry; ++iy) {
      for (int by = 0; by < p.used_y; ++by) {
        const int y = g.y_of(iy, by), nn = g.out.size(by, n);
        for (int bx = 0; bx < p.used_x; ++bx) {
          const int x = g.x_of(ix, bx), pos = g.chain_pos(ix, bx);
          p.routes.push_back({x, y, out_color(pos), false, port_bit(kPortRamp), fwd});
          if (pos > 0) p.routes.push_back({x, y, out_color(pos - 1), false, back, port_bit(kPortRamp)});
        }
        if (g.r.rx == 1) {  // carry the last PE's sums on to the east edge
          for (int x = p.used_x; x < mesh; ++x) {
            p.routes.push_back({x, y, out_color(p.used_x - 1), false, port_bit(kPortW), port_bit(kPortE)});
          }
        }
        EdgeOutput out{east ? east_slot(mesh, y) : west_slot(mesh, y), {}};
        for (int v = 0; v < per_copy; ++v) {
          for (int i = 0; i < nn; ++i) out.targets.push_back({vec(ix, iy, v), ncol(by, i)});
        }
        p.outputs.push_back(std::move(out));
      }
    }
  }
}

}  // namespace

FabricProgram map_sparse_gemm(const MatrixI8& a, const MatrixI8& b, int mesh, FabricLayout layout,
                              const FabricLimits& limits, const FabricMapOptions& options) {
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

  FabricProgram p;
  p.mesh = mesh;
  p.result_rows = m;
  p.result_cols = n;
  if (layout == FabricLayout::kWeightsResident) {
    // Nonzero weights per row of B: the work one activation triggers.
    std::vector<std::uint64_t> row_nnz(static_cast<std::size_t>(kdim), 0);
    for (int r = 0; r < kdim; ++r) {
      for (int c = 0; c < n; ++c) row_nnz[static_cast<std::size_t>(r)] += b.at(r, c) != 0;
    }
    const Replicas r = choose_replicas(a, b, row_nnz, mesh, limits, std::max(1, options.max_replicas));
    map_resident(a, b, row_nnz, limits, ResidentGrid(mesh, r, kdim, n), p);
    return p;
  }

  const Split in_split(kdim, mesh), out_split(n, mesh);
  p.used_x = in_split.count;
  p.used_y = out_split.count;
  add_streaming_routes(p);
  check_accumulators(out_split.block * m, limits.accumulators);
  const int rows = 1 << hw::kPeStreamIndexRow.width, cols = 1 << hw::kPeStreamIndexCol.width;
  if (out_split.block > rows || in_split.block > cols) {
    throw InputError("weight streaming addresses at most " + std::to_string(rows) + " x " + std::to_string(cols) +
                     " weights per PE: use a bigger mesh");
  }

  for (int x = 0; x < p.used_x; ++x) {
    const int k0 = in_split.begin(x), kn = in_split.size(x, kdim);
    EdgeInput input{north_slot(mesh, x), {}};
    // Each PE's weights, interleaved over the column's PEs.
    std::vector<std::vector<FabricWavelet>> per_pe(static_cast<std::size_t>(p.used_y));
    for (int y = 0; y < p.used_y; ++y) {
      const int n0 = out_split.begin(y), nn = out_split.size(y, n);
      PeSetting pe;
      pe.x = x;
      pe.y = y;
      pe.mode = pe_mode_word(1, 0);
      pe.colors = pe_colors_word(kMacColor, x > 0 ? out_color(x - 1) : 0, out_color(x), x == 0);
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
      p.pes.push_back(std::move(pe));
    }
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
    p.inputs.push_back(std::move(input));
  }

  for (int y = 0; y < p.used_y; ++y) {
    const int n0 = out_split.begin(y), nn = out_split.size(y, n);
    EdgeOutput out{east_slot(mesh, y), {}};
    for (int i = 0; i < nn; ++i) {
      for (int r = 0; r < m; ++r) out.targets.push_back({r, n0 + i});
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
