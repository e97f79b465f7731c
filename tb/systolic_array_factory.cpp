// SPDX-License-Identifier: Apache-2.0
// Instantiates the Verilated configuration that matches a requested array size. Compiled once
// per executable (tb/rtl_elsewhere.hpp): with the default configurations (wb_tb_pins:
// waferbench-all and the tests), with WB_CORE_ARRAYS_ONLY for `waferbench` itself
// (wb_tb_pins_core, WB_CORE_ARRAY_SIZES), and with WB_WITH_ON_DEMAND for waferbench-big
// (wb_tb_pins_big, the on-demand sizes too). Each hands what it lacks to the one that holds it.
#include "tb/held_array_models.hpp"  // Verilated headers first (before anything SystemC)
#ifndef WB_CORE_ARRAYS_ONLY
#include "wb/nm_array_models.hpp"  // the N:M arrays are all in waferbench-all
#endif

#include "sw/error.hpp"
#include "models/ref/systolic_array_model.hpp"
#include "tb/on_demand_rtl.hpp"
#include "tb/systolic_array_factory.hpp"
#include "tb/verilated_systolic_array.hpp"

namespace wb::tb {

namespace {

std::string sizes_text(const std::vector<sw::ArrayShape>& sizes) {
  std::string text;
  for (const auto& s : sizes) {
    if (!text.empty()) text += ", ";
    text += std::to_string(s.rows) + "x" + std::to_string(s.cols);
  }
  return text;
}

bool contains(const std::vector<sw::ArrayShape>& sizes, int rows, int cols) {
  for (const auto& s : sizes) {
    if (s.rows == rows && s.cols == cols) return true;
  }
  return false;
}

std::unique_ptr<ref::ArrayDut> make_nm_rtl(int rows, int cols, const ref::DutOptions& options) {
  if (options.nm_group != hw::kNmGroup) {
    throw sw::InputError("the N:M sparse array's RTL has groups of " + std::to_string(hw::kNmGroup) + ", not " +
                         std::to_string(options.nm_group));
  }
  need_array_rtl(rows, cols, true);
#ifndef WB_CORE_ARRAYS_ONLY
  const bool traced = !options.trace_path.empty();
#define WB_MAKE_NM_DUT(R, C)                                                                           \
  if (rows == R && cols == C) {                                                                        \
    if (traced) return std::make_unique<VerilatedArrayDut<Vsa_nm_array_##R##x##C##_trace>>(R, C, options); \
    return std::make_unique<VerilatedArrayDut<Vsa_nm_array_##R##x##C>>(R, C, options);                \
  }
  WB_FOR_EACH_NM_ARRAY(WB_MAKE_NM_DUT)
#undef WB_MAKE_NM_DUT
#endif
  throw sw::InputError("the N:M sparse array " + std::to_string(rows) + "x" + std::to_string(cols) +
                       " is not built (built: " + built_nm_array_sizes_text() + ")");
}

}  // namespace

#define WB_LIST_SIZE(R, C) sizes.push_back(sw::ArrayShape{R, C});
std::vector<sw::ArrayShape> built_array_sizes() {
  std::vector<sw::ArrayShape> sizes;
  WB_FOR_EACH_ARRAY(WB_LIST_SIZE)
#ifdef WB_WITH_ON_DEMAND
  WB_FOR_EACH_ON_DEMAND_ARRAY(WB_LIST_SIZE)
#endif
  return sizes;
}

std::vector<sw::ArrayShape> on_demand_array_sizes() {
  std::vector<sw::ArrayShape> sizes;
  WB_FOR_EACH_ON_DEMAND_ARRAY(WB_LIST_SIZE)
  return sizes;
}

std::vector<sw::ArrayShape> built_nm_array_sizes() {
  std::vector<sw::ArrayShape> sizes;
  WB_FOR_EACH_NM_ARRAY(WB_LIST_SIZE)
  return sizes;
}
#undef WB_LIST_SIZE

std::string built_array_sizes_text() {
  std::string text = sizes_text(built_array_sizes());
#ifndef WB_WITH_ON_DEMAND
  const std::string later = sizes_text(on_demand_array_sizes());
  if (!later.empty()) text += "; on demand: " + later;
#endif
  return text;
}
std::string built_nm_array_sizes_text() { return sizes_text(built_nm_array_sizes()); }
bool is_built_array_size(int rows, int cols) { return contains(built_array_sizes(), rows, cols); }
bool is_built_nm_array_size(int rows, int cols) { return contains(built_nm_array_sizes(), rows, cols); }

void need_array_rtl(int rows, int cols, bool nm) {
#ifndef WB_WITH_ON_DEMAND
  if (!nm && is_on_demand_array_size(rows, cols)) throw RtlElsewhere(kBigExecutable);
#endif
#ifdef WB_CORE_ARRAYS_ONLY
  bool held = false;
#define WB_HELD(R, C) held = held || (rows == R && cols == C);
  WB_FOR_EACH_CORE_ARRAY(WB_HELD)
#undef WB_HELD
  const bool built = nm ? is_built_nm_array_size(rows, cols) : is_built_array_size(rows, cols);
  if (built && (nm || !held)) throw RtlElsewhere();
#else
  (void)rows, (void)cols, (void)nm;
#endif
}

std::unique_ptr<ref::ArrayDut> make_array_dut(int rows, int cols, const ref::DutOptions& options) {
  if (options.engine == ref::Engine::kModel) return std::make_unique<ref::ModelArrayDut>(rows, cols, options);
  if (options.nm_group != 0) return make_nm_rtl(rows, cols, options);
  need_array_rtl(rows, cols, false);
  const bool traced = !options.trace_path.empty();
#define WB_MAKE_DUT(R, C)                                                                          \
  if (rows == R && cols == C) {                                                                    \
    if (traced) return std::make_unique<VerilatedArrayDut<Vsa_array_##R##x##C##_trace>>(R, C, options); \
    return std::make_unique<VerilatedArrayDut<Vsa_array_##R##x##C>>(R, C, options);                \
  }
  WB_FOR_EACH_HELD_ARRAY(WB_MAKE_DUT)
#undef WB_MAKE_DUT
  throw sw::InputError("array size " + std::to_string(rows) + "x" + std::to_string(cols) +
                       " is not built (built: " + built_array_sizes_text() + ")");
}

}  // namespace wb::tb
