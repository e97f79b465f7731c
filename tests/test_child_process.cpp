// SPDX-License-Identifier: Apache-2.0
// [unit] Child processes from argument vectors (sw/child_process.hpp): no shell, output and
// exit codes, and run_children's order and parallelism.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "sw/child_process.hpp"

using namespace wb;

TEST_CASE("run_child passes arguments verbatim and reports the exit code", "[unit]") {
  const sw::ChildResult r = sw::run_child({"/bin/echo", "it's", "a b", "$HOME"});
  CHECK(r.out == "it's a b $HOME\n");
  CHECK(r.exit_code == 0);
  CHECK(sw::run_child({"/bin/false"}).exit_code == 1);
  CHECK_THROWS_AS(sw::run_child({"/nonexistent/program"}), std::runtime_error);
}

TEST_CASE("run_children returns the results in the order given, whatever finishes first", "[unit]") {
  std::vector<std::vector<std::string>> argvs;
  for (int i = 0; i < 7; ++i) {
    // The first ones take longest, so they finish last.
    argvs.push_back({"/bin/sh", "-c", "sleep 0." + std::to_string(7 - i) + "; echo " + std::to_string(i)});
  }
  const std::vector<sw::ChildResult> rs = sw::run_children(argvs, 3);
  REQUIRE(rs.size() == 7);
  for (int i = 0; i < 7; ++i) {
    CHECK(rs[static_cast<std::size_t>(i)].out == std::to_string(i) + "\n");
    CHECK(rs[static_cast<std::size_t>(i)].exit_code == 0);
  }
  CHECK(sw::run_children({}, 2).empty());
}

TEST_CASE("run_children runs up to `jobs` children at once", "[unit]") {
  const std::vector<std::vector<std::string>> argvs(4, {"/bin/sleep", "1"});
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<sw::ChildResult> rs = sw::run_children(argvs, 4);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(rs.size() == 4);
  // One after another would take 4 s; sleeping costs no CPU, so a loaded machine still overlaps them.
  CHECK(wall < 3.0);
  CHECK(wall >= 1.0);
  CHECK(sw::available_cores() >= 1);
}
