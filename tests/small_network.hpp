// SPDX-License-Identifier: Apache-2.0
#pragma once
// The network of the runners' tests: a convolution (9 x 18 x 5 per the lowering), a GEMM of
// fc_rows x 8 x 6, and a pooling layer that neither target runs.
#include "sw/network.hpp"
#include "sw/topology_csv.hpp"

namespace wb::test {

inline sw::Network small_network(int fc_rows) {
  sw::Network net = sw::parse_scalesim_topology(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
      "conv, 5, 5, 3, 3, 2, 5, 1,\n",
      "small.csv");
  net.layers.push_back(sw::gemm_layer("fc", "Gemm", {fc_rows, 8, 6}, "test"));
  net.layers.push_back(sw::not_mapped_layer("pool", "MaxPool", "test"));
  return net;
}

}  // namespace wb::test
