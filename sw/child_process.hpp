// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs a program with an argument vector (no shell, so no quoting) and collects its standard
// output, exit status and resource use: wall time, CPU time (user + system) and peak resident
// memory, as the kernel accounts them for that child alone.
#include <string>
#include <vector>

namespace wb::sw {

struct ChildResult {
  std::string out;         // everything the child wrote to stdout
  std::string err;         // everything it wrote to stderr, with ChildOptions::capture_err
  int exit_code = -1;      // -1 when killed by a signal
  double wall_seconds = 0.0;
  double cpu_seconds = 0.0;
  long max_rss_kb = 0;
};

struct ChildOptions {
  bool capture_err = false;  // collect stderr into ChildResult::err; otherwise the child shares ours
};

// argv[0] is the program path. Throws std::runtime_error when it cannot be started.
ChildResult run_child(const std::vector<std::string>& argv, const ChildOptions& options = {});

// Runs every argument vector as run_child does, at most `jobs` (at least 1) at a time, and
// returns the results in the order of `argvs`. When a child cannot be started, the children
// already started finish first, then the error is thrown.
std::vector<ChildResult> run_children(const std::vector<std::vector<std::string>>& argvs, int jobs);

// The cores this process may run on (its CPU affinity), at least 1.
int available_cores();

}  // namespace wb::sw
