// SPDX-License-Identifier: Apache-2.0
#pragma once
// The waveform of a Verilated model: an FST dump of a window of cycles at a scope depth,
// converted to VCD when asked, with a GTKWave view of the window written beside it. Include
// only where no SystemC header came first (Verilator headers go first).
#include <verilated.h>
#include <verilated_fst_c.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sw/gtkw_view.hpp"
#include "sw/trace_settings.hpp"

namespace wb::tb {

// Every variable of a closed FST file (its hierarchy), names joined with '.'.
std::vector<sw::DumpSignal> fst_signals(const std::string& fst_path);
// Writes the value changes of a closed FST file as VCD to `vcd_path`. Throws on failure.
void fst_to_vcd(const std::string& fst_path, const std::string& vcd_path);
// After the FST at `fst_path` was closed: the VCD (settings.vcd) at `path`, and the view of
// `view_template` at settings.view_path showing [t0, t1] ps.
void finish_dump(const std::string& fst_path, const std::string& path, const sw::TraceSettings& settings,
                 const char* view_template, std::uint64_t t0, std::uint64_t t1);

// Whether the Verilated class `V` was built with FST support (only such a class has trace()).
template <class V, class = void>
struct HasFstTrace : std::false_type {};
template <class V>
struct HasFstTrace<V, std::void_t<decltype(std::declval<V&>().trace(static_cast<VerilatedFstC*>(nullptr), 0))>>
    : std::true_type {};

class WaveDump {
 public:
  WaveDump() = default;
  // A dump of `top` at `path` ("" none) with `settings`, clocked every `period_ps`. The model's
  // context must have had traceEverOn(true) before the model was built. Throws sw::InputError
  // when the file cannot be written.
  template <class V>
  WaveDump(V& top, const std::string& path, const sw::TraceSettings& settings, const char* view_template,
           std::uint64_t period_ps);
  WaveDump(const WaveDump&) = delete;
  WaveDump& operator=(const WaveDump&) = delete;
  ~WaveDump();

  bool on() const { return m_fst != nullptr; }
  // Dumps the signals of `cycle`, before (high = false) or after its rising edge, when the
  // cycle is in the window.
  void dump(std::uint64_t cycle, bool high) {
    if (!m_fst || cycle < m_settings.from || cycle > m_settings.to) return;
    const std::uint64_t t = cycle * m_period + (high ? m_period / 2 : 0);
    if (!m_dumped) m_first = t;
    m_dumped = true;
    m_last = t;
    m_fst->dump(t);
  }

 private:
  void open(const std::string& path);

  std::unique_ptr<VerilatedFstC> m_fst;
  std::string m_path, m_fst_path;
  sw::TraceSettings m_settings;
  const char* m_view = nullptr;
  std::uint64_t m_period = 1;
  bool m_dumped = false;
  std::uint64_t m_first = 0, m_last = 0;
};

template <class V>
WaveDump::WaveDump(V& top, const std::string& path, const sw::TraceSettings& settings, const char* view_template,
                   std::uint64_t period_ps)
    : m_path(path), m_settings(settings), m_view(view_template), m_period(period_ps) {
  if (path.empty()) return;
  if constexpr (!HasFstTrace<V>::value) {
    throw std::logic_error("a waveform was asked of a model built without trace support");
  } else {
    m_fst = std::make_unique<VerilatedFstC>();
    // Verilator counts levels below the named scope: "top x" is 1, "top u_a x" 2.
    if (settings.depth > 0) m_fst->dumpvars(settings.depth, "top");
    top.trace(m_fst.get(), 99);
    open(path);
  }
}

}  // namespace wb::tb
