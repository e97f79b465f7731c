// SPDX-License-Identifier: Apache-2.0
#include "sw/report_page.hpp"

#include <algorithm>
#include <ctime>

#include "sw/build_info.hpp"
#include "sw/host_memory.hpp"
#include "sw/record_csv.hpp"
#include "sw/report.hpp"
#include "sw/report_plots.hpp"
#include "sw/scalesim_report.hpp"

namespace wb::sw {

namespace {

std::string shell_word(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/+@%") ==
                          std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (const char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string opt(const std::optional<std::uint64_t>& v) { return v ? std::to_string(*v) : "-"; }
std::string mb(std::uint64_t bytes) { return fixed(static_cast<double>(bytes) / 1e6, 3); }

std::vector<std::string> result_row(const LayerRecord& r) {
  const std::string shape = r.m ? std::to_string(r.m) + "x" + std::to_string(r.k) + "x" + std::to_string(r.n) : "";
  return {r.name, r.target, shape, fixed(r.density, 3), std::to_string(r.cycles), std::to_string(r.ideal_cycles),
          fixed(100.0 * r.utilization(), 1), opt(r.stall_cycles), opt(r.fill_drain_cycles), opt(r.load_cycles),
          std::to_string(r.macs), std::to_string(r.macs_skipped), fixed(r.energy_pj() / 1e3, 2),
          fixed(r.energy_per_mac_pj(), 3), r.golden};
}

std::vector<std::string> bytes_row(const LayerRecord& r) {
  return {r.name, r.target, mb(r.sram_read_bytes()), mb(r.sram_write_bytes), mb(r.pe_sram_read_bytes),
          mb(r.pe_sram_write_bytes), mb(r.register_bytes),
          mb(r.dram_bytes), mb(r.flash_bytes), mb(r.tree_bytes), mb(r.link_bytes), mb(r.metadata_bytes),
          std::to_string(r.wavelets), std::to_string(r.link_flits)};
}

// Totals per target, so that a page of both targets compares them.
std::vector<LayerRecord> totals_by_target(const std::vector<LayerRecord>& layers) {
  std::vector<std::string> targets;
  for (const LayerRecord& r : layers) {
    if (std::find(targets.begin(), targets.end(), r.target) == targets.end()) targets.push_back(r.target);
  }
  std::vector<LayerRecord> out;
  for (const std::string& t : targets) {
    std::vector<LayerRecord> of;
    for (const LayerRecord& r : layers) {
      if (r.target == t) of.push_back(r);
    }
    out.push_back(total_of(of, targets.size() > 1 ? "total " + t : "total"));
  }
  return out;
}

// "array: 3 layers, 25276 cycles at 98.5 % utilisation, 6373376 MACs, golden pass; energy 17540.79 nJ, 2.752 pJ per MAC."
std::string summary_of(const LayerRecord& total, const std::vector<LayerRecord>& layers) {
  const auto n = std::count_if(layers.begin(), layers.end(), [&](const LayerRecord& r) { return r.target == total.target; });
  const std::string unit = total.command == "sparsity" ? " density point" : total.command == "noc" ? " load point" : " layer";
  return total.target + ": " + std::to_string(n) + unit + (n == 1 ? "" : "s") + ", " + std::to_string(total.cycles) +
         " cycles at " + fixed(100.0 * total.utilization(), 1) + " % utilisation, " + std::to_string(total.macs) +
         " MACs, golden " + total.golden + "; energy " + fixed(total.energy_pj() / 1e3, 2) + " nJ, " +
         fixed(total.energy_per_mac_pj(), 3) + " pJ per MAC.";
}

HtmlTable energy_split(const std::vector<LayerRecord>& totals) {
  HtmlTable t{"Energy by component", {{"component"}}, ""};
  for (const LayerRecord& r : totals) {
    t.rows[0].push_back(r.name + " (nJ)");
    t.rows[0].push_back("share %");
  }
  const std::vector<std::pair<const char*, double LayerRecord::*>> parts{
      {"int8 MACs", &LayerRecord::energy_mac_pj},        {"int32 adds", &LayerRecord::energy_add_pj},
      {"PE registers", &LayerRecord::energy_register_pj}, {"on-chip SRAM", &LayerRecord::energy_sram_pj},
      {"PE SRAM", &LayerRecord::energy_pe_sram_pj},      {"fabric links", &LayerRecord::energy_link_pj},
      {"DRAM", &LayerRecord::energy_dram_pj},            {"flash", &LayerRecord::energy_flash_pj},
      {"tree links", &LayerRecord::energy_tree_pj}};
  for (const auto& [name, field] : parts) {
    std::vector<std::string> row{name};
    for (const LayerRecord& r : totals) {
      row.push_back(fixed(r.*field / 1e3, 2));
      row.push_back(fixed(r.energy_pj() > 0 ? 100.0 * (r.*field) / r.energy_pj() : 0.0, 1));
    }
    t.rows.push_back(row);
  }
  std::vector<std::string> total{"total"}, per_mac{"pJ per useful MAC"};
  for (const LayerRecord& r : totals) {
    total.insert(total.end(), {fixed(r.energy_pj() / 1e3, 2), "100.0"});
    per_mac.insert(per_mac.end(), {fixed(r.energy_per_mac_pj(), 3), ""});
  }
  t.rows.push_back(total);
  t.rows.push_back(per_mac);
  t.note = "From the activity counters of the run (MACs issued, partial sums added, bytes per level, PE SRAM words, link "
           "hops) times the energy table below.";
  return t;
}

HtmlTable energy_costs(const EnergyTable& e) {
  HtmlTable t{"Energy table: " + e.name, {{"operation", "pJ"}}, "Source: " + e.source};
  t.rows.push_back({"int8 MAC (multiply + int32 accumulate)", fixed(e.int8_mac_pj, 3)});
  t.rows.push_back({"int32 add", fixed(e.int32_add_pj, 3)});
  t.rows.push_back({"register write, per byte", fixed(e.register_pj_per_byte, 3)});
  for (const SramCost& c : e.sram) {
    t.rows.push_back({"SRAM " + format_bytes(static_cast<double>(c.bytes)) + " read / write, per byte",
                      fixed(c.read_pj_per_byte, 3) + " / " + fixed(c.write_pj_per_byte, 3)});
  }
  t.rows.push_back({"fabric link hop, per byte", fixed(e.link_hop_pj_per_byte, 3)});
  t.rows.push_back({"DRAM, per byte", fixed(e.dram_pj_per_byte, 3)});
  t.rows.push_back({"flash, per byte", fixed(e.flash_pj_per_byte, 3)});
  t.rows.push_back({"tree link, per byte", fixed(e.tree_link_pj_per_byte, 3)});
  return t;
}

}  // namespace

std::string command_line_text(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) text += (i ? " " : "") + shell_word(argv[i]);
  return text;
}

HtmlPlot page_plot(const std::string& file, const XYPlot& plot, const std::string& caption) {
  return {file, plot.title, svg_plot(plot), caption};
}
HtmlPlot page_plot(const std::string& file, const BarPlot& plot, const std::string& caption) {
  return {file, plot.title, svg_plot(plot), caption};
}

HtmlPage layer_page(const RunInfo& info, const std::vector<LayerRecord>& layers, const EnergyTable& energy,
                    const std::vector<HtmlPlot>& plots, const std::vector<HtmlTable>& tables) {
  HtmlPage page;
  page.title = info.title;
  const std::vector<LayerRecord> totals = totals_by_target(layers);
  for (const LayerRecord& t : totals) page.summary.push_back(summary_of(t, layers));
  page.summary.insert(page.summary.end(), info.summary.begin(), info.summary.end());
  page.run = {{"command line", info.command_line},
              {"tool version", "waferbench " + tool_version()},
              {"git revision", git_revision()},
              {"generated", utc_now()},
              {"record schema", std::to_string(kRecordSchema)}};
  page.hardware = info.hardware;
  HtmlTable results{"Per-layer results",
                    {{"layer", "target", "M x K x N", "density", "cycles", "ideal", "util %", "stall", "fill/drain",
                      "load", "MACs", "MACs skipped", "energy nJ", "pJ/MAC", "golden"}},
                    "cycles: the target's own count (README); ideal: every PE busy every cycle; stall and fill/drain: "
                    "the array's measured breakdown; load: the fabric's configuration before the job; pJ/MAC: per "
                    "useful MAC."};
  for (const LayerRecord& r : layers) results.rows.push_back(result_row(r));
  for (const LayerRecord& r : totals) results.rows.push_back(result_row(r));
  page.tables.push_back(results);
  HtmlTable bytes{"Bytes per memory level (MB)",
                  {{"layer", "target", "SRAM read", "SRAM write", "PE SRAM read", "PE SRAM write", "registers", "DRAM",
                    "flash", "tree", "fabric links", "sparse metadata", "wavelets", "link flits"}},
                  "Sparse metadata is counted inside the levels it moves through."};
  for (const LayerRecord& r : layers) bytes.rows.push_back(bytes_row(r));
  for (const LayerRecord& r : totals) bytes.rows.push_back(bytes_row(r));
  page.tables.push_back(bytes);
  page.tables.insert(page.tables.end(), tables.begin(), tables.end());
  page.tables.push_back(energy_split(totals));
  page.tables.push_back(energy_costs(energy));
  const bool any_ideal = std::any_of(layers.begin(), layers.end(), [](const LayerRecord& r) { return r.ideal_cycles > 0; });
  if (any_ideal) {
    page.plots.push_back(page_plot("utilization.svg", utilization_plot(layers),
                                   "Utilisation per layer: ideal cycles (every PE busy) over measured cycles."));
  }
  page.plots.push_back(page_plot("energy.svg", energy_plot(layers),
                                 "Energy per layer, stacked by component (" + energy.name + ")."));
  if (info.peak_macs_per_cycle > 0 && info.bandwidth_bytes_per_cycle > 0) {
    std::vector<LayerRecord> under_roof;
    for (const LayerRecord& r : layers) {
      if (info.roofline_target.empty() || r.target == info.roofline_target) under_roof.push_back(r);
    }
    page.plots.push_back(page_plot("roofline.svg",
                                   roofline_plot(under_roof, info.peak_macs_per_cycle, info.bandwidth_bytes_per_cycle,
                                                 info.bandwidth_name),
                                   "Roofline: attainable = min(peak, bandwidth x intensity); each dot is a layer's "
                                   "measured MACs per cycle at its MACs per byte over the " + info.bandwidth_name + "."));
  }
  page.plots.insert(page.plots.end(), plots.begin(), plots.end());
  return page;
}

std::vector<std::pair<std::string, std::string>> report_files(HtmlPage page, const std::vector<LayerRecord>& layers,
                                                              const EnergyTable& energy, const nlohmann::json& run) {
  nlohmann::json records = records_json(layers);
  records["run"] = run;
  std::vector<std::pair<std::string, std::string>> files{
      {"records.json", json_text(records)}, {"records.csv", records_csv(layers)}, {"energy_table.json", json_text(to_json(energy))}};
  const bool array = std::any_of(layers.begin(), layers.end(), [](const LayerRecord& r) { return r.target == "array"; });
  if (array) {
    files.emplace_back("COMPUTE_REPORT.csv", scalesim_compute_report(layers));
    files.emplace_back("BANDWIDTH_REPORT.csv", scalesim_bandwidth_report(layers));
  }
  for (const auto& [name, text] : files) page.files.push_back(name);
  for (const HtmlPlot& p : page.plots) files.emplace_back(p.file, p.svg);
  files.emplace_back("index.html", html_page(page));
  return files;
}

}  // namespace wb::sw
