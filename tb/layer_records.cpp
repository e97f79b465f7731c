// SPDX-License-Identifier: Apache-2.0
#include "tb/layer_records.hpp"

#include <cmath>

#include "wb/hw_config.hpp"

namespace wb::tb {

namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return b ? (a + b - 1) / b : 0; }

// The fabric's PE activity, from its counters, as sw::record_of(FabricStats) counts it.
void fabric_activity(sw::LayerRecord& r, std::uint64_t macs, const sw::PeActivity& pe, std::uint64_t dense_macs,
                     std::uint64_t nnz, int mesh) {
  r.target = "fabric";
  r.rows = r.cols = mesh;
  r.macs = r.macs_issued = macs;
  r.macs_skipped = dense_macs > macs ? dense_macs - macs : 0;
  r.ideal_cycles = ceil_div(macs, r.pes());
  sw::fabric_pe_activity(r, macs, pe);
  r.metadata_bytes = 2 * nnz;
}

}  // namespace

sw::LayerRecord record_of(const FabricStreamLayer& l, int mesh, const std::string& engine) {
  sw::LayerRecord r = sw::gemm_record("run", "fabric", engine, l.name, "gemm", l.m, l.k, l.n);
  r.density = l.k && l.n ? static_cast<double>(l.nnz) / (static_cast<double>(l.k) * l.n) : 1.0;
  fabric_activity(r, l.macs, l.pe, static_cast<std::uint64_t>(l.m) * l.k * l.n, l.nnz, mesh);
  r.cycles = l.compute_cycles;
  r.load_cycles = l.load_cycles;
  r.dram_bytes = l.dram_bytes;
  r.flash_bytes = l.flash_bytes;
  r.tree_bytes = l.weight_bytes;  // the one-system tree's ingress link
  r.link_bytes = sw::wavelet_bytes(l.link_flits);
  r.wavelets = l.wavelets;
  r.link_flits = l.link_flits;
  r.golden = l.golden_pass ? "pass" : "fail";
  return r;
}

sw::LayerRecord record_of(const LayerTrainStats& s, const TrainOptions& o, std::size_t l, const std::string& engine) {
  const std::uint64_t rows = static_cast<std::uint64_t>(o.batch / o.systems);
  sw::LayerRecord r = sw::gemm_record("train", "array", engine, s.name, "train", static_cast<std::int64_t>(rows), s.in, s.out,
                                      (l == 0 ? 2 : 3) * o.steps);  // forward, dW, dX
  r.rows = o.system.array.rows;
  r.cols = o.system.array.cols;
  r.cycles = s.fwd_cycles + s.bwd_cycles + static_cast<std::uint64_t>(std::llround(s.exposed_cycles));
  r.macs = static_cast<std::uint64_t>(r.count) * rows * s.in * s.out;
  r.ideal_cycles = ceil_div(r.macs, r.pes());
  sw::put_array_activity(r, s.activity);  // the array's counters of every GEMM of the layer
  r.sram_size_bytes = o.weight_buffer_bytes + o.act_mem_bytes;
  // The system's own link carries every weight down and every gradient up; the store, which
  // serves all N systems at once, counts as a 1/N share.
  const std::uint64_t bytes = s.weight_bytes + s.grad_bytes;
  (s.tier == "flash" ? r.flash_bytes : r.dram_bytes) = ceil_div(bytes, static_cast<std::uint64_t>(o.systems));
  r.tree_bytes = bytes;
  r.golden = s.golden_pass ? "pass" : "fail";
  return r;
}

namespace {

sw::LayerRecord network_record(const sw::Layer& layer, const std::string& target, const std::string& engine) {
  sw::LayerRecord r = sw::gemm_record("run", target, engine, layer.name, layer.op, layer.gemm.m, layer.gemm.k, layer.gemm.n,
                                      layer.count);
  r.density = layer.weight_density;
  return r;
}

}  // namespace

sw::LayerRecord record_of(const sw::Layer& layer, const ArrayLayerRun& a, const SystemOptions& o, const std::string& engine) {
  sw::LayerRecord r = network_record(layer, "array", engine);
  r.rows = o.array.rows;
  r.cols = o.array.cols;
  r.cycles = a.cycles;
  r.ideal_cycles = a.ideal_cycles;
  r.macs = a.macs;
  sw::put_array_activity(r, a.activity);
  r.sram_size_bytes = o.memory_bytes;
  r.golden = a.golden_pass && a.rtl_agrees ? "pass" : "fail";
  return r;
}

sw::LayerRecord record_of(const sw::Layer& layer, const FabricLayerRun& f, int mesh, const std::string& engine) {
  sw::LayerRecord r = network_record(layer, "fabric", engine);
  const std::uint64_t nnz = static_cast<std::uint64_t>(std::llround(layer.weight_density * layer.gemm.k * layer.gemm.n)) * layer.count;
  fabric_activity(r, f.macs, f.pe, f.dense_macs, nnz, mesh);
  r.cycles = f.cycles;
  r.load_cycles = f.load_cycles;
  r.link_bytes = sw::wavelet_bytes(f.link_flits);
  r.wavelets = f.wavelets;
  r.link_flits = f.link_flits;
  r.golden = f.golden_pass && f.rtl_agrees ? "pass" : "fail";
  return r;
}

sw::LayerRecord record_of(const ref::NocResult& n, double rate, const std::string& traffic) {
  sw::LayerRecord r;
  r.command = "noc";
  r.target = "noc";
  r.engine = "rtl";
  char name[32];
  std::snprintf(name, sizeof name, "rate %.3f", rate);
  r.name = name;
  r.op = traffic;
  r.rows = r.cols = n.k;
  r.cycles = n.sim_cycles;
  r.wavelets = n.latency.count;
  r.link_flits = static_cast<std::uint64_t>(std::llround(n.mean_hops * static_cast<double>(n.latency.count)));
  r.link_bytes = sw::wavelet_bytes(r.link_flits);
  r.golden = n.clean() ? "pass" : "fail";
  return r;
}

}  // namespace wb::tb
