// SPDX-License-Identifier: Apache-2.0
#include "tb/cli/options.hpp"

#include <iostream>
#include <sstream>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>
#include <type_traits>

#include "sw/error.hpp"
#include "sw/file_util.hpp"
#include "sw/gemm_plan.hpp"
#include "sw/host_memory.hpp"
#include "sw/parse.hpp"
#include "sw/record_csv.hpp"
#include "sw/scalesim_report.hpp"
#include "tb/array_jobs.hpp"
#include "tb/systolic_array_factory.hpp"
#include "wb/hw_config.hpp"

namespace po = boost::program_options;

namespace wb::cli {

void add_system_options(po::options_description& desc, SystemArgs& args, const std::vector<std::string>& omit) {
  const auto offered = [&](const char* name) { return std::find(omit.begin(), omit.end(), name) == omit.end(); };
  auto add = desc.add_options();
  add("rows", po::value(&args.rows)->default_value(args.rows), "array rows (a built size for --engine rtl)")
     ("cols", po::value(&args.cols)->default_value(args.cols), "array columns (a built size for --engine rtl)")
     ("engine", po::value(&args.engine)->default_value(args.engine),
      "rtl (the Verilated array or fabric) or model (the C++ reference model: any array size, fabric meshes up to 16x16)");
  if (offered("dataflow")) {
    add("dataflow", po::value(&args.dataflow)->default_value(args.dataflow), "ws (weight-stationary) or os (output-stationary)");
  }
  add("mem-bw", po::value(&args.mem_bw)->default_value(args.mem_bw), "memory bandwidth, bytes per cycle")
     ("mem-latency", po::value(&args.mem_latency)->default_value(args.mem_latency), "memory latency, cycles");
  if (offered("backpressure")) {
    add("backpressure", po::value(&args.backpressure)->default_value(args.backpressure),
        "probability per cycle of a random stall on every stream, in [0, 0.95]");
  }
  add("seed", po::value(&args.seed)->default_value(args.seed), "seed of random inputs and stalls");
  if (offered("trace")) add_trace_options(desc, args.trace, args.trace_window, "the array or fabric");
  add("json", po::value(&args.json), "write the run's statistics as JSON to FILE");
}

void add_trace_options(po::options_description& desc, std::string& trace, sw::TraceSettings& window,
                       const std::string& what) {
  desc.add_options()
      ("trace", po::value(&trace), ("write a waveform of " + what + " to FILE.fst (FST) or FILE.vcd (VCD), and a GTKWave view of it to FILE.gtkw").c_str())
      ("trace-from", po::value(&window.from), "first clock cycle the waveform holds (cycles from 0 after reset; default 0)")
      ("trace-to", po::value(&window.to), "last clock cycle the waveform holds (default: the end of the run)")
      ("trace-depth", po::value(&window.depth), "scope levels below top that the waveform holds (1: top's ports; default 0: all)");
}

void check_trace_options(const std::string& trace, const sw::TraceSettings& window) {
  if (trace.empty()) {
    if (window.from != 0 || window.to != sw::kTraceToEnd || window.depth != 0) {
      throw sw::InputError("--trace-from, --trace-to and --trace-depth need --trace FILE");
    }
    return;
  }
  const auto ends_with = [&](const std::string& ext) {
    return trace.size() > ext.size() && trace.compare(trace.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (!ends_with(".fst") && !ends_with(".vcd")) {
    throw sw::InputError("--trace needs a .fst or .vcd file name, got '" + sw::printable(trace) + "'");
  }
  if (window.from > window.to) {
    throw sw::InputError("--trace-from " + std::to_string(window.from) + " is after --trace-to " + std::to_string(window.to));
  }
  if (window.depth < 0 || window.depth > 1000) throw sw::InputError("--trace-depth must be in [0, 1000] (0: all)");
  check_writable(trace, "--trace");
}

void check_run_outputs(const SystemArgs& args) {
  if (!(args.backpressure >= 0.0 && args.backpressure <= 0.95)) throw sw::InputError("--backpressure must be in [0, 0.95]");
  check_trace_options(args.trace, args.trace_window);
  if (!args.json.empty()) check_writable(args.json, "--json");
}

void reject_given(const po::variables_map& vm, const std::vector<std::string>& names, const std::string& why) {
  for (const auto& name : names) {
    if (vm.count(name) && !vm[name].defaulted()) throw sw::InputError("--" + name + " does not apply to " + why);
  }
}

namespace {

// The array's watchdog stops a run in which no beat moves for its watchdog cycles, so the
// memory must deliver a streamer chunk of `beat_bytes` beats within them.
void check_watchdog_bandwidth(const SystemArgs& args, const tb::SystemOptions& o, int beat_bytes, const char* array) {
  const double chunk_bytes = static_cast<double>(o.chunk_beats) * beat_bytes;
  const double min_bw = chunk_bytes / static_cast<double>(o.dut.watchdog_cycles);
  if (args.mem_bw < min_bw) {
    std::ostringstream os;
    os << "--mem-bw " << args.mem_bw << " is too low for a " << args.rows << "x" << args.cols << " " << array
       << ": a chunk of " << chunk_bytes << " bytes would take over the watchdog's " << o.dut.watchdog_cycles
       << " cycles; give at least " << min_bw << " bytes per cycle";
    throw sw::InputError(os.str());
  }
}

}  // namespace

tb::SystemOptions to_system_options(const SystemArgs& args) {
  tb::SystemOptions o;
  if (args.rows <= 0 || args.cols <= 0) {
    throw sw::InputError("array size must be positive, got " + std::to_string(args.rows) + "x" + std::to_string(args.cols));
  }
  sw::parse_dataflow(args.dataflow);  // validates
  if (!(args.mem_bw > 0.0) || args.mem_bw > 1e9) throw sw::InputError("--mem-bw must be in (0, 1e9] bytes per cycle");
  if (args.mem_latency < 0 || args.mem_latency > 1000000) throw sw::InputError("--mem-latency must be in [0, 1000000] cycles");
  check_run_outputs(args);
  const ref::Engine engine = ref::parse_engine(args.engine);
  if (engine == ref::Engine::kModel && !args.trace.empty()) {
    throw sw::InputError("--trace needs --engine rtl (the model has no waveform)");
  }
  if (engine == ref::Engine::kModel && (args.rows > 1024 || args.cols > 1024)) {
    throw sw::InputError("--engine model supports arrays up to 1024x1024");
  }
  if (engine == ref::Engine::kRtl) tb::need_array_rtl(args.rows, args.cols, false);
  if (engine == ref::Engine::kRtl && !tb::is_built_array_size(args.rows, args.cols)) {
    throw sw::InputError("array size " + std::to_string(args.rows) + "x" + std::to_string(args.cols) +
                         " is not built (built: " + tb::built_array_sizes_text() + ")");
  }
  check_watchdog_bandwidth(args, o, std::max(args.rows, args.cols), "array");
  o.array = {args.rows, args.cols};
  o.memory.bytes_per_cycle = args.mem_bw;
  o.memory.latency_cycles = static_cast<std::uint64_t>(args.mem_latency);
  o.dut.a_stall = o.dut.b_stall = o.dut.c_stall = args.backpressure;
  o.dut.seed = args.seed;
  o.dut.trace_path = args.trace;
  o.dut.trace_settings = args.trace_window;
  o.dut.engine = engine;
  return o;
}

sw::NmMode to_array_nm_mode(const SystemArgs& args, const std::optional<sw::PruneSpec>& prune) {
  const tb::SystemOptions o = to_system_options(args);
  const tb::ArrayNmChoice choice = tb::array_nm_mode(prune, sw::parse_dataflow(args.dataflow));
  if (!prune || prune->method != sw::PruneMethod::kNm) return {};
  if (sw::parse_dataflow(args.dataflow) != sw::Dataflow::kWeightStationary) {
    throw sw::InputError(prune->text() + " weights cannot run on the N:M sparse array with --dataflow " + args.dataflow +
                         ": it is weight-stationary (ws)");
  }
  if (!choice.mode.sparse()) {
    std::string patterns;  // n:group for every n that divides the group, as the array's rows take them
    for (int n = 1; n < hw::kNmGroup; ++n) {
      if (hw::kNmGroup % n == 0) patterns += (patterns.empty() ? "" : ", ") + std::to_string(n) + ":" + std::to_string(hw::kNmGroup);
    }
    std::string why = choice.note;
    if (why.rfind("dense: ", 0) == 0) why = why.substr(7);
    throw sw::InputError(prune->text() + " weights cannot run on the N:M sparse array (" + why + "); it keeps " +
                         patterns + " along K, weight-stationary");
  }
  if (args.rows < choice.mode.n) {
    throw sw::InputError("the N:M sparse array needs at least " + std::to_string(choice.mode.n) + " rows for " +
                         prune->text() + ", got " + std::to_string(args.rows));
  }
  if (o.dut.engine == ref::Engine::kRtl) {
    if (!tb::is_built_nm_array_size(args.rows, args.cols)) {
      throw sw::InputError("the N:M sparse array " + std::to_string(args.rows) + "x" + std::to_string(args.cols) +
                           " is not built (built: " + tb::built_nm_array_sizes_text() + "; --engine model takes any size)");
    }
    tb::need_array_rtl(args.rows, args.cols, true);
  }
  // Its beats: A the groups of all rows, B (weight, offset) per column.
  check_watchdog_bandwidth(args, o, std::max(args.rows * choice.mode.m, 2 * args.cols), "N:M sparse array");
  return choice.mode;
}

namespace {

// "0..2^64-1", "-2^31..2^31-1": the values of an integer type, for messages.
template <typename T>
std::string range_text() {
  const int bits = static_cast<int>(sizeof(T) * 8);
  if constexpr (std::is_signed_v<T>) return "-2^" + std::to_string(bits - 1) + "..2^" + std::to_string(bits - 1) + "-1";
  return "0..2^" + std::to_string(bits) + "-1";
}

// When `semantic` stores a T: throws InputError unless `token` is an integer of T, written as
// plain decimal digits (Boost would wrap "-1" for an unsigned and let "0x10" or " 4" through).
template <typename T>
bool check_integer(const po::value_semantic* semantic, const std::string& name, const std::string& token) {
  if (dynamic_cast<const po::typed_value<T>*>(semantic) == nullptr) return false;
  bool ok = false;
  if constexpr (std::is_signed_v<T>) {
    ok = sw::parse_int(token, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()).has_value();
  } else {
    const auto v = sw::parse_uint(token);
    ok = v && *v <= std::numeric_limits<T>::max();
  }
  if (!ok) throw sw::InputError("--" + name + " must be an integer in " + range_text<T>() + ", got '" + sw::printable(token) + "'");
  return true;
}

template <typename T>
bool check_real(const po::value_semantic* semantic, const std::string& name, const std::string& token) {
  if (dynamic_cast<const po::typed_value<T>*>(semantic) == nullptr) return false;
  if (!sw::parse_double(token)) {
    throw sw::InputError("--" + name + " must be a decimal number (no hex, inf or nan), got '" + sw::printable(token) + "'");
  }
  return true;
}

// Every value on the command line in the strict syntax, before Boost converts it: one rule for
// every command's numbers, and no empty strings (an empty --json or --model is a mistake).
void check_tokens(const po::parsed_options& parsed, const po::options_description& desc) {
  for (const po::option& opt : parsed.options) {
    if (opt.string_key.empty() || opt.position_key >= 0) {
      const std::string token = opt.original_tokens.empty() ? "" : opt.original_tokens.front();
      throw sw::InputError("unexpected argument '" + sw::printable(token) + "' (every value follows its --option)");
    }
    const po::option_description* d = desc.find_nothrow(opt.string_key, false);
    if (d == nullptr) continue;
    const po::value_semantic* semantic = d->semantic().get();
    for (const std::string& token : opt.value) {
      const std::string& name = opt.string_key;
      if (check_integer<int>(semantic, name, token) || check_integer<unsigned>(semantic, name, token) ||
          check_integer<long>(semantic, name, token) || check_integer<unsigned long>(semantic, name, token) ||
          check_integer<long long>(semantic, name, token) || check_integer<unsigned long long>(semantic, name, token) ||
          check_real<double>(semantic, name, token) || check_real<float>(semantic, name, token)) {
        continue;
      }
      if (token.empty() && dynamic_cast<const po::typed_value<std::string>*>(semantic) != nullptr) {
        throw sw::InputError("--" + name + " needs a value, got ''");
      }
    }
  }
}

}  // namespace

bool parse_command_line(int argc, char** argv, const po::options_description& desc, const char* usage,
                        po::variables_map* given) {
  po::variables_map local;
  po::variables_map& vm = given ? *given : local;
  // No abbreviated option names: `--sys` for `--systems` would reach worker processes
  // twice, and a misspelt option should be an error, not a guess.
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  const po::parsed_options parsed = po::command_line_parser(argc, argv).options(desc).style(style).run();
  check_tokens(parsed, desc);
  po::store(parsed, vm);
  if (vm.count("help")) {
    std::cout << usage << "\n" << desc << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

std::vector<std::string> parse_list(const std::string& text, const std::string& option, const std::string& items) {
  const auto list = sw::split_list(text, ',');
  if (!list) {
    throw sw::InputError(option + " must be a comma-separated list of " + items + " with no empty item, got '" +
                         sw::printable(text) + "'");
  }
  return *list;
}

std::vector<double> parse_number_list(const std::string& text, const std::string& option, double lo, double hi,
                                      const std::string& range) {
  std::vector<double> out;
  const std::string items = "values in " + range;
  for (const std::string& item : parse_list(text, option, items)) {
    const auto v = sw::parse_double(item);
    if (!v || !(*v > lo && *v <= hi)) {
      throw sw::InputError(option + " must be a comma-separated list of " + items + ", got '" + sw::printable(text) + "'");
    }
    out.push_back(*v);
  }
  return out;
}

std::optional<std::pair<int, int>> parse_dims(const std::string& text) {
  const auto parts = sw::split_list(text, 'x');
  if (!parts || parts->size() != 2) return std::nullopt;
  const auto a = sw::parse_int((*parts)[0], 1, 1 << 20), b = sw::parse_int((*parts)[1], 1, 1 << 20);
  if (!a || !b) return std::nullopt;
  return std::pair<int, int>(static_cast<int>(*a), static_cast<int>(*b));
}

int parse_mesh(const std::string& text) {
  const auto dims = parse_dims(text);
  if (!dims || dims->first != dims->second) {
    throw sw::InputError("--mesh must be KxK (a square mesh), got '" + sw::printable(text) + "'");
  }
  return dims->first;
}

void check_bandwidth(double bytes, double bytes_per_cycle, const std::string& option, const std::string& what) {
  if (bytes / bytes_per_cycle > kMaxStreamCycles) {
    std::ostringstream os;
    os << option << " " << bytes_per_cycle << " makes moving " << what << " (" << sw::format_bytes(bytes)
       << ") take over " << kMaxStreamCycles << " simulated cycles; give at least " << bytes / kMaxStreamCycles
       << " bytes per cycle";
    throw sw::InputError(os.str());
  }
}

void check_writable(const std::string& path, const char* what) { sw::check_output_path(path, what); }

RunOutputs::RunOutputs(const std::string& trace, const std::string& json,
                       const std::vector<std::pair<std::string, std::string>>& inputs, const ReportArgs& report)
    : m_json(json), m_trace_name(trace), m_report(report), m_energy(sw::default_energy_table()) {
  for (const auto& [what, path] : inputs) m_files.add_input(what, path);
  m_files.add_input("--energy-table", report.energy_table);
  m_trace = m_files.add_for_writer("--trace", trace);
  if (!trace.empty()) m_view = m_files.add_for_writer("--trace's view", sw::view_path_of(trace));
  m_files.add("--json", json);
  m_files.add("--csv", report.csv);
  m_files.add_dir("--scalesim-csv", report.scalesim_csv);
  m_files.add_dir("--report", report.report);
  if (!report.energy_table.empty()) m_energy = sw::load_energy_table(report.energy_table);
}

void RunOutputs::add_energy(std::vector<sw::LayerRecord>& records) const {
  for (sw::LayerRecord& r : records) sw::add_energy(r, m_energy);
}

sw::TraceSettings RunOutputs::trace_settings(const sw::TraceSettings& window) const {
  sw::TraceSettings s = window;
  s.vcd = sw::is_vcd_path(m_trace_name);
  s.view_path = m_view;
  s.dump_name = m_trace_name.empty() ? "" : std::filesystem::absolute(m_trace_name).string();
  return s;
}

void RunOutputs::write_json(const nlohmann::json& j) {
  if (!m_json.empty()) m_files.write(m_json, sw::json_text(j));
}

void RunOutputs::write_records(const std::vector<sw::LayerRecord>& records, sw::RunInfo info, const nlohmann::json& run,
                               const std::vector<sw::HtmlPlot>& plots, const std::vector<sw::HtmlTable>& tables) {
  if (!m_report.csv.empty()) m_files.write(m_report.csv, sw::records_csv(records));
  if (!m_report.scalesim_csv.empty()) {
    m_files.write_dir(m_report.scalesim_csv, {{"COMPUTE_REPORT.csv", sw::scalesim_compute_report(records)},
                                              {"BANDWIDTH_REPORT.csv", sw::scalesim_bandwidth_report(records)}});
  }
  if (m_report.report.empty()) return;
  info.command_line = invocation();
  m_files.write_dir(m_report.report, sw::report_files(sw::layer_page(info, records, m_energy, plots, tables), records, m_energy, run));
}

void print_waveform(const std::string& trace) {
  if (!trace.empty()) std::cout << "waveform: " << trace << " (view: gtkwave " << trace << " " << sw::view_path_of(trace) << ")\n";
}

std::string self_exe() {
  std::array<char, 4096> buf{};
  const ssize_t len = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (len <= 0) throw std::runtime_error("cannot locate the waferbench executable");
  return std::string(buf.data(), static_cast<std::size_t>(len));
}

}  // namespace wb::cli
