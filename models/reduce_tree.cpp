// SPDX-License-Identifier: Apache-2.0
#include "models/reduce_tree.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "sw/error.hpp"

namespace wb::models {

int tree_depth(int systems, int fan_out) {
  int depth = 0;
  for (std::int64_t reach = 1; reach < systems; reach *= fan_out) ++depth;
  return std::max(depth, 1);
}

ReduceTree::ReduceTree(sc_core::sc_module_name name, const TreeConfig& config, const Clock& clock)
    : sc_core::sc_module(name),
      tree2mx_wt("tree2mx_wt"),
      tree2mx_grad("tree2mx_grad"),
      tree2sys_wt("tree2sys_wt"),
      sys2tree_grad("sys2tree_grad"),
      m_config(config),
      m_clock(clock),
      m_depth(0) {
  if (config.systems < 1) throw sw::InputError("reduce tree: needs at least one system");
  if (config.fan_out < 2) throw sw::InputError("reduce tree: fan-out must be at least 2");
  if (!(config.bytes_per_cycle > 0.0)) throw sw::InputError("reduce tree: link bandwidth must be positive");
  m_depth = tree_depth(config.systems, config.fan_out);
  m_latency = clock.time(config.hop_latency_cycles);
  // Links per level, from the systems up: N, ceil(N / f), ...
  std::vector<int> links(static_cast<std::size_t>(m_depth));
  int n = config.systems;
  for (int l = m_depth; l >= 1; --l) {
    links[static_cast<std::size_t>(l - 1)] = n;
    n = (n + config.fan_out - 1) / config.fan_out;
  }
  for (int count : links) {
    m_down.emplace_back(static_cast<std::size_t>(count), Port(config.bytes_per_cycle, clock));
    m_up.emplace_back(static_cast<std::size_t>(count), Port(config.bytes_per_cycle, clock));
    m_levels.push_back(LevelCounters{count});
  }
  sys2tree_grad.register_b_transport(this, &ReduceTree::b_transport_grad);
}

void ReduceTree::end_of_elaboration() {
  const auto expect = static_cast<unsigned>(m_config.systems);
  if (tree2sys_wt.size() != expect || sys2tree_grad.size() != expect) {
    SC_REPORT_ERROR(name(), ("reduce tree: " + std::to_string(m_config.systems) + " systems configured but " +
                             std::to_string(tree2sys_wt.size()) + " weight and " +
                             std::to_string(sys2tree_grad.size()) + " gradient sockets bound").c_str());
  }
}

LevelCounters ReduceTree::level(int l) const {
  LevelCounters c = m_levels.at(static_cast<std::size_t>(l - 1));
  for (const Port& p : m_down[static_cast<std::size_t>(l - 1)]) c.busy_cycles_down += p.busy_cycles();
  for (const Port& p : m_up[static_cast<std::size_t>(l - 1)]) c.busy_cycles_up += p.busy_cycles();
  return c;
}

sc_core::sc_time ReduceTree::send(bool down, int l, int k, const sc_core::sc_time& ready, std::size_t bytes) {
  const auto level = static_cast<std::size_t>(l - 1);
  (down ? m_levels[level].bytes_down : m_levels[level].bytes_up) += bytes;
  return (down ? m_down : m_up)[level][static_cast<std::size_t>(k)].reserve(ready, bytes);
}

void ReduceTree::broadcast(std::uint64_t addr, std::size_t bytes, sc_core::sc_time& delay) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  m_buffer.resize(bytes);
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(m_buffer.data());
  gp.set_data_length(static_cast<unsigned int>(bytes));
  gp.set_streaming_width(static_cast<unsigned int>(bytes));
  gp.set_byte_enable_ptr(nullptr);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time d = delay;
  tree2mx_wt->b_transport(gp, d);
  if (gp.is_response_error()) throw std::runtime_error("reduce tree: the store refused a read at address " + std::to_string(addr));
  // Top down: every link starts once its parent's head has arrived and the link is free.
  std::vector<sc_core::sc_time> parent{now + d};
  for (int l = 1; l <= m_depth; ++l) {
    std::vector<sc_core::sc_time> start(m_down[static_cast<std::size_t>(l - 1)].size());
    for (std::size_t k = 0; k < start.size(); ++k) {
      const sc_core::sc_time ready = l == 1 ? parent[0] : parent[k / static_cast<std::size_t>(m_config.fan_out)] + m_latency;
      start[k] = send(true, l, static_cast<int>(k), ready, bytes);
    }
    parent = std::move(start);
  }
  const sc_core::sc_time transfer = m_down.back().front().transfer_time(bytes);
  sc_core::sc_time all_taken = now + d;
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  for (int i = 0; i < m_config.systems; ++i) {
    const sc_core::sc_time arrival = parent[static_cast<std::size_t>(i)] + m_latency + transfer;
    sc_core::sc_time leaf = arrival - now;
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    tree2sys_wt[i]->b_transport(gp, leaf);
    if (gp.is_response_error()) throw std::runtime_error("reduce tree: system " + std::to_string(i) + " refused the weights at address " + std::to_string(addr));
    const sc_core::sc_time taken = std::max(arrival, now + leaf);
    // A late taker holds its link: the next message's head must not arrive before `taken`.
    m_down.back()[static_cast<std::size_t>(i)].hold_until(taken - m_latency);
    all_taken = std::max(all_taken, taken);
  }
  ++m_broadcasts;
  delay = all_taken - now;
}

