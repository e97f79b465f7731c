#pragma once
// Run statistics and their two renderings: JSON objects (nlohmann/json) and aligned text tables.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wb::sw {

struct GemmStats {
  std::string name;  // layer name, empty for a lone GEMM
  std::string target = "systolic";
  int rows = 0, cols = 0;
  std::string dataflow;
  int m = 0, k = 0, n = 0;
  std::uint64_t folds = 0;
  std::uint64_t cycles = 0;
  std::uint64_t ideal_cycles = 0;
  std::uint64_t macs = 0;
  std::uint64_t a_beats = 0, b_beats = 0, c_beats = 0;
  std::uint64_t mem_bytes_read = 0;
  bool golden_pass = false;
  double sim_seconds = 0.0;
  std::uint64_t sim_cycles = 0;  // cycles the simulator clocked (includes idle/reset cycles)

  double utilization() const { return cycles ? static_cast<double>(ideal_cycles) / static_cast<double>(cycles) : 0.0; }
};

nlohmann::json to_json(const GemmStats& s);

// Columns padded to their widest cell; the first row is the header, underlined.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

std::string fixed(double value, int decimals);

// JSON pretty-printed and written atomically.
void write_json_file(const std::string& path, const nlohmann::json& j);

}  // namespace wb::sw
