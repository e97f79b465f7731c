// SPDX-License-Identifier: Apache-2.0
#pragma once
// Command-line options shared by the subcommands that build an array system.
#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sw/energy.hpp"
#include "sw/file_util.hpp"
#include "sw/gemm_plan.hpp"
#include "sw/prune.hpp"
#include "sw/layer_record.hpp"
#include "sw/report.hpp"
#include "sw/report_page.hpp"
#include "sw/trace_settings.hpp"
#include "tb/array_system.hpp"
#include "tb/cli/report_outputs.hpp"

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
  sw::TraceSettings trace_window;  // --trace-from, --trace-to, --trace-depth
  std::string json;
};

// --trace FILE (`what`: of what) with --trace-from, --trace-to and --trace-depth into `window`.
void add_trace_options(boost::program_options::options_description& desc, std::string& trace,
                       sw::TraceSettings& window, const std::string& what);
// InputError unless --trace names a .fst or .vcd file that can be written, the window is
// ordered, the depth in range, and no window is given without --trace.
void check_trace_options(const std::string& trace, const sw::TraceSettings& window);

// `omit`: options the command does not take ("dataflow", "trace", "backpressure"), so its --help
// does not offer them.
void add_system_options(boost::program_options::options_description& desc, SystemArgs& args,
                        const std::vector<std::string>& omit = {});

// Validates the values (one-line sw::InputError) and builds the system options.
tb::SystemOptions to_system_options(const SystemArgs& args);

// The array's N:M sparse mode for weights pruned by `prune` (NmMode{} for any other pruning or
// none: the dense array), checked for the array of `args` before any work (after
// to_system_options' checks): InputError when the N:M sparse array cannot take the pattern (it
// keeps 1 or 2 of every 4 along K, tb::array_nm_mode, and is weight-stationary), has fewer rows
// than it keeps, is not built at that size (RTL) or --mem-bw is too low for its wider beats;
// tb::RtlElsewhere when its RTL is in waferbench-all.
sw::NmMode to_array_nm_mode(const SystemArgs& args, const std::optional<sw::PruneSpec>& prune);

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

// The outputs of a command that runs a simulation: --trace and --json, the per-layer ones
// (--csv, --scalesim-csv, --report) and any more it adds to files(). Each is checked and given a
// temporary beside it before any work (sw::OutputFiles: regular files only, no output on an input
// or on another output; a report directory is new or an earlier report), and --energy-table is
// read then; commit() renames them into place together at the end; without it (an error) the
// user's files stay as they were.
class RunOutputs {
 public:
  // `inputs`: (option, path) of the files no output may replace, registered first.
  RunOutputs(const std::string& trace, const std::string& json,
             const std::vector<std::pair<std::string, std::string>>& inputs = {}, const ReportArgs& report = {});
  RunOutputs(const RunOutputs&) = delete;
  RunOutputs& operator=(const RunOutputs&) = delete;

  // The temporary the waveform writer opens instead of --trace ("" without --trace).
  const std::string& trace() const { return m_trace; }
  // `window` with the format of --trace and the temporary of its view FILE.gtkw, which the
  // waveform writer fills when the dump closes.
  sw::TraceSettings trace_settings(const sw::TraceSettings& window) const;
  sw::OutputFiles& files() { return m_files; }
  const sw::EnergyTable& energy_table() const { return m_energy; }
  // The energy of every record, from this run's table.
  void add_energy(std::vector<sw::LayerRecord>& records) const;
  // The --json report, written to its temporary now (nothing without --json).
  void write_json(const nlohmann::json& j);
  // Whether --report was given (the plots are made only then).
  bool wants_report() const { return !m_report.report.empty(); }
  // --csv, --scalesim-csv and --report, written to their temporaries now: the records, and the
  // page of layer_page(info, records, plots, tables) with `run` (the command's JSON) beside it.
  void write_records(const std::vector<sw::LayerRecord>& records, sw::RunInfo info, const nlohmann::json& run,
                     const std::vector<sw::HtmlPlot>& plots = {}, const std::vector<sw::HtmlTable>& tables = {});
  void commit() { m_files.commit(); }

 private:
  sw::OutputFiles m_files;
  std::string m_trace, m_json, m_trace_name, m_view;
  ReportArgs m_report;
  sw::EnergyTable m_energy;
};

// "waveform: FILE.fst (view: gtkwave FILE.fst FILE.gtkw)" on stdout after a run with --trace.
void print_waveform(const std::string& trace);

// Path of the running waferbench (for worker processes: SystemC elaborates once per process).
std::string self_exe();

}  // namespace wb::cli
