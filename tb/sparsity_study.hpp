// SPDX-License-Identifier: Apache-2.0
#pragma once
// A sparsity study: one network (a single layer is a network of one) run once per weight
// variant (dense, then each pruning) on the systolic array, the compute fabric or both, every
// layer golden-checked and run by the network runners' policy (tb/network_run.hpp,
// tb/fabric_network_run.hpp): the cycle-exact models run every layer, the RTL within the budget.
// Each point reports cycles, utilisation and the bytes moved, weight metadata included.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sw/network.hpp"
#include "sw/prune.hpp"
#include "sw/run_policy.hpp"
#include "sw/sparse_format.hpp"
#include "tb/array_system.hpp"
#include "tb/fabric_gemm.hpp"

namespace wb::tb {

// One target at one point, over every mapped layer.
struct StudyTargetRun {
  std::uint64_t cycles = 0;       // compute (the fabric's load cycles apart)
  std::uint64_t load_cycles = 0;  // fabric: route tables and SRAM before each program
  std::string mode = "dense";     // array: "dense" or its N:M sparse mode ("nm:2:4")
  std::uint64_t macs = 0;         // done: the dense array does every one, the N:M sparse array
                                  // those of its kept weights, the fabric skips zeros
  std::uint64_t dense_macs = 0;   // M*K*N over the layers
  std::uint64_t wavelets = 0, link_flits = 0;  // fabric
  sw::ArrayActivity array_activity;  // array: its counters over the layers (beats, memory reads)
  std::uint64_t memory_bytes = 0;    // array: its on-chip memory's size
  sw::PeActivity pe;                 // fabric: the PEs' SRAM words and partial-sum adds
  int rows = 0, cols = 0;         // the PE grid (fabric: mesh x mesh)
  std::uint64_t pes = 1;
  // Bytes moved in: the weights in the target's format (`weight_format`: values and metadata)
  // and the activations. Array: what its memory served (A and B, dense or the N:M sparse
  // array's operand with its offsets, as measured, so the bytes a fold re-reads included);
  // fabric: the weights in CSC (its column-compressed PE layout) and 4 bytes per wavelet
  // injected (index and value).
  std::string weight_format;
  sw::StorageBytes weight_bytes;
  std::uint64_t bytes = 0;
  bool golden_pass = true;
  bool rtl_agrees = true;
  int rtl_layers = 0, sampled_layers = 0;  // layers the RTL ran whole, or sampled
  std::string mismatch;                    // the first failure

  double utilization() const {
    return cycles ? static_cast<double>(macs) / (static_cast<double>(pes) * static_cast<double>(cycles)) : 0.0;
  }
  bool ok() const { return golden_pass && rtl_agrees; }
};

struct StudyPoint {
  std::string label;           // "dense", "magnitude:0.9", "nm:2:4", "mask m.npy"
  std::uint64_t weight_nnz = 0, weights = 0;  // over the weight layers
  std::optional<StudyTargetRun> array, fabric;
  double density() const { return weights ? static_cast<double>(weight_nnz) / static_cast<double>(weights) : 1.0; }
};

struct SparsityStudyOptions {
  std::optional<SystemOptions> array;  // the array target, when given
  sw::Dataflow dataflow = sw::Dataflow::kWeightStationary;
  std::optional<FabricJob> fabric;     // the fabric target (mesh, layout), when given
  sw::RunPolicy policy;
  std::uint64_t seed = 1;
  // Called before each layer of each point (point, points, layer name), e.g. for a progress line.
  std::function<void(std::size_t, std::size_t, const std::string&)> progress;
};

struct SparsityStudy {
  std::vector<StudyPoint> points;
  double sim_seconds = 0.0;
};

// Fails (InputError naming the layer) before anything is allocated when the study cannot run:
// a layer that does not fit the array (check_network_on_array) or the host memory, its GEMMs
// on the fabric, or the pruned weights of every variant together.
void check_sparsity_study(const sw::Network& net, std::size_t variants, const SparsityStudyOptions& options);

// Runs `net` once per variant: variants[i] prunes or masks the network's weight layers
// (sw::sparsify_network; an empty WeightSparsity keeps them as made, the dense baseline). On the
// array, weights pruned nm:n:m run on the N:M sparse array in tb::array_nm_mode (when that is
// sparse), every other variant and layer on the dense array.
SparsityStudy run_sparsity_study(const sw::Network& net, const std::vector<sw::WeightSparsity>& variants,
                                 const SparsityStudyOptions& options);

}  // namespace wb::tb
