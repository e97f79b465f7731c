// SPDX-License-Identifier: Apache-2.0
#include "tb/fabric_network_run.hpp"

#include <algorithm>

#include "sw/cpu_time.hpp"
#include "sw/error.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/network_operands.hpp"

namespace wb::tb {
namespace {

constexpr int kTileRows = 16;

sw::MatrixI8 columns(const sw::MatrixI8& b, int n0, int width) {
  return sw::extract_region(b, sw::Region{0, b.rows(), n0, width});
}

sw::MatrixI8 rows(const sw::MatrixI8& a, int r0, int count) { return sw::extract_region(a, sw::Region{r0, count, 0, a.cols()}); }

// The widest column block of B that one program holds: halved until the mapper takes it.
int fitting_columns(const FabricJob& job, const sw::MatrixI8& b) {
  const sw::FabricLimits limits;  // the built hardware's
  int width = b.cols();
  while (true) {
    try {
      sw::map_sparse_gemm(sw::MatrixI8(1, b.rows()), columns(b, 0, width), job.mesh, job.layout, limits);
      return width;
    } catch (const sw::InputError&) {
      if (width == 1) throw;  // not even one column fits: the mapper's reason
      width = (width + 1) / 2;
    }
  }
}

class FabricLayerRunner {
 public:
  explicit FabricLayerRunner(const FabricNetworkOptions& o) : m_options(o) {
    m_model = o.job;
    m_model.engine = ref::Engine::kModel;
    m_model.trace.clear();
    m_rtl = o.job;
    m_rtl.engine = ref::Engine::kRtl;
    const double routers = static_cast<double>(o.job.mesh) * o.job.mesh;
    m_rtl_rate = o.rtl_router_cycles_per_second / routers;
  }

