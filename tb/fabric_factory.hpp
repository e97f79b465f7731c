// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which compute fabrics this build holds, and the factory that gives either engine of one.
#include <memory>
#include <string>
#include <vector>

#include "models/ref/fabric_dut.hpp"

namespace wb::tb {

std::string built_wafer_meshes_text();  // "4x4, 8x8, ..." (single-threaded builds)

struct WaferVariant {
  int mesh = 0;
  int threads = 1;  // Verilator --threads of the build
};
std::vector<WaferVariant> built_wafer_variants();

bool is_built_wafer_mesh(int k);  // a single-threaded k x k RTL build exists

// Throws RtlElsewhere unless this executable holds every mesh, those built on demand included
// (tb/rtl_elsewhere.hpp): for commands that run them all (fabric-bench).
void need_every_mesh_rtl();

// Throws sw::InputError when, for the RTL, no k x k compute fabric with that many Verilator
// threads was built; for the model, when k is outside 1..16 or a trace is requested.
std::unique_ptr<ref::WaferDut> make_wafer_dut(int k, const ref::WaferDutOptions& options);
// The RTL (kept for callers that predate the engine choice).
std::unique_ptr<ref::WaferDut> make_wafer_dut(int k, const std::string& trace_path = "", int threads = 1,
                                              const sw::TraceSettings& trace_settings = {});

}  // namespace wb::tb
