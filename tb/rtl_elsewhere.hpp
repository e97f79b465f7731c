// SPDX-License-Identifier: Apache-2.0
#pragma once
// The RTL is linked into three executables, built beside each other, so that a fresh clone
// builds and shows a first result in minutes:
//   waferbench      the default job's array sizes (WB_CORE_ARRAY_SIZES) and every model;
//   waferbench-all  every configuration a default build verilates (the other array sizes, the
//                   N:M sparse arrays, compute fabrics, router meshes);
//   waferbench-big  those and the configurations built only on demand (WB_ON_DEMAND_SIZES,
//                   WB_ON_DEMAND_MESHES: the slowest to build), built on first use.
// Where a factory's RTL is not in the running executable, it throws this during option
// checking (before any output is written), and main() hands the same command line to the
// executable that holds it (tb/cli/hand_over.hpp).
#include <stdexcept>
#include <string>

namespace wb::tb {

inline constexpr const char* kAllExecutable = "waferbench-all";
inline constexpr const char* kBigExecutable = "waferbench-big";

struct RtlElsewhere : std::runtime_error {
  explicit RtlElsewhere(const char* executable_name = kAllExecutable)
      : std::runtime_error(std::string("this command needs RTL that is in ") + executable_name), executable(executable_name) {}
  const char* executable;
};

}  // namespace wb::tb
