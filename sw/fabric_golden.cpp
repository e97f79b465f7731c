// SPDX-License-Identifier: Apache-2.0
#include "sw/fabric_golden.hpp"

#include "sw/gemm_ref.hpp"

namespace wb::sw {

bool fabric_golden_pass(const MatrixI8& a, const MatrixI8& b, const MatrixI32& c, const FabricRunCounts& counts) {
  return first_mismatch(gemm_ref(a, b), c).count == 0 && counts.extra_outputs == 0 && !counts.route_error &&
         !counts.pe_error && counts.macs == counts.expected_macs;
}

}  // namespace wb::sw
