// SPDX-License-Identifier: Apache-2.0
#include "tb/fabric_gemm.hpp"

#include <algorithm>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/host_memory.hpp"
#include "tb/fabric_factory.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

void FabricJob::validate() const {
  if (!(density > 0.0 && density <= 1.0)) throw sw::InputError("--density must be in (0, 1]");
  if (!(backpressure >= 0.0 && backpressure <= 0.95)) throw sw::InputError("--backpressure must be in [0, 0.95]");
  if (engine == ref::Engine::kModel && !trace.empty()) {
    throw sw::InputError("--trace needs --engine rtl (the model has no waveform)");
  }
  // Fail early, before any work, when the size is not built (RTL) or too big (model).
  if (engine == ref::Engine::kModel ? mesh > 16 : !is_built_wafer_mesh(mesh)) {
    ref::WaferDutOptions options;
    options.engine = engine;
    make_wafer_dut(mesh, options);  // throws the reason (or hands the command over, rtl_elsewhere.hpp)
  }
}

sw::FabricRunCounts run_counts(const ref::WaferRunResult& r, std::uint64_t expected_macs) {
  return sw::FabricRunCounts{r.macs, expected_macs, r.extra_outputs, r.route_error, r.pe_error};
}

sw::FabricStats run_fabric_gemm(const FabricJob& job, const sw::MatrixI8& a, const sw::MatrixI8& b, sw::MatrixI32& c) {
  sw::check_gemm_operands(a, b);
  const sw::FabricLimits limits;  // the built hardware's
  const int per_pass = sw::max_rows_per_program(a.cols(), b.cols(), job.mesh, job.layout, limits);
  if (per_pass < 1) {
    sw::map_sparse_gemm(sw::MatrixI8(1, a.cols()), b, job.mesh, job.layout, limits);  // throws the reason
  }
  sw::FabricStats s;
  s.mesh = job.mesh;
  s.layout = sw::fabric_layout_name(job.layout);
  s.m = a.rows();
  s.k = a.cols();
  s.n = b.cols();
  s.density = job.density;
  s.nnz = sw::count_nonzeros(b);
  s.act_nnz = sw::count_nonzeros(a);
  c = sw::MatrixI32(a.rows(), b.cols());
  bool exact = true;
  for (int row0 = 0; row0 < a.rows(); row0 += per_pass) {
    const int rows = std::min(per_pass, a.rows() - row0);
    sw::MatrixI8 part(rows, a.cols());
    std::copy(a.row(row0), a.row(row0) + part.size(), part.data());
    const sw::FabricProgram program = sw::map_sparse_gemm(part, b, job.mesh, job.layout, limits);
    auto dut = make_wafer_dut(job.mesh, ref::WaferDutOptions{job.engine, row0 == 0 ? job.trace : std::string(), 1, job.trace_settings});
    ref::WaferRunOptions options;
    options.backpressure = job.backpressure;
    options.seed = job.seed + static_cast<std::uint64_t>(row0);
    const ref::WaferRunResult r = dut->run(program, options);
    exact &= sw::fabric_golden_pass(part, b, r.result, run_counts(r, program.expected_macs));
    std::copy(r.result.data(), r.result.data() + r.result.size(), c.row(row0));
    s.cycles += r.cycles;
    s.load_cycles += r.load_cycles;
    s.macs += r.macs;
    s.pe += r.pe;
    s.wavelets += r.wavelets_in;
    s.wavelets_out += r.wavelets_out;
    s.link_flits += r.link_flits;
    s.sim_seconds += r.sim_seconds;
    s.sim_cycles += r.sim_cycles;
    ++s.passes;
  }
  s.link_utilization = ref::link_utilization(s.link_flits, job.mesh, s.cycles);
  s.golden_pass = exact;
  return s;
}

void check_fabric_gemm(const FabricJob& job, int m, int k, int n, const std::string& what) {
  sw::check_host_memory(sw::fabric_gemm_host_bytes(m, k, n), what);
  try {
    sw::check_fabric_shape(k, n, job.mesh, job.layout, sw::FabricLimits{});  // the built hardware's
  } catch (const sw::InputError& e) {
    throw sw::InputError(what + ": " + e.what());
  }
}

void check_mlp_on_fabric(const FabricJob& job, const sw::MlpSpec& spec, int batch) {
  for (int l = 0; l < spec.layers(); ++l) {
    check_fabric_gemm(job, batch, spec.widths[l], spec.widths[l + 1], sw::mlp_layer_name(spec, batch, l));
  }
}

std::vector<sw::FabricStats> run_mlp_on_fabric(const FabricJob& job, const sw::MlpSpec& spec, int batch, std::uint64_t seed,
                                               const sw::WeightSparsity& sparsity) {
  check_mlp_on_fabric(job, spec, batch);
  std::vector<sw::FabricStats> layers;
  const std::vector<sw::MatrixI8> weights = sw::mlp_weights(spec, seed, job.density, sparsity);
  sw::MatrixI8 x = sw::mlp_input(spec, batch, seed);
  for (int l = 0; l < spec.layers(); ++l) {
    const sw::MatrixI8& w = weights[static_cast<std::size_t>(l)];
    FabricJob layer_job = job;
    if (l > 0) layer_job.trace.clear();
    sw::MatrixI32 c;
    sw::FabricStats s = run_fabric_gemm(layer_job, x, w, c);
    s.name = "fc" + std::to_string(l + 1);
    layers.push_back(s);
    int shift = 0;
    x = sw::relu_requantize(c, shift);
  }
  return layers;
}

}  // namespace wb::tb
