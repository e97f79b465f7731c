// SPDX-License-Identifier: Apache-2.0
#include "tb/network_run.hpp"

#include <algorithm>

#include "sw/cpu_time.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/network_operands.hpp"
#include "sw/network_prune.hpp"
#include "tb/array_jobs.hpp"

namespace wb::tb {
namespace {

std::string describe(const sw::Mismatch& mm) {
  if (mm.row < 0) return "the result has the wrong shape";
  return "C[" + std::to_string(mm.row) + "][" + std::to_string(mm.col) + "] = " + std::to_string(mm.actual) +
         ", expected " + std::to_string(mm.expected) + " (" + std::to_string(mm.count) + " elements differ)";
}

class LayerRunner {
 public:
  LayerRunner(const ArrayNetworkOptions& options, EnginePair dense, EnginePair nm)
      : m_options(options), m_dense(dense), m_nm(nm) {
    const sw::ArrayShape a = dense.rtl.options().array;
    m_pes = static_cast<std::uint64_t>(a.rows) * static_cast<std::uint64_t>(a.cols);
    m_rtl_rate = options.rtl_pe_cycles_per_second / static_cast<double>(m_pes);
  }

  ArrayLayerRun run(const sw::Layer& layer, std::uint64_t seed) {
    ArrayLayerRun r;
    if (!layer.mapped()) {
      r.mode = "not mapped";
      return r;
    }
    r.macs = layer.macs();
    // The layer's weights N:M sparse on the N:M sparse array, or everything dense.
    m_layer_nm = layer_nm_mode(layer, m_options);
    ArraySession& rtl = m_layer_nm.sparse() ? m_nm.rtl : m_dense.rtl;
    ArraySession& model = m_layer_nm.sparse() ? m_nm.model : m_dense.model;
    const sw::GemmPlan plan(layer.gemm, rtl.options().array, m_options.dataflow, m_layer_nm);
    r.pe_macs = plan.pe_macs() * static_cast<std::uint64_t>(layer.count);
    r.ideal_cycles = (r.pe_macs + m_pes - 1) / m_pes;
    const int folds = static_cast<int>(plan.folds().size());
    r.folds = static_cast<std::uint64_t>(folds) * static_cast<std::uint64_t>(layer.count);
    // The model first: the layer's exact cycles, and every GEMM golden-checked.
    std::vector<std::uint64_t> model_cycles;
    for (int g = 0; g < layer.count; ++g) {
      const sw::GemmOperands ops = sw::layer_operands(layer, g, seed);
      const GemmRun run = gemm(model, ops);
      check(r, "model", sw::gemm_ref(ops.a, ops.b), run.c);
      model_cycles.push_back(run.cycles);
      r.cycles += run.cycles;
      r.mem_bytes_read += run.mem_bytes_read;
      r.activity += activity_of(run, plan);
    }
    const int tiles = static_cast<int>(std::min<std::uint64_t>(r.folds, 1u << 30));
    const sw::LayerRunPlan p = sw::plan_layer_run(m_options.policy, r.cycles, m_rtl_rate, tiles);
    r.mode = sw::run_mode_name(p.mode);
    r.estimated_rtl_seconds = p.estimated_rtl_seconds;
    if (p.mode == sw::RunMode::kRtl) {
      const double cpu0 = sw::process_cpu_seconds();
      std::uint64_t rtl_cycles = 0;
      for (int g = 0; g < layer.count; ++g) {
        const sw::GemmOperands ops = sw::layer_operands(layer, g, seed);
        const GemmRun run = gemm(rtl, ops);
        check(r, "RTL", sw::gemm_ref(ops.a, ops.b), run.c);
        agree(r, run.cycles, model_cycles[static_cast<std::size_t>(g)], "GEMM " + std::to_string(g));
        rtl_cycles += run.cycles;
      }
      r.rtl_tiles = tiles;
      r.rtl_tile_cycles = rtl_cycles;
      learn_rate(rtl_cycles, sw::process_cpu_seconds() - cpu0);
    } else if (p.mode == sw::RunMode::kSampled) {
      for (int t : p.sampled_tiles) {
        const int g = t / folds;
        const sw::Fold& fold = plan.folds()[static_cast<std::size_t>(t % folds)];
        const sw::GemmOperands ops = sw::layer_operands(layer, g, seed);
        const sw::GemmOperands tile = sw::fold_operands(plan, fold, ops.a, ops.b);
        const sw::MatrixI32 expected = sw::gemm_ref(tile.a, tile.b);
        const GemmRun on_model = gemm(model, tile);
        const double cpu0 = sw::process_cpu_seconds();
        const GemmRun on_rtl = gemm(rtl, tile);
        learn_rate(on_rtl.cycles, sw::process_cpu_seconds() - cpu0);
        check(r, "model", expected, on_model.c);
        check(r, "RTL", expected, on_rtl.c);
        agree(r, on_rtl.cycles, on_model.cycles, "tile " + std::to_string(t));
        r.rtl_tile_cycles += on_rtl.cycles;
        ++r.rtl_tiles;
      }
    }
    return r;
  }

