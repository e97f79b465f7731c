// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which array sizes this build holds, and the factory that gives either engine of one.
#include <memory>
#include <string>
#include <vector>

#include "models/ref/systolic_array_dut.hpp"
#include "sw/gemm_plan.hpp"

namespace wb::tb {

// The array sizes this build contains (from config/hardware.json): in waferbench-big every size,
// elsewhere the default ones (not those built on demand, tb/rtl_elsewhere.hpp).
std::vector<sw::ArrayShape> built_array_sizes();
std::vector<sw::ArrayShape> on_demand_array_sizes();  // WB_ON_DEMAND_SIZES
std::string built_array_sizes_text();  // "4x4, 8x8, 16x16; on demand: 32x32" (no "on demand" in waferbench-big)
bool is_built_array_size(int rows, int cols);
// The same for the N:M sparse array (sa_nm_systolic_array, systolic_array.nm_sizes).
std::vector<sw::ArrayShape> built_nm_array_sizes();
std::string built_nm_array_sizes_text();
bool is_built_nm_array_size(int rows, int cols);
// Throws RtlElsewhere when that RTL is not in this executable but in another (`waferbench`
// holds only WB_CORE_ARRAY_SIZES, only waferbench-big the on-demand sizes;
// tb/rtl_elsewhere.hpp): call it while checking options, before any output, and before
// is_built_array_size.
void need_array_rtl(int rows, int cols, bool nm);
// The model for ref::Engine::kModel (any positive size), else the RTL: the dense array, or with
// options.nm_group the N:M sparse one (whose RTL has groups of hw::kNmGroup). Throws
// sw::InputError when rows x cols was not built (RTL), or for a trace with the model.
std::unique_ptr<ref::ArrayDut> make_array_dut(int rows, int cols, const ref::DutOptions& options);

}  // namespace wb::tb
