// SPDX-License-Identifier: Apache-2.0
// waferbench sparsity: one layer (or a network) at several weight densities, pruned with one
// structure, on the systolic array, the compute fabric or both side by side (tb/sparsity_study.hpp),
// every layer golden-checked; per density the cycles, the speedup over dense and over 1/d, the
// utilisation and the bytes moved, weight metadata included.
#include <array>
#include <iostream>

#include "sw/error.hpp"
#include "sw/report.hpp"
#include "sw/report_plots.hpp"
#include "tb/cli/commands.hpp"
#include "tb/cli/fabric_options.hpp"
#include "tb/cli/options.hpp"
#include "tb/cli/prune_options.hpp"
#include "tb/cli/report_outputs.hpp"
#include "tb/cli/run_network.hpp"
#include "tb/sparsity_study.hpp"
#include "wb/hw_config.hpp"

namespace po = boost::program_options;

namespace wb::cli {
namespace {

struct SparsityArgs {
  SystemArgs sys;
  FabricArgs fabric;
  PruneArgs prune;
  NetworkArgs net;
  ReportArgs report;  // --csv (the records: one per density and target), --report, ...
  std::string target = "fabric", structure = "unstructured", densities_text;
  int m = 8, k = 256, n = 256;
  po::variables_map given;

  bool on_array() const { return target != "fabric"; }
  bool on_fabric() const { return target != "array"; }

  void describe(po::options_description& desc) {
    desc.add_options()("help", "show this help")
        ("target", po::value(&target)->default_value(target), "array, fabric or both (side by side)")
        ("structure", po::value(&structure)->default_value(structure),
         "how each density is pruned: unstructured (magnitude), nm:N:M (N of every M along K), block:B (B x B blocks by L1 norm)")
        ("densities", po::value(&densities_text),
         "weight densities in (0, 1], each against the dense run (default 1,0.5,0.1,0.01; nm:N:M: 1,N/M; block:B: 1,0.5,0.25,0.1)")
        ("m", po::value(&m)->default_value(m), "one layer: activation vectors (rows of A; the batch of --network mlp:...)")
        ("k", po::value(&k)->default_value(k), "one layer: inputs")
        ("n", po::value(&n)->default_value(n), "one layer: outputs")
        ("mesh", po::value(&fabric.mesh)->default_value(fabric.mesh), "fabric: KxK compute fabric (a built size for --engine rtl, up to 16x16 for --engine model)")
        ("layout", po::value(&fabric.layout)->default_value(fabric.layout), "fabric: weights-resident or weight-streaming");
    add_prune_options(desc, prune);
    add_report_options(desc, report);
    net.describe(desc);
    add_system_options(desc, sys, {"trace", "backpressure"});
  }

  // Every check before any work; returns the weight variants: the dense baseline first.
  std::vector<sw::WeightSparsity> validate() const {
    if (target != "array" && target != "fabric" && target != "both") {
      throw sw::InputError("--target must be array, fabric or both, got '" + target + "'");
    }
    if (!on_array()) reject_given(given, {"rows", "cols", "dataflow", "mem-bw", "mem-latency"}, "--target fabric");
    if (!on_fabric()) reject_given(given, {"mesh", "layout"}, "--target array");
    if (net.any()) {
      reject_given(given, {"k", "n"}, "network studies (--network, --topology, --onnx)");
      if (net.network.rfind("mlp:", 0) != 0) reject_given(given, {"m"}, "this network (--m is the batch of --network mlp:...)");
      net.validate(given);
    } else if (m <= 0 || k <= 0 || n <= 0) {
      throw sw::InputError("--m, --k and --n must be positive");
    }
    if (on_array()) to_system_options(sys);
    if (on_fabric()) to_fabric_job(fabric, 0.0, sys.seed, "", sys.engine);  // RTL: hands over to waferbench-all
    std::vector<sw::WeightSparsity> variants{sw::WeightSparsity{}};
    if (prune.any()) {
      reject_given(given, {"structure", "densities"}, "--prune or --mask (the study is dense against those weights)");
      if (on_array()) to_array_nm_mode(sys, prune_spec(prune));  // nm:N:M on the N:M sparse array
      variants.push_back(to_weight_sparsity(prune, sys.seed));
      return variants;
    }
    const sw::SparsityStructure s = sw::parse_sparsity_structure(structure);
    const std::string text = densities_text.empty() ? s.default_densities() : densities_text;
    for (double d : parse_number_list(text, "--densities", 0.0, 1.0, "(0, 1]")) {
      if (d == 1.0) continue;  // the dense baseline, run first anyway
      sw::WeightSparsity v;
      v.prune = s.prune_for(d);
      v.seed = sys.seed;
      if (on_array()) to_array_nm_mode(sys, v.prune);  // nm:N:M on the N:M sparse array
      variants.push_back(v);
    }
    return variants;
  }

