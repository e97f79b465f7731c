// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which router-only meshes this build holds, and their factory.
#include <memory>
#include <string>
#include <vector>

#include "sw/trace_settings.hpp"
#include "models/ref/noc_dut.hpp"

namespace wb::tb {

std::string built_noc_meshes_text();  // "4x4, 8x8, ..."
std::vector<int> built_noc_meshes();
// Throws sw::InputError when no router-only k x k mesh was built. With a trace path, run()
// writes a waveform of the mesh there (the window, depth, format and view of `trace_settings`).
std::unique_ptr<ref::NocDut> make_noc_dut(int k, const std::string& trace_path = "",
                                          const sw::TraceSettings& trace_settings = {});

}  // namespace wb::tb
