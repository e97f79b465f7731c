// SPDX-License-Identifier: Apache-2.0
#pragma once
// A layer-by-layer forward pass on the compute fabric with weight streaming.
// One SystemC elaboration: the WeightStore (every layer's B, rows in
// sw::weight_stream_row_order), a one-system ReduceTree (the ingress link), the WeightStreamer
// and a FabricTransactor around one fabric (RTL or model). Activations stay on chip: each
// layer's input is loaded into the PEs' SRAM (the job's load cycles, counted apart), while the
// weights stream in through the double-buffered edge buffer, so layer i+1's first chunks stream
// while layer i computes. A batch bigger than the accumulators runs as passes, each a job that
// streams the layer's weights again. Every layer is checked against sw::gemm_ref.
//
// SystemC elaborates once per process (tb/elaboration.hpp): a process calls run_fabric_stream once
// and no other system runner; a second call throws std::logic_error.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/weight_store.hpp"
#include "models/weight_streamer.hpp"
#include "sw/sparse_format.hpp"
#include "sw/tensor.hpp"
#include "models/ref/fabric_dut.hpp"

namespace wb::tb {

struct FabricStreamOptions {
  int mesh = 4;
  ref::Engine engine = ref::Engine::kRtl;
  double ingress_bw = 64.0;            // bytes/cycle of the link into the fabric's edge buffer
  std::uint64_t hop_latency = 4;       // tree link latency (one level)
  models::WeightStoreConfig store;     // tiers (bandwidth, latency, capacity)
  std::size_t weight_buffer_bytes = 4096;  // both halves of the edge buffer
  ref::WaferRunOptions run;                 // back-pressure, seed, watchdog
  std::string trace;                   // waveform of every job (RTL only)
  sw::TraceSettings trace_settings;    // its window, depth, format and view
  // How the store holds each layer (sw/stream_chunks.hpp): dense rows, or chunks of rows each
  // encoded in csr, bitmap or nm, whose bytes (metadata included) every tier, the tree link
  // and the edge buffer move; the buffer decodes them.
  sw::FormatSpec store_format;
};

struct FabricStreamLayer {
  std::string name;
  int m = 0, k = 0, n = 0;
  std::string tier;                    // "dram" / "flash"
  int chunks = 0;                      // per pass
  int passes = 0;
  std::uint64_t nnz = 0, act_nnz = 0;
  std::uint64_t macs = 0, expected_macs = 0;
  sw::PeActivity pe;                   // the PEs' SRAM words read and written, partial-sum adds
  std::uint64_t wavelets = 0, wavelets_out = 0, link_flits = 0;
  std::uint64_t load_cycles = 0;       // route tables + the input slice into PE SRAM (all passes)
  std::uint64_t compute_cycles = 0;    // first wavelet in .. last result out (summed over passes)
  std::uint64_t span_cycles = 0;       // first load cycle .. job done (settle included), summed
  double stream_cycles = 0;            // sum over the layer's chunks of ready - issue
  std::uint64_t exposed_cycles = 0;    // stream-phase cycles starved of weights (see FabricJobResult)
  std::uint64_t weight_bytes = 0, dram_bytes = 0, flash_bytes = 0;
  double ingress_bw = 0;
  double first_issue = 0, last_ready = 0;  // cycles: first chunk issued, last chunk in the buffer
  std::uint64_t end_cycle = 0;         // global cycle the layer's last job was done
  // Ingress link busy share (weight_bytes / ingress_bw) over the window from the layer's first
  // chunk issue to the layer's end (its weights may stream during the previous layer).
  double link_utilization() const {
    const double window = static_cast<double>(end_cycle) - first_issue;
    return window > 0 ? static_cast<double>(weight_bytes) / ingress_bw / window : 0.0;
  }
  double mesh_link_utilization(int mesh) const { return ref::link_utilization(link_flits, mesh, compute_cycles); }
  bool golden_pass = false;
};

struct FabricStreamResult {
  std::vector<FabricStreamLayer> layers;
  std::vector<sw::MatrixI32> outputs;  // C of each layer (before requantisation)
  std::uint64_t cycles = 0;            // end of the last job
  std::uint64_t overwrites = 0;        // chunks written into an unreleased half (0)
  std::uint64_t releases = 0;
  std::vector<models::ChunkTiming> chunks;     // every chunk's issue and ready (cycles)
  std::vector<std::uint64_t> release_cycles;   // when each chunk's half was released
  // What each tier moved, from the models' own counters: the store's reads per tier, the
  // tree's ingress link, the edge buffer (all the stored bytes, metadata included).
  std::uint64_t store_dram_bytes = 0, store_flash_bytes = 0, link_bytes = 0, buffer_bytes = 0;
  bool golden_pass = true;
  double sim_seconds = 0;
};

// The layer's JSON object (`waferbench run --ingress-bw` per-layer fields).
nlohmann::json to_json(const FabricStreamLayer& layer, int mesh);

// Layer l computes C_l = X_l * W_l; X_0 = x, X_{l+1} = sw::relu_requantize(C_l). Throws
// sw::InputError on a bad option, a layer that does not fit the fabric or the store, or a weight
// row wider than a buffer half; std::runtime_error from the watchdog.
FabricStreamResult run_fabric_stream(const FabricStreamOptions& options, const sw::MatrixI8& x,
                                     const std::vector<sw::MatrixI8>& weights);

}  // namespace wb::tb
