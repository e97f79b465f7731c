// SPDX-License-Identifier: Apache-2.0
#include "sw/report.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "sw/file_util.hpp"
#include "sw/gemm_plan.hpp"

namespace wb::sw {

void put_sim_speed(nlohmann::json& j, double seconds, std::uint64_t cycles) {
  j["sim_seconds"] = seconds;
  j["sim_cycles"] = cycles;
  j["sim_cycles_per_second"] = seconds > 0 ? static_cast<double>(cycles) / seconds : 0.0;
}

std::string GemmStats::sparse_mode() const {
  return NmMode{nm_n, nm_m}.text();
}

nlohmann::json to_json(const GemmStats& s) {
  nlohmann::json j;
  if (!s.name.empty()) j["name"] = s.name;
  j["target"] = s.target;
  j["rows"] = s.rows;
  j["cols"] = s.cols;
  j["dataflow"] = s.dataflow;
  j["m"] = s.m;
  j["k"] = s.k;
  j["n"] = s.n;
  j["folds"] = s.folds;
  j["cycles"] = s.cycles;
  j["ideal_cycles"] = s.ideal_cycles;
  j["utilization"] = s.utilization();
  j["macs"] = s.macs;
  j["pe_macs"] = s.pe_macs;
  j["sparse_mode"] = s.sparse_mode();
  j["a_beats"] = s.a_beats;
  j["b_beats"] = s.b_beats;
  j["c_beats"] = s.c_beats;
  j["mem_bytes_read"] = s.mem_bytes_read;
  j["metadata_bytes_read"] = s.mem_metadata_bytes_read;
  j["weight_nnz"] = s.weight_nnz;
  j["act_nnz"] = s.act_nnz;
  j["golden"] = s.golden_pass ? "pass" : "fail";
  put_sim_speed(j, s.sim_seconds, s.sim_cycles);
  return j;
}

nlohmann::json to_json(const FabricStats& s) {
  nlohmann::json j;
  if (!s.name.empty()) j["name"] = s.name;
  j["target"] = "fabric";
  j["mesh"] = std::to_string(s.mesh) + "x" + std::to_string(s.mesh);
  j["layout"] = s.layout;
  j["m"] = s.m;
  j["k"] = s.k;
  j["n"] = s.n;
  j["density"] = s.density;
  j["nnz"] = s.nnz;
  j["act_nnz"] = s.act_nnz;
  j["passes"] = s.passes;
  j["cycles"] = s.cycles;
  j["load_cycles"] = s.load_cycles;
  j["ideal_cycles"] = s.ideal_cycles();
  j["ideal_dense_cycles"] = s.ideal_dense_cycles();
  j["utilization"] = s.utilization();
  j["macs"] = s.macs;
  j["dense_macs"] = s.dense_macs();
  j["pe_sram_reads"] = s.pe.sram_reads;
  j["pe_sram_writes"] = s.pe.sram_writes;
  j["psum_adds"] = s.pe.psum_adds;
  j["wavelets"] = s.wavelets;
  j["wavelets_out"] = s.wavelets_out;
  j["link_flits"] = s.link_flits;
  j["link_utilization"] = s.link_utilization;
  j["golden"] = s.golden_pass ? "pass" : "fail";
  put_sim_speed(j, s.sim_seconds, s.sim_cycles);
  return j;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::ostringstream os;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      const std::string& cell = rows[r][i];
      if (i) os << "  ";
      // Text left-aligned in the first column, everything else right-aligned.
      if (i == 0) {
        os << cell << std::string(widths[i] - cell.size(), ' ');
      } else {
        os << std::string(widths[i] - cell.size(), ' ') << cell;
      }
    }
    os << '\n';
    if (r == 0) {
      std::size_t total = 0;
      for (std::size_t w : widths) total += w + 2;
      os << std::string(total > 2 ? total - 2 : 0, '-') << '\n';
    }
  }
  return os.str();
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string json_text(const nlohmann::json& j) { return j.dump(2) + "\n"; }

void write_json_file(const std::string& path, const nlohmann::json& j) { write_file_atomically(path, json_text(j)); }

}  // namespace wb::sw
