// SPDX-License-Identifier: Apache-2.0
#pragma once
// TLM-2.0 LT initiator that streams a GEMM's operands from memory to the array, fold by fold,
// in the order of sw::stream_schedule. For each group of beats it reads the rows of A or B the
// group needs (memory timing decides when they arrive), builds the edge beats and writes them
// to the array transactor, which accepts them when its input buffer has room; the streamer
// issues the next reads from then on (temporal decoupling with a quantum keeper).
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <vector>

#include "models/clock.hpp"
#include "sw/gemm_plan.hpp"

namespace wb::models {

struct StreamerOptions {
  int chunk_beats = 32;  // beats per write to the array
};

struct StreamerCounters {
  std::uint64_t mem_reads = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t a_bytes_read = 0;  // of bytes_read, A's (the rest is B's)
  std::uint64_t b_metadata_bytes_read = 0;  // of B's, an N:M operand's packed offsets
  std::uint64_t beats_sent = 0;
};

class GemmStreamer : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<GemmStreamer> streamer2mem;
  tlm_utils::simple_initiator_socket<GemmStreamer> streamer2sa_a;
  tlm_utils::simple_initiator_socket<GemmStreamer> streamer2sa_b;

  GemmStreamer(sc_core::sc_module_name name, const StreamerOptions& options, const Clock& clock);

  // Streams the whole GEMM (A at a_addr, B at b_addr, both row-major int8; an N:M plan's B in
  // the nm storage format, sw::encode of its sw::NmOperand::compressed) and returns once the
  // array reports every result out; SystemC time is then the cycle of the last result. Call
  // from an SC_THREAD.
  void stream(const sw::GemmPlan& plan, std::uint64_t a_addr, std::uint64_t b_addr);

  const StreamerCounters& counters() const { return m_counters; }

 private:
  // Reads `region` of a row-major matrix with `ld` columns at `base`; returns the block and
  // sets `ready` to the local time at which all of it has arrived.
  sw::MatrixI8 read_region(std::uint64_t base, int ld, const sw::Region& region, sc_core::sc_time& ready);
  // The same for an N:M plan's B (`region` in the (weight, offset) columns of its operand) from
  // the nm storage format at `base`: for each row, or once for whole rows, a read of the values
  // and one of the bytes their packed offsets lie in; returns the pairs the beats take.
  sw::MatrixI8 read_nm_region(std::uint64_t base, const sw::GemmPlan& plan, const sw::Region& region,
                              sc_core::sc_time& ready);
  // One timed read of `bytes` at `addr` into `dst`; `ready` becomes the later of it and its arrival.
  void read_bytes(std::uint64_t addr, void* dst, std::size_t bytes, sc_core::sc_time& ready);
  void write_beats(tlm_utils::simple_initiator_socket<GemmStreamer>& socket, std::vector<std::int8_t>& bytes,
                   int beat_bytes, const sc_core::sc_time& ready, bool last_is_fold_end, bool end_of_job);

  StreamerOptions m_options;
  Clock m_clock;
  tlm_utils::tlm_quantumkeeper m_qk;
  StreamerCounters m_counters;
  // One payload for every memory read: a payload's construction allocates its extension array,
  // and a weight-stationary A beat is one read of its own (about one per cycle).
  tlm::tlm_generic_payload m_read;
};

}  // namespace wb::models
