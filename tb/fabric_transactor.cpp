// SPDX-License-Identifier: Apache-2.0
#include "tb/fabric_transactor.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>

#include "sw/error.hpp"

namespace wb::tb {

FabricTransactor::FabricTransactor(sc_core::sc_module_name name, std::unique_ptr<ref::WaferDut> dut,
                                   const models::Clock& clock, std::size_t half_bytes)
    : sc_core::sc_module(name),
      tree2wafer_wt("tree2wafer_wt"),
      m_clock(clock),
      m_buffer("edge_buf", half_bytes, clock),
      wafer2buf_wt("wafer2buf_wt"),
      m_dut(std::move(dut)) {
  tree2wafer_wt.register_b_transport(this, &FabricTransactor::b_transport);
  wafer2buf_wt.bind(m_buffer.tree2sys_wt);
}

void FabricTransactor::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const int seq = m_arrived;
  if (seq >= 2 && !(static_cast<std::size_t>(seq - 2) < m_released.size() && m_released[static_cast<std::size_t>(seq - 2)])) {
    ++m_overwrites;
  }
  wafer2buf_wt->b_transport(gp, delay);
  if (gp.is_response_ok()) ++m_arrived;
}

void FabricTransactor::sync(std::uint64_t cycle) {
  const sc_core::sc_time t = m_clock.time(cycle);
  if (t > sc_core::sc_time_stamp()) wait(t - sc_core::sc_time_stamp());
}

// The streamer wakes one delta after a release (or at time 0) and broadcasts at once.
void FabricTransactor::yield_to_streamer() {
  wait(sc_core::SC_ZERO_TIME);
  wait(sc_core::SC_ZERO_TIME);
}

FabricJobResult FabricTransactor::run_job(const FabricStreamJob& jd) {
  if (m_streamer == nullptr || jd.program == nullptr || jd.row_order == nullptr) {
    throw std::logic_error("fabric transactor: job without streamer, program or row order");
  }
  if (!m_started) {
    yield_to_streamer();
    m_started = true;
  }
  sync(m_cycle);
  FabricJobResult res;
  res.start_cycle = m_cycle;
  const std::uint64_t g0 = m_cycle;  // global cycle = g0 + job cycle
  std::unique_ptr<ref::WaferJob> job = m_dut->start(*jd.program, jd.options);
  if (static_cast<int>(job->inputs()) != jd.layout.used_x) throw std::logic_error("fabric transactor: inputs != PE columns");
  for (std::size_t i = 0; i < job->inputs(); ++i) {
    if (job->appended(i) != 0) throw std::logic_error("fabric transactor: the program's inputs must be empty");
  }

  struct Pending {
    int seq;
    std::vector<std::size_t> ends;  // per input: its wavelets end there
  };
  std::deque<Pending> pending;
  const int end_seq = jd.first_seq + jd.chunks;
  int next = jd.first_seq;
  std::uint64_t last_avail = 0;
  std::vector<std::vector<sw::FabricWavelet>> wavelets;
  auto absorb = [&] {
    while (next < end_seq && m_buffer.has(next)) {
      const sw::MatrixI8& data = m_buffer.data(next);
      const models::WeightChunk& c = m_streamer->timings().at(static_cast<std::size_t>(next)).chunk;
      const std::uint64_t ready = m_clock.cycles(m_buffer.ready(next));
      const std::uint64_t avail = ready > g0 ? ready - g0 : 0;
      wavelets.clear();
      const bool last = next + 1 == end_seq;
      res.streamed_nnz += sw::weight_stream_wavelets(jd.layout, data.data(), jd.row_order->data() + c.row0, c.rows,
                                                     last, wavelets);
      Pending p{next, {}};
      for (std::size_t i = 0; i < job->inputs(); ++i) {
        for (const auto& w : wavelets[i]) job->append(i, w, avail);
        p.ends.push_back(job->appended(i));
      }
      if (last) job->close_inputs();
      last_avail = std::max(last_avail, avail);
      pending.push_back(std::move(p));
      ++next;
    }
  };
  auto complete = [&](const Pending& p) {
    for (std::size_t i = 0; i < p.ends.size(); ++i) {
      if (job->injected(i) < p.ends[i]) return false;
    }
    return true;
  };

  absorb();
  while (!job->done()) {
    if (pending.empty() && next < end_seq) {  // nothing to wait for: the streamer must have issued it
      sync(g0 + job->cycle());
      yield_to_streamer();
      absorb();
      if (next < end_seq && !m_buffer.has(next) && pending.empty()) {
        throw std::runtime_error("fabric transactor: weight chunk " + std::to_string(next) + " never came");
      }
    }
    bool any_ready = false;
    for (std::size_t i = 0; i < job->inputs() && !any_ready; ++i) any_ready = job->ready(i);
    if (!any_ready && (next < end_seq || job->cycle() < last_avail)) ++res.exposed_cycles;
    job->step();
    while (!pending.empty() && complete(pending.front())) {
      const int seq = pending.front().seq;
      pending.pop_front();
      sync(g0 + job->cycle());
      if (static_cast<std::size_t>(seq) >= m_released.size()) m_released.resize(static_cast<std::size_t>(seq) + 1, false);
      m_released[static_cast<std::size_t>(seq)] = true;
      m_release_cycle.resize(m_released.size(), 0);
      m_release_cycle[static_cast<std::size_t>(seq)] = g0 + job->cycle();
      ++m_released_count;
      m_streamer->release(0, seq);
      yield_to_streamer();
      absorb();
    }
  }
  res.run = job->result();
  m_cycle = g0 + job->cycle();
  res.end_cycle = m_cycle;
  sync(m_cycle);
  return res;
}

}  // namespace wb::tb
