// SPDX-License-Identifier: Apache-2.0
#pragma once
// The roofline model: attainable throughput = min(peak, bandwidth x operational intensity),
// intensity = work per byte moved. Figures are per cycle (MACs/cycle, bytes/cycle).
#include <cstdint>

namespace wb::sw {

struct Roofline {
  double peak = 0.0;       // work per cycle the compute can do
  double intensity = 0.0;  // work per byte over the bounding link (0 when no bytes move)

  // min(peak, bandwidth x intensity).
  double attainable(double bandwidth) const;
  // Where bandwidth x intensity reaches the peak (0 when intensity is 0).
  double crossover_bandwidth() const;
  // bandwidth x intensity below the peak.
  bool bandwidth_bound(double bandwidth) const;
};

// Data-parallel training, per system: the step's MACs split evenly over `systems`; each system
// receives `down_bytes` (weights) and sends `up_bytes` (gradients) over its full-duplex link,
// so the busier direction, max(down, up), bounds it. `peak`: the system's MACs per cycle.
Roofline training_roofline(std::uint64_t macs, int systems, double down_bytes, double up_bytes, double peak);

}  // namespace wb::sw
