// SPDX-License-Identifier: Apache-2.0
#include "tb/cli/run_network.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "sw/builtin_networks.hpp"
#include "sw/error.hpp"
#include "sw/mlp.hpp"
#include "sw/network_prune.hpp"
#include "sw/onnx_import.hpp"
#include "sw/report.hpp"
#include "sw/topology_csv.hpp"
#include "tb/array_jobs.hpp"
#include "tb/fabric_network_run.hpp"
#include "tb/layer_records.hpp"
#include "tb/network_run.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

// Where the layers whose source declares N:M sparse weights (a topology's Sparsity column) ran
// on the array, one clause per pattern and outcome; "" when there are none.
std::string declared_sparsity_note(const sw::Network& net, sw::Dataflow dataflow) {
  struct Group {
    std::string pattern, outcome;
    std::vector<std::string> layers;
  };
  std::vector<Group> groups;
  for (const sw::Layer& l : net.layers) {
    if (!l.mapped() || !l.sparsity || !sw::has_weights(l)) continue;
    const tb::ArrayNmChoice c = tb::array_nm_mode(l.sparsity->n, l.sparsity->m, dataflow);
    const std::string pattern = std::to_string(l.sparsity->n) + ":" + std::to_string(l.sparsity->m);
    const std::string outcome = c.mode.sparse() ? "ran on the N:M sparse array as " + c.note : "ran " + c.note;
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const Group& e) { return e.pattern == pattern && e.outcome == outcome; });
    if (g == groups.end()) g = groups.insert(groups.end(), Group{pattern, outcome, {}});
    g->layers.push_back(l.name);
  }
  std::string text;
  for (const Group& g : groups) {
    std::string list;
    for (std::size_t i = 0; i < g.layers.size() && i < 4; ++i) list += (i ? ", " : "") + g.layers[i];
    if (g.layers.size() > 4) list += " and " + std::to_string(g.layers.size() - 4) + " more";
    text += (text.empty() ? "" : "; ") + g.pattern + " (" + list + ") " + g.outcome;
  }
  return text.empty() ? "" : "weights N:M sparse as the source declares (its Sparsity column): " + text;
}

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

nlohmann::json layer_json(const sw::Layer& l) {
  nlohmann::json j;
  j["name"] = l.name;
  j["op"] = l.op;
  j["kind"] = sw::layer_kind_name(l.kind);
  j["source"] = l.source;
  j["mapped"] = l.mapped();
  if (!l.mapped()) return j;
  j["m"] = l.gemm.m;
  j["k"] = l.gemm.k;
  j["n"] = l.gemm.n;
  j["count"] = l.count;
  if (l.conv) j["duplication"] = l.duplication();
  if (l.sparsity) j["sparsity"] = std::to_string(l.sparsity->n) + ":" + std::to_string(l.sparsity->m);
  j["weight_density"] = l.weight_density;
  j["weights"] = l.weights.empty() ? "random" : sw::weight_encoding_name(l.weight_encoding);
  j["macs"] = l.macs();
  return j;
}

nlohmann::json run_json(const tb::ArrayLayerRun& r) {
  return {{"mode", r.mode},
          {"cycles", r.cycles},
          {"ideal_cycles", r.ideal_cycles},
          {"utilization", r.utilization()},
          {"folds", r.folds},
          {"mem_bytes_read", r.mem_bytes_read},
          {"rtl_tiles", r.rtl_tiles},
          {"rtl_tile_cycles", r.rtl_tile_cycles},
          {"rtl_agrees", r.rtl_agrees},
          {"estimated_rtl_seconds", r.estimated_rtl_seconds},
          {"golden", r.golden_pass ? "pass" : "fail"}};
}

nlohmann::json run_json(const tb::FabricLayerRun& r) {
  return {{"mode", r.mode},
          {"cycles", r.cycles},
          {"load_cycles", r.load_cycles},
          {"ideal_cycles", r.ideal_cycles},
          {"utilization", r.utilization()},
          {"macs_done", r.macs},
          {"wavelets", r.wavelets},
          {"link_flits", r.link_flits},
          {"column_blocks", r.column_blocks},
          {"tiles", r.tiles},
          {"rtl_tiles", r.rtl_tiles},
          {"rtl_agrees", r.rtl_agrees},
          {"estimated_rtl_seconds", r.estimated_rtl_seconds},
          {"golden", r.golden_pass ? "pass" : "fail"}};
}