  sw::Network load() const {
    if (net.any()) return net.load();
    sw::Network one;
    one.name = std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n);
    one.source = "--m --k --n";
    one.layers.push_back(sw::gemm_layer("layer", "Gemm", {m, k, n}, "--m --k --n"));
    return one;
  }
};

// The columns of one target at one point, against the dense point.
struct Figures {
  double speedup = 0, of_ideal = 0;
};
Figures figures(const tb::StudyTargetRun& t, const tb::StudyTargetRun& dense, double ideal) {
  Figures f;
  f.speedup = t.cycles ? static_cast<double>(dense.cycles) / static_cast<double>(t.cycles) : 0.0;
  f.of_ideal = ideal > 0 ? f.speedup / ideal : 0.0;
  return f;
}

// The record of one target at one point (`mkn`: the layer's shape, zeros for a network).
sw::LayerRecord study_record(const tb::StudyTargetRun& t, const std::string& target, const tb::StudyPoint& p,
                             const std::string& engine, const std::array<int, 3>& mkn) {
  sw::LayerRecord r = sw::gemm_record("sparsity", target, engine, p.label, mkn[0] ? "gemm" : "network", mkn[0], mkn[1], mkn[2]);
  r.rows = t.rows;
  r.cols = t.cols;
  r.density = p.density();
  r.cycles = t.cycles;
  r.ideal_cycles = (t.macs + t.pes - 1) / t.pes;
  if (target == "fabric") r.load_cycles = t.load_cycles;
  r.macs = t.macs;
  r.macs_skipped = t.dense_macs > t.macs ? t.dense_macs - t.macs : 0;
  // The energy's counters, as the other commands' records take them.
  if (target == "array") {
    sw::put_array_activity(r, t.array_activity);
    r.sram_size_bytes = t.memory_bytes;
  } else {
    r.macs_issued = t.macs;
    sw::fabric_pe_activity(r, t.macs, t.pe);
  }
  r.metadata_bytes = t.weight_bytes.metadata;
  r.wavelets = t.wavelets;
  r.link_flits = t.link_flits;
  r.link_bytes = sw::wavelet_bytes(t.link_flits);
  r.golden = t.ok() ? "pass" : "fail";
  return r;
}

nlohmann::json target_json(const tb::StudyTargetRun& t, const Figures& f, bool array) {
  nlohmann::json j{{"cycles", t.cycles},
          {"load_cycles", t.load_cycles},
          {"macs", t.macs},
          {"utilization", t.utilization()},
          {"speedup", f.speedup},
          {"speedup_over_ideal", f.of_ideal},
          {"weight_format", t.weight_format},
          {"weight_value_bytes", t.weight_bytes.values},
          {"weight_metadata_bytes", t.weight_bytes.metadata},
          {"bytes", t.bytes},
          {"rtl_layers", t.rtl_layers},
          {"sampled_layers", t.sampled_layers},
          {"rtl_agrees", t.rtl_agrees},
          {"golden", t.golden_pass ? "pass" : "fail"}};
  if (array) j["mode"] = t.mode;
  return j;
}

}  // namespace

