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

std::string NmMode::text() const {
  return sparse() ? "nm:" + std::to_string(n) + ":" + std::to_string(m) : "dense";
}

NmMode array_nm_mode(int n, int m, int group, Dataflow dataflow, std::string* note) {
  std::string text;
  NmMode mode;
  const std::string pattern = std::to_string(n) + ":" + std::to_string(m);
  int keep = 0;  // most kept weights an aligned group of `group` can hold
  if (n >= 1 && n <= m && group % m == 0) keep = n * (group / m);
  if (n >= 1 && n <= m && m % group == 0) keep = std::min(n, group);
  if (dataflow != Dataflow::kWeightStationary) {
    text = "dense: the N:M sparse array is weight-stationary (ws), so " + pattern + " runs dense in os";
  } else if (keep == 0) {
    text = "dense: " + pattern + " groups do not align with the array's groups of " + std::to_string(group);
  } else {
    while (group % keep != 0) ++keep;
    if (keep == group) {
      text = "dense: under " + pattern + " a group of " + std::to_string(group) + " along K may keep all its weights";
    } else {
      mode = NmMode{keep, group};
      text = std::to_string(keep) + ":" + std::to_string(group);
    }
  }
  if (note) *note = text;
  return mode;
}

NmOperand nm_operand(const MatrixI8& b, NmMode nm) {
  if (!nm.sparse() || nm.n > nm.m) throw InputError("N:M operand: need 1 <= n <= m");
  NmOperand op{b.rows(), nm.n, nm.m, {}, to_nm(b, nm.n, nm.m)};
  const NmCompressed& s = op.compressed;
  op.operand = MatrixI8(s.values.rows(), 2 * s.cols);
  for (int row = 0; row < s.values.rows(); ++row) {
    for (int c = 0; c < s.cols; ++c) {
      op.operand.at(row, 2 * c) = s.values.at(row, c);
      op.operand.at(row, 2 * c + 1) = static_cast<std::int8_t>(s.indices.at(row, c));
    }
  }
  return op;
}

GemmPlan::GemmPlan(GemmShape shape, ArrayShape array, Dataflow dataflow, NmMode nm)
    : m_shape(shape), m_array(array), m_dataflow(dataflow), m_nm(nm) {
  if (shape.m <= 0 || shape.k <= 0 || shape.n <= 0) {
    throw InputError("GEMM dimensions must be positive, got M=" + std::to_string(shape.m) +
                     " K=" + std::to_string(shape.k) + " N=" + std::to_string(shape.n));
  }
  if (array.rows <= 0 || array.cols <= 0) throw InputError("array dimensions must be positive");
  const int r = array.rows, c = array.cols;
  if (nm.sparse()) {
    if (dataflow != Dataflow::kWeightStationary) throw InputError("the N:M sparse array is weight-stationary (ws)");
    if (nm.m <= 0 || nm.n > nm.m || nm.m % nm.n != 0) {
      throw InputError("N:M mode " + std::to_string(nm.n) + ":" + std::to_string(nm.m) + ": n must divide m");
    }
    if (r < nm.n) throw InputError("an N:M fold needs at least n = " + std::to_string(nm.n) + " array rows");
    // whole groups per fold: rows / n of them
    const int kept = (shape.k + nm.m - 1) / nm.m * nm.n;
    const int per_fold = r / nm.n * nm.n;
    for (int n0 = 0; n0 < shape.n; n0 += c) {
      for (int k0 = 0; k0 < kept; k0 += per_fold) {
        m_folds.push_back(Fold{0, shape.m, k0, std::min(per_fold, kept - k0), n0, std::min(c, shape.n - n0)});
      }
    }
  } else if (dataflow == Dataflow::kWeightStationary) {
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

int GemmPlan::a_width() const { return m_nm.sparse() ? m_array.rows * m_nm.m : m_array.rows; }
int GemmPlan::b_width() const { return m_nm.sparse() ? 2 * m_array.cols : m_array.cols; }
int GemmPlan::b_ld() const { return m_nm.sparse() ? 2 * m_shape.n : m_shape.n; }

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

std::uint64_t GemmPlan::pe_macs() const {
  if (!m_nm.sparse()) return macs();
  const std::uint64_t kept = static_cast<std::uint64_t>((m_shape.k + m_nm.m - 1) / m_nm.m) * m_nm.n;
  return static_cast<std::uint64_t>(m_shape.m) * kept * m_shape.n;
}

std::uint64_t GemmPlan::ideal_cycles() const {
  const std::uint64_t pes = static_cast<std::uint64_t>(m_array.rows) * m_array.cols;
  return (pe_macs() + pes - 1) / pes;
}

Region GemmPlan::a_region(const Fold& f, int first, int count) const {
  if (m_nm.sparse()) {  // the whole groups of K that the fold's kept rows belong to
    const int col0 = f.k0 / m_nm.n * m_nm.m;
    const int groups = (f.k_len + m_nm.n - 1) / m_nm.n;
    return Region{f.m0 + first, count, col0, std::min(m_shape.k, col0 + groups * m_nm.m) - col0};
  }
  if (m_dataflow == Dataflow::kWeightStationary) return Region{f.m0 + first, count, f.k0, f.k_len};
  return Region{f.m0, f.m_len, f.k0 + first, count};
}

Region GemmPlan::b_region(const Fold& f, int first, int count) const {
  if (m_dataflow == Dataflow::kWeightStationary) {
    // Beats past k_len are zero rows and read nothing.
    const int end = std::min(first + count, f.k_len);
    const int w = m_nm.sparse() ? 2 : 1;  // N:M: (weight, offset) pairs
    return Region{f.k0 + first, std::max(0, end - first), w * f.n0, w * f.n_len};
  }
  return Region{f.k0 + first, count, f.n0, f.n_len};
}

void GemmPlan::a_beat(const Fold& f, const MatrixI8& block, const Region& region, int beat,
                      std::int8_t* out) const {
  std::fill(out, out + a_width(), std::int8_t{0});
  if (m_nm.sparse()) {
    const std::int8_t* src = block.row(f.m0 + beat - region.row0);
    std::copy(src, src + region.cols, out);
  } else if (m_dataflow == Dataflow::kWeightStationary) {
    const std::int8_t* src = block.row(f.m0 + beat - region.row0);
    std::copy(src, src + f.k_len, out);
  } else {
    const int col = f.k0 + beat - region.col0;
    for (int r = 0; r < f.m_len; ++r) out[r] = block.at(r, col);
  }
}

void GemmPlan::b_beat(const Fold& f, const MatrixI8& block, const Region& region, int beat,
                      std::int8_t* out) const {
  std::fill(out, out + b_width(), std::int8_t{0});
  if (m_dataflow == Dataflow::kWeightStationary && beat >= f.k_len) return;
  const std::int8_t* src = block.row(f.k0 + beat - region.row0);
  std::copy(src, src + region.cols, out);
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
