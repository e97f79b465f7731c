// SPDX-License-Identifier: Apache-2.0
#include "sw/record_csv.hpp"

#include "sw/error.hpp"

namespace wb::sw {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string records_csv_header() {
  std::string line;
  for (const RecordField& f : record_fields()) line += (line.empty() ? "" : ",") + csv_field(f.name);
  return line + "\n";
}

std::string records_csv_row(const LayerRecord& r) {
  const nlohmann::json j = to_json(r);
  std::string line;
  bool first = true;
  for (const RecordField& f : record_fields()) {
    const nlohmann::json& v = j.at(f.name);
    const std::string cell = v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump();
    line += (first ? "" : ",") + csv_field(cell);
    first = false;
  }
  return line + "\n";
}

std::string records_csv(const std::vector<LayerRecord>& records) {
  std::string text = records_csv_header();
  for (const LayerRecord& r : records) text += records_csv_row(r);
  return text;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text, const std::string& what) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  int line = 1, quote_line = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      quote_line = line;
      any = true;
    } else if (c == ',') {
      row.push_back(cell);
      cell.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !cell.empty()) {
        row.push_back(cell);
        rows.push_back(row);
      }
      row.clear();
      cell.clear();
      any = false;
      ++line;
    } else {
      cell += c;
    }
  }
  if (quoted) throw InputError(what + ":" + std::to_string(quote_line) + ": unterminated quoted cell");
  if (any || !cell.empty()) {
    row.push_back(cell);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace wb::sw
