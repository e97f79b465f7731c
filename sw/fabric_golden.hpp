// SPDX-License-Identifier: Apache-2.0
#pragma once
// The golden check of a sparse GEMM run on the compute fabric: what the run must show, on top of
// C against the CPU reference, for the fabric to have done exactly the mapped work.
#include <cstdint>

#include "sw/tensor.hpp"

namespace wb::sw {

// The counts of a fabric run that the check needs (engine-neutral; the RTL and the model report them).
struct FabricRunCounts {
  std::uint64_t macs = 0;           // counted by the PEs
  std::uint64_t expected_macs = 0;  // the program's (nonzero weight x nonzero activation pairs)
  std::uint64_t extra_outputs = 0;  // wavelets out beyond what the program expects
  bool route_error = false;         // a router dropped a wavelet with no route
  bool pe_error = false;            // a PE got a wavelet on an unbound color
};

// Bit-exact results, and nothing more: C == gemm_ref(A, B), no extra wavelets, no dropped
// ones (the MACs expected, no more, no fewer), no route or PE error.
bool fabric_golden_pass(const MatrixI8& a, const MatrixI8& b, const MatrixI32& c, const FabricRunCounts& counts);

}  // namespace wb::sw
