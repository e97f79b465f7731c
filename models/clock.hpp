// SPDX-License-Identifier: Apache-2.0
#pragma once
// Conversion between SystemC time and array clock cycles (one clock for the whole system).
#include <systemc>

#include <cstdint>

namespace wb::models {

class Clock {
 public:
  explicit Clock(double mhz) : m_period(1000.0 / mhz, sc_core::SC_NS) {}
  const sc_core::sc_time& period() const { return m_period; }
  // Cycle index of time t (rounded up: an event inside a cycle is seen at its next edge).
  std::uint64_t cycles(const sc_core::sc_time& t) const {
    const double c = t / m_period;
    const auto whole = static_cast<std::uint64_t>(c);
    return (static_cast<double>(whole) + 1e-9 < c) ? whole + 1 : whole;
  }
  sc_core::sc_time time(std::uint64_t cycles) const { return m_period * static_cast<double>(cycles); }

 private:
  sc_core::sc_time m_period;
};

}  // namespace wb::models
