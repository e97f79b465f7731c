// SPDX-License-Identifier: Apache-2.0
#pragma once
// A network, layer by layer, on the systolic array: every GEMM golden-checked against the CPU
// reference, each layer run by the policy of sw/run_policy.hpp. The cycle-exact model runs
// every layer first (it is fast and gives the layer's exact cycles); the RTL then runs the
// whole layer when its estimated time fits the budget, or a seeded sample of its tiles (the
// plan's folds, each a GEMM of its own) otherwise, and its cycles and results are compared
// with the model's on the same work.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sw/network.hpp"
#include "sw/run_policy.hpp"
#include "tb/array_system.hpp"

namespace wb::tb {

struct ArrayLayerRun {
  std::string mode;                   // "rtl", "sampled", "model", or "not mapped"
  std::uint64_t cycles = 0;           // the layer's GEMMs one after another
  std::uint64_t ideal_cycles = 0;     // MACs over the PEs
  std::uint64_t macs = 0;
  std::uint64_t pe_macs = 0;          // the MACs the PEs do (N:M: the kept weights' share of macs)
  std::uint64_t folds = 0;            // tiles: folds of all of the layer's GEMMs
  std::uint64_t mem_bytes_read = 0;
  sw::ArrayActivity activity;         // the counters of the layer's GEMMs on the model (equal to the RTL's)
  int rtl_tiles = 0;                  // tiles the RTL ran (all of them in "rtl" mode)
  bool rtl_agrees = true;             // RTL and model: equal cycles and results on those tiles
  std::uint64_t rtl_tile_cycles = 0;  // cycles of the RTL's sampled tiles (as GEMMs of their own)
  double estimated_rtl_seconds = 0.0;
  bool golden_pass = true;
  std::string mismatch;               // the first golden or agreement failure, for the message

  double utilization() const { return cycles ? static_cast<double>(ideal_cycles) / static_cast<double>(cycles) : 0.0; }
};

struct ArrayNetworkOptions {
  sw::Dataflow dataflow = sw::Dataflow::kWeightStationary;
  // The array's N:M sparse mode for the layers with weights (sw::has_weights; tb::array_nm_mode
  // of the weights' pruning, which must leave them so structured), on sessions of the N:M sparse
  // array (SystemOptions::dut.nm_group); the other layers, and every layer without it, run dense
  // (an N:M sparse array runs dense weights as n = M, in the same cycles). A layer whose source
  // declares its weights N:M sparse (sw::Layer::sparsity) takes its own mode: layer_nm_mode.
  sw::NmMode nm;
  sw::RunPolicy policy;
  std::uint64_t seed = 1;
  // The RTL's expected speed before any layer has measured it, in PE-cycles per CPU-second
  // (`waferbench bench`: about 1 M cycles per CPU-second at 16x16, 0.3 M at 32x32).
  double rtl_pe_cycles_per_second = 2.5e8;
  // Called before each layer (index, layer count, name), e.g. for a progress line.
  std::function<void(std::size_t, std::size_t, const std::string&)> progress;
};

// The array's mode for `layer`: dense without weights; for weights the source declares N:M sparse
// (a topology's Sparsity column; nm pruning sets it too) tb::array_nm_mode of that pattern in
// options.dataflow (dense in OS, or when it does not fit the array's groups); else options.nm.
sw::NmMode layer_nm_mode(const sw::Layer& layer, const ArrayNetworkOptions& options);
// The N:M sparse array's group when some mapped layer runs on it (layer_nm_mode), else 0: whether
// the network needs run_array_pairs.
int network_nm_group(const sw::Network& net, const ArrayNetworkOptions& options);

// Fails (InputError naming the layer) before anything runs when a mapped layer of `net` cannot
// run on an array system of `options`: a GEMM's operands do not fit its memory, or need more
// host memory than sw::kHostMemoryLimitBytes (tb::check_array_gemm).
void check_network_on_array(const sw::Network& net, const SystemOptions& options);

// The bytes of every mapped layer's operands (A and B of each of its GEMMs), for bandwidth checks.
double network_operand_bytes(const sw::Network& net);

// Runs every layer of `net` (not-mapped layers are listed, not run); `rtl` and `model` are two
// array sessions of the same configuration, one per engine (run_array_pair gives them).
// Layer i's operands are sw::layer_operands(layer, g, seed + i).
std::vector<ArrayLayerRun> run_network_on_array(const sw::Network& net, const ArrayNetworkOptions& options,
                                                ArraySession& rtl, ArraySession& model);
// The same with the layers that layer_nm_mode makes N:M sparse on `nm` (sessions of the N:M
// sparse array) and the others on `dense` (of the dense array): run_array_pairs gives both.
std::vector<ArrayLayerRun> run_network_on_array(const sw::Network& net, const ArrayNetworkOptions& options,
                                                EnginePair dense, EnginePair nm);

}  // namespace wb::tb
