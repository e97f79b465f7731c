#pragma once
// Command-line options shared by the subcommands that build an array system.
#include <boost/program_options.hpp>

#include <string>

#include "sw/report.hpp"
#include "tb/array_system.hpp"

namespace wb::cli {

struct SystemArgs {
  int rows = 16;
  int cols = 16;
  std::string dataflow = "ws";
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

// Parses argv with `desc`; returns false after printing help for --help.
bool parse_command_line(int argc, char** argv, const boost::program_options::options_description& desc,
                        const char* usage);

// Fails early (InputError) when an output file cannot be created, so no simulation runs for
// nothing; removes the probe again.
void check_writable(const std::string& path, const char* what);

// The statistics of one GEMM run on the array (golden and simulation fields left to the caller).
sw::GemmStats gemm_stats(const sw::GemmPlan& plan, const tb::GemmRun& run);

}  // namespace wb::cli
