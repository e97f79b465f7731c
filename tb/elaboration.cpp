// SPDX-License-Identifier: Apache-2.0
#include "tb/elaboration.hpp"

#include <systemc>

#include <chrono>
#include <stdexcept>

namespace wb::tb {
namespace {

std::string& claimant() {
  static std::string who;
  return who;
}

}  // namespace

std::string elaborated_by() { return claimant(); }

double run_elaboration(const std::string& who, const std::function<void()>& elaborate) {
  if (!claimant().empty()) {
    throw std::logic_error(who + ": SystemC elaborates once per process, and " + claimant() +
                           " already did (run each system in its own process)");
  }
  claimant() = who;
  elaborate();
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace wb::tb
