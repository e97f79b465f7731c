// SPDX-License-Identifier: Apache-2.0
#pragma once
// The baseline of `waferbench bench`: a Verilated array driven by the barest C++ loop that
// still obeys the handshakes (precomputed beats, no queues, no TLM, no SystemC).
#include <cstdint>
#include <vector>

namespace wb::bench {

struct RawWorkload {
  int rows = 0, cols = 0;
  bool output_stationary = false;
  std::vector<std::int8_t> a;  // beats of `rows` bytes, in stream order
  std::vector<std::uint8_t> a_last;
  std::vector<std::int8_t> b;  // beats of `cols` bytes, in stream order
  std::uint64_t c_beats = 0;   // results to wait for
};

struct RawResult {
  std::uint64_t cycles = 0;
  double seconds = 0.0;      // wall
  double cpu_seconds = 0.0;  // this thread's CPU time
  std::int64_t checksum = 0;  // sum of all results, to compare with the full path
};

// Throws sw::InputError when the size is not built.
RawResult run_raw_loop(const RawWorkload& w);

}  // namespace wb::bench
