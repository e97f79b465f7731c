// SPDX-License-Identifier: Apache-2.0
#pragma once
// `waferbench run --network NAME | --topology FILE.csv | --onnx FILE.onnx`: a real network,
// layer by layer, on the systolic array, the compute fabric or both side by side, every layer
// golden-checked and run by the policy of sw/run_policy.hpp.
#include <boost/program_options.hpp>

#include <string>
#include <vector>

#include "sw/network.hpp"
#include "sw/prune.hpp"
#include "tb/cli/fabric_options.hpp"
#include "tb/cli/options.hpp"

namespace wb::cli {

struct NetworkArgs {
  std::string network;   // built-in name or mlp:...
  std::string topology;  // SCALE-Sim CSV
  std::string onnx;
  int seq = 128;
  int layers = 1;
  int batch = 64;  // mlp:...: rows of each layer's A (run's --batch)
  std::vector<std::string> input_shapes;  // NAME=1x3x224x224
  double rtl_budget = 60.0;
  int sample_tiles = 4;

  bool any() const { return !network.empty() || !topology.empty() || !onnx.empty(); }
  void describe(boost::program_options::options_description& desc);
  // One source, and options that apply to it (InputError otherwise).
  void validate(const boost::program_options::variables_map& given) const;
  sw::Network load() const;
};

// Runs the network on `target` ("array" or "systolic", "fabric", "both"); prints the per-layer
// table, writes --json. Returns the exit code: 0 when every layer passed, 1 otherwise.
// `sparsity` prunes or masks every weight layer first (sw::sparsify_network); with `nm` (from
// to_array_nm_mode) the weight layers run on the N:M sparse array in that mode, the others on
// the dense array.
int run_network_command(const NetworkArgs& net, const SystemArgs& sys, const FabricArgs& fabric,
                        const sw::WeightSparsity& sparsity, sw::NmMode nm, const ReportArgs& report,
                        const std::string& target);

}  // namespace wb::cli
