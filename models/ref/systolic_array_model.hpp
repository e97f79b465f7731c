// SPDX-License-Identifier: Apache-2.0
#pragma once
// C++ reference model of sa_systolic_array behind the same ArrayDut interface as the Verilated
// RTL (the swap rule: the same testbench and traces drive either). Beat-level, not per-PE: the
// edge controller (ready/valid, credits, WS weight double buffering, OS drain gap) is modelled
// register for register, and each admitted beat's results are computed at once and released
// into the output FIFO after the grid's fixed latency:
//   WS: an A beat fired in cycle t enters the FIFO in cycle t + R + C (result takeable t + R + C + 1);
//   OS: a last beat pair fired in cycle t puts row R-1-j into the FIFO in cycle t + R + C + j.
// The run loop is ArrayDut::drive, shared with VerilatedArrayDut (same random stalls), so
// on the same traces and seed the model's cycles and outputs equal the RTL's. Any rows x cols.
// With DutOptions::nm_group = M it models the N:M sparse array (sa_nm_systolic_array), whose
// timing is the WS one: each PE's weight comes with its offset o in its group, and row r
// multiplies it by activation (r / n) * M + o of the A beat.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "sw/rng.hpp"
#include "models/ref/systolic_array_dut.hpp"

namespace wb::ref {

class ModelArrayDut final : public ArrayDut {
 public:
  // Throws sw::InputError for a non-positive size or a trace request (the model has no pins to dump).
  ModelArrayDut(int rows, int cols, const DutOptions& options);

  void set_dataflow(sw::Dataflow dataflow) override;
  void set_nm_keep(int n) override;
  bool idle() const override { return m_credit == m_fifo_depth; }
  void run(const RunUntil& until) override;
  void idle_cycles(std::uint64_t cycles) override;

 private:
  struct Result {
    std::uint64_t avail;  // first cycle the FIFO presents it (c_valid_o)
    std::size_t slot;     // row of m_results
  };

  // One clock cycle with the given input valids and output ready; returns whether a beat moved.
  bool step(bool a_valid, bool b_valid, bool c_ready);
  void fire_ws_a(const std::int8_t* a);
  void fire_nm_a(const std::int8_t* a);
  void fire_os_pair(const std::int8_t* a, const std::int8_t* b, bool last);
  std::int32_t* new_result(std::uint64_t avail);
  std::string watchdog_message(const RunUntil& until) const;

  DutOptions m_options;
  sw::SplitMix64 m_rng;
  int m_fifo_depth;
  bool m_os = false;  // dataflow_i
  int m_nm_keep = 0;  // N:M sparse array: n
  // Edge controller registers (same names as the RTL).
  bool m_a_first = true;
  int m_b_cnt = 0;
  int m_gap = 0;
  int m_credit;
  // WS: weights being loaded (shadow) and in use; OS: the accumulators. Row-major, R x C.
  std::vector<std::int8_t> m_shadow;
  std::vector<std::int8_t> m_weight;
  std::vector<std::uint8_t> m_shadow_offset;  // N:M sparse array: each weight's offset in its group
  std::vector<std::uint8_t> m_offset;
  std::vector<std::uint32_t> m_acc;
  std::vector<std::uint32_t> m_row;  // WS: one output beat being summed
  // Results inside the grid or the output FIFO, in output order; storage is a ring of slots.
  std::deque<Result> m_pending;
  std::vector<std::int32_t> m_results;
  std::size_t m_next_slot = 0;
};

}  // namespace wb::ref
