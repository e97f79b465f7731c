// SPDX-License-Identifier: Apache-2.0
#include "sw/topology_csv.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "sw/error.hpp"

namespace wb::sw {
namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// Cells of one line, trimmed; a cell starting with '#' ends the line (a comment).
std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::string cell = trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!cell.empty() && cell[0] == '#') break;
    cells.push_back(cell);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return cells;
}

bool all_empty(const std::vector<std::string>& cells) {
  for (const std::string& c : cells) {
    if (!c.empty()) return false;
  }
  return true;
}

// "IFMAP Height" -> "ifmapheight"
std::string key_of(const std::string& header) {
  std::string k;
  for (char c : header) {
    if (c == ' ' || c == '_' || c == '\t') continue;
    k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return k;
}

enum class Column { kName, kIfmapH, kIfmapW, kFilterH, kFilterW, kChannels, kFilters, kStrideH, kStrideW, kM, kN, kK, kSparsity };

const std::map<std::string, Column>& known_columns() {
  static const std::map<std::string, Column> columns = {
      {"layername", Column::kName},     {"layer", Column::kName},          {"ifmapheight", Column::kIfmapH},
      {"ifmapwidth", Column::kIfmapW},  {"filterheight", Column::kFilterH}, {"filterwidth", Column::kFilterW},
      {"channels", Column::kChannels},  {"numfilter", Column::kFilters},    {"numfilters", Column::kFilters},
      {"strides", Column::kStrideH},    {"stride", Column::kStrideH},       {"strideheight", Column::kStrideH},
      {"stridewidth", Column::kStrideW}, {"m", Column::kM},                 {"n", Column::kN},
      {"k", Column::kK},                {"sparsity", Column::kSparsity},
  };
  return columns;
}

const char* column_title(Column c) {
  switch (c) {
    case Column::kName: return "Layer name";
    case Column::kIfmapH: return "IFMAP Height";
    case Column::kIfmapW: return "IFMAP Width";
    case Column::kFilterH: return "Filter Height";
    case Column::kFilterW: return "Filter Width";
    case Column::kChannels: return "Channels";
    case Column::kFilters: return "Num Filter";
    case Column::kStrideH: return "Strides";
    case Column::kStrideW: return "Stride width";
    case Column::kM: return "M";
    case Column::kN: return "N";
    case Column::kK: return "K";
    case Column::kSparsity: return "Sparsity";
  }
  return "?";
}

class Parser {
 public:
  explicit Parser(const std::string& file) : m_file(file) {}

  [[noreturn]] void fail(int line, const std::string& what) const {
    throw InputError(m_file + ":" + std::to_string(line) + ": " + what);
  }

  void read_header(const std::vector<std::string>& cells, int line) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const auto it = known_columns().find(key_of(cells[i]));
      if (it == known_columns().end()) continue;  // a note column, or empty
      if (m_index.count(it->second)) fail(line, "column '" + cells[i] + "' appears twice in the header");
      m_index[it->second] = i;
    }
    m_header_cells = cells.size();
    const bool gemm = m_index.count(Column::kM) || m_index.count(Column::kN) || m_index.count(Column::kK);
    const std::vector<Column> conv_cols = {Column::kName,     Column::kIfmapH,   Column::kIfmapW,  Column::kFilterH,
                                           Column::kFilterW, Column::kChannels, Column::kFilters, Column::kStrideH};
    const std::vector<Column> gemm_cols = {Column::kName, Column::kM, Column::kN, Column::kK};
    m_gemm = gemm;
    for (Column c : gemm ? gemm_cols : conv_cols) {
      if (!m_index.count(c)) {
        fail(line, std::string("the header has no '") + column_title(c) + "' column (SCALE-Sim's " +
                       (gemm ? "GEMM format is: Layer, M, N, K" :
                               "conv format is: Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                               "Channels, Num Filter, Strides") + ")");
      }
    }
  }

  Layer read_row(const std::vector<std::string>& cells, int line) const {
    if (cells.size() > m_header_cells) {
      for (std::size_t i = m_header_cells; i < cells.size(); ++i) {
        if (!cells[i].empty()) fail(line, "unexpected value '" + cells[i] + "' after the last column of the header");
      }
    }
    const std::string name = cell(cells, Column::kName, line);
    const std::string source = m_file + ":" + std::to_string(line);
    Layer layer;
    try {
      if (m_gemm) {
        const GemmShape g{number(cells, Column::kM, line), number(cells, Column::kK, line), number(cells, Column::kN, line)};
        layer = gemm_layer(name, "gemm", g, source);
      } else {
        ConvShape c;
        c.in_h = number(cells, Column::kIfmapH, line);
        c.in_w = number(cells, Column::kIfmapW, line);
        c.kernel_h = number(cells, Column::kFilterH, line);
        c.kernel_w = number(cells, Column::kFilterW, line);
        const int channels = number(cells, Column::kChannels, line);
        const int filters = number(cells, Column::kFilters, line);
        c.stride_h = number(cells, Column::kStrideH, line);
        c.stride_w = m_index.count(Column::kStrideW) ? number(cells, Column::kStrideW, line) : c.stride_h;
        if (c.kernel_h > c.in_h || c.kernel_w > c.in_w) {
          fail(line, "filter " + std::to_string(c.kernel_h) + "x" + std::to_string(c.kernel_w) +
                         " is larger than the ifmap " + std::to_string(c.in_h) + "x" + std::to_string(c.in_w));
        }
        // SCALE-Sim rounds the ofmap up, ceil((ifmap - filter) / stride) + 1: the last,
        // partial window reads zeros past the bottom / right edge.
        c.pad_bottom = (c.stride_h - (c.in_h - c.kernel_h) % c.stride_h) % c.stride_h;
        c.pad_right = (c.stride_w - (c.in_w - c.kernel_w) % c.stride_w) % c.stride_w;
        const bool depthwise = name.find("DP") != std::string::npos;
        c.in_c = channels;
        c.groups = depthwise ? channels : 1;
        c.out_c = depthwise ? channels * filters : filters;
        layer = conv_layer(name, depthwise ? "conv.depthwise" : "conv", c, source);
      }
      if (m_index.count(Column::kSparsity)) {
        const std::string s = cell(cells, Column::kSparsity, line, /*required=*/false);
        // A ratio of 1 (SCALE-Sim's topologies/sparsity/gemm_mix.csv writes it) is dense.
        if (!s.empty() && s != "1") layer.sparsity = parse_nm_sparsity(s);
      }
    } catch (const InputError& e) {
      const std::string what = e.what();
      if (what.rfind(m_file + ":", 0) == 0) throw;
      fail(line, what);
    }
    return layer;
  }

 private:
  std::string cell(const std::vector<std::string>& cells, Column c, int line, bool required = true) const {
    const std::size_t i = m_index.at(c);
    if (i >= cells.size() || (required && cells[i].empty())) {
      fail(line, std::string("missing '") + column_title(c) + "'");
    }
    return i < cells.size() ? cells[i] : std::string();
  }

  int number(const std::vector<std::string>& cells, Column c, int line) const {
    const std::string text = cell(cells, c, line);
    bool digits = text.size() <= 9;
    for (char ch : text) digits = digits && std::isdigit(static_cast<unsigned char>(ch));
    if (!digits || std::stol(text) < 1) {
      fail(line, std::string("'") + column_title(c) + "' must be a positive integer below 10^9, got '" + text + "'");
    }
    return std::stoi(text);
  }

  std::string m_file;
  std::map<Column, std::size_t> m_index;
  std::size_t m_header_cells = 0;
  bool m_gemm = false;
};

}  // namespace

Network parse_scalesim_topology(const std::string& text, const std::string& file) {
  Parser parser(file);
  Network net;
  net.source = file;
  const auto slash = file.find_last_of('/');
  net.name = file.substr(slash == std::string::npos ? 0 : slash + 1);
  if (net.name.size() > 4 && net.name.compare(net.name.size() - 4, 4, ".csv") == 0) net.name.resize(net.name.size() - 4);
  std::istringstream in(text);
  std::string line;
  bool header = false;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::vector<std::string> cells = split_cells(line);
    if (all_empty(cells)) continue;
    if (!header) {
      parser.read_header(cells, number);
      header = true;
    } else {
      net.layers.push_back(parser.read_row(cells, number));
    }
  }
  if (!header) throw InputError(file + ": empty topology (no header row)");
  if (net.layers.empty()) throw InputError(file + ": the topology has a header but no layers");
  return net;
}

Network read_scalesim_topology(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw InputError(path + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the topology file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(path + ": cannot read the topology file");
  const std::string s = text.str();
  if (s.find('\0') != std::string::npos) throw InputError(path + ": not a text file (NUL byte)");
  return parse_scalesim_topology(s, path);
}

}  // namespace wb::sw