// Totals and the verdict of one target over the network.
struct TargetTotals {
  std::uint64_t cycles = 0, ideal = 0, load = 0, bytes = 0;
  bool pass = true, agree = true;
  int sampled = 0;
  std::string first_failure;

  template <class Run>
  void add(const sw::Layer& l, const Run& r) {
    cycles += r.cycles;
    ideal += r.ideal_cycles;
    pass &= r.golden_pass;
    agree &= r.rtl_agrees;
    sampled += r.mode == "sampled";
    if ((!r.golden_pass || !r.rtl_agrees) && first_failure.empty()) first_failure = l.name + ": " + r.mismatch;
  }
  bool ok() const { return pass && agree; }
  double utilization() const { return cycles ? static_cast<double>(ideal) / static_cast<double>(cycles) : 0.0; }
  nlohmann::json json() const {
    return {{"cycles", cycles}, {"ideal_cycles", ideal}, {"utilization", utilization()}, {"golden", ok() ? "pass" : "fail"}};
  }
};

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

int run_network_command(const NetworkArgs& args, const SystemArgs& sys, const FabricArgs& fabric,
                        const sw::WeightSparsity& sparsity, sw::NmMode nm, const ReportArgs& reports,
                        const std::string& target) {
  const bool on_array = target != "fabric", on_fabric = target == "fabric" || target == "both";
  if (sys.backpressure > 0.0) {
    throw sw::InputError("--backpressure does not apply to network runs (the RTL and the model are compared cycle for cycle)");
  }
  if (on_fabric && !sys.trace.empty()) throw sw::InputError("--trace does not apply to network runs on the fabric");
  tb::SystemOptions options;
  if (on_array) options = to_system_options(sys);
  tb::FabricJob job;
  if (on_fabric) job = to_fabric_job(fabric, 0.0, sys.seed, "", sys.engine);  // RTL: hands over to waferbench-all
  const sw::Network net = sw::sparsify_network(args.load(), sparsity, sys.seed);
  // Every layer's size before the first one runs, and the outputs before any work: written
  // together at the end, or not at all.
  if (on_array) {
    tb::check_network_on_array(net, options);
    check_bandwidth(tb::network_operand_bytes(net), sys.mem_bw, "--mem-bw", "the layers' operands");
  }
  RunOutputs outputs(sys.trace, sys.json, {{"--mask", sparsity.mask_path}}, reports);
  options.dut.trace_path = outputs.trace();
  options.dut.trace_settings = outputs.trace_settings(sys.trace_window);
  sw::RunPolicy policy;
  policy.model_only = ref::parse_engine(sys.engine) == ref::Engine::kModel;
  policy.rtl_budget_seconds = args.rtl_budget;
  policy.sample_tiles = args.sample_tiles;
  policy.seed = sys.seed;
  Progress progress;
  const auto report = [&](std::size_t i, std::size_t n, const std::string& name) { progress(i, n, name); };

  std::vector<tb::ArrayLayerRun> arr;
  std::vector<tb::FabricLayerRun> fab;
  double seconds = 0.0;
  if (on_array) {
    tb::ArrayNetworkOptions o;
    o.dataflow = sw::parse_dataflow(sys.dataflow);
    o.nm = nm;
    o.seed = sys.seed;
    o.policy = policy;
    o.progress = report;
    if (const int group = tb::network_nm_group(net, o); group > 0) {
      seconds += tb::run_array_pairs(options, group, [&](tb::EnginePair dense, tb::EnginePair sparse) {
        arr = tb::run_network_on_array(net, o, dense, sparse);
      });
    } else {
      seconds += tb::run_array_pair(options, [&](tb::ArraySession& rtl, tb::ArraySession& model) {
        arr = tb::run_network_on_array(net, o, rtl, model);
      });
    }
  }
  if (on_fabric) {
    tb::FabricNetworkOptions o;
    o.job = job;
    o.seed = sys.seed;
    o.policy = policy;
    o.progress = report;
    const auto t0 = std::chrono::steady_clock::now();
    fab = tb::run_network_on_fabric(net, o);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  std::vector<std::string> header{"layer", "op", "M x K x N", "count"};
  if (on_array) header.insert(header.end(), {on_fabric ? "array run" : "run", on_fabric ? "array cycles" : "cycles", on_fabric ? "array util %" : "util %"});
  if (on_array && !on_fabric) header.insert(header.end(), {"ideal", "MB read"});
  if (on_fabric) header.insert(header.end(), {on_array ? "fabric run" : "run", "blocks", on_array ? "fabric cycles" : "cycles", "load", on_array ? "fabric util %" : "util %"});
  if (on_fabric && !on_array) header.insert(header.end(), {"ideal", "wavelets"});
  header.push_back("golden");
  std::vector<std::vector<std::string>> table{header};
  TargetTotals ta, tf;
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const sw::Layer& l = net.layers[i];
    std::vector<std::string> row{l.name, l.op, shape_text(l), l.mapped() ? std::to_string(l.count) : ""};
    if (!l.mapped()) {
      row.push_back("not mapped");
      row.resize(header.size());
      table.push_back(row);
      continue;
    }
    bool ok = true;
    if (on_array) {
      const tb::ArrayLayerRun& r = arr[i];
      row.insert(row.end(), {r.mode, std::to_string(r.cycles), sw::fixed(100.0 * r.utilization(), 1)});
      if (!on_fabric) row.insert(row.end(), {std::to_string(r.ideal_cycles), sw::fixed(r.mem_bytes_read / 1e6, 3)});
      ta.add(l, r);
      bytes += r.mem_bytes_read;
      ok &= r.golden_pass && r.rtl_agrees;
    }
    if (on_fabric) {
      const tb::FabricLayerRun& r = fab[i];
      row.insert(row.end(), {r.mode, std::to_string(r.column_blocks), std::to_string(r.cycles), std::to_string(r.load_cycles),
                             sw::fixed(100.0 * r.utilization(), 1)});
      if (!on_array) row.insert(row.end(), {std::to_string(r.ideal_cycles), std::to_string(r.wavelets)});
      tf.add(l, r);
      tf.load += r.load_cycles;
      ok &= r.golden_pass && r.rtl_agrees;
    }
    row.push_back(ok ? "pass" : "FAIL");
    table.push_back(row);
  }
  const bool pass = (!on_array || ta.ok()) && (!on_fabric || tf.ok());
  std::vector<std::string> total{"total", "", "", ""};
  if (on_array) total.insert(total.end(), {"", std::to_string(ta.cycles), sw::fixed(100.0 * ta.utilization(), 1)});
  if (on_array && !on_fabric) total.insert(total.end(), {std::to_string(ta.ideal), sw::fixed(bytes / 1e6, 3)});
  if (on_fabric) total.insert(total.end(), {"", "", std::to_string(tf.cycles), std::to_string(tf.load), sw::fixed(100.0 * tf.utilization(), 1)});
  if (on_fabric && !on_array) total.insert(total.end(), {std::to_string(tf.ideal), ""});
  total.push_back(pass ? "pass" : "FAIL");
  table.push_back(total);

  std::cout << "waferbench run: network " << net.name << " (" << net.source << "), " << net.mapped_layers() << " of "
            << net.layers.size() << " layers mapped";
  if (on_array) {
    std::cout << ", " << options.array.rows << "x" << options.array.cols << " systolic array"
              << (policy.model_only ? " (model)" : "") << ", " << sys.dataflow << ", memory " << sys.mem_bw << " B/cycle, "
              << sys.mem_latency << " cycles latency";
  }
  if (on_fabric) {
    std::cout << (on_array ? "; " : ", ") << job.mesh << "x" << job.mesh << " fabric" << (policy.model_only ? " (model)" : "")
              << ", " << sw::fabric_layout_name(job.layout);
  }
  std::cout << "\n\n" << sw::format_table(table) << "\n";
  for (const std::string& note : net.notes) std::cout << note << "\n";
  if (sparsity.any()) {
    std::cout << "weights " << (sparsity.prune ? "pruned " : "") << sparsity.text()
              << " in the fully connected and convolution layers" << (sparsity.mask ? " of its shape" : "")
              << " (attention and batched matmuls multiply activations: left alone); each layer's activations are its own, "
                 "not the previous layer's output"
              << (!on_array ? ""
                  : nm.sparse() ? "; on the array they ran on the N:M sparse array, " + nm.text().substr(3) +
                                      " (the other layers on the dense array)"
                                : "; the array gains nothing from unstructured zeros: the dense array computes every zero")
              << "\n";
  }
  if (on_array && !sparsity.any()) {
    const std::string note = declared_sparsity_note(net, sw::parse_dataflow(sys.dataflow));
    if (!note.empty()) std::cout << note << "\n";
  }
  const int sampled = ta.sampled + tf.sampled;
  if (sampled > 0) {
    std::cout << sampled << " layer run(s) beyond the " << args.rtl_budget << " s RTL budget: the model ran them whole, the RTL "
              << args.sample_tiles << " seeded tiles of each, " << (ta.agree && tf.agree ? "agreeing" : "NOT agreeing")
              << " with the model cycle for cycle\n";
  }
  std::cout << "simulated in " << sw::fixed(seconds, 3) << " s\n";
  const std::string failure = !ta.first_failure.empty() ? "array, " + ta.first_failure
                              : !tf.first_failure.empty() ? "fabric, " + tf.first_failure : "";
  if (!failure.empty()) std::cerr << "waferbench: " << failure << "\n";

  std::vector<sw::LayerRecord> records;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (!net.layers[i].mapped()) continue;
    if (on_array) records.push_back(tb::record_of(net.layers[i], arr[i], options, policy.model_only ? "model" : "rtl"));
    if (on_fabric) records.push_back(tb::record_of(net.layers[i], fab[i], job.mesh, policy.model_only ? "model" : "rtl"));
  }
  outputs.add_energy(records);
  {
    nlohmann::json j;
    j["schema"] = sw::kRecordSchema;
    j["command"] = "run";
    j["target"] = on_array && on_fabric ? "both" : on_array ? "array" : "fabric";
    j["engine"] = policy.model_only ? "model" : "rtl";
    j["network"] = {{"name", net.name}, {"source", net.source}, {"layers", net.layers.size()}, {"mapped", net.mapped_layers()}};
    j["notes"] = net.notes;
    if (sparsity.any()) j["weight_sparsity"] = sparsity.text();
    if (on_array) {
      j["array"] = {{"rows", options.array.rows}, {"cols", options.array.cols}, {"dataflow", sys.dataflow},
                    {"sparse_mode", nm.text()},
                    {"mem_bytes_read", bytes}, {"totals", ta.json()}};
    }
    if (on_fabric) {
      j["fabric"] = {{"mesh", std::to_string(job.mesh) + "x" + std::to_string(job.mesh)},
                     {"layout", sw::fabric_layout_name(job.layout)},
                     {"load_cycles", tf.load},
                     {"totals", tf.json()}};
    }
    j["policy"] = {{"rtl_budget_seconds", args.rtl_budget}, {"sample_tiles", args.sample_tiles}};
    j["layers"] = nlohmann::json::array();
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      nlohmann::json lj = layer_json(net.layers[i]);
      if (net.layers[i].mapped()) {
        if (on_array) lj["array"] = run_json(arr[i]);
        if (on_fabric) lj["fabric"] = run_json(fab[i]);
      }
      j["layers"].push_back(lj);
    }
    j["macs"] = net.macs();
    j["golden"] = pass ? "pass" : "fail";
    j["sim_seconds"] = seconds;
    sw::put_records(j, records);
    outputs.write_json(j);
    const std::string what = "run " + net.name;
    sw::RunInfo info = on_array ? array_run_info(options, sys.dataflow, what) : fabric_run_info(job, what);
    if (on_array && on_fabric) {
      info.title = "waferbench " + what + " on a " + std::to_string(options.array.rows) + "x" +
                   std::to_string(options.array.cols) + " array and the " + std::to_string(job.mesh) + "x" +
                   std::to_string(job.mesh) + " fabric";
      const sw::KeyValues f = fabric_hardware(job);
      info.hardware.insert(info.hardware.end(), f.begin(), f.end());
      info.roofline_target = "array";
    }
    info.summary = net.notes;
    outputs.write_records(records, info, j);
  }
  outputs.commit();
  return pass ? 0 : 1;
}

}  // namespace wb::cli
