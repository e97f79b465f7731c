// SPDX-License-Identifier: Apache-2.0
#include "sw/roofline.hpp"

#include <algorithm>

namespace wb::sw {

double Roofline::attainable(double bandwidth) const { return std::min(peak, bandwidth * intensity); }

double Roofline::crossover_bandwidth() const { return intensity > 0 ? peak / intensity : 0.0; }

bool Roofline::bandwidth_bound(double bandwidth) const { return bandwidth * intensity < peak; }

Roofline training_roofline(std::uint64_t macs, int systems, double down_bytes, double up_bytes, double peak) {
  const double per_system = systems > 0 ? static_cast<double>(macs) / systems : 0.0;
  const double bytes = std::max(down_bytes, up_bytes);
  return Roofline{peak, bytes > 0 ? per_system / bytes : 0.0};
}

}  // namespace wb::sw
