// SPDX-License-Identifier: Apache-2.0
#include "models/weight_store.hpp"

#include <cstring>
#include <iterator>

#include "sw/error.hpp"

namespace wb::models {

const char* tier_name(Tier tier) { return tier == Tier::kDram ? "DRAM" : "flash"; }

WeightStore::WeightStore(sc_core::sc_module_name name, const WeightStoreConfig& config, const Clock& clock)
    : sc_core::sc_module(name), tree2mx_wt("tree2mx_wt"), tree2mx_grad("tree2mx_grad"), m_config(config), m_clock(clock) {
  for (Tier tier : {Tier::kDram, Tier::kFlash}) {
    const TierConfig& tc = tier == Tier::kDram ? config.dram : config.flash;
    if (!(tc.bytes_per_cycle > 0.0)) throw sw::InputError(std::string("weight store: ") + tier_name(tier) + " bandwidth must be positive");
    const std::uint64_t base = tier == Tier::kDram ? 0 : config.dram.capacity_bytes;
    m_tiers.push_back(TierState{tc, base, 0, Port(tc.bytes_per_cycle, clock), {}});
  }
  sw::validate(config.sgd);
  if (config.gradients_per_step < 1) throw sw::InputError("weight store: gradients per step must be at least 1");
  tree2mx_wt.register_b_transport(this, &WeightStore::b_transport_wt);
  tree2mx_wt.register_transport_dbg(this, &WeightStore::transport_dbg);
  tree2mx_grad.register_b_transport(this, &WeightStore::b_transport_grad);
}

std::size_t WeightStore::free_bytes(Tier tier) const {
  const TierState& t = m_tiers[static_cast<int>(tier)];
  return t.config.capacity_bytes - t.used;
}

int WeightStore::add_layer(const std::string& name, const sw::MatrixI8& weights, Placement placement) {
  if (name.empty()) throw sw::InputError("weight store: a layer needs a name");
  if (find_layer(name) >= 0) throw sw::InputError("weight store: layer '" + name + "' exists already");
  const std::size_t bytes = weights.size();
  if (bytes == 0) throw sw::InputError("weight store: layer '" + name + "' has no weights");
  Tier tier = Tier::kDram;
  const std::string what = "weight store: layer '" + name + "' (" + std::to_string(bytes) + " B) does not fit";
  auto room = [&](Tier t) {
    return std::to_string(free_bytes(t)) + " B free of " + std::to_string(m_tiers[static_cast<int>(t)].config.capacity_bytes);
  };
  if (placement == Placement::kAuto) {
    if (bytes <= free_bytes(Tier::kDram)) {
      tier = Tier::kDram;
    } else if (bytes <= free_bytes(Tier::kFlash)) {
      tier = Tier::kFlash;
    } else {
      throw sw::InputError(what + ": DRAM " + room(Tier::kDram) + ", flash " + room(Tier::kFlash));
    }
  } else {
    tier = placement == Placement::kDram ? Tier::kDram : Tier::kFlash;
    if (bytes > free_bytes(tier)) throw sw::InputError(what + " in " + tier_name(tier) + ": " + room(tier));
  }
  TierState& t = m_tiers[static_cast<int>(tier)];
  Layer layer;
  layer.info.id = static_cast<int>(m_layers.size());
  layer.info.name = name;
  layer.info.rows = weights.rows();
  layer.info.cols = weights.cols();
  layer.info.tier = tier;
  layer.info.addr = t.base + t.used;
  layer.info.bytes = bytes;
  layer.weights.assign(weights.data(), weights.data() + bytes);
  layer.grads.assign(bytes, 0);
  t.used += bytes;
  m_by_addr[layer.info.addr] = layer.info.id;
  m_layers.push_back(std::move(layer));
  return m_layers.back().info.id;
}

int WeightStore::find_layer(const std::string& name) const {
  for (const Layer& l : m_layers) {
    if (l.info.name == name) return l.info.id;
  }
  return -1;
}

sw::MatrixI8 WeightStore::weights(int id) const {
  const Layer& l = m_layers.at(static_cast<std::size_t>(id));
  sw::MatrixI8 m(l.info.rows, l.info.cols);
  std::memcpy(m.data(), l.weights.data(), l.weights.size());
  return m;
}

WeightStore::Layer* WeightStore::layer_at(std::uint64_t addr, std::size_t bytes) {
  auto it = m_by_addr.upper_bound(addr);
  if (it == m_by_addr.begin()) return nullptr;
  Layer& l = m_layers[static_cast<std::size_t>(std::prev(it)->second)];
  // Transfers never straddle layers: a weight streamer reads a layer (or part of one) at a time.
  const std::uint64_t offset = addr - l.info.addr;
  if (bytes == 0 || offset >= l.info.bytes || bytes > l.info.bytes - offset) return nullptr;
  return &l;
}

sc_core::sc_time WeightStore::complete(TierState& tier, const sc_core::sc_time& issue, std::size_t bytes) {
  tier.port.reserve(issue, bytes);
  return tier.port.free_at() + m_clock.time(tier.config.latency_cycles);
}

void WeightStore::b_transport_wt(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  // Weights change only through add_layer, the optimizer and debug loads.
  if (!gp.is_read()) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const std::size_t len = gp.get_data_length();
  Layer* l = layer_at(gp.get_address(), len);
  if (l == nullptr) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  std::memcpy(gp.get_data_ptr(), &l->weights[gp.get_address() - l->info.addr], len);
  TierState& tier = m_tiers[static_cast<int>(l->info.tier)];
  tier.counters.weight_bytes_read += len;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  delay = complete(tier, now + delay, len) - now;
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void WeightStore::b_transport_grad(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  if (!gp.is_write()) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const std::size_t len = gp.get_data_length();
  if (len % sizeof(std::int32_t) != 0) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  const std::size_t n = len / sizeof(std::int32_t);
  Layer* l = layer_at(gp.get_address(), n);
  if (l == nullptr) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const std::size_t first = gp.get_address() - l->info.addr;
  const unsigned char* data = gp.get_data_ptr();
  for (std::size_t i = 0; i < n; ++i) {
    std::int32_t g;
    std::memcpy(&g, data + i * sizeof g, sizeof g);
    l->grads[first + i] += g;
  }
  TierState& tier = m_tiers[static_cast<int>(l->info.tier)];
  tier.counters.gradient_bytes_written += len;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  delay = complete(tier, now + delay, len) - now;
  l->grads_received += n;
  if (l->grads_received >= l->info.bytes * static_cast<std::size_t>(m_config.gradients_per_step)) {
    step(*l);
    // The write-back queues on the port behind this gradient: later reads see it in time too.
    tier.port.reserve(tier.port.free_at(), l->info.bytes);
    tier.counters.weight_bytes_written += l->info.bytes;
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void WeightStore::step(Layer& layer) {
  sw::sgd_step(layer.weights, layer.grads, layer.velocity, m_config.sgd);
  layer.grads.assign(layer.grads.size(), 0);
  layer.grads_received = 0;
  ++layer.info.steps;
  ++m_optimizer_steps;
}

unsigned int WeightStore::transport_dbg(tlm::tlm_generic_payload& gp) {
  const std::size_t len = gp.get_data_length();
  Layer* l = layer_at(gp.get_address(), len);
  if (l == nullptr) return 0;
  std::int8_t* w = &l->weights[gp.get_address() - l->info.addr];
  if (gp.is_read()) {
    std::memcpy(gp.get_data_ptr(), w, len);
  } else if (gp.is_write()) {
    std::memcpy(w, gp.get_data_ptr(), len);
  }
  return static_cast<unsigned int>(len);
}

}  // namespace wb::models
