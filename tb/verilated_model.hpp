#pragma once
// Life-cycle helpers shared by every driver of a Verilated model (clk_i / rst_ni ports).
#include <verilated.h>
#include <verilated_fst_c.h>

#include <memory>
#include <string>

#include "sw/error.hpp"

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

// An FST dump of the whole model at `path`, or none for an empty path. The model's context
// must have had traceEverOn(true) before the model was built. Throws sw::InputError when the
// file cannot be written.
template <class V>
std::unique_ptr<VerilatedFstC> open_fst_trace(V& top, const std::string& path) {
  if (path.empty()) return nullptr;
  auto trace = std::make_unique<VerilatedFstC>();
  top.trace(trace.get(), 99);
  trace->open(path.c_str());
  if (!trace->isOpen()) throw sw::InputError("cannot write trace file " + path);
  return trace;
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
