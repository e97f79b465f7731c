// SPDX-License-Identifier: Apache-2.0
#pragma once
// A command's report: the page (sw/html_report.hpp) built from its per-layer records, and the
// files of its --report directory.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sw/energy.hpp"
#include "sw/html_report.hpp"
#include "sw/svg_plot.hpp"
#include "sw/layer_record.hpp"

namespace wb::sw {

struct RunInfo {
  std::string title;                 // what ran, e.g. "waferbench run: mlp:256x256x128x10 on a 16x16 array"
  std::vector<std::string> summary;  // the run's conclusions in sentences
  std::string command_line;          // exactly as given
  KeyValues hardware;
  double peak_macs_per_cycle = 0;    // the roofline (none when 0)
  double bandwidth_bytes_per_cycle = 0;
  std::string bandwidth_name = "on-chip memory";
  std::string roofline_target;       // the target the roof describes, when the records have several
};

// The command line as a shell would take it back: each argument quoted where it needs to be.
std::string command_line_text(int argc, char** argv);

// The page: run (command line, tool version, git revision, time), hardware, the per-layer
// results and bytes per memory level with a total row, the energy split by component and the
// table it used, then the plots: utilisation and energy per layer, the roofline, and `plots`.
HtmlPage layer_page(const RunInfo& info, const std::vector<LayerRecord>& layers, const EnergyTable& energy,
                    const std::vector<HtmlPlot>& plots = {}, const std::vector<HtmlTable>& tables = {});

// The plot as an HtmlPlot named `file`.
HtmlPlot page_plot(const std::string& file, const XYPlot& plot, const std::string& caption);
HtmlPlot page_plot(const std::string& file, const BarPlot& plot, const std::string& caption);

// index.html and the files it links: records.json (schema, records, and the command's own JSON
// under "run"), records.csv, energy_table.json, every plot's SVG, and SCALE-Sim's
// COMPUTE_REPORT.csv and BANDWIDTH_REPORT.csv when array layers are among the records.
std::vector<std::pair<std::string, std::string>> report_files(HtmlPage page, const std::vector<LayerRecord>& layers,
                                                              const EnergyTable& energy, const nlohmann::json& run);

}  // namespace wb::sw
