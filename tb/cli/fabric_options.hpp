// SPDX-License-Identifier: Apache-2.0
#pragma once
// The compute-fabric options of `gemm`, `run` and `sparsity`, and the fabric job they describe
// (tb/fabric_gemm.hpp runs it).
#include <boost/program_options.hpp>

#include <cstdint>
#include <string>

#include "tb/fabric_gemm.hpp"

namespace wb::cli {

struct FabricArgs {
  std::string mesh = "8x8";
  double density = 1.0;
  std::string layout = "weights-resident";
};

void add_fabric_options(boost::program_options::options_description& desc, FabricArgs& args);

// Parses the mesh ("KxK"), layout and engine ("rtl" or "model") and validates the job
// (tb::FabricJob::validate: one-line sw::InputError).
tb::FabricJob to_fabric_job(const FabricArgs& args, double backpressure, std::uint64_t seed, const std::string& trace,
                            const std::string& engine = "rtl");

}  // namespace wb::cli
