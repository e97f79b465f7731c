// SPDX-License-Identifier: Apache-2.0
#include "tb/systolic_array_transactor.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/beat_stream.hpp"
#include "sw/error.hpp"

namespace wb::tb {

ArrayTransactor::ArrayTransactor(sc_core::sc_module_name name, std::unique_ptr<ref::ArrayDut> dut,
                                 const models::Clock& clock, std::size_t buffer_beats)
    : sc_core::sc_module(name),
      streamer2sa_a("streamer2sa_a"),
      streamer2sa_b("streamer2sa_b"),
      m_dut(std::move(dut)),
      m_clock(clock),
      m_buffer_beats(buffer_beats),
      m_nm_keep(m_dut->nm_group()) {
  if (buffer_beats == 0) throw sw::InputError("array input buffer must hold at least one beat");
  streamer2sa_a.register_b_transport(this, &ArrayTransactor::b_transport_a);
  streamer2sa_b.register_b_transport(this, &ArrayTransactor::b_transport_b);
  m_dut->set_sink(&m_collector);
  // WS streams the next fold's R weight beats before this fold's A beats, while the array holds
  // this fold's weights: a B buffer below R beats would deadlock (arrays over 128 rows).
  m_buffer_beats = std::max(m_buffer_beats, static_cast<std::size_t>(m_dut->rows()));
}

std::uint64_t ArrayTransactor::begin_job(const sw::GemmPlan& plan, std::uint64_t now_cycle) {
  if (m_dut->cycle() < now_cycle) m_dut->idle_cycles(now_cycle - m_dut->cycle());
  if (plan.nm().sparse() != (m_dut->nm_group() > 0) || (plan.nm().sparse() && plan.nm().m != m_dut->nm_group())) {
    throw std::logic_error("an N:M plan needs the N:M sparse array with its group size, a dense plan the dense array");
  }
  if (plan.dataflow() != m_dataflow) {
    m_dut->set_dataflow(plan.dataflow());
    m_dataflow = plan.dataflow();
  }
  if (plan.nm().sparse() && plan.nm().n != m_nm_keep) {
    m_dut->set_nm_keep(plan.nm().n);
    m_nm_keep = plan.nm().n;
  }
  m_collector.begin(plan);
  return m_dut->cycle();
}

void ArrayTransactor::accept(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay, bool is_a) {
  auto* ext = gp.get_extension<models::BeatStreamExt>();
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (ext == nullptr || !gp.is_write()) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (ext->end_of_job) {
    finish_job();
    delay = m_clock.time(std::max(m_dut->cycle(), m_clock.cycles(now + delay))) - now;
  } else {
    ref::BeatQueue& queue = is_a ? m_dut->a_queue() : m_dut->b_queue();
    const std::size_t width = static_cast<std::size_t>(queue.width());
    if (static_cast<std::size_t>(ext->beat_bytes) != width || gp.get_data_length() % width != 0) {
      gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
      return;
    }
    const std::size_t beats = gp.get_data_length() / width;
    // Room in the buffer: clock the array until enough beats have left it.
    const std::size_t keep = beats >= m_buffer_beats ? 0 : m_buffer_beats - beats;
    if (queue.size() > keep) {
      ref::RunUntil until;
      (is_a ? until.a_queued_at_most : until.b_queued_at_most) = keep;
      m_dut->run(until);
    }
    const std::uint64_t accepted = std::max(m_clock.cycles(now + delay), m_dut->cycle());
    const std::uint64_t avail = std::max(accepted, ext->avail_cycle);
    const auto* data = reinterpret_cast<const std::int8_t*>(gp.get_data_ptr());
    for (std::size_t i = 0; i < beats; ++i) {
      queue.push(data + i * width, avail, ext->last_is_fold_end && i + 1 == beats);
    }
    delay = m_clock.time(accepted) - now;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void ArrayTransactor::finish_job() {
  ref::RunUntil until;
  until.a_queued_at_most = 0;
  until.b_queued_at_most = 0;
  until.c_beats_at_least = m_dut->counters().c_beats + (m_collector.expected() - m_collector.received());
  until.idle = true;
  m_dut->run(until);
}

}  // namespace wb::tb
