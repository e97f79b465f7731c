// SPDX-License-Identifier: Apache-2.0
// waferbench run: the built-in default workload, an int8 MLP, layer by layer on the array or
// on the compute fabric. Each layer's output (checked against the CPU reference) is requantised
// on the host and fed to the next layer, as driver software would; on the fabric the ReLU's
// zeros are then never sent, and --density makes the weights sparse.
#include <iostream>

#include "sw/error.hpp"
#include "sw/host_memory.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/mlp.hpp"
#include "sw/stream_chunks.hpp"
#include "sw/report.hpp"
#include "tb/array_jobs.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/fabric_options.hpp"
#include "tb/cli/options.hpp"
#include "tb/cli/prune_options.hpp"
#include "tb/cli/run_network.hpp"
#include "tb/fabric_stream.hpp"
#include "tb/layer_records.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

// The weights of every layer, bytes (int8).
double weight_bytes(const sw::MlpSpec& spec) {
  double bytes = 0;
  for (int l = 0; l < spec.layers(); ++l) bytes += static_cast<double>(spec.widths[l]) * spec.widths[l + 1];
  return bytes;
}

// "0.250" of `nnz` over `total`.
std::string density(std::uint64_t nnz, double total) { return sw::fixed(total > 0 ? static_cast<double>(nnz) / total : 0.0, 3); }

// ", weights pruned nm:2:4" or ", weights mask m.npy" (nothing without either).
std::string sparsity_text(const sw::WeightSparsity& sparsity) {
  return sparsity.any() ? std::string(", weights ") + (sparsity.prune ? "pruned " : "") + sparsity.text() : "";
}

int run_on_fabric(const tb::FabricJob& job, const SystemArgs& sys, const sw::WeightSparsity& sparsity, const sw::MlpSpec& spec,
                  int batch, RunOutputs& outputs) {
  const std::vector<sw::FabricStats> layers = tb::run_mlp_on_fabric(job, spec, batch, sys.seed, sparsity);

  std::vector<std::vector<std::string>> table{
      {"layer", "M x K x N", "weights nnz", "w density", "acts nnz", "a density", "cycles", "ideal", "util %", "wavelets", "link util %", "golden"}};
  std::uint64_t cycles = 0, ideal = 0, macs = 0, wavelets = 0;
  double seconds = 0.0;
  std::uint64_t simulated = 0;
  bool all_pass = true;
  for (const auto& s : layers) {
    table.push_back({s.name, std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n),
                     std::to_string(s.nnz), density(s.nnz, static_cast<double>(s.k) * s.n), std::to_string(s.act_nnz),
                     density(s.act_nnz, static_cast<double>(s.m) * s.k), std::to_string(s.cycles),
                     std::to_string(s.ideal_cycles()), sw::fixed(100.0 * s.utilization(), 1), std::to_string(s.wavelets),
                     sw::fixed(100.0 * s.link_utilization, 1), s.golden_pass ? "pass" : "FAIL"});
    cycles += s.cycles;
    ideal += s.ideal_cycles();
    macs += s.macs;
    wavelets += s.wavelets;
    seconds += s.sim_seconds;
    simulated += s.sim_cycles;
    all_pass &= s.golden_pass;
  }
  const double util = cycles ? static_cast<double>(macs) / (static_cast<double>(job.mesh) * job.mesh * cycles) : 0.0;
  table.push_back({"total", "", "", "", "", "", std::to_string(cycles), std::to_string(ideal), sw::fixed(100.0 * util, 1),
                   std::to_string(wavelets), "", all_pass ? "pass" : "FAIL"});
  std::cout << "waferbench run: " << spec.text() << ", batch " << batch << ", " << job.mesh << "x" << job.mesh
            << " fabric" << (job.engine == ref::Engine::kModel ? " (model), " : ", ")
            << sw::fabric_layout_name(job.layout) << ", weight density " << sw::fixed(job.density, 3) << sparsity_text(sparsity)
            << "\n(a density: the nonzero activations each layer received, its predecessor's ReLU zeros never sent)\n\n"
            << sw::format_table(table) << "\nsimulated " << simulated << " cycles in " << sw::fixed(seconds, 3) << " s ("
            << sw::fixed(seconds > 0 ? simulated / seconds / 1e3 : 0.0, 1) << " k cycles/s)\n";
  if (!all_pass) std::cerr << "waferbench: golden check failed\n";
  std::vector<sw::LayerRecord> records;
  for (const auto& s : layers) records.push_back(sw::record_of(s, "run", ref::engine_name(job.engine)));
  outputs.add_energy(records);
  {
    nlohmann::json j;
    j["target"] = "fabric";
    j["engine"] = ref::engine_name(job.engine);
    j["mesh"] = std::to_string(job.mesh) + "x" + std::to_string(job.mesh);
    j["layout"] = sw::fabric_layout_name(job.layout);
    j["density"] = job.density;
    if (sparsity.any()) j["weight_sparsity"] = sparsity.text();
    j["model"] = spec.text();
    j["batch"] = batch;
    j["layers"] = nlohmann::json::array();
    for (const auto& s : layers) j["layers"].push_back(sw::to_json(s));
    j["cycles"] = cycles;
    j["ideal_cycles"] = ideal;
    j["utilization"] = util;
    j["macs"] = macs;
    j["wavelets"] = wavelets;
    j["golden"] = all_pass ? "pass" : "fail";
    sw::put_sim_speed(j, seconds, simulated);
    sw::put_records(j, records);
    outputs.write_json(j);
    outputs.write_records(records, fabric_run_info(job, "run " + spec.text() + ", batch " + std::to_string(batch)), j);
  }
  outputs.commit();
  return all_pass ? 0 : 1;
}

