// SPDX-License-Identifier: Apache-2.0
#pragma once
// The jobs of `gemm` and `run` on one array system (tb/array_system.hpp): each is one SystemC
// elaboration (so one per process), checks every GEMM against sw::gemm_ref and reports
// sw::GemmStats.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sw/gemm_plan.hpp"
#include "sw/mlp.hpp"
#include "sw/prune.hpp"
#include "sw/report.hpp"
#include "sw/tensor.hpp"
#include "tb/array_system.hpp"

namespace wb::tb {

// The statistics of one GEMM run on the array (golden and simulation fields left to the caller).
sw::GemmStats gemm_stats(const sw::GemmPlan& plan, const GemmRun& run);

// Fails (InputError) before anything is allocated or computed when a GEMM M x K x N named
// `what` cannot run on the array system: its operands do not fit the array's memory, or it
// needs more host memory than sw::kHostMemoryLimitBytes.
void check_array_gemm(const SystemOptions& options, double m, double k, double n, const std::string& what);

struct ArrayGemmResult {
  sw::GemmStats stats;    // golden_pass, sim_seconds and sim_cycles filled in
  sw::MatrixI32 c;
  sw::Mismatch mismatch;  // against sw::gemm_ref (count 0 when it passes)
};

// C = A * B. Throws sw::InputError on a K mismatch (before elaborating) or operands that do
// not fit the memory.
ArrayGemmResult run_array_gemm(const SystemOptions& options, const sw::MatrixI8& a, const sw::MatrixI8& b,
                               sw::Dataflow dataflow);

// N:M structured sparsity on the array. The N:M sparse array (rtl/sa_nm_systolic_array.sv,
// weight-stationary) keeps n of every hw::kNmGroup (M = 4) weights along K: a fold then covers
// R*M/n of K, so 2:4 weights take about half the dense cycles and 1:4 a quarter. Zeros that do
// not form such groups (unstructured pruning) gain it nothing.
//
// The array's mode for weights pruned n:m (along K, in aligned groups of m): every aligned
// group of M holds at most n * M / m (m dividing M) or min(n, M) (M dividing m) of them, rounded
// up to a divisor of M. `mode` is that n':M, or dense (NmMode{}) when n' = M, m fits neither
// way, or the dataflow is OS; `note` says which, for the report ("2:4", or why it ran dense).
struct ArrayNmChoice {
  sw::NmMode mode;
  std::string note;
};
ArrayNmChoice array_nm_mode(int n, int m, sw::Dataflow dataflow);
// The mode for weights pruned by `prune`: the above for nm:n:m, dense with no note for every
// other pruning (random, magnitude and block zeros gain the array nothing) or none.
ArrayNmChoice array_nm_mode(const std::optional<sw::PruneSpec>& prune, sw::Dataflow dataflow);

// C = A * B on the N:M sparse array in `nm` (from array_nm_mode), the RTL or the model as
// options.dut.engine says (options.dut.nm_group is set here). B is dense K x N and must be
// nm.n:nm.m sparse (InputError naming the first group that is not); the stats' `nm` is "n:m".
ArrayGemmResult run_array_nm_gemm(const SystemOptions& options, const sw::MatrixI8& a, const sw::MatrixI8& b,
                                  sw::NmMode nm);

struct ArrayMlpResult {
  std::vector<sw::GemmStats> layers;  // named fc1, fc2, ...
  double sim_seconds = 0.0;
  std::uint64_t sim_cycles = 0;
  bool golden_pass = true;
};

// The MLP's forward pass layer by layer (inputs sw::mlp_input / sw::mlp_weight from `seed`),
// each layer's output checked and requantised on the host (sw::relu_requantize), as driver
// software would.
// `sparsity` prunes or masks the weights (sw::mlp_weights); weights pruned nm:n:m run on the
// N:M sparse array in array_nm_mode(sparsity.prune, dataflow) when that is sparse.
ArrayMlpResult run_mlp_on_array(const SystemOptions& options, sw::Dataflow dataflow, const sw::MlpSpec& spec, int batch,
                                std::uint64_t seed, const sw::WeightSparsity& sparsity = {});

}  // namespace wb::tb
