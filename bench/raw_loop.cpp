// SPDX-License-Identifier: Apache-2.0
#include "bench/raw_loop.hpp"

#include "tb/held_array_models.hpp"  // Verilated headers first

#include <chrono>
#include <memory>
#include <string>

#include "sw/cpu_time.hpp"
#include "sw/error.hpp"
#include "tb/verilated_model.hpp"

namespace wb::bench {
namespace {

template <class V>
RawResult raw_loop(const RawWorkload& w) {
  auto context = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<V>(context.get(), "top");
  tb::reset_model(*top);
  top->dataflow_i = w.output_stationary;
  top->c_ready_i = 1;
  top->eval();

  const std::size_t na = w.a_last.size();
  const std::size_t nb = w.b.size() / static_cast<std::size_t>(w.cols);
  std::size_t ai = 0, bi = 0;
  RawResult r;
  std::uint64_t got = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = sw::thread_cpu_seconds();
  while (got < w.c_beats) {
    const bool a_valid = ai < na;
    const bool b_valid = bi < nb;
    top->a_valid_i = a_valid;
    top->b_valid_i = b_valid;
    if (a_valid) {
      const std::int8_t* d = &w.a[ai * static_cast<std::size_t>(w.rows)];
      for (int i = 0; i < w.rows; ++i) top->a_data_i[i] = static_cast<CData>(d[i]);
      top->a_last_i = w.a_last[ai];
    }
    if (b_valid) {
      const std::int8_t* d = &w.b[bi * static_cast<std::size_t>(w.cols)];
      for (int i = 0; i < w.cols; ++i) top->b_data_i[i] = static_cast<CData>(d[i]);
    }
    top->clk_i = 0;
    top->eval();
    const bool a_fire = a_valid && top->a_ready_o;
    const bool b_fire = b_valid && top->b_ready_o;
    if (top->c_valid_o) {
      for (int i = 0; i < w.cols; ++i) r.checksum += static_cast<std::int32_t>(top->c_data_o[i]);
      ++got;
    }
    top->clk_i = 1;
    top->eval();
    ai += a_fire;
    bi += b_fire;
    ++r.cycles;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.cpu_seconds = sw::thread_cpu_seconds() - cpu0;
  tb::destroy_model(*context, top);
  return r;
}

}  // namespace

RawResult run_raw_loop(const RawWorkload& w) {
#define WB_RAW(R, C) \
  if (w.rows == R && w.cols == C) return raw_loop<Vsa_array_##R##x##C>(w);
  WB_FOR_EACH_HELD_ARRAY(WB_RAW)
#undef WB_RAW
  throw sw::InputError("array size " + std::to_string(w.rows) + "x" + std::to_string(w.cols) + " is not built");
}

}  // namespace wb::bench