struct StreamArgs {
  double ingress_bw = 0.0;        // 0: not given (the preloaded path)
  long long weight_buffer = 4096;
  long long hop_latency = 4;
  double store_bw = 64.0;
  std::string store_format = "dense";
};

// --store-format as a format; nm takes its N:M from --prune nm:N:M.
sw::FormatSpec store_format(const StreamArgs& a, const sw::WeightSparsity& sparsity) {
  const bool nm = sparsity.prune && sparsity.prune->method == sw::PruneMethod::kNm;
  return sw::parse_store_format(a.store_format, "--store-format", nm ? sparsity.prune->n : 0, nm ? sparsity.prune->m : 0);
}

// Weight streaming through the store, the tree and the fabric transactor (tb/fabric_stream.hpp).
int run_streamed(const tb::FabricJob& job, const SystemArgs& sys, const sw::WeightSparsity& sparsity, const StreamArgs& a,
                 const sw::MlpSpec& spec, int batch, RunOutputs& outputs) {
  tb::FabricStreamOptions o;
  o.mesh = job.mesh;
  o.engine = job.engine;
  o.ingress_bw = a.ingress_bw;
  o.hop_latency = static_cast<std::uint64_t>(a.hop_latency);
  o.store.dram.bytes_per_cycle = a.store_bw;
  o.store_format = store_format(a, sparsity);
  o.weight_buffer_bytes = static_cast<std::size_t>(a.weight_buffer);
  o.run.backpressure = job.backpressure;
  o.run.seed = job.seed;
  o.trace = job.trace;  // every layer's jobs in one waveform (RTL)
  o.trace_settings = job.trace_settings;
  const std::vector<sw::MatrixI8> weights = sw::mlp_weights(spec, sys.seed, job.density, sparsity);
  const tb::FabricStreamResult r = tb::run_fabric_stream(o, sw::mlp_input(spec, batch, sys.seed), weights);

  std::vector<std::vector<std::string>> table{{"layer", "M x K x N", "tier", "chunks", "load cyc", "compute cyc",
                                               "stream cyc", "exposed", "weight KB", "link util %", "golden"}};
  std::uint64_t load = 0, compute = 0, exposed = 0, bytes = 0, dram = 0, flash = 0, macs = 0;
  double stream = 0;
  for (const auto& s : r.layers) {
    table.push_back({s.name, std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n), s.tier,
                     std::to_string(s.chunks * s.passes), std::to_string(s.load_cycles), std::to_string(s.compute_cycles),
                     sw::fixed(s.stream_cycles, 0), std::to_string(s.exposed_cycles), sw::fixed(s.weight_bytes / 1e3, 1),
                     sw::fixed(100.0 * s.link_utilization(), 1), s.golden_pass ? "pass" : "FAIL"});
    load += s.load_cycles;
    compute += s.compute_cycles;
    stream += s.stream_cycles;
    exposed += s.exposed_cycles;
    bytes += s.weight_bytes;
    dram += s.dram_bytes;
    flash += s.flash_bytes;
    macs += s.macs;
  }
  const double link_util = r.cycles ? static_cast<double>(bytes) / a.ingress_bw / static_cast<double>(r.cycles) : 0.0;
  table.push_back({"total", "", "", "", std::to_string(load), std::to_string(compute), sw::fixed(stream, 0),
                   std::to_string(exposed), sw::fixed(bytes / 1e3, 1), sw::fixed(100.0 * link_util, 1),
                   r.golden_pass ? "pass" : "FAIL"});
  std::cout << "waferbench run: " << spec.text() << ", batch " << batch << ", " << job.mesh << "x" << job.mesh
            << " fabric" << (job.engine == ref::Engine::kModel ? " (model)" : "") << ", weight-streaming, weight density "
            << sw::fixed(job.density, 3) << sparsity_text(sparsity) << ", store " << o.store_format.text() << ", ingress "
            << sw::fixed(a.ingress_bw, 1) << " B/cycle, weight buffer "
            << a.weight_buffer << " B\n\n"
            << sw::format_table(table) << "\n"
            << r.cycles << " cycles end to end; exposed stream " << exposed << " cycles ("
            << sw::fixed(r.cycles ? 100.0 * exposed / r.cycles : 0.0, 1) << " %); store: DRAM "
            << sw::fixed(dram / 1e3, 1) << " KB, flash " << sw::fixed(flash / 1e3, 1) << " KB\nsimulated in "
            << sw::fixed(r.sim_seconds, 3) << " s\n";
  if (!r.golden_pass) std::cerr << "waferbench: golden check failed\n";
  std::vector<sw::LayerRecord> records;
  for (const auto& s : r.layers) records.push_back(tb::record_of(s, job.mesh, ref::engine_name(job.engine)));
  outputs.add_energy(records);
  {
    nlohmann::json j;
    j["target"] = "fabric";
    j["engine"] = ref::engine_name(job.engine);
    j["mesh"] = std::to_string(job.mesh) + "x" + std::to_string(job.mesh);
    j["layout"] = "weight-streaming";
    j["streamed"] = true;
    j["density"] = job.density;
    if (sparsity.any()) j["weight_sparsity"] = sparsity.text();
    j["model"] = spec.text();
    j["batch"] = batch;
    j["ingress_bw"] = a.ingress_bw;
    j["store_format"] = o.store_format.text();
    j["weight_buffer_bytes"] = a.weight_buffer;
    j["layers"] = nlohmann::json::array();
    for (const auto& s : r.layers) j["layers"].push_back(tb::to_json(s, job.mesh));
    j["cycles"] = r.cycles;
    j["load_cycles"] = load;
    j["compute_cycles"] = compute;
    j["stream_cycles"] = stream;
    j["exposed_cycles"] = exposed;
    j["weight_bytes"] = bytes;
    j["dram_bytes"] = dram;
    j["flash_bytes"] = flash;
    j["link_utilization"] = link_util;
    j["macs"] = macs;
    j["buffer_overwrites"] = r.overwrites;
    j["golden"] = r.golden_pass ? "pass" : "fail";
    j["sim_seconds"] = r.sim_seconds;
    sw::put_records(j, records);
    outputs.write_json(j);
    sw::RunInfo info = fabric_run_info(job, "run " + spec.text() + ", batch " + std::to_string(batch) + ", weights streamed");
    info.hardware.push_back({"weight streaming", sw::fixed(a.ingress_bw, 1) + " B/cycle ingress, " +
                                                     std::to_string(a.weight_buffer) + " B weight buffer, store DRAM " +
                                                     sw::fixed(a.store_bw, 1) + " B/cycle"});
    info.bandwidth_bytes_per_cycle = a.ingress_bw;
    info.bandwidth_name = "ingress link";
    outputs.write_records(records, info, j);
  }
  outputs.commit();
  return r.golden_pass ? 0 : 1;
}

