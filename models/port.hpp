// SPDX-License-Identifier: Apache-2.0
#pragma once
// A port or link with a bandwidth that serves transfers one after another, in the order they
// are issued (LT call order): a transfer issued at `issue` starts when the port is free and
// holds it for bytes / bytes_per_cycle cycles. Memory, the weight store's tiers and the reduce
// tree's links all share this rule, so their queueing is the same by construction.
#include <systemc>

#include <cstddef>

#include "models/clock.hpp"

namespace wb::models {

class Port {
 public:
  // The owner validates bytes_per_cycle > 0 (its error names the owner).
  Port(double bytes_per_cycle, const Clock& clock) : m_bytes_per_cycle(bytes_per_cycle), m_clock(clock) {}

  sc_core::sc_time transfer_time(std::size_t bytes) const {
    return m_clock.period() * (static_cast<double>(bytes) / m_bytes_per_cycle);
  }
  // Queues a transfer of `bytes` issued at `issue`; returns when it starts.
  sc_core::sc_time reserve(const sc_core::sc_time& issue, std::size_t bytes) {
    const sc_core::sc_time start = issue > m_free ? issue : m_free;
    const sc_core::sc_time transfer = transfer_time(bytes);
    m_free = start + transfer;
    m_busy += transfer;
    return start;
  }
  // Keeps the port from starting anything before t (a receiver that took its data late);
  // not counted as busy time.
  void hold_until(const sc_core::sc_time& t) {
    if (t > m_free) m_free = t;
  }
  const sc_core::sc_time& free_at() const { return m_free; }
  double busy_cycles() const { return m_busy / m_clock.period(); }

 private:
  double m_bytes_per_cycle;
  Clock m_clock;
  sc_core::sc_time m_free;  // when the transfers queued so far are done
  sc_core::sc_time m_busy;  // total transfer time so far
};

}  // namespace wb::models
