// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one place that knows SystemC elaborates once per process: it cannot elaborate again
// after sc_start, nor restart after sc_stop. Every system runner (run_array_system,
// run_training, run_fabric_stream) elaborates and simulates through run_elaboration, so a
// process that calls a second one gets a clear error instead of a failure inside SystemC.
#include <functional>
#include <string>

namespace wb::tb {

// Claims this process's elaboration for `who`, calls `elaborate` (which constructs the
// modules; the caller keeps them to read results afterwards), runs the simulation to its end
// (sc_start) and returns the wall-clock seconds of the run. Throws std::logic_error naming
// both callers, before touching SystemC, when the process has already elaborated. Exceptions
// from `elaborate` or from the simulation propagate (the elaboration stays claimed).
double run_elaboration(const std::string& who, const std::function<void()>& elaborate);

// The runner that claimed this process's elaboration; empty while none has.
std::string elaborated_by();

}  // namespace wb::tb
