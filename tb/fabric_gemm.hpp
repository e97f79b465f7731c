// SPDX-License-Identifier: Apache-2.0
#pragma once
// One golden-checked sparse GEMM C = A * B mapped onto the compute fabric (the RTL or the C++
// reference model from make_wafer_dut): the `gemm --target fabric`, `run --target fabric` and
// `sparsity` job. A batch bigger than the PEs hold (weight streaming) runs as passes, one after
// the other, each streaming the weights again.
#include <cstdint>
#include <string>
#include <vector>

#include "models/ref/fabric_dut.hpp"
#include "sw/fabric_golden.hpp"
#include "sw/fabric_mapper.hpp"
#include "sw/mlp.hpp"
#include "sw/report.hpp"
#include "sw/tensor.hpp"

namespace wb::tb {

struct FabricJob {
  int mesh = 0;
  sw::FabricLayout layout = sw::FabricLayout::kWeightsResident;
  double density = 1.0;
  double backpressure = 0.0;
  std::uint64_t seed = 1;
  std::string trace;                       // waveform of the first pass (RTL only)
  sw::TraceSettings trace_settings;        // its window, depth, format and view
  ref::Engine engine = ref::Engine::kRtl;  // kModel: any mesh 1..16, no waveform

  // Throws sw::InputError (one line) on a density out of (0, 1], back-pressure out of
  // [0, 0.95], a trace with the model, or a mesh that is not built (RTL) or over 16x16 (model).
  void validate() const;
};

// The counts of a run for sw::fabric_golden_pass.
sw::FabricRunCounts run_counts(const ref::WaferRunResult& r, std::uint64_t expected_macs);

// Fails (InputError) before anything is allocated when C = A (M x K) * B (K x N), named `what`,
// cannot run on the job's fabric at any density (its shape does not fit a PE's SRAM or
// accumulators) or needs more host memory than sw::kHostMemoryLimitBytes.
void check_fabric_gemm(const FabricJob& job, int m, int k, int n, const std::string& what);

// check_fabric_gemm for every layer of the MLP at `batch` rows (named "layer fc2 (64x256x128)"),
// so that a layer that cannot run fails before the first one runs.
void check_mlp_on_fabric(const FabricJob& job, const sw::MlpSpec& spec, int batch);

// Maps C = A * B for a validated job, runs it pass by pass and checks every pass
// (sw::fabric_golden_pass); C through `c`. Throws sw::InputError when the layer does not fit
// the fabric. (`density` is reported only: weights from a file may have any.)
sw::FabricStats run_fabric_gemm(const FabricJob& job, const sw::MatrixI8& a, const sw::MatrixI8& b, sw::MatrixI32& c);

// The MLP's forward pass layer by layer on the fabric (inputs sw::mlp_input / sw::mlp_weight
// from `seed`, weights at the job's density), each layer's output requantised on the host
// (sw::relu_requantize) so that the ReLU's zeros are never sent. The trace, if any, is of the
// first layer. Layers named fc1, fc2, ... Every layer is checked (check_mlp_on_fabric) before
// the first one runs.
std::vector<sw::FabricStats> run_mlp_on_fabric(const FabricJob& job, const sw::MlpSpec& spec, int batch, std::uint64_t seed);

}  // namespace wb::tb
