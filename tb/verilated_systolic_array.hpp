// SPDX-License-Identifier: Apache-2.0
#pragma once
// ref::ArrayDut over a Verilated sa_systolic_array class `V` (one per configuration), or over
// a Verilated sa_nm_systolic_array (the N:M sparse array: recognised by its nm_shift_i pin).
// Include only from translation units that do not include <systemc> first (Verilator headers
// go first).
#include <verilated.h>

#include <memory>
#include <sstream>
#include <stdexcept>

#include "sw/rng.hpp"
#include "models/ref/systolic_array_dut.hpp"
#include "tb/verilated_model.hpp"
#include "tb/wave_dump.hpp"
#include "wb/gtkw_views.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

// Whether the Verilated class is the N:M sparse array.
template <class V, class = void>
struct IsNmArray : std::false_type {};
template <class V>
struct IsNmArray<V, std::void_t<decltype(std::declval<V&>().nm_shift_i)>> : std::true_type {};

template <class V>
class VerilatedArrayDut final : public ref::ArrayDut {
  static constexpr bool kNm = IsNmArray<V>::value;

 public:
  VerilatedArrayDut(int rows, int cols, const ref::DutOptions& options)
      : ref::ArrayDut(rows, cols, kNm ? hw::kNmGroup : 0),
        m_options(options),
        m_rng(options.seed),
        m_context(std::make_unique<VerilatedContext>()) {
    m_context->traceEverOn(!options.trace_path.empty());
    m_top = std::make_unique<V>(m_context.get(), "top");
    m_c_beat.resize(static_cast<std::size_t>(cols));
    m_trace = std::make_unique<WaveDump>(*m_top, options.trace_path, options.trace_settings,
                                         kNm ? views::k_nm_systolic_array : views::k_systolic_array,
                                         kTracePeriodPs);
    reset();
  }

  ~VerilatedArrayDut() override {
    m_trace.reset();  // closes the dump before the model goes
    destroy_model(*m_context, m_top);
  }

  void set_dataflow(sw::Dataflow dataflow) override {
    if (!idle() || !m_a.empty() || !m_b.empty()) {
      throw std::logic_error("dataflow changed while the array is busy");
    }
    if constexpr (kNm) {
      if (dataflow != sw::Dataflow::kWeightStationary) throw std::logic_error("the N:M sparse array is weight-stationary");
    } else {
      m_top->dataflow_i = dataflow == sw::Dataflow::kOutputStationary ? 1 : 0;
    }
    // The grid uses a registered copy of the mode: let it settle.
    idle_cycles(2);
  }

  void set_nm_keep(int n) override {
    if constexpr (kNm) {
      if (n <= 0 || hw::kNmGroup % n != 0) throw std::logic_error("N:M keep must divide the group");
      if (!idle() || !m_a.empty() || !m_b.empty()) throw std::logic_error("N:M mode changed while the array is busy");
      m_top->nm_shift_i = static_cast<CData>(log2_of(n));
    } else {
      ref::ArrayDut::set_nm_keep(n);
    }
  }

  bool idle() const override { return m_top->idle_o; }

  void idle_cycles(std::uint64_t cycles) override {
    for (std::uint64_t i = 0; i < cycles; ++i) {
      m_top->a_valid_i = 0;
      m_top->b_valid_i = 0;
      m_top->c_ready_i = 1;
      step(false, false);
    }
  }

  void run(const ref::RunUntil& until) override {
    drive(
        until, m_options, m_rng,
        [this](bool a_valid, bool b_valid, bool c_ready) {
          if (a_valid && m_a_stale) load_a();
          if (b_valid && m_b_stale) load_b();
          m_top->a_valid_i = a_valid;
          m_top->b_valid_i = b_valid;
          m_top->c_ready_i = c_ready;
          return step(a_valid, b_valid);
        },
        [this] { return m_top->idle_o != 0; }, [&] { return watchdog_message(until); });
  }

