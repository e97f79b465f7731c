#include "tb/cli/options.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include "sw/error.hpp"
#include "sw/gemm_plan.hpp"
#include "tb/systolic_array_factory.hpp"

namespace po = boost::program_options;

namespace wb::cli {

void add_system_options(po::options_description& desc, SystemArgs& args) {
  desc.add_options()
      ("rows", po::value(&args.rows)->default_value(args.rows), "array rows (a built size for --engine rtl)")
      ("cols", po::value(&args.cols)->default_value(args.cols), "array columns (a built size for --engine rtl)")
      ("engine", po::value(&args.engine)->default_value(args.engine),
       "rtl (the Verilated array or fabric) or model (the C++ reference model: any array size, fabric meshes up to 16x16)")
      ("dataflow", po::value(&args.dataflow)->default_value(args.dataflow), "ws (weight-stationary) or os (output-stationary)")
      ("mem-bw", po::value(&args.mem_bw)->default_value(args.mem_bw), "memory bandwidth, bytes per cycle")
      ("mem-latency", po::value(&args.mem_latency)->default_value(args.mem_latency), "memory latency, cycles")
      ("backpressure", po::value(&args.backpressure)->default_value(args.backpressure),
       "probability per cycle of a random stall on every stream, in [0, 0.95]")
      ("seed", po::value(&args.seed)->default_value(args.seed), "seed of random inputs and stalls")
      ("trace", po::value(&args.trace), "write an FST waveform of the array to FILE.fst")
      ("json", po::value(&args.json), "write the run's statistics as JSON to FILE");
}

void check_run_outputs(const SystemArgs& args) {
  if (!(args.backpressure >= 0.0 && args.backpressure <= 0.95)) throw sw::InputError("--backpressure must be in [0, 0.95]");
  if (!args.trace.empty()) {
    const std::string ext = ".fst";
    if (args.trace.size() < ext.size() || args.trace.compare(args.trace.size() - ext.size(), ext.size(), ext) != 0) {
      throw sw::InputError("--trace needs a .fst file name, got '" + args.trace + "'");
    }
    check_writable(args.trace, "--trace");
  }
  if (!args.json.empty()) check_writable(args.json, "--json");
}

void reject_given(const po::variables_map& vm, const std::vector<std::string>& names, const std::string& why) {
  for (const auto& name : names) {
    if (vm.count(name) && !vm[name].defaulted()) throw sw::InputError("--" + name + " does not apply to " + why);
  }
}

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
  if (engine == ref::Engine::kRtl && !tb::is_built_array_size(args.rows, args.cols)) {
    throw sw::InputError("array size " + std::to_string(args.rows) + "x" + std::to_string(args.cols) +
                         " is not built (built: " + tb::built_array_sizes_text() + ")");
  }
  o.array = {args.rows, args.cols};
  o.memory.bytes_per_cycle = args.mem_bw;
  o.memory.latency_cycles = static_cast<std::uint64_t>(args.mem_latency);
  o.dut.a_stall = o.dut.b_stall = o.dut.c_stall = args.backpressure;
  o.dut.seed = args.seed;
  o.dut.trace_path = args.trace;
  o.dut.engine = engine;
  return o;
}

bool parse_command_line(int argc, char** argv, const po::options_description& desc, const char* usage,
                        po::variables_map* given) {
  po::variables_map local;
  po::variables_map& vm = given ? *given : local;
  // No abbreviated option names: `--sys` for `--systems` would reach worker processes
  // twice, and a misspelt option should be an error, not a guess.
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  po::store(po::command_line_parser(argc, argv).options(desc).style(style).run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n" << desc << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

int parse_mesh(const std::string& text) {
  int k = 0, k2 = 0;
  char x = 0;
  std::istringstream is(text);
  if (!(is >> k >> x >> k2) || x != 'x' || !is.eof() || k != k2 || k <= 0) {
    throw sw::InputError("--mesh must be KxK (a square mesh), got '" + text + "'");
  }
  return k;
}

void check_writable(const std::string& path, const char* what) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw sw::InputError(std::string(what) + ": '" + path + "' is a directory");
  }
  const bool existed = stat(path.c_str(), &st) == 0;
  std::ofstream probe(path, std::ios::app);
  if (!probe) throw sw::InputError(std::string(what) + ": cannot write '" + path + "'");
  probe.close();
  if (!existed) std::remove(path.c_str());
}

std::string self_exe() {
  std::array<char, 4096> buf{};
  const ssize_t len = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (len <= 0) throw std::runtime_error("cannot locate the waferbench executable");
  return std::string(buf.data(), static_cast<std::size_t>(len));
}

}  // namespace wb::cli
