// SPDX-License-Identifier: Apache-2.0
#include "tb/sparsity_study.hpp"

#include <chrono>

#include "sw/host_memory.hpp"
#include "sw/network_prune.hpp"
#include "tb/array_jobs.hpp"
#include "tb/fabric_network_run.hpp"
#include "tb/network_run.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {
namespace {

template <class Run>
void add_layer(StudyTargetRun& t, const sw::Layer& l, const Run& r) {
  t.cycles += r.cycles;
  t.golden_pass &= r.golden_pass;
  t.rtl_agrees &= r.rtl_agrees;
  t.rtl_layers += r.mode == "rtl";
  t.sampled_layers += r.mode == "sampled";
  if ((!r.golden_pass || !r.rtl_agrees) && t.mismatch.empty()) t.mismatch = l.name + ": " + r.mismatch;
}

// The formats of NetworkWeights::bytes: dense, CSC, and the N:M sparse array's when `nm` is.
std::vector<sw::FormatSpec> weight_formats(sw::NmMode nm) {
  std::vector<sw::FormatSpec> formats{{sw::SparseFormat::kDense}, {sw::SparseFormat::kCsc}};
  if (nm.sparse()) formats.push_back({sw::SparseFormat::kNm, nm.n, nm.m});
  return formats;
}

StudyTargetRun array_totals(const sw::Network& net, const std::vector<ArrayLayerRun>& runs, const SystemOptions& o,
                            const sw::NetworkWeights& w, sw::NmMode nm) {
  StudyTargetRun t;
  t.rows = o.array.rows;
  t.cols = o.array.cols;
  t.pes = static_cast<std::uint64_t>(o.array.rows) * static_cast<std::uint64_t>(o.array.cols);
  t.mode = nm.text();
  t.weight_format = nm.sparse() ? nm.text() : "dense";
  t.memory_bytes = o.memory_bytes;
  t.weight_bytes = w.bytes[nm.sparse() ? 2 : 0];
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (!net.layers[i].mapped()) continue;
    add_layer(t, net.layers[i], runs[i]);
    t.macs += runs[i].pe_macs;
    t.dense_macs += runs[i].macs;
    t.array_activity += runs[i].activity;
    t.bytes += runs[i].mem_bytes_read;
  }
  return t;
}

StudyTargetRun fabric_totals(const sw::Network& net, const std::vector<FabricLayerRun>& runs, const FabricJob& job,
                             const sw::NetworkWeights& w) {
  StudyTargetRun t;
  t.rows = t.cols = job.mesh;
  t.pes = static_cast<std::uint64_t>(job.mesh) * static_cast<std::uint64_t>(job.mesh);
  t.weight_format = "csc";
  t.weight_bytes = w.bytes[1];
  t.bytes = t.weight_bytes.total();
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (!net.layers[i].mapped()) continue;
    add_layer(t, net.layers[i], runs[i]);
    t.load_cycles += runs[i].load_cycles;
    t.macs += runs[i].macs;
    t.dense_macs += runs[i].dense_macs;
    t.wavelets += runs[i].wavelets;
    t.link_flits += runs[i].link_flits;
    t.pe += runs[i].pe;
    t.bytes += 4 * runs[i].wavelets;
  }
  return t;
}

}  // namespace

void check_sparsity_study(const sw::Network& net, std::size_t variants, const SparsityStudyOptions& options) {
  if (options.array) check_network_on_array(net, *options.array);
  double weights = 0;
  for (const sw::Layer& l : net.layers) {
    if (!l.mapped()) continue;
    const double m = l.gemm.m, k = l.gemm.k, n = l.gemm.n;
    if (options.fabric) sw::check_host_memory(sw::fabric_gemm_host_bytes(m, k, n), "layer '" + l.name + "'");
    if (sw::has_weights(l)) weights += k * n * l.count;
  }
  sw::check_host_memory(weights * static_cast<double>(variants), "the pruned weights of " + std::to_string(variants) + " variants");
}

SparsityStudy run_sparsity_study(const sw::Network& net, const std::vector<sw::WeightSparsity>& variants,
                                 const SparsityStudyOptions& options) {
  SparsityStudy study;
  std::vector<sw::Network> nets;
  std::vector<sw::NmMode> modes;  // the array's, per variant
  bool any_nm = false;
  for (const sw::WeightSparsity& v : variants) {
    nets.push_back(sw::sparsify_network(net, v, options.seed));
    modes.push_back(array_nm_mode(v.prune, options.dataflow).mode);
    any_nm |= modes.back().sparse();
    StudyPoint p;
    p.label = v.any() ? v.text() : "dense";
    study.points.push_back(p);
  }
  std::vector<sw::NetworkWeights> weights;
  for (std::size_t i = 0; i < nets.size(); ++i) {
    weights.push_back(sw::network_weights(nets[i], options.seed, weight_formats(modes[i])));
    study.points[i].weight_nnz = weights.back().nnz;
    study.points[i].weights = weights.back().elements;
  }
  const auto progress = [&](std::size_t point) {
    return [&, point](std::size_t, std::size_t, const std::string& name) {
      if (options.progress) options.progress(point, nets.size(), name);
    };
  };
  if (options.array) {
    const auto run_points = [&](EnginePair dense, EnginePair nm) {
      for (std::size_t i = 0; i < nets.size(); ++i) {
        ArrayNetworkOptions o;
        o.dataflow = options.dataflow;
        o.nm = modes[i];
        o.seed = options.seed;
        o.policy = options.policy;
        o.progress = progress(i);
        study.points[i].array =
            array_totals(nets[i], run_network_on_array(nets[i], o, dense, nm), *options.array, weights[i], modes[i]);
      }
    };
    // The N:M sparse array is elaborated only when a point needs it.
    if (any_nm) {
      study.sim_seconds += run_array_pairs(*options.array, hw::kNmGroup, run_points);
    } else {
      study.sim_seconds += run_array_pair(*options.array, [&](ArraySession& rtl, ArraySession& model) {
        run_points(EnginePair{rtl, model}, EnginePair{rtl, model});
      });
    }
  }
  if (options.fabric) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < nets.size(); ++i) {
      FabricNetworkOptions o;
      o.job = *options.fabric;
      o.seed = options.seed;
      o.policy = options.policy;
      o.progress = progress(i);
      study.points[i].fabric = fabric_totals(nets[i], run_network_on_fabric(nets[i], o), *options.fabric, weights[i]);
    }
    study.sim_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return study;
}

}  // namespace wb::tb
