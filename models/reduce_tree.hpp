// SPDX-License-Identifier: Apache-2.0
#pragma once
// SwarmX-like broadcast/reduce tree between the weight store (the root) and N systems (the
// leaves): weights go down as one read broadcast to every system, gradients come up summed.
//
// Topology: fan-out f, depth d = ceil(log_f N), at least 1 (one system is still one link away
// from the store). Links are numbered by level: level 1 leaves the root, level d reaches the
// systems; level l has ceil(N / f^(d-l)) links, and link k of level l hangs below link k / f of
// level l - 1 (system i is link i of level d). Every link is full duplex, with its own
// bandwidth bw (bytes/cycle) and latency L (cycles) in each direction, and serves its messages
// in call order (models/port.hpp). Switches cut through (a message moves on to the next link
// as soon as its head has arrived) and buffer whatever waits for a busy link, so nothing is
// dropped; the reduce adders are exact (int64) and the sum must fit int32.
//
// Broadcast of B bytes issued at t (cycles): the tree reads them from the store (done at t0),
// then link k of level l starts at s = max(ready, link free) with ready = t0 on level 1 and
// s(parent) + L below, and system i has the whole message at s(leaf i) + L + B/bw, when it is
// written to tree2sys_wt[i]. On an idle tree: t0 + d*L + B/bw. A system that takes its message
// late (returns a larger delay: accepted at a) holds its link: the next message on that link
// starts no earlier than a - L, so its head arrives after the previous one was taken.
//
// Reduce of B bytes (n int32 gradients, B = 4n) for one address range: system i's write at t_i
// starts on its link at s = max(t_i, link free) and returns once the link has sent it
// (s + B/bw). When all N have arrived, each switch adds its children's streams as they come:
// link k of level l starts at max(max over children c of s(c) + L, link free); the store gets
// one write at max over level-1 links s + L + B/bw. On an idle tree with every t_i = t:
// t + d*L + B/bw.
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "models/clock.hpp"
#include "models/port.hpp"

namespace wb::models {

struct TreeConfig {
  int systems = 1;
  int fan_out = 2;
  double bytes_per_cycle = 32.0;  // per link and direction
  std::uint64_t hop_latency_cycles = 4;
};

// ceil(log_fan_out systems), at least 1.
int tree_depth(int systems, int fan_out);

struct LevelCounters {
  int links = 0;
  std::uint64_t bytes_down = 0;  // summed over the level's links
  std::uint64_t bytes_up = 0;
  double busy_cycles_down = 0;   // transfer cycles summed over the level's links
  double busy_cycles_up = 0;
  // Fraction of the level's link-cycles spent transferring over a window of `cycles`.
  double utilization_down(double cycles) const { return busy_cycles_down / (links * cycles); }
  double utilization_up(double cycles) const { return busy_cycles_up / (links * cycles); }
};

class ReduceTree : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<ReduceTree> tree2mx_wt;     // weight reads from the store
  tlm_utils::simple_initiator_socket<ReduceTree> tree2mx_grad;   // summed gradients to the store
  tlm_utils::multi_passthrough_initiator_socket<ReduceTree> tree2sys_wt;   // bind once per system, in order
  tlm_utils::multi_passthrough_target_socket<ReduceTree> sys2tree_grad;    // bind once per system, in order

  // Throws sw::InputError unless systems >= 1, fan_out >= 2 and the bandwidth is positive.
  ReduceTree(sc_core::sc_module_name name, const TreeConfig& config, const Clock& clock);

  int systems() const { return m_config.systems; }
  int depth() const { return m_depth; }

  // Reads `bytes` at `addr` from the store and writes them, at the same address, to every
  // system (0 first). `delay`: in, the local issue time; out, when every system has taken
  // them. Call from an SC_THREAD. Throws std::runtime_error if the store or a system refuses.
  void broadcast(std::uint64_t addr, std::size_t bytes, sc_core::sc_time& delay);

  // Level l = 1 (at the store) .. depth() (at the systems).
  LevelCounters level(int l) const;
  std::uint64_t broadcasts() const { return m_broadcasts; }
  std::uint64_t reductions() const { return m_reductions; }
  // When the store had the last completed reduce's sum (its write's completion).
  const sc_core::sc_time& last_reduce_done() const { return m_last_reduce_done; }

 private:
  struct PendingReduce {
    std::vector<std::int64_t> sum;
    std::vector<sc_core::sc_time> leaf_start;  // when each system's message started on its link
    std::vector<bool> arrived;
    int count = 0;
  };

  void end_of_elaboration() override;
  void b_transport_grad(int system, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  // Starts a message of `bytes` on link k of level l (1-based) once it is ready; returns the start.
  sc_core::sc_time send(bool down, int l, int k, const sc_core::sc_time& ready, std::size_t bytes);
  void finish_reduce(std::uint64_t addr, PendingReduce& pending, tlm::tlm_generic_payload& gp);

  TreeConfig m_config;
  Clock m_clock;
  int m_depth;
  sc_core::sc_time m_latency;
  std::vector<std::vector<Port>> m_down;  // [level - 1][link]
  std::vector<std::vector<Port>> m_up;
  std::vector<LevelCounters> m_levels;    // bytes only; busy cycles come from the ports
  std::map<std::pair<std::uint64_t, std::size_t>, PendingReduce> m_pending;  // by (address, bytes)
  std::vector<unsigned char> m_buffer;
  std::uint64_t m_broadcasts = 0;
  std::uint64_t m_reductions = 0;
  sc_core::sc_time m_last_reduce_done;
};

}  // namespace wb::models
