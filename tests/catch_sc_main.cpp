// SPDX-License-Identifier: Apache-2.0
// Catch2 runner for tests that elaborate SystemC: libsystemc.so owns main() and calls sc_main.
// Each test case elaborates once, so ctest runs every case in its own process
// (tests/discover_cases.cmake). Its exit code never reads as a skip (tests/skip.hpp).
#define CATCH_CONFIG_RUNNER
#include <systemc>

#include <catch2/catch.hpp>

#include <cstdlib>

#include "tests/skip.hpp"

// No SystemC banner in test logs (it prints before sc_main).
static const int kNoBanner = setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);

int sc_main(int argc, char* argv[]) { return wb::test::runner_exit_code(Catch::Session().run(argc, argv)); }
