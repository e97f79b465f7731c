// SPDX-License-Identifier: Apache-2.0
#pragma once
// Verilator coverage of a process (built only with -DWB_COVERAGE=ON, see scripts/coverage.sh).
// A model's counters live in the model and its points are registered in its own
// VerilatedContext, so each model's counts are taken when it is destroyed; the process writes
// their sum once, at exit, to $WB_COVERAGE_DIR/<program>-<pid>-<start ns>.dat (one file per
// process, so per ctest case). Without WB_COVERAGE_DIR nothing is written.
#include <verilated.h>

namespace wb::tb {

// Adds the counts of `context`'s model to the process's totals. Call it while the model still
// exists (tb/verilated_model.hpp's destroy_model does). Thread-safe; a model destroyed after
// the exit-time write rewrites the process's file with its counts added.
void collect_coverage(VerilatedContext& context);

}  // namespace wb::tb