 private:
  void load_a() {
    const std::int8_t* d = m_a.front_data();
    for (int r = 0; r < m_a.width(); ++r) m_top->a_data_i[r] = static_cast<CData>(d[r]);
    m_top->a_last_i = m_a.front_last();
    m_a_stale = false;
  }

  void load_b() {
    const std::int8_t* d = m_b.front_data();
    if constexpr (kNm) {  // (weight, offset) per column
      for (int c = 0; c < m_cols; ++c) {
        m_top->b_data_i[c] = static_cast<CData>(d[2 * c]);
        m_top->b_off_i[c] = static_cast<CData>(d[2 * c + 1]);
      }
    } else {
      for (int c = 0; c < m_cols; ++c) m_top->b_data_i[c] = static_cast<CData>(d[c]);
    }
    m_b_stale = false;
  }

  // n divides the group, a power of two: so is n.
  static int log2_of(int n) {
    int shift = 0;
    while ((1 << shift) < n) ++shift;
    return shift;
  }

  // One clock cycle: settle with clk low, sample the handshakes, rising edge. Returns whether
  // any beat moved.
  bool step(bool a_valid, bool b_valid) {
    m_top->clk_i = 0;
    m_top->eval();
    m_trace->dump(m_cycle, false);
    const bool a_fire = a_valid && m_top->a_ready_o;
    const bool b_fire = b_valid && m_top->b_ready_o;
    const bool c_valid = m_top->c_valid_o;
    const bool c_fire = c_valid && m_top->c_ready_i;
    if (c_fire) {
      for (int c = 0; c < m_cols; ++c) m_c_beat[c] = static_cast<std::int32_t>(m_top->c_data_o[c]);
      ++m_counters.c_beats;
      if (m_sink) m_sink->on_output(m_c_beat.data(), m_cycle);
    } else if (c_valid) {
      ++m_counters.c_stalled;
    }
    m_top->clk_i = 1;
    m_top->eval();
    m_trace->dump(m_cycle, true);
    if (a_fire) {
      m_a.pop();
      m_a_stale = true;
      ++m_counters.a_beats;
    }
    if (b_fire) {
      m_b.pop();
      m_b_stale = true;
      ++m_counters.b_beats;
    }
    ++m_cycle;
    return a_fire || b_fire || c_fire;
  }

  void reset() {
    if constexpr (kNm) {
      m_top->nm_shift_i = static_cast<CData>(log2_of(hw::kNmGroup));  // n = M (dense), as the model
    } else {
      m_top->dataflow_i = 0;
    }
    m_top->a_valid_i = 0;
    m_top->b_valid_i = 0;
    m_top->c_ready_i = 0;
    reset_model(*m_top);
  }

  std::string watchdog_message(const ref::RunUntil& until) const {
    std::ostringstream os;
    os << "watchdog: no beat moved for " << m_options.watchdog_cycles << " cycles at cycle " << m_cycle
       << " (a queued=" << m_a.size() << " a_ready=" << int(m_top->a_ready_o)
       << ", b queued=" << m_b.size() << " b_ready=" << int(m_top->b_ready_o)
       << ", c_valid=" << int(m_top->c_valid_o) << ", c beats=" << m_counters.c_beats << "/"
       << until.c_beats_at_least << ", idle=" << int(m_top->idle_o) << ")";
    return os.str();
  }

  // Dump times in picoseconds (Verilator's default precision) at the configured clock, so the
  // waveform's time axis is real time.
  static constexpr std::uint64_t kTracePeriodPs = static_cast<std::uint64_t>(1e6 / hw::kClockMhz);

  ref::DutOptions m_options;
  sw::SplitMix64 m_rng;
  std::unique_ptr<VerilatedContext> m_context;
  std::unique_ptr<V> m_top;
  std::unique_ptr<WaveDump> m_trace;
  std::vector<std::int32_t> m_c_beat;
  bool m_a_stale = true;
  bool m_b_stale = true;
};

}  // namespace wb::tb
