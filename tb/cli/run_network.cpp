#include "tb/cli/run_network.hpp"

#include <unistd.h>

#include <chrono>
#include <iostream>

#include "sw/builtin_networks.hpp"
#include "sw/error.hpp"
#include "sw/mlp.hpp"
#include "sw/onnx_import.hpp"
#include "sw/report.hpp"
#include "sw/topology_csv.hpp"
#include "tb/network_run.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

// The MLP of --network mlp:...: its GEMMs at --batch rows, with the ReLU between them listed.
sw::Network mlp_network(const std::string& text, int batch) {
  const sw::MlpSpec spec = sw::parse_mlp(text);
  sw::Network net;
  net.name = spec.text();
  net.source = "built-in";
  for (int l = 0; l < spec.layers(); ++l) {
    const std::string name = "fc" + std::to_string(l + 1);
    net.layers.push_back(sw::gemm_layer(name, "Gemm", {batch, spec.widths[l], spec.widths[l + 1]}, "built-in " + net.name));
    if (l + 1 < spec.layers()) net.layers.push_back(sw::not_mapped_layer(name + ".relu", "Relu", "built-in " + net.name));
  }
  return net;
}

std::string shape_text(const sw::Layer& l) {
  if (!l.mapped()) return "";
  return std::to_string(l.gemm.m) + "x" + std::to_string(l.gemm.k) + "x" + std::to_string(l.gemm.n);
}

// "layer 3 of 72 (conv2), about 40 s left" on a terminal, nothing otherwise.
class Progress {
 public:
  Progress() : m_tty(isatty(STDERR_FILENO) == 1), m_t0(std::chrono::steady_clock::now()) {}
  void operator()(std::size_t i, std::size_t n, const std::string& name) {
    if (!m_tty) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_t0).count();
    std::cerr << "\r\033[Klayer " << i + 1 << " of " << n << " (" << name << ")";
    if (i > 0) std::cerr << ", about " << static_cast<long>(elapsed / static_cast<double>(i) * static_cast<double>(n - i)) << " s left";
    std::cerr << std::flush;
  }
  ~Progress() {
    if (m_tty) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  bool m_tty;
  std::chrono::steady_clock::time_point m_t0;
};

nlohmann::json layer_json(const sw::Layer& l, const tb::ArrayLayerRun& r) {
  nlohmann::json j;
  j["name"] = l.name;
  j["op"] = l.op;
  j["kind"] = sw::layer_kind_name(l.kind);
  j["source"] = l.source;
  j["mode"] = r.mode;
  if (!l.mapped()) return j;
  j["m"] = l.gemm.m;
  j["k"] = l.gemm.k;
  j["n"] = l.gemm.n;
  j["count"] = l.count;
  if (l.conv) j["duplication"] = l.duplication();
  if (l.sparsity) j["sparsity"] = std::to_string(l.sparsity->n) + ":" + std::to_string(l.sparsity->m);
  j["weight_density"] = l.weight_density;
  j["weights"] = l.weights.empty() ? "random" : sw::weight_encoding_name(l.weight_encoding);
  j["cycles"] = r.cycles;
  j["ideal_cycles"] = r.ideal_cycles;
  j["utilization"] = r.utilization();
  j["macs"] = r.macs;
  j["folds"] = r.folds;
  j["mem_bytes_read"] = r.mem_bytes_read;
  j["rtl_tiles"] = r.rtl_tiles;
  j["rtl_tile_cycles"] = r.rtl_tile_cycles;
  j["rtl_agrees"] = r.rtl_agrees;
  j["estimated_rtl_seconds"] = r.estimated_rtl_seconds;
  j["golden"] = r.golden_pass ? "pass" : "fail";
  return j;
}

}  // namespace