struct RunArgs {
  SystemArgs sys;
  FabricArgs fabric;
  PruneArgs prune;
  ReportArgs report;
  std::string model = "mlp:256x256x128x10", target = "systolic";
  int batch = 64;
  StreamArgs stream;
  NetworkArgs net;  // --network / --topology / --onnx
  po::variables_map given;

  void describe(po::options_description& desc);
  // Every check before any work: the options, then every layer's size on the target (memory,
  // PE fit, host memory, bandwidth), so that no layer fails after the earlier ones ran.
  void validate() const;
  bool streamed() const { return target == "fabric" && given.count("ingress-bw"); }
};

void RunArgs::describe(po::options_description& desc) {
  desc.add_options()("help", "show this help")
      ("target", po::value(&target)->default_value(target), "systolic or array (the array), fabric (the wafer fabric), or both (networks: side by side)")
      ("model", po::value(&model)->default_value(model), "the default workload: mlp:IN x H1 x ... x OUT, its output requantised into the next layer")
      ("batch", po::value(&batch)->default_value(batch), "batch size (rows of each layer's A)");
  net.describe(desc);
  add_system_options(desc, sys);
  add_fabric_options(desc, fabric);
  add_prune_options(desc, prune);
  add_report_options(desc, report);
  desc.add_options()
      ("ingress-bw", po::value(&stream.ingress_bw), "fabric, weight-streaming: stream the weights from the store at this many bytes/cycle (without it the weights are preloaded into the edge queues)")
      ("weight-buffer", po::value(&stream.weight_buffer)->default_value(stream.weight_buffer), "fabric, with --ingress-bw: edge weight buffer bytes (two halves)")
      ("hop-latency", po::value(&stream.hop_latency)->default_value(stream.hop_latency), "fabric, with --ingress-bw: cycles of the ingress link")
      ("store-bw", po::value(&stream.store_bw)->default_value(stream.store_bw), "fabric, with --ingress-bw: weight store DRAM bytes/cycle")
      ("store-format", po::value(&stream.store_format)->default_value(stream.store_format),
       "fabric, with --ingress-bw: how the store holds the weights, dense, csr, bitmap or nm (with --prune nm:N:M); every tier, link and buffer moves those bytes");
}

