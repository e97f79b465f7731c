// SPDX-License-Identifier: Apache-2.0
#pragma once
// Synthetic NoC traffic on a k x k mesh (tile t = y * k + x) and the statistics of a run.
#include <cstdint>
#include <string>
#include <vector>

#include "sw/rng.hpp"

namespace wb::sw {

enum class Traffic { kUniform, kTranspose, kBitComplement, kHotspot, kNeighbor };

// "uniform", "transpose", "bitcomp", "hotspot", "neighbor"; throws InputError otherwise.
Traffic parse_traffic(const std::string& name);
const char* traffic_name(Traffic t);

// Destination of a packet from `src`, or -1 when the pattern gives `src` nothing to send
// (transpose on the diagonal). Uniform never picks the source itself; hotspot sends 20 % of its
// packets to the centre tile and the rest uniformly.
int traffic_destination(Traffic t, int k, int src, SplitMix64& rng);

int manhattan_hops(int k, int src, int dst);
// Average hop count of the pattern over all sources (exact, by enumeration for the
// deterministic patterns, 2(k^2-1)/(3k)-style for uniform without self).
double mean_hops(Traffic t, int k);

struct LatencyStats {
  std::uint64_t count = 0;
  double mean = 0.0;
  std::uint64_t p50 = 0, p99 = 0, max = 0;
};
// Sorts `samples`.
LatencyStats latency_stats(std::vector<std::uint32_t>& samples);

}  // namespace wb::sw
