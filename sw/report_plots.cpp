// SPDX-License-Identifier: Apache-2.0
#include "sw/report_plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace wb::sw {

BarPlot utilization_plot(const std::vector<LayerRecord>& layers) {
  BarPlot p;
  p.title = "Utilisation per layer";
  p.y_label = "utilisation (%, ideal / measured cycles)";
  std::map<std::string, BarSeries> by_target;
  std::vector<std::string> targets;
  for (const LayerRecord& r : layers) {
    if (std::find(p.categories.begin(), p.categories.end(), r.name) == p.categories.end()) p.categories.push_back(r.name);
    if (!by_target.count(r.target)) targets.push_back(r.target);
    by_target[r.target].name = r.target;
  }
  for (const std::string& t : targets) by_target[t].values.assign(p.categories.size(), 0.0);
  for (const LayerRecord& r : layers) {
    const auto i = std::find(p.categories.begin(), p.categories.end(), r.name) - p.categories.begin();
    by_target[r.target].values[static_cast<std::size_t>(i)] = 100.0 * r.utilization();
  }
  for (const std::string& t : targets) p.series.push_back(by_target[t]);
  return p;
}

BarPlot energy_plot(const std::vector<LayerRecord>& layers) {
  BarPlot p;
  p.title = "Energy per layer, by component";
  p.y_label = "energy (nJ)";
  p.stacked = true;
  const std::vector<std::pair<const char*, double LayerRecord::*>> parts{
      {"MAC", &LayerRecord::energy_mac_pj},          {"int32 add", &LayerRecord::energy_add_pj},
      {"registers", &LayerRecord::energy_register_pj}, {"on-chip SRAM", &LayerRecord::energy_sram_pj},
      {"PE SRAM", &LayerRecord::energy_pe_sram_pj},   {"fabric links", &LayerRecord::energy_link_pj},
      {"DRAM", &LayerRecord::energy_dram_pj},         {"flash", &LayerRecord::energy_flash_pj},
      {"tree links", &LayerRecord::energy_tree_pj}};
  for (const LayerRecord& r : layers) p.categories.push_back(layers.size() > 1 && r.target != layers.front().target ? r.name + " (" + r.target + ")" : r.name);
  for (const auto& [name, field] : parts) {
    BarSeries s{name, {}};
    bool any = false;
    for (const LayerRecord& r : layers) {
      s.values.push_back(r.*field / 1e3);
      any |= r.*field > 0;
    }
    if (any) p.series.push_back(s);
  }
  return p;
}

double roofline_bytes(const LayerRecord& r) {
  if (r.tree_bytes > 0) return static_cast<double>(r.tree_bytes);
  if (r.target == "fabric") return 4.0 * static_cast<double>(r.wavelets);
  return static_cast<double>(r.sram_read_bytes() + r.sram_write_bytes);
}

XYPlot roofline_plot(const std::vector<LayerRecord>& layers, double peak, double bandwidth, const std::string& bandwidth_name) {
  XYPlot p;
  p.title = "Roofline: one point per layer";
  p.x_label = "operational intensity (MACs per byte over the " + bandwidth_name + ")";
  p.y_label = "throughput (MACs per cycle)";
  p.log_x = p.log_y = true;
  double lo = 1e300, hi = 0;
  std::vector<Series> points;
  for (const LayerRecord& r : layers) {
    const double bytes = roofline_bytes(r);
    if (bytes <= 0 || r.cycles == 0 || r.macs == 0) continue;
    const double intensity = static_cast<double>(r.macs) / bytes;
    lo = std::min(lo, intensity);
    hi = std::max(hi, intensity);
    Series s;
    s.name = r.name;
    s.line = false;
    s.x = {intensity};
    s.y = {static_cast<double>(r.macs) / static_cast<double>(r.cycles)};
    points.push_back(s);
  }
  if (points.empty() || peak <= 0 || bandwidth <= 0) return p;
  // The roof over a span of intensities that holds the points and the ridge.
  const double ridge = peak / bandwidth;
  lo = std::min(lo, ridge) / 4;
  hi = std::max(hi, ridge) * 4;
  Series roof;
  roof.name = "min(peak, BW x I)";
  char title[128];
  std::snprintf(title, sizeof title, "Roofline: peak %.6g MACs/cycle, BW %.6g B/cycle", peak, bandwidth);
  p.title = title;
  roof.markers = false;
  for (const double i : {lo, ridge, hi}) {
    roof.x.push_back(i);
    roof.y.push_back(std::min(peak, bandwidth * i));
  }
  p.series.push_back(roof);
  for (Series& s : points) p.series.push_back(std::move(s));
  return p;
}

XYPlot speedup_plot(const std::vector<LayerRecord>& runs) {
  XYPlot p;
  p.title = "Speedup versus weight density";
  p.x_label = "weight density (nonzero weights / all)";
  p.y_label = "speedup over the densest run (x)";
  p.log_x = p.log_y = true;
  std::map<std::string, Series> by_target;
  std::vector<std::string> order;
  std::map<std::string, double> base;
  Series ideal;
  ideal.name = "ideal 1/d";
  ideal.dashed = true;
  ideal.markers = false;
  for (const LayerRecord& r : runs) {
    if (!by_target.count(r.target)) {
      order.push_back(r.target);
      by_target[r.target].name = r.target + " (measured)";
      base[r.target] = static_cast<double>(r.cycles);
    }
    Series& s = by_target[r.target];
    s.x.push_back(r.density);
    s.y.push_back(r.cycles ? base[r.target] / static_cast<double>(r.cycles) : 0.0);
  }
  if (!runs.empty()) {
    for (const LayerRecord& r : runs) {
      if (r.target != runs.front().target) continue;
      ideal.x.push_back(r.density);
      ideal.y.push_back(runs.front().density / r.density);
    }
  }
  for (const std::string& t : order) p.series.push_back(by_target[t]);
  p.series.push_back(ideal);
  return p;
}

XYPlot noc_latency_plot(const std::vector<double>& offered, const std::vector<double>& mean, const std::vector<double>& p99) {
  XYPlot p;
  p.title = "NoC latency versus offered load";
  p.x_label = "offered load (flits per node per cycle)";
  p.y_label = "latency (cycles)";
  p.log_y = true;
  p.series.push_back({"mean", offered, mean});
  p.series.push_back({"p99", offered, p99});
  return p;
}

XYPlot bandwidth_sweep_plot(const std::vector<double>& bandwidth, const std::vector<double>& achieved,
                            const std::vector<double>& roofline, double peak) {
  XYPlot p;
  p.title = "Bandwidth sweep versus the roofline";
  p.x_label = "ingress bandwidth (bytes per cycle)";
  p.y_label = "throughput (MACs per cycle per system)";
  p.log_x = p.log_y = true;
  p.series.push_back({"measured", bandwidth, achieved});
  Series roof{"roofline min(peak, BW x I)", bandwidth, roofline};
  roof.dashed = true;
  p.series.push_back(roof);
  Series top{"peak", {bandwidth.empty() ? 1.0 : bandwidth.front(), bandwidth.empty() ? 1.0 : bandwidth.back()}, {peak, peak}};
  top.markers = false;
  p.series.push_back(top);
  return p;
}

XYPlot scaling_plot(const std::vector<double>& systems, const std::vector<double>& efficiency) {
  XYPlot p;
  p.title = "Data-parallel scaling efficiency";
  p.x_label = "systems";
  p.y_label = "scaling efficiency (%, speedup / systems)";
  p.log_x = true;
  p.series.push_back({"measured", systems, efficiency});
  return p;
}

}  // namespace wb::sw
