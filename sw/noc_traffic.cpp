// SPDX-License-Identifier: Apache-2.0
#include "sw/noc_traffic.hpp"

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "sw/error.hpp"

namespace wb::sw {

Traffic parse_traffic(const std::string& name) {
  if (name == "uniform") return Traffic::kUniform;
  if (name == "transpose") return Traffic::kTranspose;
  if (name == "bitcomp") return Traffic::kBitComplement;
  if (name == "hotspot") return Traffic::kHotspot;
  if (name == "neighbor") return Traffic::kNeighbor;
  throw InputError("unknown traffic '" + name + "' (expected uniform, transpose, bitcomp, hotspot or neighbor)");
}

const char* traffic_name(Traffic t) {
  switch (t) {
    case Traffic::kUniform: return "uniform";
    case Traffic::kTranspose: return "transpose";
    case Traffic::kBitComplement: return "bitcomp";
    case Traffic::kHotspot: return "hotspot";
    case Traffic::kNeighbor: return "neighbor";
  }
  return "?";
}

namespace {
int uniform_other(int k, int src, SplitMix64& rng) {
  const int n = k * k;
  if (n == 1) return -1;
  int d = static_cast<int>(rng.uniform(0, n - 2));
  return d >= src ? d + 1 : d;
}
}  // namespace

int traffic_destination(Traffic t, int k, int src, SplitMix64& rng) {
  const int x = src % k, y = src / k;
  switch (t) {
    case Traffic::kUniform: return uniform_other(k, src, rng);
    case Traffic::kTranspose: return x == y ? -1 : x * k + y;
    case Traffic::kBitComplement: return (k - 1 - y) * k + (k - 1 - x);
    case Traffic::kHotspot: {
      const int hot = (k / 2) * k + k / 2;
      if (src != hot && rng.chance(0.2)) return hot;
      return uniform_other(k, src, rng);
    }
    case Traffic::kNeighbor: return y * k + (x + 1) % k;
  }
  return -1;
}

int manhattan_hops(int k, int src, int dst) {
  return std::abs(src % k - dst % k) + std::abs(src / k - dst / k);
}

double mean_hops(Traffic t, int k) {
  const int n = k * k;
  double total = 0.0, count = 0.0;
  for (int s = 0; s < n; ++s) {
    if (t == Traffic::kUniform || t == Traffic::kHotspot) {
      for (int d = 0; d < n; ++d) {
        if (d == s) continue;
        // Hotspot: 20 % to the centre, 80 % uniform over the others.
        const int hot = (k / 2) * k + k / 2;
        double w = 1.0 / (n - 1);
        if (t == Traffic::kHotspot && s != hot) w = 0.8 / (n - 1) + (d == hot ? 0.2 : 0.0);
        total += w * manhattan_hops(k, s, d);
      }
      count += 1.0;
    } else {
      SplitMix64 unused(0);
      const int d = traffic_destination(t, k, s, unused);
      if (d < 0) continue;
      total += manhattan_hops(k, s, d);
      count += 1.0;
    }
  }
  return count > 0 ? total / count : 0.0;
}

LatencyStats latency_stats(std::vector<std::uint32_t>& samples) {
  LatencyStats s;
  s.count = samples.size();
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  const auto pct = [&](double q) {
    const std::size_t i = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
    return samples[std::min(i, samples.size() - 1)];
  };
  s.p50 = pct(0.50);
  s.p99 = pct(0.99);
  s.max = samples.back();
  return s;
}

}  // namespace wb::sw