int sparsity_command(int argc, char** argv) {
  SparsityArgs args;
  po::options_description desc("waferbench sparsity options");
  args.describe(desc);
  if (!parse_command_line(argc, argv, desc, "usage: waferbench sparsity [options]", &args.given)) return 0;
  args.net.batch = args.m;
  const std::vector<sw::WeightSparsity> variants = args.validate();
  tb::SparsityStudyOptions o;
  o.seed = args.sys.seed;
  o.policy.model_only = ref::parse_engine(args.sys.engine) == ref::Engine::kModel;
  o.policy.rtl_budget_seconds = args.net.rtl_budget;
  o.policy.sample_tiles = args.net.sample_tiles;
  o.policy.seed = args.sys.seed;
  o.dataflow = sw::parse_dataflow(args.sys.dataflow);
  if (args.on_array()) o.array = to_system_options(args.sys);
  if (args.on_fabric()) o.fabric = to_fabric_job(args.fabric, 0.0, args.sys.seed, "", args.sys.engine);
  const sw::Network net = args.load();
  tb::check_sparsity_study(net, variants.size(), o);
  // Outputs checked before any work, written together at the end or not at all.
  RunOutputs outputs("", args.sys.json, {{"--mask", args.prune.mask}, {"--topology", args.net.topology}, {"--onnx", args.net.onnx}},
                     args.report);

  const tb::SparsityStudy study = tb::run_sparsity_study(net, variants, o);
  const tb::StudyPoint& dense = study.points.front();

  std::vector<std::string> header{"weights", "density", "1/d"};
  const auto target_columns = [&](const std::string& t) {  // side by side, "array cycles" heads its group
    header.insert(header.end(), {(args.target == "both" ? t + " " : "") + "cycles", "speedup", "of 1/d", "util %", "MB moved"});
  };
  if (o.array) target_columns("array");
  if (o.fabric) target_columns("fabric");
  header.push_back("golden");
  std::vector<std::vector<std::string>> table{header};
  std::vector<sw::LayerRecord> records;  // one per point and target
  const bool one_layer = !args.net.any();
  nlohmann::json points = nlohmann::json::array();
  bool pass = true;
  std::string failure;
  for (const tb::StudyPoint& p : study.points) {
    const double ideal = p.weight_nnz ? static_cast<double>(dense.weight_nnz) / static_cast<double>(p.weight_nnz) : 0.0;
    std::vector<std::string> row{p.label, sw::fixed(p.density(), 3), sw::fixed(ideal, 2)};
    nlohmann::json pj{{"weights", p.label}, {"density", p.density()}, {"weight_nnz", p.weight_nnz}, {"ideal_speedup", ideal}};
    bool ok = true;
    const auto add = [&](const char* name, const tb::StudyTargetRun& t, const tb::StudyTargetRun& base) {
      const Figures f = figures(t, base, ideal);
      row.insert(row.end(), {std::to_string(t.cycles), sw::fixed(f.speedup, 2), sw::fixed(f.of_ideal, 2),
                             sw::fixed(100.0 * t.utilization(), 1), sw::fixed(static_cast<double>(t.bytes) / 1e6, 3)});
      records.push_back(study_record(t, name, p, o.policy.model_only ? "model" : "rtl",
                                     one_layer ? std::array<int, 3>{args.m, args.k, args.n} : std::array<int, 3>{0, 0, 0}));
      pj[name] = target_json(t, f, std::string(name) == "array");
      ok &= t.ok();
      if (!t.ok() && failure.empty()) failure = std::string(name) + ", " + p.label + ", " + t.mismatch;
    };
    if (p.array) add("array", *p.array, *dense.array);
    if (p.fabric) add("fabric", *p.fabric, *dense.fabric);
    row.push_back(ok ? "pass" : "FAIL");
    table.push_back(row);
    points.push_back(pj);
    pass &= ok;
  }

  std::cout << "waferbench sparsity: " << net.name << " (" << net.source << "), " << net.mapped_layers() << " layer(s) mapped, "
            << (variants.size() > 1 && args.prune.any() ? "weights " + variants[1].text() : "structure " + args.structure);
  if (o.array) {
    std::cout << "; " << o.array->array.rows << "x" << o.array->array.cols << " systolic array"
              << (o.policy.model_only ? " (model)" : "") << ", " << args.sys.dataflow;
  }
  if (o.fabric) {
    std::cout << "; " << o.fabric->mesh << "x" << o.fabric->mesh << " fabric" << (o.policy.model_only ? " (model)" : "")
              << ", " << sw::fabric_layout_name(o.fabric->layout);
  }
  std::cout << "\n\n" << sw::format_table(table) << "\n"
            << "speedup: dense cycles over these; 1/d: the ideal speedup (dense nonzeros over these); of 1/d: speedup / (1/d)\n"
            << "MB moved: the weights in the target's format (metadata included) and the activations";
  if (o.array) std::cout << "; array: what its memory served (B dense, or N:M: kept weights and their offsets)";
  if (o.fabric) std::cout << "; fabric: CSC weights and 4 B per wavelet in (its load cycles are apart from the cycles)";
  std::cout << "\n";
  bool any_nm = false, any_other = false;  // points the array ran N:M sparse, or dense with zeros
  for (std::size_t i = 1; i < study.points.size(); ++i) {
    if (!study.points[i].array) continue;
    (study.points[i].array->mode != "dense" ? any_nm : any_other) = true;
  }
  if (any_nm) {
    std::cout << "array: nm points ran on its N:M sparse array, which keeps n of every " << hw::kNmGroup
              << " weights along K and covers " << hw::kNmGroup << "R/n of K per fold\n";
  }
  if (any_other) {
    std::cout << "array: the array gains nothing from unstructured zeros: the dense array computes every zero, so those "
                 "points take the dense cycles\n";
  }
  std::cout << "simulated in " << sw::fixed(study.sim_seconds, 3) << " s\n";
  if (!failure.empty()) std::cerr << "waferbench: " << failure << "\n";

  nlohmann::json j{{"schema", sw::kRecordSchema},
                   {"command", "sparsity"},
                   {"target", args.target},
                   {"engine", o.policy.model_only ? "model" : "rtl"},
                   {"network", {{"name", net.name}, {"source", net.source}, {"layers", net.layers.size()}, {"mapped", net.mapped_layers()}}},
                   {"structure", args.prune.any() ? variants[1].text() : args.structure},
                   {"points", points},
                   {"golden", pass ? "pass" : "fail"},
                   {"sim_seconds", study.sim_seconds}};
  if (o.array) {
    j["array"] = {{"rows", o.array->array.rows}, {"cols", o.array->array.cols}, {"dataflow", args.sys.dataflow}, {"sparse_mode", any_nm}};
  }
  if (o.fabric) {
    j["fabric"] = {{"mesh", std::to_string(o.fabric->mesh) + "x" + std::to_string(o.fabric->mesh)},
                   {"layout", sw::fabric_layout_name(o.fabric->layout)}};
  }
  outputs.add_energy(records);
  sw::put_records(j, records);
  outputs.write_json(j);
  const std::string what = "sparsity " + net.name;
  sw::RunInfo info = o.fabric ? fabric_run_info(*o.fabric, what) : array_run_info(*o.array, args.sys.dataflow, what);
  if (outputs.wants_report()) {
    outputs.write_records(records, info, j,
                          {sw::page_plot("speedup.svg", sw::speedup_plot(records),
                                         "Measured speedup of each density over the dense run, per target, and the ideal 1/d.")});
  } else {
    outputs.write_records(records, info, j);
  }
  outputs.commit();
  return pass ? 0 : 1;
}

}  // namespace wb::cli
