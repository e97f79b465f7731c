// SPDX-License-Identifier: Apache-2.0
#pragma once
// Pin-level driver of one Verilated systolic-array configuration, behind a size-independent
// interface. The per-cycle loop lives in the template (tb/verilated_systolic_array.hpp): no virtual call
// per cycle. Inputs come from two BeatQueues (A, B); results go to an OutputSink.
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sw/gemm_plan.hpp"
#include "sw/rng.hpp"
#include "sw/trace_settings.hpp"
#include "models/ref/beat_queue.hpp"
#include "models/ref/engine.hpp"  // the ArrayDut model: models/ref/systolic_array_model.hpp

namespace wb::ref {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void on_output(const std::int32_t* beat, std::uint64_t cycle) = 0;
};

struct DutOptions {
  Engine engine = Engine::kRtl;
  // Probability, per cycle, that the testbench withholds a_valid / b_valid / c_ready even
  // though it could assert it (random back-pressure and bubbles).
  double a_stall = 0.0;
  double b_stall = 0.0;
  double c_stall = 0.0;
  std::uint64_t seed = 1;
  // A run fails when no beat moves on any port for this many cycles while work is pending.
  std::uint64_t watchdog_cycles = 20000;
  std::string trace_path;  // waveform when not empty (RTL only)
  sw::TraceSettings trace_settings;  // its window, depth, format and view
  // 0: the dense array (sa_systolic_array); M: the N:M sparse array (sa_nm_systolic_array, WS
  // only) with groups of M along K (the RTL's is hw::kNmGroup).
  int nm_group = 0;
};

struct DutCounters {
  std::uint64_t a_beats = 0;
  std::uint64_t b_beats = 0;
  std::uint64_t c_beats = 0;
  std::uint64_t c_stalled = 0;  // cycles with c_valid_o && !c_ready_i
};

// What ArrayDut::run waits for (all must hold).
struct RunUntil {
  std::size_t a_queued_at_most = std::numeric_limits<std::size_t>::max();
  std::size_t b_queued_at_most = std::numeric_limits<std::size_t>::max();
  std::uint64_t c_beats_at_least = 0;
  bool idle = false;  // no result in flight inside the array
};

class ArrayDut {
 public:
  // The N:M sparse array's beats are wider: A rows * nm_group, B (weight, offset) per column.
  ArrayDut(int rows, int cols, int nm_group = 0)
      : m_rows(rows),
        m_cols(cols),
        m_nm_group(nm_group),
        m_a(nm_group > 0 ? rows * nm_group : rows),
        m_b(nm_group > 0 ? 2 * cols : cols) {}
  virtual ~ArrayDut() = default;
  ArrayDut(const ArrayDut&) = delete;
  ArrayDut& operator=(const ArrayDut&) = delete;

  int rows() const { return m_rows; }
  int cols() const { return m_cols; }
  int nm_group() const { return m_nm_group; }  // 0: the dense array
  BeatQueue& a_queue() { return m_a; }
  BeatQueue& b_queue() { return m_b; }
  void set_sink(OutputSink* sink) { m_sink = sink; }
  std::uint64_t cycle() const { return m_cycle; }
  const DutCounters& counters() const { return m_counters; }

  // Switches the dataflow pin; the array must be idle with empty queues.
  virtual void set_dataflow(sw::Dataflow dataflow) = 0;
  // The N:M sparse array's n (kept of every nm_group() along K, a power of two dividing it); the
  // array must be idle with empty queues. The dense array has no such mode (logic_error).
  virtual void set_nm_keep(int /*n*/) { throw std::logic_error("the dense array has no N:M mode"); }
  virtual bool idle() const = 0;
  // Clocks the array until `until` holds. Throws std::runtime_error from the watchdog.
  virtual void run(const RunUntil& until) = 0;
  // Clocks the array with no input for `cycles` cycles.
  virtual void idle_cycles(std::uint64_t cycles) = 0;

 protected:
  // The stimulus loop every engine shares, so that on the same traces and seed the RTL and the
  // model see the same valids, readies and random stalls: each cycle it presents the queue heads
  // that are available, withholds a_valid / b_valid / c_ready at random (DutOptions), clocks one
  // cycle with `step(a_valid, b_valid, c_ready)` (returns whether a beat moved) and runs the
  // watchdog, until `until` holds (`is_idle()`: no result in flight).
  template <class Step, class IsIdle, class Message>
  void drive(const RunUntil& until, const DutOptions& options, sw::SplitMix64& rng, Step&& step, IsIdle&& is_idle,
             Message&& watchdog_message) {
    const auto done = [&] {
      return m_a.size() <= until.a_queued_at_most && m_b.size() <= until.b_queued_at_most &&
             m_counters.c_beats >= until.c_beats_at_least && (!until.idle || is_idle());
    };
    std::uint64_t last_move = m_cycle;
    const bool stalls = options.a_stall > 0 || options.b_stall > 0 || options.c_stall > 0;
    while (!done()) {
      // Waiting for data that is not available yet is not a hang.
      const bool a_ready_data = !m_a.empty() && m_a.front_avail() <= m_cycle;
      const bool b_ready_data = !m_b.empty() && m_b.front_avail() <= m_cycle;
      bool a_valid = a_ready_data;
      bool b_valid = b_ready_data;
      bool c_ready = true;
      if (stalls) {
        if (a_valid && rng.chance(options.a_stall)) a_valid = false;
        if (b_valid && rng.chance(options.b_stall)) b_valid = false;
        c_ready = !rng.chance(options.c_stall);
      }
      const bool results_due = m_a.empty() && m_b.empty() && m_counters.c_beats < until.c_beats_at_least;
      const bool moved = step(a_valid, b_valid, c_ready);
      if (moved || !(a_ready_data || b_ready_data || results_due)) {
        last_move = m_cycle;
      } else if (m_cycle - last_move > options.watchdog_cycles) {
        throw std::runtime_error(watchdog_message());
      }
    }
  }

  int m_rows;
  int m_cols;
  int m_nm_group;
  BeatQueue m_a;
  BeatQueue m_b;
  OutputSink* m_sink = nullptr;
  std::uint64_t m_cycle = 0;
  DutCounters m_counters;
};


}  // namespace wb::ref
