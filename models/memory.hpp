// SPDX-License-Identifier: Apache-2.0
#pragma once
// Byte-addressed memory as a TLM-2.0 LT target, with a latency and a bandwidth: a transfer of
// n bytes issued at t starts when the port is free (transfers queue behind each other), holds
// the port for n / bandwidth cycles, and its data is complete latency cycles after that.
// transport_dbg (host loads) costs no time.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>

#include "models/clock.hpp"
#include "models/paged_bytes.hpp"
#include "models/port.hpp"

namespace wb::models {

struct MemoryTiming {
  double bytes_per_cycle = 64.0;
  std::uint64_t latency_cycles = 10;
};

class Memory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Memory> streamer2mem;

  // Throws sw::InputError on a non-positive bandwidth.
  Memory(sc_core::sc_module_name name, std::size_t capacity_bytes, const MemoryTiming& timing, const Clock& clock);

  std::size_t capacity() const { return m_bytes.size(); }
  std::uint64_t bytes_read() const { return m_bytes_read; }
  std::uint64_t bytes_written() const { return m_bytes_written; }
  std::size_t resident_bytes() const { return m_bytes.resident_bytes(); }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& gp);
  bool access(tlm::tlm_generic_payload& gp);

  PagedBytes m_bytes;  // allocated on first write
  MemoryTiming m_timing;
  Clock m_clock;
  Port m_port;
  std::uint64_t m_bytes_read = 0;
  std::uint64_t m_bytes_written = 0;
};

}  // namespace wb::models
