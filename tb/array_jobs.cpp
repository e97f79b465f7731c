// SPDX-License-Identifier: Apache-2.0
#include "tb/array_jobs.hpp"

#include <cmath>
#include <functional>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/host_memory.hpp"
#include "wb/hw_config.hpp"

namespace wb::tb {

sw::GemmStats gemm_stats(const sw::GemmPlan& plan, const GemmRun& run) {
  sw::GemmStats s;
  s.rows = plan.array().rows;
  s.cols = plan.array().cols;
  s.dataflow = sw::dataflow_name(plan.dataflow());
  s.m = plan.shape().m;
  s.k = plan.shape().k;
  s.n = plan.shape().n;
  s.folds = plan.folds().size();
  s.cycles = run.cycles;
  s.ideal_cycles = plan.ideal_cycles();
  s.macs = plan.macs();
  s.a_beats = run.a_beats;
  s.b_beats = run.b_beats;
  s.c_beats = run.c_beats;
  s.mem_bytes_read = run.mem_bytes_read;
  s.nm_n = plan.nm().n;
  s.nm_m = plan.nm().m;
  s.mem_metadata_bytes_read = run.mem_b_metadata_bytes_read;
  s.pe_macs = plan.pe_macs();
  s.mem_a_bytes_read = run.mem_a_bytes_read;
  s.c_stalled_cycles = run.c_stalled_cycles;
  return s;
}

void check_array_gemm(const SystemOptions& options, double m, double k, double n, const std::string& what) {
  // as ArrayNode::gemm lays them out: A, then B at the next 64-byte boundary
  const double need = std::ceil(m * k / 64) * 64 + k * n;
  if (need > static_cast<double>(options.memory_bytes)) {
    throw sw::InputError(what + ": the operands need " + sw::format_bytes(need) + " of the array's memory, which holds " +
                         sw::format_bytes(static_cast<double>(options.memory_bytes)));
  }
  sw::check_host_memory(sw::gemm_host_bytes(m, k, n), what);
}

namespace {

// One GEMM (`plan`, run in the session by `gemm`) in a system of its own, checked against `expected`.
ArrayGemmResult run_checked(const SystemOptions& options, const sw::GemmPlan& plan, const sw::MatrixI32& expected,
                            const std::function<GemmRun(ArraySession&)>& gemm) {
  GemmRun run;
  std::uint64_t simulated = 0;
  const double seconds = run_array_system(options, [&](ArraySession& session) {
    run = gemm(session);
    simulated = session.simulated_cycles();
  });
  ArrayGemmResult r;
  r.mismatch = sw::first_mismatch(expected, run.c);
  r.stats = gemm_stats(plan, run);
  r.stats.memory_bytes = options.memory_bytes;
  r.stats.golden_pass = r.mismatch.count == 0;
  r.stats.sim_seconds = seconds;
  r.stats.sim_cycles = simulated;
  r.c = std::move(run.c);
  return r;
}

}  // namespace

ArrayGemmResult run_array_gemm(const SystemOptions& options, const sw::MatrixI8& a, const sw::MatrixI8& b,
                               sw::Dataflow dataflow) {
  const sw::MatrixI32 expected = sw::gemm_ref(a, b);  // also rejects a K mismatch
  const sw::GemmPlan plan({a.rows(), a.cols(), b.cols()}, options.array, dataflow);
  ArrayGemmResult r = run_checked(options, plan, expected, [&](ArraySession& session) { return session.gemm(a, b, dataflow); });
  r.stats.weight_nnz = sw::count_nonzeros(b);
  r.stats.act_nnz = sw::count_nonzeros(a);
  return r;
}

ArrayNmChoice array_nm_mode(int n, int m, sw::Dataflow dataflow) {
  ArrayNmChoice choice;
  choice.mode = sw::array_nm_mode(n, m, hw::kNmGroup, dataflow, &choice.note);
  return choice;
}

ArrayNmChoice array_nm_mode(const std::optional<sw::PruneSpec>& prune, sw::Dataflow dataflow) {
  if (!prune || prune->method != sw::PruneMethod::kNm) return {};
  return array_nm_mode(prune->n, prune->m, dataflow);
}

ArrayGemmResult run_array_nm_gemm(const SystemOptions& options, const sw::MatrixI8& a, const sw::MatrixI8& b,
                                  sw::NmMode nm) {
  const sw::MatrixI32 expected = sw::gemm_ref(a, b);  // also rejects a K mismatch
  const sw::NmOperand operand = sw::nm_operand(b, nm);
  const sw::GemmPlan plan({a.rows(), a.cols(), b.cols()}, options.array, sw::Dataflow::kWeightStationary, nm);
  SystemOptions sparse = options;
  sparse.dut.nm_group = nm.m;
  ArrayGemmResult r = run_checked(sparse, plan, expected, [&](ArraySession& session) { return session.gemm_nm(a, operand); });
  r.stats.weight_nnz = sw::count_nonzeros(b);
  r.stats.act_nnz = sw::count_nonzeros(a);
  return r;
}

ArrayMlpResult run_mlp_on_array(const SystemOptions& options, sw::Dataflow dataflow, const sw::MlpSpec& spec, int batch,
                                std::uint64_t seed, const sw::WeightSparsity& sparsity) {
  ArrayMlpResult r;
  const std::vector<sw::MatrixI8> weights = sw::mlp_weights(spec, seed, 1.0, sparsity);
  const sw::NmMode nm = array_nm_mode(sparsity.prune, dataflow).mode;
  SystemOptions system = options;
  if (nm.sparse()) system.dut.nm_group = nm.m;  // every layer has weights: all on the N:M sparse array
  r.sim_seconds = run_array_system(system, [&](ArraySession& session) {
    sw::MatrixI8 x = sw::mlp_input(spec, batch, seed);
    for (int l = 0; l < spec.layers(); ++l) {
      const sw::MatrixI8& w = weights[static_cast<std::size_t>(l)];
      const sw::GemmPlan plan({x.rows(), x.cols(), w.cols()}, options.array, dataflow, nm);
      const GemmRun run = nm.sparse() ? session.gemm_nm(x, sw::nm_operand(w, nm)) : session.gemm(x, w, dataflow);
      sw::GemmStats s = gemm_stats(plan, run);
      s.memory_bytes = options.memory_bytes;
      s.name = "fc" + std::to_string(l + 1);
      s.weight_nnz = sw::count_nonzeros(w);
      s.act_nnz = sw::count_nonzeros(x);  // the previous layer's ReLU zeros
      s.golden_pass = sw::first_mismatch(sw::gemm_ref(x, w), run.c).count == 0;
      r.golden_pass &= s.golden_pass;
      r.layers.push_back(s);
      int shift = 0;
      x = sw::relu_requantize(run.c, shift);
    }
    r.sim_cycles = session.simulated_cycles();
  });
  return r;
}

}  // namespace wb::tb
