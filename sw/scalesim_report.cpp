// SPDX-License-Identifier: Apache-2.0
#include "sw/scalesim_report.hpp"

#include <cstdio>

#include "sw/error.hpp"
#include "sw/parse.hpp"
#include "sw/record_csv.hpp"

namespace wb::sw {

namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

double ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

// header and rows in SCALE-Sim's own spelling: ", " between cells, a trailing comma.
std::string report(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string text;
  const auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) text += (i ? ", " : "") + cells[i];
    text += ",\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  return text;
}

std::vector<const LayerRecord*> array_layers(const std::vector<LayerRecord>& records) {
  std::vector<const LayerRecord*> out;
  for (const LayerRecord& r : records) {
    if (r.target == "array") out.push_back(&r);
  }
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

std::string scalesim_compute_report(const std::vector<LayerRecord>& records) {
  std::vector<std::vector<std::string>> rows;
  int id = 0;
  for (const LayerRecord* r : array_layers(records)) {
    const double pes = static_cast<double>(r->pes());
    const double macs = static_cast<double>(r->macs);
    const double stall = static_cast<double>(r->stall_cycles.value_or(0));
    const double cycles = static_cast<double>(r->cycles);
    rows.push_back({std::to_string(id++), std::to_string(r->cycles), number(stall), number(100 * ratio(macs, pes * cycles)),
                    number(100 * ratio(macs, static_cast<double>(r->macs_issued))),
                    number(100 * ratio(macs, pes * (cycles - stall)))});
  }
  return report({"LayerID", "Total Cycles", "Stall Cycles", "Overall Util %", "Mapping Efficiency %", "Compute Util %"}, rows);
}

std::string scalesim_bandwidth_report(const std::vector<LayerRecord>& records) {
  std::vector<std::vector<std::string>> rows;
  int id = 0;
  for (const LayerRecord* r : array_layers(records)) {
    const double cycles = static_cast<double>(r->cycles);
    const auto per_cycle = [&](double words) { return number(ratio(words, cycles)); };
    rows.push_back({std::to_string(id++), per_cycle(static_cast<double>(r->a_beats) * r->rows),
                    per_cycle(static_cast<double>(r->b_beats) * r->cols), per_cycle(static_cast<double>(r->c_beats) * r->cols),
                    per_cycle(static_cast<double>(r->sram_a_read_bytes)), per_cycle(static_cast<double>(r->sram_b_read_bytes)),
                    per_cycle(static_cast<double>(r->sram_write_bytes) / 4)});
  }
  return report({"LayerID", "Avg IFMAP SRAM BW", "Avg FILTER SRAM BW", "Avg OFMAP SRAM BW", "Avg IFMAP DRAM BW",
                 "Avg FILTER DRAM BW", "Avg OFMAP DRAM BW"},
                rows);
}

std::vector<std::map<std::string, double>> read_scalesim_report(const std::string& text, const std::string& what) {
  const auto lines = parse_csv(text, what);
  if (lines.empty()) throw InputError(what + ": empty report");
  std::vector<std::string> header;
  for (const std::string& cell : lines.front()) header.push_back(trim(cell));
  if (!header.empty() && header.back().empty()) header.pop_back();  // the trailing comma
  std::vector<std::map<std::string, double>> out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cells = lines[i];
    if (!cells.empty() && trim(cells.back()).empty()) cells.pop_back();
    if (cells.size() != header.size()) {
      throw InputError(what + ":" + std::to_string(i + 1) + ": " + std::to_string(cells.size()) + " cells, the header has " +
                       std::to_string(header.size()));
    }
    std::map<std::string, double> row;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const auto v = parse_double(trim(cells[c]));
      if (!v) throw InputError(what + ":" + std::to_string(i + 1) + ": '" + printable(cells[c]) + "' is no number");
      row[header[c]] = *v;
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace wb::sw
