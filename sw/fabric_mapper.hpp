// SPDX-License-Identifier: Apache-2.0
#pragma once
// Lays a sparse layer C = A (M x K) * B (K x N) out on a k x k compute fabric. B is the layer's
// weight matrix (sparse, any density), A holds M activation vectors (one per row; M = 1 is a
// GEMV). A PE grid is used_y x used_x: PE (x, y) owns input block x (rows of B) and output
// block y (columns of B); partial sums of a row of PEs are added on their way to an edge
// (alternating two colors so each router's table stays a single rx -> tx).
//
//  weights resident (sa_wafer_pe mode 0): each PE holds its block of B in SRAM, compressed by
//    input column (only nonzeros); the nonzero activations of each vector enter an edge at
//    their column and are multicast along it, followed by an end-of-vector wavelet. Work per
//    activation = nonzero weights it meets, so zero weights and zero activations cost nothing.
//    The mesh may hold copies of the grid, each on its share of the vectors (see
//    FabricMapOptions and the README's "Mapping"), and rows and columns of B are dealt to the
//    blocks so that the blocks hold about equally many nonzeros.
//  weight streaming (mode 1): each PE holds its input block of A (all M vectors) and the
//    nonzero weights stream in from the north edge as addressed wavelets, interleaved over the
//    PEs of the column; each weight does M multiply-accumulates.
// Colors: 0 carries the MAC stream, 1 and 2 the partial sums.
#include <cstdint>
#include <string>
#include <vector>

#include "sw/fabric_program.hpp"
#include "sw/tensor.hpp"
#include "wb/hw_config.hpp"

namespace wb::sw {

enum class FabricLayout { kWeightsResident, kWeightStreaming };

// "weights-resident" / "weight-streaming"; throws InputError otherwise.
FabricLayout parse_fabric_layout(const std::string& name);
const char* fabric_layout_name(FabricLayout layout);

// What one PE of the fabric holds and how many colors its routers have. The defaults are the
// built hardware's (config/hardware.json); tests shrink them to reach the limits.
struct FabricLimits {
  int sram_words = hw::kPeSramWords;
  int accumulators = hw::kPeAccumulators;
  int colors = hw::kWaferColors;  // the mapper needs 3
};

// The most activation vectors (rows of A) one program can take for a K x N layer: unlimited
// (INT_MAX) with weights resident; with weight streaming, what the accumulators and SRAM of a
// PE hold (0 when not even one fits). Callers split bigger batches into passes.
int max_rows_per_program(int k, int n, int mesh, FabricLayout layout, const FabricLimits& limits);

// The InputError map_sparse_gemm would throw for any A with K columns and any B of K x N, from
// the shape alone: checked before the operands are made.
void check_fabric_shape(int k, int n, int mesh, FabricLayout layout, const FabricLimits& limits);

// How the mapper may lay a layer out. max_replicas: weights resident, the most copies of the
// layer's PE grid on the mesh (1: one grid over the whole mesh; the mapper takes at most 8).
struct FabricMapOptions {
  int max_replicas = 8;
  static FabricMapOptions one_grid() { return FabricMapOptions{1}; }
};

// Throws InputError when the shapes disagree or the layer does not fit (naming the resource:
// SRAM words or accumulators per PE, index fields).
FabricProgram map_sparse_gemm(const MatrixI8& a, const MatrixI8& b, int mesh, FabricLayout layout,
                              const FabricLimits& limits, const FabricMapOptions& options = {});

// Weight streaming from a store (tb/fabric_transactor.hpp): the wavelets of any rows of B, as
// map_sparse_gemm(..., kWeightStreaming) lays them out, so that B can arrive in chunks while
// the fabric runs. Input x of the program (north edge slot x) feeds PE column x.
struct WeightStreamLayout {
  int k = 0, n = 0, mesh = 0;
  int in_block = 0, out_block = 0;  // rows of B per PE column, columns of B per PE row
  int used_x = 0, used_y = 0;
};
WeightStreamLayout weight_stream_layout(int k, int n, int mesh);

// The order in which B's rows are kept in the store and streamed: row j of input block 0,
// row j of block 1, ... then row j + 1, so that every chunk of consecutive rows feeds every
// PE column (store row p is row order[p] of B).
std::vector<int> weight_stream_row_order(const WeightStreamLayout& layout);

// Appends to out[x] (used_x lists) the addressed MAC wavelets of the nonzeros of `rows` rows of
// B (row-major, n bytes each; row r of the block is row ids[r] of B), each column's wavelets
// interleaved over its PEs; with `end`, then every PE's end-of-layer wavelet. Returns the MACs
// per vector (nonzero weights).
std::uint64_t weight_stream_wavelets(const WeightStreamLayout& layout, const std::int8_t* rows, const int* ids,
                                     int count, bool end, std::vector<std::vector<FabricWavelet>>& out);

}  // namespace wb::sw
