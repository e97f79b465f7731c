#pragma once
// Life-cycle helpers shared by every driver of a Verilated model (clk_i / rst_ni ports).
#include <verilated.h>

#include <memory>

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
