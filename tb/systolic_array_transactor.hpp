// SPDX-License-Identifier: Apache-2.0
#pragma once
// TLM-to-pins bridge of the systolic array: accepts beat writes from a streamer into bounded
// input buffers and clocks the Verilated array (through ref::ArrayDut) only as far as it must: to
// make room for new beats, or to finish a job. The monitor (ref::GemmCollector) takes the results.
// Advancing the RTL inside b_transport keeps the whole run in one thread with no per-cycle
// wait(): SystemC time only moves when the streamer syncs its quantum.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <memory>

#include "models/clock.hpp"
#include "models/ref/systolic_array_dut.hpp"
#include "models/ref/gemm_collector.hpp"

namespace wb::tb {

class ArrayTransactor : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<ArrayTransactor> streamer2sa_a;
  tlm_utils::simple_target_socket<ArrayTransactor> streamer2sa_b;

  ArrayTransactor(sc_core::sc_module_name name, std::unique_ptr<ref::ArrayDut> dut, const models::Clock& clock,
                  std::size_t buffer_beats);

  // Readies the array for the next job (switching its dataflow or N:M mode if needed) and points the
  // monitor at the job's plan. Returns the job's first cycle.
  std::uint64_t begin_job(const sw::GemmPlan& plan, std::uint64_t now_cycle);
  ref::GemmCollector& collector() { return m_collector; }
  ref::ArrayDut& dut() { return *m_dut; }
  const ref::ArrayDut& dut() const { return *m_dut; }

 private:
  void b_transport_a(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { accept(gp, delay, true); }
  void b_transport_b(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) { accept(gp, delay, false); }
  void accept(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay, bool is_a);
  void finish_job();

  std::unique_ptr<ref::ArrayDut> m_dut;
  models::Clock m_clock;
  std::size_t m_buffer_beats;
  ref::GemmCollector m_collector;
  sw::Dataflow m_dataflow = sw::Dataflow::kWeightStationary;
  int m_nm_keep;  // the N:M sparse array's n
};

}  // namespace wb::tb
