// SPDX-License-Identifier: Apache-2.0
#pragma once
// ref::WaferDut over a Verilated sa_fabric class `V` built with PEs: the pins that the shared edge
// driver (models/ref/fabric_drive.hpp) clocks. Include only where no SystemC header came first.
#include <verilated.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sw/error.hpp"
#include "sw/rng.hpp"
#include "tb/verilated_model.hpp"
#include "tb/wave_dump.hpp"
#include "wb/gtkw_views.hpp"
#include "models/ref/fabric_drive.hpp"
#include "models/ref/fabric_dut.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

template <class V>
class VerilatedWaferDut final : public ref::WaferDut {
 public:
  VerilatedWaferDut(int k, int threads, const std::string& trace_path, const sw::TraceSettings& trace_settings = {})
      : m_k(k) {
    m_ctx.threads(static_cast<unsigned>(threads));
    m_ctx.traceEverOn(!trace_path.empty());
    m_top = std::make_unique<V>(&m_ctx, "top");
    m_trace = std::make_unique<WaveDump>(*m_top, trace_path, trace_settings, views::k_tile, kTracePeriodPs);
  }
  ~VerilatedWaferDut() override {
    m_trace.reset();  // closes the dump before the model goes
    destroy_model(m_ctx, m_top);
  }
  int mesh() const override { return m_k; }

  ref::WaferRunResult run(const sw::FabricProgram& program, const ref::WaferRunOptions& o) override {
    ref::check_program_mesh(program, m_k);
    reset_model(*m_top);
    return ref::run_wafer_program(*this, m_k, program, o);
  }
  std::unique_ptr<ref::WaferJob> start(const sw::FabricProgram& program, const ref::WaferRunOptions& o) override {
    ref::check_program_mesh(program, m_k);
    reset_model(*m_top);
    return std::make_unique<ref::DriverJob<VerilatedWaferDut>>(*this, m_k, program, o);
  }

  // ---- the pins ref::run_wafer_program drives (see models/ref/fabric_drive.hpp)
  std::uint64_t cycle() const { return m_cycle; }
  void cfg_route(bool valid, const sw::RouteSetting& route) {
    m_top->cfg_valid_i = valid;
    if (!valid) return;
    m_top->cfg_x_i = route.x;
    m_top->cfg_y_i = route.y;
    m_top->cfg_color_i = route.color;
    m_top->cfg_addressed_i = route.addressed;
    m_top->cfg_rx_i = route.rx;
    m_top->cfg_tx_i = route.tx;
  }
  void cfg_pe(int t, bool valid, bool sram, std::uint16_t addr, std::uint32_t data) {
    m_top->pe_cfg_valid_i[t] = valid;
    if (!valid) return;
    m_top->pe_cfg_sram_i[t] = sram;
    m_top->pe_cfg_addr_i[t] = addr;
    m_top->pe_cfg_data_i[t] = data;
  }
  void edge_in(int slot, bool valid, std::uint64_t wavelet) {
    m_top->edge_in_valid_i[slot] = valid;
    if (valid) m_top->edge_in_wavelet_i[slot] = wavelet;
  }
  void edge_out_credit(int slot, std::uint32_t pulses) { m_top->edge_out_credit_i[slot] = pulses; }
  // One clock cycle: inputs are set before the call; `sample` reads outputs with the clock low.
  template <class Sample>
  void clock(Sample&& sample) {
    m_top->clk_i = 0;
    m_top->eval();
    m_trace->dump(m_cycle, false);
    sample();
    m_top->clk_i = 1;
    m_top->eval();
    m_trace->dump(m_cycle, true);
    ++m_cycle;
  }
  std::uint32_t edge_in_credit(int slot) const { return m_top->edge_in_credit_o[slot]; }
  bool edge_out_valid(int slot) const { return m_top->edge_out_valid_o[slot]; }
  std::uint64_t edge_out_wavelet(int slot) const { return m_top->edge_out_wavelet_o[slot]; }
  std::uint64_t macs(int t) const { return m_top->pe_macs_o[t]; }
  std::uint64_t link_flits(int t) const { return m_top->link_flits_o[t]; }
  std::uint64_t sram_reads(int t) const { return m_top->pe_sram_reads_o[t]; }
  std::uint64_t sram_writes(int t) const { return m_top->pe_sram_writes_o[t]; }
  std::uint64_t psum_adds(int t) const { return m_top->pe_psum_adds_o[t]; }
  bool pe_idle(int t) const { return bit_of(m_top->pe_idle_o, t); }
  bool route_error() const { return m_top->route_error_o; }
  bool pe_error() const { return m_top->pe_error_o; }
  bool stored(int t, int bit) const { return bit_of(m_top->stored_o[t], bit); }
  bool no_credit(int t, int bit) const { return bit_of(m_top->no_credit_o[t], bit); }

 private:
  static constexpr std::uint64_t kTracePeriodPs = static_cast<std::uint64_t>(1e6 / hw::kClockMhz);

  VerilatedContext m_ctx;
  int m_k;
  std::uint64_t m_cycle = 0;
  std::unique_ptr<V> m_top;
  std::unique_ptr<WaveDump> m_trace;
};

}  // namespace wb::tb
