// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs one GEMM on an ArrayDut straight from host matrices, with no SystemC: every beat is
// available at once. The baseline for the TLM path (same beats, same order) and the RTL tests'
// driver.
#include <cstdint>

#include "sw/gemm_plan.hpp"
#include "models/ref/systolic_array_dut.hpp"

namespace wb::ref {

struct PinGemmResult {
  sw::MatrixI32 c;
  std::uint64_t cycles = 0;  // first cycle of the GEMM .. cycle of its last output, inclusive
};

// Queues at most `window` beats ahead per operand (0 = everything at once). An N:M plan's b is
// its sw::NmOperand::operand, on the N:M sparse array.
PinGemmResult run_gemm_on_pins(ArrayDut& dut, const sw::GemmPlan& plan, const sw::MatrixI8& a,
                               const sw::MatrixI8& b, int window = 256);

}  // namespace wb::ref
