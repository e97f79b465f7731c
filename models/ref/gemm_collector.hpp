// SPDX-License-Identifier: Apache-2.0
#pragma once
// Monitor side of a GEMM: walks the plan's folds in order and scatters every output beat of the
// array into the result matrix.
#include <cstdint>
#include <stdexcept>

#include "sw/gemm_plan.hpp"
#include "models/ref/systolic_array_dut.hpp"

namespace wb::ref {

class GemmCollector final : public OutputSink {
 public:
  // Starts collecting the outputs of `plan` into a zeroed M x N matrix.
  void begin(const sw::GemmPlan& plan) {
    m_plan = &plan;
    m_c = sw::MatrixI32(plan.shape().m, plan.shape().n);
    m_fold = 0;
    m_beat = 0;
    m_received = 0;
    m_expected = plan.total_c_beats();
  }

  void on_output(const std::int32_t* beat, std::uint64_t cycle) override {
    if (m_plan == nullptr || m_received >= m_expected) {
      throw std::runtime_error("monitor: unexpected output beat at cycle " + std::to_string(cycle));
    }
    const sw::Fold& fold = m_plan->folds()[static_cast<std::size_t>(m_fold)];
    m_plan->scatter(fold, m_beat, beat, m_c);
    ++m_received;
    m_last_cycle = cycle;
    if (++m_beat == m_plan->c_beats(fold)) {
      m_beat = 0;
      ++m_fold;
    }
  }

  std::uint64_t expected() const { return m_expected; }
  std::uint64_t received() const { return m_received; }
  std::uint64_t last_cycle() const { return m_last_cycle; }
  sw::MatrixI32 take_result() { return std::move(m_c); }

 private:
  const sw::GemmPlan* m_plan = nullptr;
  sw::MatrixI32 m_c;
  int m_fold = 0;
  int m_beat = 0;
  std::uint64_t m_received = 0;
  std::uint64_t m_expected = 0;
  std::uint64_t m_last_cycle = 0;
};

}  // namespace wb::ref
