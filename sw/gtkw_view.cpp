// SPDX-License-Identifier: Apache-2.0
#include "sw/gtkw_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

namespace wb::sw {

namespace {

// GTKWave trace flags (analyzer.h): the blank line that opens or closes a group.
constexpr unsigned long kGroupBegin = 0x800000;
constexpr unsigned long kGroupEnd = 0x1000000;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

bool is_signal_line(const std::string& line) {
  return !line.empty() && std::string("[@*-#").find(line[0]) == std::string::npos;
}

// "top.a[0][7:0]" -> "top.a[0]": a trailing [msb:lsb] is the range, any other [i] is a name.
std::string without_range(const std::string& name) {
  if (name.empty() || name.back() != ']') return name;
  const std::size_t open = name.find_last_of('[');
  if (open == std::string::npos || name.find(':', open) == std::string::npos) return name;
  return name.substr(0, open);
}

// The first number after `key` on its line, or `fallback`.
int directive_value(const std::vector<std::string>& lines, const std::string& key, int fallback) {
  for (const std::string& line : lines) {
    if (line.compare(0, key.size(), key) == 0) {
      int v = 0;
      if (std::sscanf(line.c_str() + key.size(), "%d", &v) == 1) return v;
    }
  }
  return fallback;
}

}  // namespace

double gtkw_zoom_for(double span, int width_px) {
  return -std::log2(std::max(span, 1.0) * 200.0 / static_cast<double>(std::max(width_px, 1)));
}

std::vector<std::string> gtkw_signal_lines(const std::string& view) {
  std::vector<std::string> out;
  for (const std::string& line : split_lines(view)) {
    if (is_signal_line(line)) out.push_back(line);
  }
  return out;
}

std::string gtkw_for_dump(const std::string& view, const std::vector<DumpSignal>& signals, std::uint64_t t0,
                          std::uint64_t t1, const std::string& dump_name) {
  std::map<std::string, std::string> range_of;
  for (const DumpSignal& s : signals) range_of[s.name] = s.range;
  const std::vector<std::string> lines = split_lines(view);
  // The wave pane's width: the window less the signal list and the hierarchy tree beside it.
  const int wave_px = directive_value(lines, "[size]", 1600) - directive_value(lines, "[signals_width]", 300) -
                      (directive_value(lines, "[sst_expanded]", 0) ? directive_value(lines, "[sst_width]", 260) : 0) - 40;
  char zoom[64];
  std::snprintf(zoom, sizeof zoom, "*%.6f -1", gtkw_zoom_for(static_cast<double>(t1 - t0), wave_px));

  struct Group {
    std::size_t start;  // index in `out` of the flag line that opened it
    bool kept = false;  // holds a kept signal
    std::string flags_before;
  };
  std::vector<std::string> out;
  std::vector<Group> groups;
  std::string flags = "@28";  // the flag line in force
  unsigned long flag_bits = 0;
  bool header_done = false;
  for (const std::string& line : lines) {
    if (!header_done && !line.empty() && line.compare(0, 2, "[*") != 0) {
      out.push_back("[dumpfile] \"" + dump_name + "\"");
      header_done = true;
    }
    // The committed view's own [dumpfile] and "Open with" note name another dump.
    if (line.compare(0, 10, "[dumpfile]") == 0 || line.compare(0, 14, "[*] Open with:") == 0) continue;
    if (line.compare(0, 11, "[timestart]") == 0) {
      out.push_back("[timestart] " + std::to_string(t0));
    } else if (!line.empty() && line[0] == '*') {
      // "*zoom marker named-markers...": keep the named markers (all -1), set zoom, no marker
      std::istringstream words(line);
      std::string word, rest;
      words >> word >> word;
      std::getline(words, rest);
      out.push_back(zoom + rest);
    } else if (!line.empty() && line[0] == '@') {
      flag_bits = std::strtoul(line.c_str() + 1, nullptr, 16);
      out.push_back(line);
      if (!(flag_bits & (kGroupBegin | kGroupEnd))) flags = line;
    } else if (!line.empty() && line[0] == '-' && (flag_bits & kGroupBegin)) {
      groups.push_back({out.size() - 1, false, flags});
      out.push_back(line);
    } else if (!line.empty() && line[0] == '-' && (flag_bits & kGroupEnd) && !groups.empty()) {
      const Group g = groups.back();
      groups.pop_back();
      if (g.kept) {
        out.push_back(line);
      } else {
        out.resize(g.start);  // the whole empty group, its opening flag line included
        flags = g.flags_before;
        out.push_back(flags);
      }
    } else if (is_signal_line(line)) {
      const auto it = range_of.find(without_range(line));
      if (it == range_of.end()) continue;
      out.push_back(it->first + it->second);
      for (Group& g : groups) g.kept = true;
    } else {
      out.push_back(line);
    }
  }
  std::string text;
  for (const std::string& line : out) text += line + "\n";
  return text;
}

}  // namespace wb::sw