void RunArgs::validate() const {
  if (target != "systolic" && target != "array" && target != "fabric" && (target != "both" || !net.any())) {
    throw sw::InputError("--target must be systolic (or array), fabric, or both (networks), got '" + target + "'");
  }
  if (net.any()) {
    reject_given(given, {"model", "density", "ingress-bw", "weight-buffer", "hop-latency", "store-bw", "store-format"},
                 "network runs (--network, --topology, --onnx)");
    if (target == "systolic" || target == "array") reject_given(given, {"mesh", "layout"}, "--target " + target);
    if (target == "fabric") reject_given(given, {"rows", "cols", "dataflow", "mem-bw", "mem-latency"}, "--target fabric");
    net.validate(given);
    return;
  }
  reject_given(given, {"seq", "layers", "input-shape", "rtl-budget", "sample-tiles"}, "--model (give --network, --topology or --onnx)");
  const sw::MlpSpec spec = sw::parse_mlp(model);
  if (batch <= 0 || batch > 1000000) throw sw::InputError("--batch must be in [1, 1000000]");
  if (target == "fabric") {
    reject_given(given, {"rows", "cols", "dataflow", "mem-bw", "mem-latency"}, "--target fabric");
    check_run_outputs(sys);
    if (streamed()) {
      if (fabric.layout != "weight-streaming") throw sw::InputError("--ingress-bw needs --layout weight-streaming");
      if (!(stream.ingress_bw > 0.0) || stream.ingress_bw > 1e6) throw sw::InputError("--ingress-bw must be in (0, 1e6] bytes per cycle");
      if (stream.weight_buffer < 2 || stream.weight_buffer > (1ll << 30)) throw sw::InputError("--weight-buffer must be in [2, 2^30] bytes");
      if (stream.hop_latency < 0 || stream.hop_latency > 100000) throw sw::InputError("--hop-latency must be in [0, 100000]");
      if (!(stream.store_bw > 0.0) || stream.store_bw > 1e6) throw sw::InputError("--store-bw must be in (0, 1e6] bytes per cycle");
      sw::WeightSparsity nm;  // the N:M of --store-format nm
      if (!prune.prune.empty()) nm.prune = sw::parse_prune_spec(prune.prune);
      store_format(stream, nm);
    } else {
      reject_given(given, {"weight-buffer", "hop-latency", "store-bw", "store-format"}, "--target fabric without --ingress-bw");
    }
    const tb::FabricJob job = to_fabric_job(fabric, sys.backpressure, sys.seed, sys.trace, sys.engine);
    tb::check_mlp_on_fabric(job, spec, batch);
    if (streamed()) {
      double host = 0;  // every layer's weights are made up front
      for (int l = 0; l < spec.layers(); ++l) host += sw::fabric_gemm_host_bytes(batch, spec.widths[l], spec.widths[l + 1]);
      sw::check_host_memory(host, "model " + spec.text());
      check_bandwidth(weight_bytes(spec), stream.ingress_bw, "--ingress-bw", "the weights");
      check_bandwidth(weight_bytes(spec), stream.store_bw, "--store-bw", "the weights");
    }
    return;
  }
  reject_given(given, {"mesh", "layout", "density", "ingress-bw", "weight-buffer", "hop-latency", "store-bw", "store-format"},
               "--target systolic");
  const tb::SystemOptions options = to_system_options(sys);
  double operand_bytes = 0;
  for (int l = 0; l < spec.layers(); ++l) {
    tb::check_array_gemm(options, batch, spec.widths[l], spec.widths[l + 1], sw::mlp_layer_name(spec, batch, l));
    operand_bytes += static_cast<double>(batch) * spec.widths[l] + static_cast<double>(spec.widths[l]) * spec.widths[l + 1];
  }
  check_bandwidth(operand_bytes, sys.mem_bw, "--mem-bw", "the layers' operands");
}

