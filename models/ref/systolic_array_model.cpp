// SPDX-License-Identifier: Apache-2.0
#include "models/ref/systolic_array_model.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "sw/error.hpp"
#include "wb/hw_config.hpp"

namespace wb::ref {

const char* engine_name(Engine engine) { return engine == Engine::kModel ? "model" : "rtl"; }

Engine parse_engine(const std::string& text) {
  if (text == "rtl") return Engine::kRtl;
  if (text == "model") return Engine::kModel;
  throw sw::InputError("unknown engine '" + text + "' (rtl or model)");
}

namespace {

// Validates before the base class sizes its queues from the size.
int checked_rows(int rows, int cols) {
  if (rows <= 0 || cols <= 0) {
    throw sw::InputError("array size must be positive, got " + std::to_string(rows) + "x" + std::to_string(cols));
  }
  return rows;
}

}  // namespace

ModelArrayDut::ModelArrayDut(int rows, int cols, const DutOptions& options)
    : ArrayDut(checked_rows(rows, cols), cols, options.nm_group),
      m_options(options),
      m_rng(options.seed),
      m_fifo_depth(hw::out_fifo_depth(rows, cols)),
      m_nm_keep(options.nm_group),
      m_credit(m_fifo_depth) {
  if (!options.trace_path.empty()) throw sw::InputError("a waveform needs the RTL engine (the model has no pins)");
  if (options.nm_group < 0) throw sw::InputError("the N:M group size must be positive");
  const std::size_t cells = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  m_shadow.assign(cells, 0);
  m_weight.assign(cells, 0);
  if (m_nm_group > 0) {
    m_shadow_offset.assign(cells, 0);
    m_offset.assign(cells, 0);
  }
  m_acc.assign(cells, 0);
  m_row.assign(static_cast<std::size_t>(cols), 0);
  // Credits bound the results in flight, so the FIFO depth is enough slots.
  m_results.assign(static_cast<std::size_t>(m_fifo_depth) * static_cast<std::size_t>(cols), 0);
}

void ModelArrayDut::set_dataflow(sw::Dataflow dataflow) {
  if (!idle() || !m_a.empty() || !m_b.empty()) throw std::logic_error("dataflow changed while the array is busy");
  if (m_nm_group > 0 && dataflow != sw::Dataflow::kWeightStationary) {
    throw std::logic_error("the N:M sparse array is weight-stationary");
  }
  m_os = dataflow == sw::Dataflow::kOutputStationary;
  idle_cycles(2);  // as the RTL driver: the grid's registered copy of the mode settles
}

void ModelArrayDut::set_nm_keep(int n) {
  if (m_nm_group == 0) throw std::logic_error("the dense array has no N:M mode");
  if (n <= 0 || m_nm_group % n != 0) throw std::logic_error("N:M keep must divide the group");
  if (!idle() || !m_a.empty() || !m_b.empty()) throw std::logic_error("N:M mode changed while the array is busy");
  m_nm_keep = n;
}

void ModelArrayDut::idle_cycles(std::uint64_t cycles) {
  while (cycles > 0) {
    if (m_pending.empty() && m_gap == 0) {  // nothing can change: jump
      m_cycle += cycles;
      return;
    }
    step(false, false, true);
    --cycles;
  }
}

void ModelArrayDut::run(const RunUntil& until) {
  drive(
      until, m_options, m_rng, [this](bool a_valid, bool b_valid, bool c_ready) { return step(a_valid, b_valid, c_ready); },
      [this] { return idle(); }, [&] { return watchdog_message(until); });
}

bool ModelArrayDut::step(bool a_valid, bool b_valid, bool c_ready) {
  // Combinational edge: ready from the registered state (a_last_i is the A head's flag).
  const bool a_last = a_valid && m_a.front_last();
  const bool weights_full = m_b_cnt == m_rows;
  bool a_ready, b_ready;
  if (m_os) {
    const bool pair_ok = !a_last || (m_credit >= m_rows && m_gap == 0);
    a_ready = b_valid && pair_ok;
    b_ready = a_valid && pair_ok;
  } else {
    a_ready = m_credit != 0 && (!m_a_first || weights_full);
    b_ready = !weights_full;
  }
  const bool a_fire = a_valid && a_ready;
  const bool b_fire = b_valid && b_ready;

  // Output FIFO head (first-word fall-through).
  const bool c_valid = !m_pending.empty() && m_pending.front().avail <= m_cycle;
  const bool c_fire = c_valid && c_ready;
  if (c_fire) {
    const std::size_t slot = m_pending.front().slot;
    m_pending.pop_front();
    ++m_counters.c_beats;
    if (m_sink) m_sink->on_output(&m_results[slot * static_cast<std::size_t>(m_cols)], m_cycle);
  } else if (c_valid) {
    ++m_counters.c_stalled;
  }

  // Clock edge: the registers' next state, and the admitted beats' results.
  int reserve = 0;
  const int gap_next = m_gap != 0 ? m_gap - 1 : 0;
  m_gap = gap_next;
  if (m_os) {
    if (a_fire) {
      fire_os_pair(m_a.front_data(), m_b.front_data(), a_last);
      if (a_last) {
        reserve = m_rows;
        m_gap = m_rows - 1;
      }
    }
  } else {
    if (a_fire) {
      reserve = 1;
      if (m_a_first) {
        m_weight = m_shadow;  // commit the double-buffered weights
        m_offset = m_shadow_offset;
        m_b_cnt = 0;
      }
      if (m_nm_group > 0) {
        fire_nm_a(m_a.front_data());
      } else {
        fire_ws_a(m_a.front_data());
      }
    }
    if (b_fire) {  // never with a first A beat (that needs the weights full)
      const std::size_t row = static_cast<std::size_t>(m_b_cnt) * m_cols;
      if (m_nm_group > 0) {  // (weight, offset) per column
        const std::int8_t* b = m_b.front_data();
        for (int c = 0; c < m_cols; ++c) {
          m_shadow[row + c] = b[2 * c];
          m_shadow_offset[row + c] = static_cast<std::uint8_t>(b[2 * c + 1]) % m_nm_group;
        }
      } else {
        std::copy_n(m_b.front_data(), m_cols, &m_shadow[row]);
      }
      ++m_b_cnt;
    }
  }
  if (a_fire) m_a_first = a_last;
  m_credit = m_credit - reserve + (c_fire ? 1 : 0);
  if (a_fire) {
    m_a.pop();
    ++m_counters.a_beats;
  }
  if (b_fire) {
    m_b.pop();
    ++m_counters.b_beats;
  }
  ++m_cycle;
  return a_fire || b_fire || c_fire;
}

std::int32_t* ModelArrayDut::new_result(std::uint64_t avail) {
  const std::size_t slot = m_next_slot;
  m_next_slot = (m_next_slot + 1) % static_cast<std::size_t>(m_fifo_depth);
  m_pending.push_back({avail, slot});
  return &m_results[slot * static_cast<std::size_t>(m_cols)];
}

// WS: one output beat per A beat, c[n] = sum_r a[r] * W[r][n] (int32, wrapping).
void ModelArrayDut::fire_ws_a(const std::int8_t* a) {
  // The FIFO takes the result in cycle t + R + C; it is presented from the next cycle.
  std::int32_t* out = new_result(m_cycle + static_cast<std::uint64_t>(m_rows + m_cols) + 1);
  const std::size_t cols = static_cast<std::size_t>(m_cols);
  std::vector<std::uint32_t>& acc = m_row;
  std::fill(acc.begin(), acc.end(), 0u);
  for (int r = 0; r < m_rows; ++r) {
    const std::int32_t ar = a[r];
    if (ar == 0) continue;
    const std::int8_t* w = &m_weight[static_cast<std::size_t>(r) * cols];
    for (std::size_t n = 0; n < cols; ++n) acc[n] += static_cast<std::uint32_t>(ar * w[n]);
  }
  for (std::size_t n = 0; n < cols; ++n) out[n] = static_cast<std::int32_t>(acc[n]);
}

// The N:M sparse array's WS beat: row r's weights meet the activations of group r / n that
// their offsets select.
void ModelArrayDut::fire_nm_a(const std::int8_t* a) {
  std::int32_t* out = new_result(m_cycle + static_cast<std::uint64_t>(m_rows + m_cols) + 1);
  const std::size_t cols = static_cast<std::size_t>(m_cols);
  std::vector<std::uint32_t>& acc = m_row;
  std::fill(acc.begin(), acc.end(), 0u);
  for (int r = 0; r < m_rows; ++r) {
    const std::int8_t* group = a + static_cast<std::size_t>(r / m_nm_keep) * m_nm_group;
    const std::int8_t* w = &m_weight[static_cast<std::size_t>(r) * cols];
    const std::uint8_t* offset = &m_offset[static_cast<std::size_t>(r) * cols];
    for (std::size_t n = 0; n < cols; ++n) acc[n] += static_cast<std::uint32_t>(group[offset[n]] * w[n]);
  }
  for (std::size_t n = 0; n < cols; ++n) out[n] = static_cast<std::int32_t>(acc[n]);
}

// OS: acc[r][n] += a[r] * b[n]; a last pair emits the tile, bottom row first, and clears it.
void ModelArrayDut::fire_os_pair(const std::int8_t* a, const std::int8_t* b, bool last) {
  const std::size_t cols = static_cast<std::size_t>(m_cols);
  for (int r = 0; r < m_rows; ++r) {
    const std::int32_t ar = a[r];
    if (ar == 0) continue;
    std::uint32_t* acc = &m_acc[static_cast<std::size_t>(r) * cols];
    for (std::size_t n = 0; n < cols; ++n) acc[n] += static_cast<std::uint32_t>(ar * b[n]);
  }
  if (!last) return;
  const std::uint64_t first = m_cycle + static_cast<std::uint64_t>(m_rows + m_cols) + 1;
  for (int j = 0; j < m_rows; ++j) {
    std::int32_t* out = new_result(first + static_cast<std::uint64_t>(j));
    std::uint32_t* acc = &m_acc[static_cast<std::size_t>(m_rows - 1 - j) * cols];
    for (std::size_t n = 0; n < cols; ++n) out[n] = static_cast<std::int32_t>(acc[n]);
    std::fill_n(acc, cols, 0u);
  }
}

std::string ModelArrayDut::watchdog_message(const RunUntil& until) const {
  std::ostringstream os;
  os << "watchdog: no beat moved for " << m_options.watchdog_cycles << " cycles at cycle " << m_cycle
     << " (model; a queued=" << m_a.size() << ", b queued=" << m_b.size() << ", credits=" << m_credit << "/"
     << m_fifo_depth << ", c beats=" << m_counters.c_beats << "/" << until.c_beats_at_least
     << ", idle=" << int(idle()) << ")";
  return os.str();
}

}  // namespace wb::ref
