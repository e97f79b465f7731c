// SPDX-License-Identifier: Apache-2.0
#pragma once
// CPU time, for simulation rates that machine load does not distort the way wall time does.
#include <time.h>

namespace wb::sw {

inline double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// This thread's CPU time, and the whole process's.
inline double thread_cpu_seconds() { return cpu_seconds(CLOCK_THREAD_CPUTIME_ID); }
inline double process_cpu_seconds() { return cpu_seconds(CLOCK_PROCESS_CPUTIME_ID); }

}  // namespace wb::sw