int run_on_array(const RunArgs& args, const sw::WeightSparsity& sparsity, sw::NmMode nm, const sw::MlpSpec& spec,
                 RunOutputs& outputs) {
  const SystemArgs& sys = args.sys;
  const int batch = args.batch;
  tb::SystemOptions options = to_system_options(sys);
  options.dut.trace_path = outputs.trace();
  options.dut.trace_settings = outputs.trace_settings(sys.trace_window);
  const sw::Dataflow dataflow = sw::parse_dataflow(sys.dataflow);
  const tb::ArrayMlpResult r = tb::run_mlp_on_array(options, dataflow, spec, batch, sys.seed, sparsity);
  const std::string array = std::string(sw::dataflow_name(dataflow)) +
                            (nm.sparse() ? ", N:M sparse " + nm.text().substr(3) : "");
  const std::vector<sw::GemmStats>& layers = r.layers;
  const double seconds = r.sim_seconds;
  const std::uint64_t simulated = r.sim_cycles;

  std::vector<std::vector<std::string>> table{
      {"layer", "M x K x N", "folds", "w density", "a density", "cycles", "ideal", "util %", "MB read", "golden"}};
  sw::GemmStats total;
  bool all_pass = true;
  for (const auto& s : layers) {
    table.push_back({s.name, std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n),
                     std::to_string(s.folds), density(s.weight_nnz, static_cast<double>(s.k) * s.n),
                     density(s.act_nnz, static_cast<double>(s.m) * s.k), std::to_string(s.cycles), std::to_string(s.ideal_cycles),
                     sw::fixed(100.0 * s.utilization(), 1), sw::fixed(s.mem_bytes_read / 1e6, 3),
                     s.golden_pass ? "pass" : "FAIL"});
    total.cycles += s.cycles;
    total.ideal_cycles += s.ideal_cycles;
    total.macs += s.macs;
    total.mem_bytes_read += s.mem_bytes_read;
    all_pass &= s.golden_pass;
  }
  table.push_back({"total", "", "", "", "", std::to_string(total.cycles), std::to_string(total.ideal_cycles),
                   sw::fixed(100.0 * total.utilization(), 1), sw::fixed(total.mem_bytes_read / 1e6, 3),
                   all_pass ? "pass" : "FAIL"});
  std::cout << "waferbench run: " << spec.text() << ", batch " << batch << ", " << options.array.rows << "x"
            << options.array.cols << " systolic array"
            << (options.dut.engine == ref::Engine::kModel ? " (model)" : "") << ", " << array << ", memory "
            << sys.mem_bw << " B/cycle, " << sys.mem_latency << " cycles latency" << sparsity_text(sparsity)
            << (nm.sparse() ? " (each fold covers " + std::to_string(options.array.rows / nm.n * nm.m) + " of K)"
                : sparsity.any() ? " (the array gains nothing from unstructured zeros: the dense array computes every zero, no fewer cycles)"
                                 : "")
            << "\n(a density: the nonzero activations each layer received, after its predecessor's ReLU)\n\n"
            << sw::format_table(table) << "\nsimulated " << simulated << " cycles in " << sw::fixed(seconds, 3)
            << " s (" << sw::fixed(seconds > 0 ? simulated / seconds / 1e3 : 0.0, 1) << " k cycles/s)\n";
  if (!all_pass) std::cerr << "waferbench: golden check failed\n";

  std::vector<sw::LayerRecord> records;
  for (const auto& s : layers) records.push_back(sw::record_of(s, "run", ref::engine_name(options.dut.engine)));
  outputs.add_energy(records);
  {
    nlohmann::json j;
    j["target"] = "systolic";
    j["engine"] = ref::engine_name(options.dut.engine);
    j["rows"] = options.array.rows;
    j["cols"] = options.array.cols;
    j["dataflow"] = sw::dataflow_name(dataflow);
    j["sparse_mode"] = nm.text();
    j["model"] = spec.text();
    j["batch"] = batch;
    if (sparsity.any()) j["weight_sparsity"] = sparsity.text();
    j["layers"] = nlohmann::json::array();
    for (const auto& s : layers) j["layers"].push_back(sw::to_json(s));
    j["cycles"] = total.cycles;
    j["ideal_cycles"] = total.ideal_cycles;
    j["utilization"] = total.utilization();
    j["macs"] = total.macs;
    j["golden"] = all_pass ? "pass" : "fail";
    sw::put_sim_speed(j, seconds, simulated);
    sw::put_records(j, records);
    outputs.write_json(j);
    outputs.write_records(records, array_run_info(options, array, "run " + spec.text() + ", batch " + std::to_string(batch)), j);
  }
  outputs.commit();
  return all_pass ? 0 : 1;
}

}  // namespace