void NetworkArgs::describe(po::options_description& desc) {
  std::string names;
  for (const std::string& n : sw::builtin_network_names()) names += n + ", ";
  desc.add_options()
      ("network", po::value(&network), ("a built-in network: " + names + "or mlp:IN x H1 x ... x OUT").c_str())
      ("topology", po::value(&topology), "a SCALE-Sim topology file (conv or GEMM format)")
      ("onnx", po::value(&onnx), "an ONNX model (.onnx)")
      ("seq", po::value(&seq)->default_value(seq), "bert-base, gpt2: sequence length")
      ("layers", po::value(&layers)->default_value(layers), "bert-base, gpt2: encoder layers / blocks (1..12)")
      ("input-shape", po::value(&input_shapes)->composing(), "ONNX: the shape of a graph input, NAME=1x3x224x224 (repeatable)")
      ("rtl-budget", po::value(&rtl_budget)->default_value(rtl_budget),
       "seconds of estimated RTL time per layer; beyond it the RTL runs a sample of the layer's tiles")
      ("sample-tiles", po::value(&sample_tiles)->default_value(sample_tiles), "tiles the RTL runs of a sampled layer");
}

void NetworkArgs::validate(const po::variables_map& given) const {
  const int sources = !network.empty() + !topology.empty() + !onnx.empty();
  if (sources > 1) throw sw::InputError("give one of --network, --topology and --onnx");
  const bool transformer = network == "bert-base" || network == "gpt2";
  if (!transformer) reject_given(given, {"seq", "layers"}, "this network (only bert-base and gpt2 take them)");
  if (onnx.empty() && !input_shapes.empty()) throw sw::InputError("--input-shape applies to --onnx only");
  sw::RunPolicy policy;
  policy.rtl_budget_seconds = rtl_budget;
  policy.sample_tiles = sample_tiles;
  policy.validate();
}

sw::Network NetworkArgs::load() const {
  if (!topology.empty()) return sw::read_scalesim_topology(topology);
  if (!onnx.empty()) {
    sw::OnnxImportOptions o;
    for (const std::string& s : input_shapes) o.input_shapes.insert(sw::parse_input_shape(s));
    return sw::import_onnx(onnx, o);
  }
  if (network.rfind("mlp:", 0) == 0) return mlp_network(network, batch);
  sw::BuiltinOptions o;
  o.seq = seq;
  o.layers = layers;
  return sw::builtin_network(network, o);
}

