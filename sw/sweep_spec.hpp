// SPDX-License-Identifier: Apache-2.0
#pragma once
// A design-space sweep: a grid over the options of one waferbench subcommand, read from JSON or
// YAML, expanded into self-contained jobs, each named by a hash of its options.
//
//   {"command": "gemm", "m": [16, 32], "k": 32, "n": [16], "rows": [4, 8], "dataflow": ["ws", "os"]}
//
// Every key but "command" is an option of the subcommand (without "--"), with one value or a
// list; the jobs are the cross product, the last key varying fastest. A true boolean is a flag
// (--no-baseline), false leaves it out.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace wb::sw {

struct SweepValue {
  std::string text;   // the option's value as given ("16", "0.5", "ws"; "true"/"false" for booleans)
  bool flag = false;  // a true boolean: the option alone, no value
  bool off = false;   // a false boolean: the option left out
  bool operator==(const SweepValue& o) const { return text == o.text && flag == o.flag && off == o.off; }
};

struct SweepAxis {
  std::string option;  // without "--"
  std::vector<SweepValue> values;
};

struct SweepSpec {
  std::string command;
  std::vector<SweepAxis> axes;  // in the order of the file
};

struct SweepJob {
  std::string id;  // 16 hex digits: FNV-1a 64 of canonical_text()
  std::string command;
  std::vector<std::pair<std::string, SweepValue>> options;  // one per axis, in the axes' order

  // The subcommand's arguments: {command, "--m", "16", ..., "--no-baseline"}.
  std::vector<std::string> args() const;
  // "command\n--opt=value\n..." with the options sorted by name: the same point gives the same
  // id whatever the order of the keys in the file.
  std::string canonical_text() const;
};

// The subcommands a sweep can run: those that write their results with --json.
const std::vector<std::string>& sweep_commands();

// Options a spec may not set: the sweep writes each job's --json itself, and a job writes no
// other file (--trace and its window, --out, --csv, --scalesim-csv, --report).
bool is_reserved_sweep_option(const std::string& option);

constexpr std::size_t kMaxSweepJobs = 100000;

// Parses a spec (`name` says which file, for messages). JSON when `yaml` is false, else YAML
// (yaml-cpp). Throws InputError on malformed text, an unknown command, a key that is not an
// option name, a reserved option, an empty list, a nested value, or more than kMaxSweepJobs jobs.
SweepSpec parse_sweep_spec(const std::string& text, bool yaml, const std::string& name);

// The spec file at `path`: YAML for .yaml and .yml, JSON for .json (InputError otherwise, or
// when it cannot be read).
SweepSpec read_sweep_spec(const std::string& path);

// The grid's jobs, in order (the last axis fastest).
std::vector<SweepJob> expand_sweep(const SweepSpec& spec);

}  // namespace wb::sw
