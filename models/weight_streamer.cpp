// SPDX-License-Identifier: Apache-2.0
#include "models/weight_streamer.hpp"

#include <cstring>
#include <stdexcept>

#include "sw/error.hpp"

namespace wb::models {

int rows_per_chunk(int cols, std::size_t half_bytes) {
  const std::size_t rows = cols > 0 ? half_bytes / static_cast<std::size_t>(cols) : 0;
  if (rows == 0) {
    throw sw::InputError("weight buffer half of " + std::to_string(half_bytes) + " bytes cannot hold one weight row of " +
                         std::to_string(cols) + " bytes");
  }
  return static_cast<int>(std::min<std::size_t>(rows, 1u << 30));
}

WeightBuffer::WeightBuffer(sc_core::sc_module_name name, std::size_t half_bytes, const Clock& clock)
    : sc_core::sc_module(name), tree2sys_wt("tree2sys_wt"), m_half_bytes(half_bytes), m_clock(clock) {
  if (half_bytes == 0) throw sw::InputError("weight buffer must be at least 2 bytes");
  tree2sys_wt.register_b_transport(this, &WeightBuffer::b_transport);
}

void WeightBuffer::expect(int seq, const WeightChunk& chunk) {
  m_expected = chunk;
  m_expected_seq = seq;
}

void WeightBuffer::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  if (!gp.is_write() || m_expected_seq != m_received || gp.get_data_length() != m_expected.bytes() ||
      gp.get_data_length() > m_half_bytes) {
    gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  const auto* src = reinterpret_cast<const std::int8_t*>(gp.get_data_ptr());
  const int rows = m_expected.rows, cols = m_expected.cols;
  sw::MatrixI8& half = m_half[static_cast<std::size_t>(m_received % 2)];
  if (m_expected.format.format != sw::SparseFormat::kDense) {
    if (m_expected.backward) {
      gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);  // compressed chunks stream forward only
      return;
    }
    half = sw::decode(std::string(reinterpret_cast<const char*>(src), gp.get_data_length()), rows, cols, m_expected.format);
  } else if (m_expected.backward) {
    half = sw::MatrixI8(cols, rows);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) half.at(c, r) = src[static_cast<std::size_t>(r) * cols + c];
    }
  } else {
    half = sw::MatrixI8(rows, cols);
    std::memcpy(half.data(), src, half.size());
  }
  m_ready[static_cast<std::size_t>(m_received % 2)] = sc_core::sc_time_stamp() + delay;
  m_bytes += gp.get_data_length();
  ++m_received;
  gp.set_response_status(tlm::TLM_OK_RESPONSE);  // taken on arrival: the streamer made room first
}

WeightStreamer::WeightStreamer(sc_core::sc_module_name name, ReduceTree& tree, std::vector<WeightBuffer*> buffers,
                               const Clock& clock)
    : sc_core::sc_module(name), m_tree(tree), m_buffers(std::move(buffers)), m_clock(clock) {
  if (static_cast<int>(m_buffers.size()) != tree.systems()) {
    throw std::logic_error("weight streamer: one buffer per system of the tree");
  }
  SC_THREAD(run);
}

int WeightStreamer::push(const WeightChunk& chunk) {
  for (const WeightBuffer* b : m_buffers) {
    if (chunk.bytes() > b->half_bytes()) throw std::logic_error("weight streamer: chunk larger than a buffer half");
  }
  m_timings.push_back(ChunkTiming{chunk, 0, 0});
  m_released.push_back(0);
  if (chunk.layer >= static_cast<int>(m_updates.size())) m_updates.resize(static_cast<std::size_t>(chunk.layer) + 1, 0);
  m_changed.notify(sc_core::SC_ZERO_TIME);
  return static_cast<int>(m_timings.size()) - 1;
}

void WeightStreamer::release(int /*system*/, int seq) {
  ++m_released.at(static_cast<std::size_t>(seq));
  m_changed.notify(sc_core::SC_ZERO_TIME);
}

void WeightStreamer::note_update(int layer) {
  if (layer >= static_cast<int>(m_updates.size())) m_updates.resize(static_cast<std::size_t>(layer) + 1, 0);
  ++m_updates[static_cast<std::size_t>(layer)];
  m_changed.notify(sc_core::SC_ZERO_TIME);
}

bool WeightStreamer::can_issue(int seq) const {
  if (seq >= static_cast<int>(m_timings.size())) return false;
  if (seq >= 2 && m_released[static_cast<std::size_t>(seq - 2)] < static_cast<int>(m_buffers.size())) return false;
  const WeightChunk& c = m_timings[static_cast<std::size_t>(seq)].chunk;
  return m_updates[static_cast<std::size_t>(c.layer)] >= c.gate_updates;
}

void WeightStreamer::run() {
  for (;;) {
    while (!can_issue(m_next)) wait(m_changed);
    ChunkTiming& t = m_timings[static_cast<std::size_t>(m_next)];
    for (WeightBuffer* b : m_buffers) b->expect(m_next, t.chunk);
    t.issue = sc_core::sc_time_stamp() / m_clock.period();
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    m_tree.broadcast(t.chunk.addr, t.chunk.bytes(), delay);
    t.ready = (sc_core::sc_time_stamp() + delay) / m_clock.period();
    ++m_next;
    m_issued.notify(sc_core::SC_ZERO_TIME);
  }
}

double WeightStreamer::wait_ready(int system, int seq) {
  const WeightBuffer& b = *m_buffers.at(static_cast<std::size_t>(system));
  const sc_core::sc_time start = sc_core::sc_time_stamp();
  while (!b.has(seq)) wait(m_issued);
  const sc_core::sc_time ready = b.ready(seq);
  if (ready > sc_core::sc_time_stamp()) wait(ready - sc_core::sc_time_stamp());
  return (sc_core::sc_time_stamp() - start) / m_clock.period();
}

}  // namespace wb::models