 private:
  GemmRun gemm(ArraySession& session, const sw::GemmOperands& ops) {
    if (m_layer_nm.sparse()) return session.gemm_nm(ops.a, sw::nm_operand(ops.b, m_layer_nm));
    return session.gemm(ops.a, ops.b, m_options.dataflow);
  }

  void check(ArrayLayerRun& r, const char* engine, const sw::MatrixI32& expected, const sw::MatrixI32& actual) {
    if (actual == expected) return;
    if (r.golden_pass) r.mismatch = std::string(engine) + ": " + describe(sw::first_mismatch(expected, actual));
    r.golden_pass = false;
  }

  void agree(ArrayLayerRun& r, std::uint64_t rtl_cycles, std::uint64_t model_cycles, const std::string& what) {
    if (rtl_cycles == model_cycles) return;
    if (r.rtl_agrees && r.mismatch.empty()) {
      r.mismatch = what + ": RTL " + std::to_string(rtl_cycles) + " cycles, model " + std::to_string(model_cycles);
    }
    r.rtl_agrees = false;
  }

  // The RTL's measured speed replaces the estimate once a run was long enough to time.
  void learn_rate(std::uint64_t cycles, double cpu_seconds) {
    if (cycles >= 100000 && cpu_seconds > 0.05) m_rtl_rate = static_cast<double>(cycles) / cpu_seconds;
  }

  const ArrayNetworkOptions& m_options;
  EnginePair m_dense, m_nm;
  sw::NmMode m_layer_nm;  // the running layer's
  std::uint64_t m_pes = 1;
  double m_rtl_rate = 1.0;
};

}  // namespace

sw::NmMode layer_nm_mode(const sw::Layer& layer, const ArrayNetworkOptions& options) {
  if (!sw::has_weights(layer)) return {};
  if (layer.sparsity) return array_nm_mode(layer.sparsity->n, layer.sparsity->m, options.dataflow).mode;
  return options.nm;
}

int network_nm_group(const sw::Network& net, const ArrayNetworkOptions& options) {
  for (const sw::Layer& l : net.layers) {
    if (!l.mapped()) continue;
    const sw::NmMode mode = layer_nm_mode(l, options);
    if (mode.sparse()) return mode.m;
  }
  return 0;
}

void check_network_on_array(const sw::Network& net, const SystemOptions& options) {
  for (const sw::Layer& l : net.layers) {
    if (!l.mapped()) continue;
    check_array_gemm(options, l.gemm.m, l.gemm.k, l.gemm.n,
                     "layer " + l.name + " (" + std::to_string(l.gemm.m) + "x" + std::to_string(l.gemm.k) + "x" +
                         std::to_string(l.gemm.n) + ")");
  }
}

double network_operand_bytes(const sw::Network& net) {
  double bytes = 0;
  for (const sw::Layer& l : net.layers) {
    if (!l.mapped()) continue;
    const double m = l.gemm.m, k = l.gemm.k, n = l.gemm.n;
    bytes += static_cast<double>(l.count) * (m * k + k * n);
  }
  return bytes;
}

std::vector<ArrayLayerRun> run_network_on_array(const sw::Network& net, const ArrayNetworkOptions& options,
                                                ArraySession& rtl, ArraySession& model) {
  return run_network_on_array(net, options, EnginePair{rtl, model}, EnginePair{rtl, model});
}

std::vector<ArrayLayerRun> run_network_on_array(const sw::Network& net, const ArrayNetworkOptions& options,
                                                EnginePair dense, EnginePair nm) {
  options.policy.validate();
  LayerRunner runner(options, dense, nm);
  std::vector<ArrayLayerRun> runs;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (options.progress) options.progress(i, net.layers.size(), net.layers[i].name);
    runs.push_back(runner.run(net.layers[i], options.seed + i));
  }
  return runs;
}

}  // namespace wb::tb
