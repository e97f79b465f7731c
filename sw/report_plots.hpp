// SPDX-License-Identifier: Apache-2.0
#pragma once
// The plots of the reports, from per-layer records or a command's measured points: each is an
// sw/svg_plot.hpp description with its title, axes, units and legend.
#include <string>
#include <vector>

#include "sw/layer_record.hpp"
#include "sw/svg_plot.hpp"

namespace wb::sw {

// Utilisation (ideal / measured cycles) per layer, one bar per layer.
BarPlot utilization_plot(const std::vector<LayerRecord>& layers);
// Energy per layer in nJ, stacked by component.
BarPlot energy_plot(const std::vector<LayerRecord>& layers);

// The bytes a layer's roofline point counts, over the link that bounds it: the tree link when
// bytes crossed it (training), the fabric's edge wavelets (4 data bytes each), else the array's
// on-chip memory reads and writes.
double roofline_bytes(const LayerRecord& r);
// One point per layer at (MACs per byte, achieved MACs per cycle) under min(peak, bw x I).
XYPlot roofline_plot(const std::vector<LayerRecord>& layers, double peak, double bandwidth, const std::string& bandwidth_name);

// Speedup over each target's first (densest) run against weight density, per target, and the
// ideal 1/d relative to the first density.
XYPlot speedup_plot(const std::vector<LayerRecord>& runs);

// Mean and p99 latency against offered load.
XYPlot noc_latency_plot(const std::vector<double>& offered, const std::vector<double>& mean, const std::vector<double>& p99);

// Achieved MACs/cycle against ingress bandwidth, beside the roofline and the peak.
XYPlot bandwidth_sweep_plot(const std::vector<double>& bandwidth, const std::vector<double>& achieved,
                            const std::vector<double>& roofline, double peak);

// Data-parallel scaling efficiency (%) against the number of systems.
XYPlot scaling_plot(const std::vector<double>& systems, const std::vector<double>& efficiency);

}  // namespace wb::sw
