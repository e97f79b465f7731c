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
//
// N:M sparse (NmMode, weight-stationary on the sparse array sa_nm_systolic_array): B is kept
// n of every m along K and streamed as its NmOperand (kept rows, each weight with its offset in
// its group). A fold holds `rows` kept rows of a column block, i.e. rows / n groups of m, so it
// covers rows * m / n of K; A beat m carries A[m][g0*m : (g0 + rows/n)*m] for the fold's first
// group g0 (width rows * m), B beat i the kept row k0 + i as (weight, offset) pairs (width
// 2 * cols). Everything else (folds' order, outputs, the streaming schedule) is the dense WS.
#include <cstdint>
#include <string>
#include <vector>

#include "sw/sparse_format.hpp"
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

// The sparse array's mode: n of every m weights along K kept (n = 0: dense).
struct NmMode {
  int n = 0;
  int m = 0;
  bool sparse() const { return n > 0; }
  std::string text() const;  // "dense", "nm:2:4"
};

// B (K x N) of an N:M sparse GEMM: `compressed`, the nm storage format (sw::to_nm), is what the
// array's memory holds (as sw::encode lays it out: packed offsets, then the values), and
// `operand` the same weights as the sparse array's beats take them: the G*n x 2N matrix (G =
// ceil(K/m) groups) whose row g*n + j holds, for every column c, the j-th kept weight of group
// g and its offset o in the group (W[g*m + o][c]) at columns 2c and 2c + 1.
struct NmOperand {
  int k = 0;
  int n = 0, m = 0;
  MatrixI8 operand;
  NmCompressed compressed;
  int cols() const { return operand.cols() / 2; }
};

// The sparse array's mode (groups of `group` along K) for weights pruned n:m (aligned groups of
// m along K): each aligned group of `group` keeps at most n * group / m (m dividing group) or
// min(n, group) (group dividing m) of them, rounded up to a divisor of group: that many of
// `group`, or dense (NmMode{}) when that is all of them, when m fits neither way, or for OS.
// `note` (when given) gets "2:4", or why it runs dense.
NmMode array_nm_mode(int n, int m, int group, Dataflow dataflow, std::string* note = nullptr);

// B (K x N) as the sparse array streams it, compressed by sw::to_nm; InputError when some group
// holds more than n nonzeros.
NmOperand nm_operand(const MatrixI8& b, NmMode nm);

struct Fold {
  int m0 = 0, m_len = 0;
  int k0 = 0, k_len = 0;  // N:M: kept rows of B (rows of NmOperand::operand)
  int n0 = 0, n_len = 0;
};

// A rectangle of a matrix (A or B) that one group of beats reads.
struct Region {
  int row0 = 0, rows = 0;
  int col0 = 0, cols = 0;
};

class GemmPlan {
 public:
  // Throws InputError on non-positive dimensions, and for an N:M mode that is not
  // weight-stationary, whose n does not divide m, or with fewer array rows than n.
  GemmPlan(GemmShape shape, ArrayShape array, Dataflow dataflow, NmMode nm = {});

  const GemmShape& shape() const { return m_shape; }
  const ArrayShape& array() const { return m_array; }
  Dataflow dataflow() const { return m_dataflow; }
  const std::vector<Fold>& folds() const { return m_folds; }
  const NmMode& nm() const { return m_nm; }

  int a_width() const;  // bytes of an A beat: rows (N:M: rows * m)
  int b_width() const;  // bytes of a B beat: cols (N:M: 2 * cols)
  int b_ld() const;     // columns of the B operand in memory: N (N:M: 2N)

  int a_beats(const Fold& f) const;  // ws: M, os: K
  int b_beats(const Fold& f) const;  // ws: rows, os: K
  int c_beats(const Fold& f) const;  // ws: M, os: rows
  std::uint64_t total_c_beats() const;

  std::uint64_t macs() const;  // M*K*N
  // The MACs the PEs do: M*K*N, N:M: M*G*n*N (G = ceil(K/m) groups).
  std::uint64_t pe_macs() const;
  // ceil(pe_macs / (rows*cols)): every PE busy every cycle.
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
  NmMode m_nm;
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
