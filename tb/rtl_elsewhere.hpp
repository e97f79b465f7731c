// SPDX-License-Identifier: Apache-2.0
#pragma once
// `waferbench` holds only the RTL of the default job (the array sizes WB_CORE_ARRAY_SIZES), so
// that a fresh clone builds it and shows a first result in minutes. Every other Verilated
// configuration (the other array sizes, the N:M sparse arrays, compute fabrics, router meshes)
// is linked into a second executable, waferbench-all, built beside it. In `waferbench` the
// factories of that RTL throw this, during option checking (before any output is written), and
// main() hands the same command line to waferbench-all.
#include <stdexcept>

namespace wb::tb {

struct RtlElsewhere : std::runtime_error {
  RtlElsewhere() : std::runtime_error("this command needs RTL that is in waferbench-all") {}
};

}  // namespace wb::tb
