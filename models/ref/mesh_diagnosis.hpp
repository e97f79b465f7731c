// SPDX-License-Identifier: Apache-2.0
#pragma once
// For a watchdog message: a mesh's stuck (tile, port, color) places, from the routers'
// diagnostics (sa_fabric stored_o / no_credit_o, or a model's registers): router inputs holding
// a wavelet and outputs without a credit, at most `limit` of each. `stored(t, bit)` and
// `no_credit(t, bit)` give bit p*colors + c of tile t (port p: N, E, S, W, ramp).
#include <sstream>
#include <string>

#include "wb/hw_config.hpp"

namespace wb::ref {

template <class Stored, class NoCredit>
std::string describe_mesh_ports(int k, int colors, Stored&& stored, NoCredit&& no_credit, int limit = 6) {
  std::ostringstream held, starved;
  int n_held = 0, n_starved = 0;
  for (int t = 0; t < k * k; ++t) {
    for (int p = 0; p < hw::kNumPorts; ++p) {
      for (int c = 0; c < colors; ++c) {
        const std::string where = " tile (" + std::to_string(t % k) + "," + std::to_string(t / k) + ") ";
        if (stored(t, p * colors + c) && n_held++ < limit) {
          held << where << "input " << hw::kPortNames[p] << " holds color " << c << ";";
        }
        if (no_credit(t, p * colors + c) && n_starved++ < limit) {
          starved << where << "output " << hw::kPortNames[p] << " has no credit for color " << c << ";";
        }
      }
    }
  }
  std::ostringstream os;
  os << " inside the mesh: " << n_held << " (input, color) buffers hold wavelets," << held.str() << " " << n_starved
     << " (output, color) pairs wait for credits," << starved.str();
  return os.str();
}

}  // namespace wb::ref
