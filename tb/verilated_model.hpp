// SPDX-License-Identifier: Apache-2.0
#pragma once
// Life-cycle helpers shared by every driver of a Verilated model (clk_i / rst_ni ports).
#include <verilated.h>

#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <stdexcept>

#include "sw/error.hpp"
#include "models/ref/mesh_diagnosis.hpp"
#if WB_COVERAGE
#include "tb/verilator_coverage.hpp"
#endif

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
// deadlocks on a destroyed context's mutex. A coverage build takes the model's counts first.
template <class V>
void destroy_model(VerilatedContext& context, std::unique_ptr<V>& top) {
  if (!top) return;
  top->final();
  Verilated::threadContextp(&context);
#if WB_COVERAGE
  collect_coverage(context);  // the counters live in the model
#endif
  top.reset();
}

}  // namespace wb::tb
