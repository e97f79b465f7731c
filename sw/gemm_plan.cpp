// SPDX-License-Identifier: Apache-2.0
#include "sw/gemm_plan.hpp"

#include <algorithm>

#include "sw/error.hpp"

namespace wb::sw {

Dataflow parse_dataflow(const std::string& name) {
  if (name == "ws") return Dataflow::kWeightStationary;
  if (name == "os") return Dataflow::kOutputStationary;
  throw InputError("unknown dataflow '" + name + "' (expected ws or os)");
}

const char* dataflow_name(Dataflow d) { return d == Dataflow::kWeightStationary ? "ws" : "os"; }

GemmPlan::GemmPlan(GemmShape shape, ArrayShape array, Dataflow dataflow)
    : m_shape(shape), m_array(array), m_dataflow(dataflow) {
  if (shape.m <= 0 || shape.k <= 0 || shape.n <= 0) {
    throw InputError("GEMM dimensions must be positive, got M=" + std::to_string(shape.m) +
                     " K=" + std::to_string(shape.k) + " N=" + std::to_string(shape.n));
  }
  if (array.rows <= 0 || array.cols <= 0) throw InputError("array dimensions must be positive");
  const int r = array.rows, c = array.cols;
  if (dataflow == Dataflow::kWeightStationary) {
    for (int n0 = 0; n0 < shape.n; n0 += c) {
      for (int k0 = 0; k0 < shape.k; k0 += r) {
        m_folds.push_back(Fold{0, shape.m, k0, std::min(r, shape.k - k0), n0, std::min(c, shape.n - n0)});
      }
    }
  } else {
    for (int m0 = 0; m0 < shape.m; m0 += r) {
      for (int n0 = 0; n0 < shape.n; n0 += c) {
        m_folds.push_back(Fold{m0, std::min(r, shape.m - m0), 0, shape.k, n0, std::min(c, shape.n - n0)});
      }
    }
  }
}

int GemmPlan::a_beats(const Fold& f) const {
  return m_dataflow == Dataflow::kWeightStationary ? f.m_len : f.k_len;
}
int GemmPlan::b_beats(const Fold& f) const {
  return m_dataflow == Dataflow::kWeightStationary ? m_array.rows : f.k_len;
}
int GemmPlan::c_beats(const Fold& f) const {
  return m_dataflow == Dataflow::kWeightStationary ? f.m_len : m_array.rows;
}

std::uint64_t GemmPlan::total_c_beats() const {
  std::uint64_t total = 0;
  for (const Fold& f : m_folds) total += static_cast<std::uint64_t>(c_beats(f));
  return total;
}

std::uint64_t GemmPlan::macs() const {
  return static_cast<std::uint64_t>(m_shape.m) * m_shape.k * m_shape.n;
}

std::uint64_t GemmPlan::ideal_cycles() const {
  const std::uint64_t pes = static_cast<std::uint64_t>(m_array.rows) * m_array.cols;
  return (macs() + pes - 1) / pes;
}

Region GemmPlan::a_region(const Fold& f, int first, int count) const {
  if (m_dataflow == Dataflow::kWeightStationary) return Region{f.m0 + first, count, f.k0, f.k_len};
  return Region{f.m0, f.m_len, f.k0 + first, count};
}

Region GemmPlan::b_region(const Fold& f, int first, int count) const {
  if (m_dataflow == Dataflow::kWeightStationary) {
    // Beats past k_len are zero rows and read nothing.
    const int end = std::min(first + count, f.k_len);
    return Region{f.k0 + first, std::max(0, end - first), f.n0, f.n_len};
  }
  return Region{f.k0 + first, count, f.n0, f.n_len};
}

void GemmPlan::a_beat(const Fold& f, const MatrixI8& block, const Region& region, int beat,
                      std::int8_t* out) const {
  std::fill(out, out + m_array.rows, std::int8_t{0});
  if (m_dataflow == Dataflow::kWeightStationary) {
    const std::int8_t* src = block.row(f.m0 + beat - region.row0);
    std::copy(src, src + f.k_len, out);
  } else {
    const int col = f.k0 + beat - region.col0;
    for (int r = 0; r < f.m_len; ++r) out[r] = block.at(r, col);
  }
}

void GemmPlan::b_beat(const Fold& f, const MatrixI8& block, const Region& region, int beat,
                      std::int8_t* out) const {
  std::fill(out, out + m_array.cols, std::int8_t{0});
  if (m_dataflow == Dataflow::kWeightStationary && beat >= f.k_len) return;
  const std::int8_t* src = block.row(f.k0 + beat - region.row0);
  std::copy(src, src + f.n_len, out);
}

void GemmPlan::scatter(const Fold& f, int j, const std::int32_t* beat, MatrixI32& c) const {
  if (m_dataflow == Dataflow::kWeightStationary) {
    std::int32_t* dst = c.row(f.m0 + j) + f.n0;
    for (int i = 0; i < f.n_len; ++i) {
      dst[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(dst[i]) + static_cast<std::uint32_t>(beat[i]));
    }
  } else {
    const int row = m_array.rows - 1 - j;  // drained bottom row first
    if (row >= f.m_len) return;
    std::copy(beat, beat + f.n_len, c.row(f.m0 + row) + f.n0);
  }
}

std::vector<StreamOp> stream_schedule(const GemmPlan& plan, int chunk_beats) {
  if (chunk_beats <= 0) throw InputError("chunk size must be positive");
  using Operand = StreamOp::Operand;
  std::vector<StreamOp> ops;
  const auto& folds = plan.folds();
  const auto add_chunks = [&](Operand operand, int fold, int beats) {
    for (int first = 0; first < beats; first += chunk_beats) {
      ops.push_back(StreamOp{operand, fold, first, std::min(chunk_beats, beats - first)});
    }
  };
  const int n = static_cast<int>(folds.size());
  if (plan.dataflow() == Dataflow::kWeightStationary) {
    add_chunks(Operand::kB, 0, plan.b_beats(folds[0]));
    for (int i = 0; i < n; ++i) {
      if (i + 1 < n) add_chunks(Operand::kB, i + 1, plan.b_beats(folds[i + 1]));
      add_chunks(Operand::kA, i, plan.a_beats(folds[i]));
    }
  } else {
    for (int i = 0; i < n; ++i) {
      const int beats = plan.a_beats(folds[i]);
      for (int first = 0; first < beats; first += chunk_beats) {
        const int count = std::min(chunk_beats, beats - first);
        ops.push_back(StreamOp{Operand::kA, i, first, count});
        ops.push_back(StreamOp{Operand::kB, i, first, count});
      }
    }
  }
  return ops;
}

MatrixI8 extract_region(const MatrixI8& m, const Region& region) {
  MatrixI8 block(region.rows, region.cols);
  for (int r = 0; r < region.rows; ++r) {
    const std::int8_t* src = m.row(region.row0 + r) + region.col0;
    std::copy(src, src + region.cols, block.row(r));
  }
  return block;
}

}  // namespace wb::sw
