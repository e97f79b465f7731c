// SPDX-License-Identifier: Apache-2.0
#pragma once
// Mapping of a GEMM C = A (M x K) * B (K x N) onto a rows x cols systolic array: the folds
// (what the array holds stationary), their order, and the content of every edge beat.
//
//   weight-stationary (ws): a fold holds a weight block B[k0:k0+rows, n0:n0+cols]; all M rows of A
//     stream through it (A beat m = A[m][k0:k0+rows]); its M output beats are partial sums that
//     are added into C[m][n0:n0+cols]. Folds: for n0 { for k0 }.
//   output-stationary (os): a fold holds an output block C[m0:m0+rows, n0:n0+cols]; all K columns
//     of A and rows of B stream through it as beat pairs; its `rows` output beats leave bottom
//     row first. Folds: for m0 { for n0 }.
// Blocks at the edges of A and B are zero-padded to the array size.
#include <cstdint>
#include <string>
#include <vector>

#include "sw/tensor.hpp"

namespace wb::sw {

enum class Dataflow { kWeightStationary, kOutputStationary };

// "ws" / "os"; throws InputError otherwise.
Dataflow parse_dataflow(const std::string& name);
const char* dataflow_name(Dataflow d);

struct ArrayShape {
  int rows = 0;
  int cols = 0;
};

struct GemmShape {
  int m = 0;
  int k = 0;
  int n = 0;
};

struct Fold {
  int m0 = 0, m_len = 0;
  int k0 = 0, k_len = 0;
  int n0 = 0, n_len = 0;
};

// A rectangle of a matrix (A or B) that one group of beats reads.
struct Region {
  int row0 = 0, rows = 0;
  int col0 = 0, cols = 0;
};

class GemmPlan {
 public:
  // Throws InputError on non-positive dimensions.
  GemmPlan(GemmShape shape, ArrayShape array, Dataflow dataflow);

  const GemmShape& shape() const { return m_shape; }
  const ArrayShape& array() const { return m_array; }
  Dataflow dataflow() const { return m_dataflow; }
  const std::vector<Fold>& folds() const { return m_folds; }

  int a_beats(const Fold& f) const;  // ws: M, os: K
  int b_beats(const Fold& f) const;  // ws: rows, os: K
  int c_beats(const Fold& f) const;  // ws: M, os: rows
  std::uint64_t total_c_beats() const;

  std::uint64_t macs() const;
  // ceil(M*K*N / (rows*cols)): every PE busy every cycle.
  std::uint64_t ideal_cycles() const;

  // The part of A (or B) that beats [first, first+count) of fold f read.
  Region a_region(const Fold& f, int first, int count) const;
  Region b_region(const Fold& f, int first, int count) const;
  // Beat `beat` of fold f, built from `block`, the contents of `region` (out: rows / cols bytes).
  void a_beat(const Fold& f, const MatrixI8& block, const Region& region, int beat, std::int8_t* out) const;
  void b_beat(const Fold& f, const MatrixI8& block, const Region& region, int beat, std::int8_t* out) const;
  // Applies output beat j of fold f (cols int32 values) to C.
  void scatter(const Fold& f, int j, const std::int32_t* beat, MatrixI32& c) const;

 private:
  GemmShape m_shape;
  ArrayShape m_array;
  Dataflow m_dataflow;
  std::vector<Fold> m_folds;
};

// One group of beats the streamer moves: beats [first, first+count) of operand A or B of a fold.
struct StreamOp {
  enum class Operand { kA, kB };
  Operand operand = Operand::kA;
  int fold = 0;
  int first = 0;
  int count = 0;
};

// The order in which beats are streamed, in groups of at most `chunk_beats`:
//   ws: B(0), then per fold i: B(i+1) (the prefetch that the array's shadow weights take
//       while fold i computes), A(i).
//   os: per fold, A and B chunks alternate (the array takes them as pairs).
std::vector<StreamOp> stream_schedule(const GemmPlan& plan, int chunk_beats);

// Convenience for tests and the bare-loop benchmark: reads the regions straight from A and B.
MatrixI8 extract_region(const MatrixI8& m, const Region& region);

}  // namespace wb::sw
