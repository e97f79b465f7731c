// SPDX-License-Identifier: Apache-2.0
#pragma once
// Running the waferbench CLI from a [system] test: its argument vector (no shell), exit code,
// stdout and stderr; and the bad-input contract (exit 2, one line, no output file).
// Include tests/case_dir.hpp first.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sw/child_process.hpp"

namespace wb::test {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out, err;
};

using Args = std::vector<std::string>;

// In the running case's own directory (tests/case_dir.hpp).
inline std::string tmp(const std::string& name) { return test::case_path(name); }

inline bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// "gemm --m 4" -> {"gemm", "--m", "4"}: split at spaces, no quoting and no shell. An argument
// that holds a space, or is empty, needs the Args form of the helpers.
inline Args words(const std::string& line) {
  Args out;
  std::string w;
  for (const char c : line + ' ') {
    if (c != ' ') {
      w.push_back(c);
    } else if (!w.empty()) {
      out.push_back(w);
      w.clear();
    }
  }
  return out;
}

// Runs exe with args as its argument vector (sw::run_child: no shell), stdout and stderr apart.
inline Outcome run_cli(const std::string& exe, const Args& args) {
  Args argv{exe};
  argv.insert(argv.end(), args.begin(), args.end());
  sw::ChildOptions options;
  options.capture_err = true;
  sw::ChildResult r;
  try {
    r = sw::run_child(argv, options);
  } catch (const std::exception& e) {
    FAIL(e.what());
  }
  return Outcome{r.exit_code, r.out, r.err};
}
inline Outcome run_cli(const std::string& exe, const std::string& args) { return run_cli(exe, words(args)); }

inline Outcome waferbench(const Args& args) { return run_cli(WB_CLI_PATH, args); }
inline Outcome waferbench(const std::string& args) { return waferbench(words(args)); }

// Bad input: exit 2, exactly one line on stderr mentioning `why`, and no result files.
inline void expect_input_error(const Args& args, const std::string& why) {
  std::remove(tmp("out.json").c_str());
  std::remove(tmp("out.npy").c_str());
  Args argv = args;
  argv.insert(argv.end(), {"--json", tmp("out.json")});
  if (!args.empty() && args[0] == "gemm") argv.insert(argv.end(), {"--out", tmp("out.npy")});
  const Outcome o = waferbench(argv);
  std::string shown;
  for (const auto& a : args) shown += (shown.empty() ? "" : " ") + a;
  INFO("args: " << shown << "\nstderr: " << o.err);
  CHECK(o.code == 2);
  CHECK(o.err.find(why) != std::string::npos);
  CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
  CHECK_FALSE(exists(tmp("out.json")));
  CHECK_FALSE(exists(tmp("out.npy")));
}
inline void expect_input_error(const std::string& args, const std::string& why) { expect_input_error(words(args), why); }

}  // namespace wb::test
