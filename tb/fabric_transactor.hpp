// SPDX-License-Identifier: Apache-2.0
#pragma once
// TLM-to-pins bridge of the compute fabric for weight streaming. The reduce tree writes weight
// chunks (whole rows of B, in the store's row order, see sw::weight_stream_row_order) into
// tree2wafer_wt; they land in a double-buffered edge buffer (models::WeightBuffer: two halves,
// chunk s in half s % 2). Each chunk becomes the mapper's addressed MAC wavelets
// (sw::weight_stream_wavelets), appended to the north-edge sources of the running job, available
// from the cycle the chunk was complete in the buffer; the last chunk of a job adds each PE's end-
// of-layer wavelet. A half is released to the WeightStreamer (which then may refill it: back-
// pressure) when every wavelet of its chunk has entered the fabric.
//
// The fabric (RTL or model, through ref::WaferDut::start / ref::WaferJob) is clocked inside run_job, in
// the caller's SC_THREAD, ahead of SystemC time (temporal decoupling). That is exact: the
// streamer issues a chunk only at time 0 or when a half is released, and only this transactor
// releases halves, so before every release the thread waits until SystemC time reaches the
// fabric's cycle, releases, and lets the streamer issue (two delta cycles); every chunk the
// fabric can use is then known, with the cycle it becomes available.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "models/clock.hpp"
#include "models/weight_streamer.hpp"
#include "sw/fabric_mapper.hpp"
#include "models/ref/fabric_dut.hpp"

namespace wb::tb {

// One job: a weight-streaming program whose edge inputs are filled from chunks
// [first_seq, first_seq + chunks) of the streamer (every row of B once).
struct FabricStreamJob {
  const sw::FabricProgram* program = nullptr;  // its inputs' wavelet lists must be empty
  sw::WeightStreamLayout layout;
  const std::vector<int>* row_order = nullptr;  // store row p of the layer is row (*row_order)[p] of B
  int first_seq = 0, chunks = 0;
  ref::WaferRunOptions options;
};

struct FabricJobResult {
  ref::WaferRunResult run;               // the job's counters and C (run.cycles: first wavelet in .. last result out)
  std::uint64_t start_cycle = 0;    // global fabric cycle of the job's reset (loading starts)
  std::uint64_t end_cycle = 0;      // global cycle the job was done (results in, fabric settled)
  std::uint64_t exposed_cycles = 0; // stream-phase cycles with no wavelet available at any edge input
                                    // while some of the job's weights had not yet arrived
  std::uint64_t streamed_nnz = 0;   // weight wavelets (end-of-layer wavelets not counted)
};

class FabricTransactor : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<FabricTransactor> tree2wafer_wt;

  // Throws sw::InputError when half_bytes is 0.
  FabricTransactor(sc_core::sc_module_name name, std::unique_ptr<ref::WaferDut> dut, const models::Clock& clock,
                   std::size_t half_bytes);

  // The edge buffer, as the WeightStreamer sees it (its "system 0").
  models::WeightBuffer& buffer() { return m_buffer; }
  void set_streamer(models::WeightStreamer* streamer) { m_streamer = streamer; }

  // Runs one job to completion; call from an SC_THREAD, jobs in chunk order. Throws
  // std::runtime_error from the fabric's watchdog or a stalled stream.
  FabricJobResult run_job(const FabricStreamJob& job);

  std::uint64_t cycle() const { return m_cycle; }  // global fabric cycles (all jobs, loading included)
  // Chunks written into a half whose previous chunk was not released yet (must stay 0).
  std::uint64_t overwrites() const { return m_overwrites; }
  std::uint64_t releases() const { return m_released_count; }
  // Global cycle at which each chunk's half was released (by sequence number).
  const std::vector<std::uint64_t>& release_cycles() const { return m_release_cycle; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void sync(std::uint64_t cycle);
  void yield_to_streamer();

  models::Clock m_clock;
  models::WeightBuffer m_buffer;
  tlm_utils::simple_initiator_socket<FabricTransactor> wafer2buf_wt;
  std::unique_ptr<ref::WaferDut> m_dut;
  models::WeightStreamer* m_streamer = nullptr;
  std::uint64_t m_cycle = 0;
  std::vector<bool> m_released;  // by chunk sequence number
  std::vector<std::uint64_t> m_release_cycle;
  int m_arrived = 0;
  std::uint64_t m_overwrites = 0, m_released_count = 0;
  bool m_started = false;
};

}  // namespace wb::tb
