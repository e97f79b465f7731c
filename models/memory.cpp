// SPDX-License-Identifier: Apache-2.0
#include "models/memory.hpp"

#include "sw/error.hpp"

namespace wb::models {

Memory::Memory(sc_core::sc_module_name name, std::size_t capacity_bytes, const MemoryTiming& timing,
               const Clock& clock)
    : sc_core::sc_module(name), streamer2mem("streamer2mem"), m_bytes(capacity_bytes), m_timing(timing), m_clock(clock),
      m_port(timing.bytes_per_cycle, clock) {
  if (!(timing.bytes_per_cycle > 0.0)) throw sw::InputError("memory bandwidth must be positive");
  streamer2mem.register_b_transport(this, &Memory::b_transport);
  streamer2mem.register_transport_dbg(this, &Memory::transport_dbg);
}

bool Memory::access(tlm::tlm_generic_payload& gp) {
  const std::uint64_t addr = gp.get_address();
  const std::size_t len = gp.get_data_length();
  if (addr > m_bytes.size() || len > m_bytes.size() - addr) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (gp.is_read()) {
    m_bytes.read(addr, gp.get_data_ptr(), len);
  } else if (gp.is_write()) {
    m_bytes.write(addr, gp.get_data_ptr(), len);
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  return true;
}

void Memory::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  if (!access(gp)) return;
  const std::size_t len = gp.get_data_length();
  (gp.is_read() ? m_bytes_read : m_bytes_written) += len;
  m_port.reserve(sc_core::sc_time_stamp() + delay, len);
  delay = m_port.free_at() + m_clock.time(m_timing.latency_cycles) - sc_core::sc_time_stamp();
}

unsigned int Memory::transport_dbg(tlm::tlm_generic_payload& gp) {
  return access(gp) ? gp.get_data_length() : 0u;
}

}  // namespace wb::models
