// SPDX-License-Identifier: Apache-2.0
#pragma once
// The per-layer records (sw/layer_record.hpp) of the testbench's own run results: streamed
// fabric layers, training layers, network layers on either target, NoC load points.
#include <string>

#include "models/ref/noc_dut.hpp"
#include "sw/layer_record.hpp"
#include "sw/network.hpp"
#include "tb/fabric_network_run.hpp"
#include "tb/fabric_stream.hpp"
#include "tb/network_run.hpp"
#include "tb/training_system.hpp"

namespace wb::tb {

sw::LayerRecord record_of(const FabricStreamLayer& l, int mesh, const std::string& engine);

// Layer `l` of a training run, on system 0 over every step: the forward GEMM and, backward, dW
// and (for every layer but the first) dX, each of batch/N rows; useful MACs from those shapes;
// MACs issued, adds, registers and on-chip memory from the array's counters of those GEMMs; the
// bytes of its tree link and its 1/N share of the store's.
sw::LayerRecord record_of(const LayerTrainStats& s, const TrainOptions& o, std::size_t l, const std::string& engine);

// A mapped layer of a network run.
sw::LayerRecord record_of(const sw::Layer& layer, const ArrayLayerRun& r, const SystemOptions& o, const std::string& engine);
sw::LayerRecord record_of(const sw::Layer& layer, const FabricLayerRun& r, int mesh, const std::string& engine);

// One offered-load point of the NoC benchmark: the measured flits' hops, 45-bit wavelets each.
sw::LayerRecord record_of(const ref::NocResult& r, double rate, const std::string& traffic);

}  // namespace wb::tb
