// SPDX-License-Identifier: Apache-2.0
#pragma once
// ref::ArrayDut over a Verilated sa_systolic_array class `V` (one per configuration). Include only
// from translation units that do not include <systemc> first (Verilator headers go first).
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

template <class V>
class VerilatedArrayDut final : public ref::ArrayDut {
 public:
  VerilatedArrayDut(int rows, int cols, const ref::DutOptions& options)
      : ref::ArrayDut(rows, cols),
        m_options(options),
        m_rng(options.seed),
        m_context(std::make_unique<VerilatedContext>()) {
    m_context->traceEverOn(!options.trace_path.empty());
    m_top = std::make_unique<V>(m_context.get(), "top");
    m_c_beat.resize(static_cast<std::size_t>(cols));
    m_trace = std::make_unique<WaveDump>(*m_top, options.trace_path, options.trace_settings, views::k_systolic_array,
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
    m_top->dataflow_i = dataflow == sw::Dataflow::kOutputStationary ? 1 : 0;
    // The grid uses a registered copy of the mode: let it settle.
    idle_cycles(2);
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
    for (int r = 0; r < m_rows; ++r) m_top->a_data_i[r] = static_cast<CData>(d[r]);
    m_top->a_last_i = m_a.front_last();
    m_a_stale = false;
  }

  void load_b() {
    const std::int8_t* d = m_b.front_data();
    for (int c = 0; c < m_cols; ++c) m_top->b_data_i[c] = static_cast<CData>(d[c]);
    m_b_stale = false;
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
    m_top->dataflow_i = 0;
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