int run_network_on_array_command(const NetworkArgs& args, const SystemArgs& sys) {
  if (sys.backpressure > 0.0) throw sw::InputError("--backpressure does not apply to network runs (the RTL and the model are compared cycle for cycle)");
  tb::SystemOptions options = to_system_options(sys);
  const sw::Network net = args.load();
  // Every layer's size before the first one runs, and the outputs before any work: written
  // together at the end, or not at all.
  tb::check_network_on_array(net, options);
  check_bandwidth(tb::network_operand_bytes(net), sys.mem_bw, "--mem-bw", "the layers' operands");
  RunOutputs outputs(sys.trace, sys.json);
  options.dut.trace_path = outputs.trace();
  tb::ArrayNetworkOptions o;
  o.dataflow = sw::parse_dataflow(sys.dataflow);
  o.seed = sys.seed;
  o.policy.model_only = options.dut.engine == ref::Engine::kModel;
  o.policy.rtl_budget_seconds = args.rtl_budget;
  o.policy.sample_tiles = args.sample_tiles;
  o.policy.seed = sys.seed;
  Progress progress;
  o.progress = [&](std::size_t i, std::size_t n, const std::string& name) { progress(i, n, name); };
  std::vector<tb::ArrayLayerRun> runs;
  const double seconds = tb::run_array_pair(options, [&](tb::ArraySession& rtl, tb::ArraySession& model) {
    runs = tb::run_network_on_array(net, o, rtl, model);
  });

  std::vector<std::vector<std::string>> table{
      {"layer", "op", "M x K x N", "count", "run", "cycles", "ideal", "util %", "MB read", "golden"}};
  std::uint64_t cycles = 0, ideal = 0, bytes = 0, macs = 0;
  bool pass = true, agree = true;
  int sampled = 0;
  std::string first_failure;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const sw::Layer& l = net.layers[i];
    const tb::ArrayLayerRun& r = runs[i];
    if (!l.mapped()) {
      table.push_back({l.name, l.op, "", "", "not mapped", "", "", "", "", ""});
      continue;
    }
    const bool ok = r.golden_pass && r.rtl_agrees;
    table.push_back({l.name, l.op, shape_text(l), std::to_string(l.count), r.mode, std::to_string(r.cycles),
                     std::to_string(r.ideal_cycles), sw::fixed(100.0 * r.utilization(), 1),
                     sw::fixed(r.mem_bytes_read / 1e6, 3), ok ? "pass" : "FAIL"});
    cycles += r.cycles;
    ideal += r.ideal_cycles;
    bytes += r.mem_bytes_read;
    macs += r.macs;
    pass &= r.golden_pass;
    agree &= r.rtl_agrees;
    sampled += r.mode == "sampled";
    if (!ok && first_failure.empty()) first_failure = l.name + ": " + r.mismatch;
  }
  const double util = cycles ? static_cast<double>(ideal) / static_cast<double>(cycles) : 0.0;
  table.push_back({"total", "", "", "", "", std::to_string(cycles), std::to_string(ideal), sw::fixed(100.0 * util, 1),
                   sw::fixed(bytes / 1e6, 3), pass && agree ? "pass" : "FAIL"});
  std::cout << "waferbench run: network " << net.name << " (" << net.source << "), " << net.mapped_layers() << " of "
            << net.layers.size() << " layers mapped, " << options.array.rows << "x" << options.array.cols
            << " systolic array" << (o.policy.model_only ? " (model)" : "") << ", " << sw::dataflow_name(o.dataflow)
            << ", memory " << sys.mem_bw << " B/cycle, " << sys.mem_latency << " cycles latency\n\n"
            << sw::format_table(table) << "\n";
  for (const std::string& note : net.notes) std::cout << note << "\n";
  if (sampled > 0) {
    std::cout << sampled << " layer(s) beyond the " << args.rtl_budget << " s RTL budget: the model ran them whole, the RTL "
              << args.sample_tiles << " seeded tiles of each, " << (agree ? "agreeing" : "NOT agreeing")
              << " with the model cycle for cycle\n";
  }
  std::cout << "simulated in " << sw::fixed(seconds, 3) << " s\n";
  if (!first_failure.empty()) std::cerr << "waferbench: " << first_failure << "\n";

  if (!sys.json.empty()) {
    nlohmann::json j;
    j["schema"] = 1;
    j["command"] = "run";
    j["target"] = "array";
    j["engine"] = o.policy.model_only ? "model" : "rtl";
    j["network"] = {{"name", net.name}, {"source", net.source}, {"layers", net.layers.size()}, {"mapped", net.mapped_layers()}};
    j["notes"] = net.notes;
    j["array"] = {{"rows", options.array.rows}, {"cols", options.array.cols}, {"dataflow", sw::dataflow_name(o.dataflow)}};
    j["policy"] = {{"rtl_budget_seconds", args.rtl_budget}, {"sample_tiles", args.sample_tiles}};
    j["layers"] = nlohmann::json::array();
    for (std::size_t i = 0; i < net.layers.size(); ++i) j["layers"].push_back(layer_json(net.layers[i], runs[i]));
    j["cycles"] = cycles;
    j["ideal_cycles"] = ideal;
    j["utilization"] = util;
    j["macs"] = macs;
    j["mem_bytes_read"] = bytes;
    j["golden"] = pass && agree ? "pass" : "fail";
    j["sim_seconds"] = seconds;
    outputs.write_json(j);
  }
  outputs.commit();
  return pass && agree ? 0 : 1;
}

}  // namespace wb::cli
