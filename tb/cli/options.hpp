#pragma once
// Command-line options shared by the subcommands that build an array system.
#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <utility>
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
// to `given` when the caller needs to know which options were given. Strict for every command:
// an argument that is not an option's value, a number not in plain decimal (hex, inf, nan,
// "1e6" for an integer, "-1" for an unsigned, trailing text) and an empty string value are
// InputErrors.
bool parse_command_line(int argc, char** argv, const boost::program_options::options_description& desc,
                        const char* usage, boost::program_options::variables_map* given = nullptr);

// InputError "--<name> does not apply to <why>" for the first of `names` given on the command line.
void reject_given(const boost::program_options::variables_map& vm, const std::vector<std::string>& names,
                  const std::string& why);

// The items of a comma-separated list option (`items` says what they are, for the message); an
// empty list or item ("", "4x4,", "1,,2") is an InputError.
std::vector<std::string> parse_list(const std::string& text, const std::string& option, const std::string& items);
// A comma-separated list of decimal numbers, each in (lo, hi] (`range` says so in the message).
std::vector<double> parse_number_list(const std::string& text, const std::string& option, double lo, double hi,
                                      const std::string& range);

// Fails (InputError) before anything is allocated or computed when a GEMM M x K x N named
// `what` cannot run on the array system: its operands do not fit the array's memory, or it
// needs more host memory than sw::kHostMemoryLimitBytes.
void check_array_gemm(const tb::SystemOptions& options, double m, double k, double n, const std::string& what);

// Fails (InputError) when moving `bytes` at `bytes_per_cycle` (the value of `option`) alone
// takes more than kMaxStreamCycles simulated cycles: a bandwidth inside an option's range can
// still make a run last for hours, as every cycle is simulated.
constexpr double kMaxStreamCycles = 1e8;
void check_bandwidth(double bytes, double bytes_per_cycle, const std::string& option, const std::string& what);

// "RxC" -> (R, C), both plain decimal in 1..2^20; nullopt otherwise.
std::optional<std::pair<int, int>> parse_dims(const std::string& text);

// "KxK" -> K (a square mesh); throws InputError otherwise.
int parse_mesh(const std::string& text);

// Fails early (InputError) when an output file cannot be created, so no simulation runs for
// nothing (sw::check_output_path: only regular files are replaced; nothing is written at `path`).
void check_writable(const std::string& path, const char* what);

// Path of the running waferbench (for worker processes: SystemC elaborates once per process).
std::string self_exe();

// The statistics of one GEMM run on the array (golden and simulation fields left to the caller).
sw::GemmStats gemm_stats(const sw::GemmPlan& plan, const tb::GemmRun& run);

}  // namespace wb::cli