int run_command(int argc, char** argv) {
  RunArgs args;
  po::options_description desc("waferbench run options");
  args.describe(desc);
  if (!parse_command_line(argc, argv, desc, "usage: waferbench run [options]", &args.given)) return 0;
  args.net.batch = args.batch;
  args.validate();
  // nm:N:M weights run on the N:M sparse array (in waferbench-all for the RTL)
  const sw::NmMode nm = args.target == "fabric" ? sw::NmMode{} : to_array_nm_mode(args.sys, prune_spec(args.prune));
  const sw::WeightSparsity sparsity = to_weight_sparsity(args.prune, args.sys.seed);
  if (args.net.any()) {
    if (!args.given.count("mesh") || args.given["mesh"].defaulted()) args.fabric.mesh = "16x16";  // networks: the largest mesh
    return run_network_command(args.net, args.sys, args.fabric, sparsity, nm, args.report, args.target);
  }
  const sw::MlpSpec spec = sw::parse_mlp(args.model);
  sw::check_mask_fits(spec, sparsity);
  // written together at the end, or not at all; none replaces the mask
  RunOutputs outputs(args.sys.trace, args.sys.json, {{"--mask", args.prune.mask}}, args.report);
  if (args.target != "fabric") return run_on_array(args, sparsity, nm, spec, outputs);
  tb::FabricJob job = to_fabric_job(args.fabric, args.sys.backpressure, args.sys.seed, args.sys.trace, args.sys.engine);
  job.trace = outputs.trace();
  job.trace_settings = outputs.trace_settings(args.sys.trace_window);
  if (args.streamed()) return run_streamed(job, args.sys, sparsity, args.stream, spec, args.batch, outputs);
  return run_on_fabric(job, args.sys, sparsity, spec, args.batch, outputs);
}

}  // namespace wb::cli
