// SPDX-License-Identifier: Apache-2.0
#pragma once
// Hands a command line to the executable that holds the RTL it needs (tb/rtl_elsewhere.hpp).
#include <string>

namespace wb::cli {

// Replaces this process with `executable` (beside this one) on the same command line. For
// waferbench-big, run from its build tree, it first builds it when it is missing or older than
// this executable or waferbench-all (the default targets were rebuilt since): one line on
// stderr, the build's output in a log beside it, under a lock so that concurrent runs build it
// once. Returns only on failure, with the exit code (the error printed).
int hand_over(char* argv[], const std::string& executable);

}  // namespace wb::cli
