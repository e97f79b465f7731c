// SPDX-License-Identifier: Apache-2.0
// Catch2 runner for tests without SystemC. Its exit code never reads as a skip (tests/skip.hpp).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "tests/skip.hpp"

int main(int argc, char* argv[]) { return wb::test::runner_exit_code(Catch::Session().run(argc, argv)); }
