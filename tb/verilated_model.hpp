// SPDX-License-Identifier: Apache-2.0
#pragma once
// Life-cycle helpers shared by every driver of a Verilated model (clk_i / rst_ni ports).
#include <verilated.h>
#include <verilated_fst_c.h>

#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <stdexcept>

#include "sw/error.hpp"
#include "models/ref/mesh_diagnosis.hpp"

namespace wb::tb {

// Asynchronous active-low reset: a falling edge, two clock cycles in reset, release; the
// clock is left low.
template <class V>
void reset_model(V& top) {
  top.clk_i = 0;
  top.rst_ni = 1;
  top.eval();
  top.rst_ni = 0;
  top.eval();
  for (int i = 0; i < 2; ++i) {
    top.clk_i = 1;
    top.eval();
    top.clk_i = 0;
    top.eval();
  }
  top.rst_ni = 1;
  top.eval();
}

// Whether the Verilated class `V` was built with FST support (only such a class has trace()).
template <class V, class = void>
struct HasFstTrace : std::false_type {};
template <class V>
struct HasFstTrace<V, std::void_t<decltype(std::declval<V&>().trace(static_cast<VerilatedFstC*>(nullptr), 0))>>
    : std::true_type {};

// An FST dump of the whole model at `path`, or none for an empty path. The model's context
// must have had traceEverOn(true) before the model was built. Throws sw::InputError when the
// file cannot be written.
template <class V>
std::unique_ptr<VerilatedFstC> open_fst_trace(V& top, const std::string& path) {
  if (path.empty()) return nullptr;
  if constexpr (!HasFstTrace<V>::value) {
    throw std::logic_error("a waveform was asked of a model built without trace support");
  } else {
    auto trace = std::make_unique<VerilatedFstC>();
    top.trace(trace.get(), 99);
    trace->open(path.c_str());
    if (!trace->isOpen()) throw sw::InputError("cannot write trace file " + path);
    return trace;
  }
}

// Bit i of a Verilated vector (an integer up to 64 bits, a VlWide above).
template <class T>
bool bit_of(const T& v, int i) {
  if constexpr (std::is_integral_v<T>) {
    return ((v >> i) & 1) != 0;
  } else {
    return ((v[static_cast<std::size_t>(i / 32)] >> (i % 32)) & 1) != 0;
  }
}

// For a watchdog message: the mesh's stuck (tile, port, color) places, from sa_fabric's
// diagnostic outputs (see models/ref/mesh_diagnosis.hpp).
template <class V>
std::string describe_mesh_ports(const V& top, int k, int colors, int limit = 6) {
  return ref::describe_mesh_ports(
      k, colors, [&](int t, int bit) { return bit_of(top.stored_o[t], bit); },
      [&](int t, int bit) { return bit_of(top.no_credit_o[t], bit); }, limit);
}

// Verilator 5.006 unregisters a model's scopes from the thread's *current* context, which is
// the last one created: point it at the model's own, or tearing down one of several models
// deadlocks on a destroyed context's mutex.
template <class V>
void destroy_model(VerilatedContext& context, std::unique_ptr<V>& top) {
  if (!top) return;
  top->final();
  Verilated::threadContextp(&context);
  top.reset();
}

}  // namespace wb::tb