  FabricLayerRun run(const sw::Layer& layer, std::uint64_t seed) {
    FabricLayerRun r;
    if (!layer.mapped()) {
      r.mode = "not mapped";
      return r;
    }
    const std::uint64_t pes = static_cast<std::uint64_t>(m_options.job.mesh) * m_options.job.mesh;
    r.dense_macs = layer.macs();
    r.ideal_cycles = (r.dense_macs + pes - 1) / pes;
    // Every GEMM of a layer has one shape and density: the block width of the first holds.
    const sw::GemmOperands first = sw::layer_operands(layer, 0, seed);
    const int width = fitting_columns(m_model, first.b);
    r.column_blocks = (layer.gemm.n + width - 1) / width;
    const int row_chunks = (layer.gemm.m + kTileRows - 1) / kTileRows;
    r.tiles = layer.count * r.column_blocks * row_chunks;
    for (int g = 0; g < layer.count; ++g) {
      const sw::GemmOperands ops = g == 0 ? first : sw::layer_operands(layer, g, seed);
      for (int blk = 0; blk < r.column_blocks; ++blk) {
        const int n0 = blk * width, w = std::min(width, layer.gemm.n - n0);
        sw::MatrixI32 c;
        const sw::FabricStats s = run_fabric_gemm(m_model, ops.a, columns(ops.b, n0, w), c);
        add(r, s);
      }
    }
    const sw::LayerRunPlan p = sw::plan_layer_run(m_options.policy, r.cycles + r.load_cycles, m_rtl_rate, r.tiles);
    r.mode = sw::run_mode_name(p.mode);
    r.estimated_rtl_seconds = p.estimated_rtl_seconds;
    std::vector<int> tiles = p.sampled_tiles;
    if (p.mode == sw::RunMode::kRtl) {
      // The whole layer on the RTL, program by program, against the model's figures.
      const double cpu0 = sw::process_cpu_seconds();
      std::uint64_t cycles = 0;
      for (int g = 0; g < layer.count; ++g) {
        const sw::GemmOperands ops = g == 0 ? first : sw::layer_operands(layer, g, seed);
        for (int blk = 0; blk < r.column_blocks; ++blk) {
          const int n0 = blk * width, w = std::min(width, layer.gemm.n - n0);
          sw::MatrixI32 c;
          const sw::FabricStats s = run_fabric_gemm(m_rtl, ops.a, columns(ops.b, n0, w), c);
          if (!s.golden_pass) fail(r, "RTL: a result differs from the CPU reference");
          cycles += s.cycles + s.load_cycles;
        }
      }
      if (cycles != r.cycles + r.load_cycles) {
        disagree(r, "RTL " + std::to_string(cycles) + " cycles, model " + std::to_string(r.cycles + r.load_cycles));
      }
      r.rtl_tiles = r.tiles;
      learn_rate(cycles, sw::process_cpu_seconds() - cpu0);
    } else if (p.mode == sw::RunMode::kSampled) {
      for (int t : tiles) {
        const int chunk = t % row_chunks, blk = (t / row_chunks) % r.column_blocks, g = t / (row_chunks * r.column_blocks);
        const sw::GemmOperands ops = g == 0 ? first : sw::layer_operands(layer, g, seed);
        const int n0 = blk * width, w = std::min(width, layer.gemm.n - n0);
        const int r0 = chunk * kTileRows, count = std::min(kTileRows, layer.gemm.m - r0);
        const sw::MatrixI8 a = rows(ops.a, r0, count), b = columns(ops.b, n0, w);
        sw::MatrixI32 c_model, c_rtl;
        const sw::FabricStats on_model = run_fabric_gemm(m_model, a, b, c_model);
        const double cpu0 = sw::process_cpu_seconds();
        const sw::FabricStats on_rtl = run_fabric_gemm(m_rtl, a, b, c_rtl);
        learn_rate(on_rtl.cycles + on_rtl.load_cycles, sw::process_cpu_seconds() - cpu0);
        if (!on_model.golden_pass || !on_rtl.golden_pass) fail(r, "tile " + std::to_string(t) + ": a result differs from the CPU reference");
        if (on_rtl.cycles != on_model.cycles || on_rtl.load_cycles != on_model.load_cycles) {
          disagree(r, "tile " + std::to_string(t) + ": RTL " + std::to_string(on_rtl.cycles) + " cycles, model " +
                          std::to_string(on_model.cycles));
        }
        ++r.rtl_tiles;
      }
    }
    return r;
  }

 private:
  static void add(FabricLayerRun& r, const sw::FabricStats& s) {
    r.cycles += s.cycles;
    r.load_cycles += s.load_cycles;
    r.macs += s.macs;
    r.pe += s.pe;
    r.wavelets += s.wavelets;
    r.link_flits += s.link_flits;
    if (!s.golden_pass) fail(r, "model: a result differs from the CPU reference");
  }
  static void fail(FabricLayerRun& r, const std::string& what) {
    if (r.golden_pass && r.mismatch.empty()) r.mismatch = what;
    r.golden_pass = false;
  }
  static void disagree(FabricLayerRun& r, const std::string& what) {
    if (r.rtl_agrees && r.mismatch.empty()) r.mismatch = what;
    r.rtl_agrees = false;
  }
  void learn_rate(std::uint64_t cycles, double cpu_seconds) {
    if (cycles >= 20000 && cpu_seconds > 0.05) m_rtl_rate = static_cast<double>(cycles) / cpu_seconds;
  }

  const FabricNetworkOptions& m_options;
  FabricJob m_model, m_rtl;
  double m_rtl_rate = 1.0;
};

}  // namespace

std::vector<FabricLayerRun> run_network_on_fabric(const sw::Network& net, const FabricNetworkOptions& options) {
  options.policy.validate();
  FabricLayerRunner runner(options);
  std::vector<FabricLayerRun> runs;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (options.progress) options.progress(i, net.layers.size(), net.layers[i].name);
    runs.push_back(runner.run(net.layers[i], options.seed + i));
  }
  return runs;
}

}  // namespace wb::tb
