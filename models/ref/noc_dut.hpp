// SPDX-License-Identifier: Apache-2.0
#pragma once
// Synthetic-traffic runs on a router-only k x k mesh (the NoC benchmark): every tile's ramp is a
// traffic source with an unbounded queue and a sink that consumes at once (or with random
// stalls). The per-cycle loop lives in the template (tb/verilated_noc.hpp).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sw/noc_traffic.hpp"

namespace wb::ref {

struct NocOptions {
  sw::Traffic traffic = sw::Traffic::kUniform;
  double rate = 0.1;                 // offered load, flits per node per cycle (Bernoulli)
  int colors = 4;                    // colors used as virtual channels, at most the build's
  std::uint64_t warmup = 1000;       // cycles before measuring
  std::uint64_t cycles = 10000;      // measurement window
  // Cycles after the window to deliver the measured flits; then nothing more is injected and
  // the mesh is emptied, so a flit still queued at its source is reported, not lost.
  std::uint64_t drain_limit = 50000;
  double eject_stall = 0.0;          // probability per cycle a sink withholds a credit
  // The run fails (std::runtime_error naming the stuck tile, port and color) when no wavelet
  // moves on any ramp for this many cycles while wavelets are in flight.
  std::uint64_t watchdog_cycles = 10000;
  std::uint64_t seed = 1;
};

struct NocResult {
  int k = 0;
  int colors = 0;
  double offered = 0.0;   // flits generated per node per cycle in the window
  double accepted = 0.0;  // flits delivered per node per cycle in the window
  sw::LatencyStats latency;  // generation to ejection, flits generated in the window
  double mean_hops = 0.0;    // of the measured flits
  std::uint64_t generated = 0, delivered = 0;
  std::uint64_t undelivered = 0;  // measured flits still queued at their sources after the drain limit
  std::uint64_t misrouted = 0;    // ejected at the wrong tile
  std::uint64_t reordered = 0;    // out of order within a (source, destination, color) stream
  std::uint64_t duplicated = 0;   // ejected more than once
  std::uint64_t pairs_delivered = 0;  // distinct (source, destination) pairs with a delivery
  bool route_error = false;
  std::uint64_t sim_cycles = 0;
  double sim_seconds = 0.0;

  // Every flit that entered the mesh left it at its destination, once and in order (a flit
  // that never leaves stops the run: the watchdog).
  bool clean() const { return misrouted == 0 && reordered == 0 && duplicated == 0 && !route_error; }
  // Every measured flit was delivered by the end of the drain, so the latency statistics are
  // complete (otherwise they miss the slowest flits).
  bool complete() const { return undelivered == 0; }
};

class NocDut {
 public:
  virtual ~NocDut() = default;
  virtual int mesh() const = 0;
  virtual int colors() const = 0;
  // One run from reset; call once per object.
  virtual NocResult run(const NocOptions& options) = 0;
};


}  // namespace wb::ref
