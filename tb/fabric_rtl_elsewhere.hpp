// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Verilated fabric RTL (compute fabrics and router-only meshes) is linked into a second
// executable, waferbench-fabric, so that `waferbench` and the default job build in minutes.
// In `waferbench` the fabric RTL factories (tb/fabric_rtl_elsewhere.cpp) throw this before any
// output is written, and main() hands the same command line to waferbench-fabric.
#include <stdexcept>

namespace wb::tb {

struct FabricRtlElsewhere : std::runtime_error {
  FabricRtlElsewhere() : std::runtime_error("this command needs the fabric RTL (waferbench-fabric)") {}
};

}  // namespace wb::tb
