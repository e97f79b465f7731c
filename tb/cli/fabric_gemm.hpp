#pragma once
// The compute-fabric target of `gemm` and `run`: its options, and one golden-checked sparse
// GEMM mapped onto the fabric (the RTL or the C++ reference model).
#include <boost/program_options.hpp>

#include <cstdint>
#include <string>

#include "sw/fabric_mapper.hpp"
#include "sw/report.hpp"
#include "sw/tensor.hpp"
#include "models/ref/engine.hpp"

namespace wb::cli {

struct FabricArgs {
  std::string mesh = "8x8";
  double density = 1.0;
  std::string layout = "weights-resident";
};

void add_fabric_options(boost::program_options::options_description& desc, FabricArgs& args);

struct FabricJob {
  int mesh = 0;
  sw::FabricLayout layout = sw::FabricLayout::kWeightsResident;
  double density = 1.0;
  double backpressure = 0.0;
  std::uint64_t seed = 1;
  std::string trace;
  ref::Engine engine = ref::Engine::kRtl;  // kModel: any mesh 1..16, no waveform
};

// Validates the values (one-line sw::InputError: mesh not built for the RTL, over 16x16 for the
// model, density out of (0, 1], a trace with the model, ...). `engine`: "rtl" or "model".
FabricJob to_fabric_job(const FabricArgs& args, double backpressure, std::uint64_t seed, const std::string& trace,
                        const std::string& engine = "rtl");

// Fails (InputError) before anything is allocated when C = A (M x K) * B (K x N), named `what`,
// cannot run on the job's fabric at any density (its shape does not fit a PE's SRAM or
// accumulators) or needs more host memory than sw::kHostMemoryLimitBytes.
void check_fabric_gemm(const FabricJob& job, int m, int k, int n, const std::string& what);

// Maps C = A * B, runs it on the job's engine, checks C against the CPU reference; C through `c`.
sw::FabricStats run_fabric_gemm(const FabricJob& job, const sw::MatrixI8& a, const sw::MatrixI8& b, sw::MatrixI32& c);

}  // namespace wb::cli
