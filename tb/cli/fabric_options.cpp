// SPDX-License-Identifier: Apache-2.0
#include "tb/cli/fabric_options.hpp"

#include "tb/cli/options.hpp"

namespace po = boost::program_options;

namespace wb::cli {

void add_fabric_options(po::options_description& desc, FabricArgs& args) {
  desc.add_options()
      ("mesh", po::value(&args.mesh)->default_value(args.mesh), "fabric: KxK compute fabric (a built size for --engine rtl, up to 16x16 for --engine model)")
      ("density", po::value(&args.density)->default_value(args.density),
       "fabric: density of the random weights B, in (0, 1] (unstructured sparsity)")
      ("layout", po::value(&args.layout)->default_value(args.layout),
       "fabric: weights-resident (B in PE SRAM, activations streamed) or weight-streaming (A resident, B streamed)");
}

tb::FabricJob to_fabric_job(const FabricArgs& args, double backpressure, std::uint64_t seed, const std::string& trace,
                            const std::string& engine) {
  tb::FabricJob job;
  job.mesh = parse_mesh(args.mesh);
  job.layout = sw::parse_fabric_layout(args.layout);
  job.density = args.density;
  job.backpressure = backpressure;
  job.seed = seed;
  job.trace = trace;
  job.engine = ref::parse_engine(engine);
  job.validate();
  return job;
}

}  // namespace wb::cli
