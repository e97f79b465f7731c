// SPDX-License-Identifier: Apache-2.0
#pragma once
// Skipping a case that needs hardware this build did not verilate (-DWB_ONLY_SIZES,
// -DWB_ONLY_MESHES): Catch2 2.13 has no SKIP, so the case says why on stdout and its process
// exits with WB_SKIP_EXIT_CODE, which ctest reports as skipped (SKIP_RETURN_CODE, set on every
// case by tests/discover_cases.cmake). Each ctest entry runs one case in its own process, so
// nothing else is lost. The runners (catch_main.cpp, catch_sc_main.cpp) never return that code
// for a failure: Catch2 exits with the number of failed assertions.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "wb/hw_config.hpp"

namespace wb::test {

constexpr int kSkipExitCode = WB_SKIP_EXIT_CODE;

// Catch2's exit code as the runner returns it: a failure that happens to count kSkipExitCode
// assertions is still a failure.
constexpr int runner_exit_code(int catch_code) { return catch_code == kSkipExitCode ? kSkipExitCode + 1 : catch_code; }
static_assert(runner_exit_code(kSkipExitCode) != kSkipExitCode && runner_exit_code(0) == 0 && runner_exit_code(1) == 1);

[[noreturn]] inline void skip_case(const std::string& why) {
  std::printf("SKIPPED: %s\n", why.c_str());
  std::fflush(stdout);
  std::exit(kSkipExitCode);
}

// What this build verilated (config/hardware.json, narrowed by -DWB_ONLY_*), from the generated
// lists; tb::is_built_* answers the same from them, but [system] tests do not link tb/.
constexpr bool array_built(int rows, int cols) {
  bool built = (void(rows), void(cols), false);
#define WB_TEST_BUILT(R, C) built = built || (rows == R && cols == C);
  WB_FOR_EACH_ARRAY(WB_TEST_BUILT)
  return built;
}
constexpr bool nm_array_built(int rows, int cols) {
  bool built = (void(rows), void(cols), false);
  WB_FOR_EACH_NM_ARRAY(WB_TEST_BUILT)
#undef WB_TEST_BUILT
  return built;
}
constexpr bool noc_mesh_built(int k) {
  bool built = (void(k), false);
#define WB_TEST_BUILT(K, COLORS) built = built || k == K;
  WB_FOR_EACH_NOC_MESH(WB_TEST_BUILT)
#undef WB_TEST_BUILT
  return built;
}
constexpr bool wafer_mesh_built(int k) {  // single-threaded, as tb::is_built_wafer_mesh
  bool built = (void(k), false);
#define WB_TEST_BUILT(K, THREADS) built = built || (k == K && THREADS == 1);
  WB_FOR_EACH_WAFER(WB_TEST_BUILT)
#undef WB_TEST_BUILT
  return built;
}

// The case needs this RTL: without it, it is skipped (and says which build option left it out).
inline void need_array(int rows, int cols) {
  if (!array_built(rows, cols)) {
    skip_case("needs the " + std::to_string(rows) + "x" + std::to_string(cols) + " array, not built (-DWB_ONLY_SIZES)");
  }
}
inline void need_nm_array(int rows, int cols) {
  if (!nm_array_built(rows, cols)) {
    skip_case("needs the " + std::to_string(rows) + "x" + std::to_string(cols) +
              " N:M sparse array, not built (-DWB_ONLY_SIZES)");
  }
}
inline void need_noc_mesh(int k) {
  if (!noc_mesh_built(k)) {
    skip_case("needs the " + std::to_string(k) + "x" + std::to_string(k) + " router-only mesh, not built (-DWB_ONLY_MESHES)");
  }
}
inline void need_wafer_mesh(int k) {
  if (!wafer_mesh_built(k)) {
    skip_case("needs the " + std::to_string(k) + "x" + std::to_string(k) + " compute fabric, not built (-DWB_ONLY_MESHES)");
  }
}

}  // namespace wb::test
