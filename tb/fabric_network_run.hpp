// SPDX-License-Identifier: Apache-2.0
#pragma once
// A network, layer by layer, on the compute fabric, by the same policy as on the array
// (sw/run_policy.hpp): the fabric's cycle-exact model runs every layer; the RTL runs the whole
// layer within the budget, else a seeded sample of its tiles, and must match the model's cycles
// and results on each. A layer whose weights exceed the PEs' SRAM is split into column blocks
// of B, one program each, every block reloading the PEs (its load cycles are reported apart).
// Tiles are (GEMM of the layer, column block, chunk of up to 16 rows of A).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sw/network.hpp"
#include "sw/run_policy.hpp"
#include "tb/fabric_gemm.hpp"

namespace wb::tb {

struct FabricLayerRun {
  std::string mode;                 // "rtl", "sampled", "model", or "not mapped"
  std::uint64_t cycles = 0;         // compute: first wavelet in .. last result out, per program, summed
  std::uint64_t load_cycles = 0;    // route tables and PE SRAM of every program
  std::uint64_t ideal_cycles = 0;   // dense MACs over the PEs
  std::uint64_t macs = 0;           // done (zeros skipped)
  std::uint64_t dense_macs = 0;
  sw::PeActivity pe;                // the PEs' SRAM words read and written, partial-sum adds
  std::uint64_t wavelets = 0;
  std::uint64_t link_flits = 0;
  int column_blocks = 1;            // programs per GEMM because of the PEs' SRAM
  int tiles = 0;
  int rtl_tiles = 0;
  bool rtl_agrees = true;
  double estimated_rtl_seconds = 0.0;
  bool golden_pass = true;
  std::string mismatch;

  double utilization() const { return cycles ? static_cast<double>(ideal_cycles) / static_cast<double>(cycles) : 0.0; }
};

struct FabricNetworkOptions {
  FabricJob job;  // mesh, layout, seed (the engine is the policy's: model always, RTL by policy)
  sw::RunPolicy policy;
  std::uint64_t seed = 1;
  // The fabric RTL's expected speed before any layer has measured it, in router-cycles per
  // CPU-second (`waferbench fabric-bench`: about 9 M on an 8x8 compute fabric).
  double rtl_router_cycles_per_second = 7e6;
  std::function<void(std::size_t, std::size_t, const std::string&)> progress;
};

// Layer i's operands are sw::layer_operands(layer, g, seed + i), as on the array.
std::vector<FabricLayerRun> run_network_on_fabric(const sw::Network& net, const FabricNetworkOptions& options);

}  // namespace wb::tb
