#pragma once
// Command-line options shared by the subcommands that build an array system.
#include <boost/program_options.hpp>

#include <string>
#include <vector>

#include "sw/report.hpp"
#include "tb/array_system.hpp"

namespace wb::cli {

struct SystemArgs {
  int rows = 16;
  int cols = 16;
  std::string dataflow = "ws";
  std::string engine = "rtl";
  double mem_bw = 64.0;
  long long mem_latency = 10;
  double backpressure = 0.0;
  unsigned long long seed = 1;
  std::string trace;
  std::string json;
};

void add_system_options(boost::program_options::options_description& desc, SystemArgs& args);

// Validates the values (one-line sw::InputError) and builds the system options.
tb::SystemOptions to_system_options(const SystemArgs& args);

// Validates the options every target shares (--backpressure, --trace, --json).
void check_run_outputs(const SystemArgs& args);

// Parses argv with `desc`; returns false after printing help for --help. The parsed values go
// to `given` when the caller needs to know which options were given.
bool parse_command_line(int argc, char** argv, const boost::program_options::options_description& desc,
                        const char* usage, boost::program_options::variables_map* given = nullptr);

// InputError "--<name> does not apply to <why>" for the first of `names` given on the command line.
void reject_given(const boost::program_options::variables_map& vm, const std::vector<std::string>& names,
                  const std::string& why);

// "KxK" -> K (a square mesh); throws InputError otherwise.
int parse_mesh(const std::string& text);

// Fails early (InputError) when an output file cannot be created, so no simulation runs for
// nothing; removes the probe again.
void check_writable(const std::string& path, const char* what);

// Path of the running waferbench (for worker processes: SystemC elaborates once per process).
std::string self_exe();

}  // namespace wb::cli
