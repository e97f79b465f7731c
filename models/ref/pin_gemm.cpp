// SPDX-License-Identifier: Apache-2.0
#include "models/ref/pin_gemm.hpp"

#include <algorithm>
#include <vector>

#include "models/ref/gemm_collector.hpp"

namespace wb::ref {

PinGemmResult run_gemm_on_pins(ArrayDut& dut, const sw::GemmPlan& plan, const sw::MatrixI8& a,
                               const sw::MatrixI8& b, int window) {
  using Operand = sw::StreamOp::Operand;
  GemmCollector collector;
  collector.begin(plan);
  dut.set_dataflow(plan.dataflow());
  if (plan.nm().sparse()) dut.set_nm_keep(plan.nm().n);
  dut.set_sink(&collector);
  const std::uint64_t start = dut.cycle();
  std::vector<std::int8_t> beat(static_cast<std::size_t>(std::max(plan.a_width(), plan.b_width())));
  // At least one fold's weights (R beats) ahead, or the WS prefetch of the next fold's B would
  // deadlock behind this fold's.
  const std::size_t limit =
      window > 0 ? std::max(static_cast<std::size_t>(window), static_cast<std::size_t>(dut.rows())) : SIZE_MAX;
  for (const sw::StreamOp& op : sw::stream_schedule(plan, 32)) {
    const sw::Fold& fold = plan.folds()[static_cast<std::size_t>(op.fold)];
    const bool is_a = op.operand == Operand::kA;
    BeatQueue& queue = is_a ? dut.a_queue() : dut.b_queue();
    if (queue.size() + static_cast<std::size_t>(op.count) > limit) {
      RunUntil until;
      (is_a ? until.a_queued_at_most : until.b_queued_at_most) = limit - static_cast<std::size_t>(op.count);
      dut.run(until);
    }
    const sw::Region region = is_a ? plan.a_region(fold, op.first, op.count) : plan.b_region(fold, op.first, op.count);
    const sw::MatrixI8 block = sw::extract_region(is_a ? a : b, region);
    for (int i = op.first; i < op.first + op.count; ++i) {
      if (is_a) {
        plan.a_beat(fold, block, region, i, beat.data());
        queue.push(beat.data(), 0, i == plan.a_beats(fold) - 1);
      } else {
        plan.b_beat(fold, block, region, i, beat.data());
        queue.push(beat.data(), 0, false);
      }
    }
  }
  RunUntil until;
  until.a_queued_at_most = 0;
  until.b_queued_at_most = 0;
  until.c_beats_at_least = dut.counters().c_beats + (collector.expected() - collector.received());
  until.idle = true;
  dut.run(until);
  dut.set_sink(nullptr);
  PinGemmResult result;
  result.cycles = collector.last_cycle() - start + 1;
  result.c = collector.take_result();
  return result;
}

}  // namespace wb::ref
