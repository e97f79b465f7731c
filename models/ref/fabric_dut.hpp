// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs a FabricProgram (sw/fabric_program.hpp) on a k x k compute fabric at pin level: loads
// route tables and PE SRAMs, streams the edge inputs under credit flow control, collects the
// edge outputs into the result, and reads the fabric's counters. The per-cycle loop is shared
// (models/ref/fabric_drive.hpp) by the two engines: the Verilated RTL (tb/verilated_fabric.hpp) and the
// C++ reference model (fabric_model.hpp).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sw/fabric_program.hpp"
#include "sw/report.hpp"
#include "sw/tensor.hpp"
#include "sw/trace_settings.hpp"
#include "models/ref/engine.hpp"

namespace wb::ref {

struct WaferRunOptions {
  double backpressure = 0.0;  // probability per cycle an edge sink withholds its credits
  // The run fails (std::runtime_error naming stuck edges, busy PEs and missing outputs) when no
  // wavelet enters or leaves the fabric for this many cycles before the job is done.
  std::uint64_t watchdog_cycles = 20000;
  std::uint64_t seed = 1;
};

struct WaferRunResult {
  sw::MatrixI32 result;
  std::uint64_t cycles = 0;        // first wavelet injected .. last result taken, inclusive
  std::uint64_t load_cycles = 0;   // route tables and PE configuration, before the job
  std::uint64_t macs = 0;          // multiply-accumulates counted by the PEs
  sw::PeActivity pe;               // the PEs' SRAM reads and writes (loading included), partial-sum adds
  std::uint64_t link_flits = 0;    // wavelets sent on router mesh outputs (hops)
  std::uint64_t wavelets_in = 0, wavelets_out = 0;  // through the edges
  std::uint64_t extra_outputs = 0; // wavelets out beyond what the program expects
  bool route_error = false, pe_error = false;
  std::uint64_t sim_cycles = 0;    // cycles clocked, loading included
  double sim_seconds = 0.0;

  double link_utilization(int mesh) const;
};

// Busy share of the mesh links over `cycles`: 4 outputs (N, E, S, W) per router.
inline double link_utilization(std::uint64_t link_flits, int mesh, std::uint64_t cycles) {
  return cycles ? static_cast<double>(link_flits) / (4.0 * mesh * mesh * static_cast<double>(cycles)) : 0.0;
}
inline double WaferRunResult::link_utilization(int mesh) const { return ref::link_utilization(link_flits, mesh, cycles); }

// One job driven a cycle at a time (weight streaming): the shared edge driver
// (models/ref/fabric_drive.hpp WaferDriver) behind a virtual interface. Cycles count from the job's
// reset; loading (routes, PE SRAM) is done when WaferDut::start returns. Each input (the
// program's edge inputs, in order) injects its wavelets in order, each not before the cycle
// given to append(); inputs stay open (a dry input is waiting, not hung) until close_inputs().
class WaferJob {
 public:
  virtual ~WaferJob() = default;
  virtual std::uint64_t cycle() const = 0;
  virtual std::uint64_t load_cycles() const = 0;
  virtual std::size_t inputs() const = 0;
  virtual int input_slot(std::size_t i) const = 0;
  virtual void append(std::size_t i, const sw::FabricWavelet& w, std::uint64_t avail_cycle) = 0;
  virtual void close_inputs() = 0;
  virtual std::size_t appended(std::size_t i) const = 0;
  virtual std::size_t injected(std::size_t i) const = 0;  // entered the fabric
  virtual bool ready(std::size_t i) const = 0;            // a wavelet is available now
  virtual bool done() const = 0;                          // every result in, fabric settled
  virtual void step() = 0;                                // one cycle (throws from the watchdog)
  virtual WaferRunResult result() = 0;                    // counters of the job, once done
  virtual std::uint64_t first_in_cycle() const = 0;
  virtual std::uint64_t last_out_cycle() const = 0;
};

class WaferDut {
 public:
  virtual ~WaferDut() = default;
  virtual int mesh() const = 0;
  // One job from reset; call once per object. Throws sw::InputError when the program was
  // mapped for another mesh, std::runtime_error from the watchdog.
  virtual WaferRunResult run(const sw::FabricProgram& program, const WaferRunOptions& options) = 0;
  // Resets the fabric and loads `program` (which must outlive the job); the job is valid until
  // the next start(). Jobs may follow each other on one object (not mixed with run()).
  virtual std::unique_ptr<WaferJob> start(const sw::FabricProgram& program, const WaferRunOptions& options) = 0;
};

struct WaferDutOptions {
  Engine engine = Engine::kRtl;  // kModel: models/ref/fabric_model.hpp, any k in 1..16, no build needed
  std::string trace_path;        // waveform written by run() (RTL only)
  int threads = 1;               // Verilator --threads of the RTL build (ignored by the model)
  sw::TraceSettings trace_settings;  // the waveform's window, depth, format and view
};

}  // namespace wb::ref
