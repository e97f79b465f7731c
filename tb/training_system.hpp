// SPDX-License-Identifier: Apache-2.0
#pragma once
// The training step on N systems: one SystemC elaboration with the weight
// store, the reduce tree, the root weight streamer and N array systems (each an ArrayNode: its
// own DUT from make_array_dut, GEMM streamer, on-chip memory, and a double-buffered weight
// buffer). Every GEMM runs on the array and is checked against sw::gemm_ref.
//
// A step on system i (batch rows [i*b, (i+1)*b), b = batch / N):
//   forward  for l = 0..L-1: per weight chunk (rows r0.. of W_l): wait for the chunk, then
//            Y_l += X_l[:, r0..] * chunk;   X_{l+1} = activation(Y_l)
//   loss     dY = loss_gradient(Y_{L-1}, T)
//   backward for l = L-1..0: (l >= 1) per chunk dX[:, r0..] = dY * chunk^T; then dW_l = X_l^T * dY
//            in grad_chunks row blocks, each sent up the tree as soon as it is computed (a DMA:
//            block j+1 computes while block j uploads, and the last block's upload overlaps
//            layer l-1). dW_l goes up only after dX_l, so every chunk of W_l this step needs was
//            read from the store before the store updates W_l. Then dY = backward_gradient(dX, X_l).
// When the last system's last block of dW_l is in, the tree's sum reaches the store, which
// applies SGD; the next step's chunks of layer l are read only after that update.
//
// SystemC elaborates once per process (tb/elaboration.hpp): a process calls run_training once
// and no other system runner; a second call throws std::logic_error.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/weight_store.hpp"
#include "sw/mlp.hpp"
#include "sw/training.hpp"
#include "tb/array_system.hpp"

namespace wb::tb {

struct TrainOptions {
  sw::MlpSpec spec;
  int batch = 64;             // whole batch, split evenly over the systems
  int systems = 1;
  int steps = 1;
  SystemOptions system;       // array, on-chip memory timing, DUT options (memory_bytes is set here)
  double ingress_bw = 64.0;   // bytes/cycle of every tree link (the system's ingress)
  int fan_out = 2;
  std::uint64_t hop_latency = 4;
  models::WeightStoreConfig store;
  std::size_t weight_buffer_bytes = 64 * 1024;  // both halves
  int grad_chunks = 4;        // row blocks of dW per layer, each uploaded once computed (capped at the rows)
  std::size_t act_mem_bytes = 4 * 1024 * 1024;  // per system
  sw::TrainShifts shifts;

  // Throws sw::InputError (one line, naming the `waferbench train` option) unless every field is
  // within TrainLimits, the batch splits evenly over the systems, every weight row fits a buffer
  // half, the model fits the store, the run's host memory (sw::train_host_bytes) stays within
  // sw::kHostMemoryLimitBytes and a system's activations fit act_mem_bytes. run_training
  // calls it first; the CLI calls it before it starts any worker.
  void validate() const;
};

// The limits TrainOptions::validate() enforces: one set for the library and the CLI.
struct TrainLimits {
  static constexpr int kMaxBatch = 1000000;
  // Each system is a simulated array: the C++ model makes hundreds affordable, the RTL tens.
  static constexpr int kMaxSystemsRtl = 64;
  static constexpr int kMaxSystemsModel = 192;
  static constexpr int kMaxSteps = 100;
  static constexpr double kMaxBandwidth = 1e6;         // bytes/cycle: ingress links, store DRAM
  static constexpr int kMinFanOut = 2, kMaxFanOut = 64;
  static constexpr std::uint64_t kMaxHopLatency = 100000;
  static constexpr std::size_t kMaxWeightBuffer = std::size_t{1} << 30;
  static constexpr int kMaxGradChunks = 4096;
  static constexpr std::size_t kMaxActMem = std::size_t{1} << 32;
  static constexpr std::size_t kMaxDram = std::size_t{1} << 34;
  static constexpr int kMaxShift = 31;                 // fwd_shift, bwd_shift

  static int max_systems(ref::Engine engine) { return engine == ref::Engine::kModel ? kMaxSystemsModel : kMaxSystemsRtl; }
};

// Activation memory a system with `rows` samples needs: every layer's input kept for the
// backward pass and the output, plus two gradient buffers (dY in, dY out) of the widest layer.
std::size_t activation_bytes(const sw::MlpSpec& spec, int rows);

// Per layer, summed over the steps (compute and exposed on system 0; every system runs the
// same shapes, so their timing is the same).
struct LayerTrainStats {
  std::string name;
  int in = 0, out = 0;
  std::string tier;                  // where the store keeps the layer
  int chunks = 0;                    // per pass (forward; backward has as many for l >= 1)
  std::uint64_t fwd_cycles = 0;      // GEMM cycles of the forward chunks
  std::uint64_t bwd_cycles = 0;      // GEMM cycles of dW and dX
  sw::ArrayActivity activity;        // the array's counters of those GEMMs (beats, memory reads)
  double stream_cycles = 0;          // sum over the layer's chunks of ready - issue
  double exposed_cycles = 0;         // time the layer's GEMMs waited for their weights
  std::uint64_t weight_bytes = 0;    // read from the store (each broadcast once)
  std::uint64_t grad_bytes = 0;      // summed int32 gradients written to the store
  double link_cycles = 0;            // weight_bytes / ingress bandwidth: link transfer time
  double link_utilization() const;   // link_cycles / (fwd + bwd + exposed)
  bool golden_pass = true;
};

struct TrainResult {
  std::vector<LayerTrainStats> layers;
  std::vector<double> step_end;      // cycle at which each step's last gradient sum was in the store
  double cycles = 0;                 // step_end.back()
  double exposed_cycles = 0;         // summed over layers (system 0)
  std::uint64_t macs = 0;            // all systems, all steps
  std::uint64_t dram_bytes_read = 0, flash_bytes_read = 0;
  std::uint64_t dram_grad_bytes = 0, flash_grad_bytes = 0;
  double leaf_link_utilization = 0;  // busy / cycles on the links into the systems
  bool golden_pass = true;
  std::vector<sw::MatrixI8> weights; // in the store after the last step
  // Per step, summed over every system's samples: the squared error of the requantised output
  // against the targets (sw::squared_error), with the weights the step started from.
  std::vector<std::int64_t> squared_error;
  double sim_seconds = 0;
  std::uint64_t sim_cycles = 0;      // cycles clocked by all DUTs
  double step_cycles() const { return step_end.empty() ? 0 : cycles / static_cast<double>(step_end.size()); }
};

// The run's JSON object (`waferbench train --json`): the options, per-layer and per-run figures,
// the roofline (sw/roofline.hpp), the loss per step and the final weights' FNV-1a 64 hash.
nlohmann::json to_json(const TrainOptions& options, const TrainResult& result);

// Validates `options` (TrainOptions::validate) and `data` against the model, then runs.
TrainResult run_training(const TrainOptions& options, const sw::TrainData& data);

}  // namespace wb::tb
