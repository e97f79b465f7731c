// SPDX-License-Identifier: Apache-2.0
#pragma once
// MemoryX-like weight store as a TLM-2.0 LT target: int8 weights stored layer by layer in two
// tiers (DRAM, then flash), int32 gradients accumulated per layer, and an integer SGD step
// (sw/sgd.hpp) applied as soon as a layer's full gradient has arrived.
//
// Address map: DRAM is [0, dram.capacity), flash follows it. add_layer places a layer in DRAM
// if it fits there, else in flash (or in the tier asked for), packed one after the other; a
// layer that fits nowhere is an InputError. Gradients use the weights' addresses: a write of
// 4n bytes at address a on tree2mx_grad carries the int32 gradients of the n weights
// [a, a + n). A read or a gradient write stays inside one layer.
//
// Timing (cycles; one port per tier, shared by everything that moves that tier's bytes):
//   a read of n weight bytes or a gradient write of n int32 issued at t starts at
//   s = max(t, port free), holds the port for bytes / bytes_per_cycle and completes at
//   s + bytes / bytes_per_cycle + latency (the delay b_transport returns);
//   the optimizer step writes the layer's updated weights back right after the gradient that
//   completed it: the port is busy for another layer_bytes / bytes_per_cycle.
// Gradient accumulators, the momentum state and the optimizer are near-memory logic: only the
// bytes that cross the tier port cost time. transport_dbg (host loads) costs none.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/clock.hpp"
#include "models/port.hpp"
#include "sw/sgd.hpp"
#include "sw/tensor.hpp"

namespace wb::models {

enum class Tier { kDram = 0, kFlash = 1 };
const char* tier_name(Tier tier);

struct TierConfig {
  std::size_t capacity_bytes = 0;
  double bytes_per_cycle = 64.0;
  std::uint64_t latency_cycles = 10;
};

struct WeightStoreConfig {
  TierConfig dram{std::size_t{1} << 20, 64.0, 20};
  TierConfig flash{std::size_t{16} << 20, 8.0, 200};
  sw::SgdOptions sgd;
  // Full-layer gradients summed before each step: 1 behind a reduce tree (it sums the N
  // systems), N when N systems write their gradients to the store directly.
  int gradients_per_step = 1;
};

enum class Placement { kAuto, kDram, kFlash };

struct LayerInfo {
  int id = -1;
  std::string name;
  int rows = 0;  // shape of the weight matrix (row-major)
  int cols = 0;
  Tier tier = Tier::kDram;
  std::uint64_t addr = 0;  // first weight byte (and first gradient element)
  std::size_t bytes = 0;   // rows * cols
  std::uint64_t steps = 0;  // optimizer steps applied so far
};

struct TierCounters {
  std::uint64_t weight_bytes_read = 0;
  std::uint64_t gradient_bytes_written = 0;
  std::uint64_t weight_bytes_written = 0;  // optimizer write-backs
};

class WeightStore : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<WeightStore> tree2mx_wt;    // reads of int8 weights
  tlm_utils::simple_target_socket<WeightStore> tree2mx_grad;  // writes of int32 gradients

  // Throws sw::InputError on a non-positive tier bandwidth, bad SGD options or
  // gradients_per_step < 1.
  WeightStore(sc_core::sc_module_name name, const WeightStoreConfig& config, const Clock& clock);

  // Stores a layer's weights (rows x cols, row-major) and returns its id (0, 1, ...). Throws
  // sw::InputError if the name is empty or taken, the layer is empty, or it does not fit.
  int add_layer(const std::string& name, const sw::MatrixI8& weights, Placement placement = Placement::kAuto);

  std::size_t layer_count() const { return m_layers.size(); }
  // Valid until the next add_layer.
  const LayerInfo& layer(int id) const { return m_layers.at(static_cast<std::size_t>(id)).info; }
  int find_layer(const std::string& name) const;  // -1 if there is none
  sw::MatrixI8 weights(int id) const;

  std::size_t capacity() const { return m_config.dram.capacity_bytes + m_config.flash.capacity_bytes; }
  std::size_t free_bytes(Tier tier) const;
  const TierCounters& counters(Tier tier) const { return m_tiers[static_cast<int>(tier)].counters; }
  std::uint64_t optimizer_steps() const { return m_optimizer_steps; }

 private:
  struct Layer {
    LayerInfo info;
    std::vector<std::int8_t> weights;
    std::vector<std::int64_t> grads;     // sum of the gradients of the current step
    std::vector<std::int64_t> velocity;  // momentum state
    std::size_t grads_received = 0;      // gradient elements received in the current step
  };
  struct TierState {
    TierConfig config;
    std::uint64_t base = 0;
    std::size_t used = 0;
    Port port;
    TierCounters counters;
  };

  void b_transport_wt(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void b_transport_grad(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& gp);
  // The layer holding [addr, addr + bytes), or nullptr.
  Layer* layer_at(std::uint64_t addr, std::size_t bytes);
  sc_core::sc_time complete(TierState& tier, const sc_core::sc_time& issue, std::size_t bytes);
  void step(Layer& layer);

  WeightStoreConfig m_config;
  Clock m_clock;
  std::vector<TierState> m_tiers;  // indexed by Tier
  std::vector<Layer> m_layers;
  std::map<std::uint64_t, int> m_by_addr;  // first address -> layer id
  std::uint64_t m_optimizer_steps = 0;
};

}  // namespace wb::models