void ReduceTree::b_transport_grad(int system, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const std::size_t len = gp.get_data_length();
  if (!gp.is_write() || len == 0 || len % sizeof(std::int32_t) != 0) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const std::uint64_t addr = gp.get_address();
  PendingReduce& pending = m_pending[{addr, len}];
  const auto i = static_cast<std::size_t>(system);
  if (pending.arrived.empty()) {
    pending.sum.assign(len / sizeof(std::int32_t), 0);
    pending.leaf_start.resize(static_cast<std::size_t>(m_config.systems));
    pending.arrived.assign(static_cast<std::size_t>(m_config.systems), false);
  }
  // One message per system and range until the reduce completes: a second one has nowhere to go.
  if (pending.arrived[i]) {
    gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  const unsigned char* data = gp.get_data_ptr();
  for (std::size_t e = 0; e < pending.sum.size(); ++e) {
    std::int32_t g;
    std::memcpy(&g, data + e * sizeof g, sizeof g);
    pending.sum[e] += g;
  }
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  pending.leaf_start[i] = send(false, m_depth, system, now + delay, len);
  pending.arrived[i] = true;
  ++pending.count;
  // The system is free once its link has sent the message.
  delay = pending.leaf_start[i] + m_up.back()[i].transfer_time(len) - now;
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  if (pending.count == m_config.systems) {
    PendingReduce complete = std::move(pending);
    m_pending.erase({addr, len});
    finish_reduce(addr, complete, gp);
  }
}

void ReduceTree::finish_reduce(std::uint64_t addr, PendingReduce& pending, tlm::tlm_generic_payload& last) {
  const std::size_t len = pending.sum.size() * sizeof(std::int32_t);
  std::vector<std::int32_t> sum(pending.sum.size());
  for (std::size_t e = 0; e < sum.size(); ++e) {
    using Limits = std::numeric_limits<std::int32_t>;
    const std::int64_t s = pending.sum[e];
    if (s < Limits::min() || s > Limits::max()) {
      throw std::runtime_error("reduce tree: gradient sum at address " + std::to_string(addr) + " + " + std::to_string(e) +
                               " overflows int32 (" + std::to_string(s) + ")");
    }
    sum[e] = static_cast<std::int32_t>(s);
  }
  const auto fan_out = static_cast<std::size_t>(m_config.fan_out);
  // Bottom up: each switch forwards the sum once the heads of all its children have arrived.
  std::vector<sc_core::sc_time> child = pending.leaf_start;
  for (int l = m_depth - 1; l >= 1; --l) {
    std::vector<sc_core::sc_time> start(m_up[static_cast<std::size_t>(l - 1)].size());
    for (std::size_t k = 0; k < start.size(); ++k) {
      const auto last_child = std::min(child.size(), (k + 1) * fan_out);
      const sc_core::sc_time ready = *std::max_element(child.begin() + static_cast<std::ptrdiff_t>(k * fan_out),
                                                       child.begin() + static_cast<std::ptrdiff_t>(last_child)) + m_latency;
      start[k] = send(false, l, static_cast<int>(k), ready, len);
    }
    child = std::move(start);
  }
  const sc_core::sc_time at_root = *std::max_element(child.begin(), child.end()) + m_latency + m_up[0][0].transfer_time(len);
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(sum.data()));
  gp.set_data_length(static_cast<unsigned int>(len));
  gp.set_streaming_width(static_cast<unsigned int>(len));
  gp.set_byte_enable_ptr(nullptr);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = at_root - sc_core::sc_time_stamp();
  tree2mx_grad->b_transport(gp, delay);
  ++m_reductions;
  m_last_reduce_done = sc_core::sc_time_stamp() + delay;
  // The store's refusal reaches the system whose message completed the reduce.
  if (gp.is_response_error()) last.set_response_status(gp.get_response_status());
}

}  // namespace wb::models
