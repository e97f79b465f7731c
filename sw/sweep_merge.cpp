// SPDX-License-Identifier: Apache-2.0
#include "sw/sweep_merge.hpp"

#include <algorithm>
#include <fstream>
#include <map>

#include "sw/error.hpp"
#include "sw/parse.hpp"

namespace wb::sw {

namespace {

using Row = std::vector<std::pair<std::string, std::string>>;

void flatten(const nlohmann::json& j, const std::string& prefix, Row& row) {
  for (const auto& [key, value] : j.items()) {
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    if (value.is_object()) {
      flatten(value, name, row);
    } else if (value.is_string()) {
      row.emplace_back(name, value.get<std::string>());
    } else if (!value.is_array()) {
      row.emplace_back(name, value.dump());
    }
  }
}

}  // namespace

std::vector<Row> result_rows(const nlohmann::json& result) {
  Row common;
  flatten(result, "", common);
  for (const char* list : {"layers", "points"}) {
    if (!result.contains(list) || !result[list].is_array() || result[list].empty()) continue;
    std::vector<Row> rows;
    for (const nlohmann::json& element : result[list]) {
      Row row;
      flatten(element, "", row);
      for (const auto& field : common) {
        const bool shadowed = std::any_of(row.begin(), row.end(), [&](const auto& f) { return f.first == field.first; });
        if (!shadowed) row.push_back(field);
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }
  return {common};
}

SweepTable merge_sweep(const std::vector<SweepJob>& jobs, const SweepDir& dir) {
  SweepTable table;
  std::vector<std::string> columns{"job"};
  std::map<std::string, std::size_t> column_of{{"job", 0}};
  const auto column = [&](const std::string& name) {
    const auto [it, added] = column_of.emplace(name, columns.size());
    if (added) columns.push_back(name);
    return it->second;
  };
  if (!jobs.empty()) {
    for (const auto& option : jobs.front().options) column(option.first);
  }
  std::vector<std::map<std::size_t, std::string>> rows;
  for (const SweepJob& job : jobs) {
    if (!dir.done(job.id)) {
      table.missing.push_back(job.id);
      continue;
    }
    nlohmann::json result;
    std::ifstream in(dir.result_path(job.id));
    try {
      result = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw InputError(dir.result_path(job.id) + ": not a JSON result: " + printable(e.what()));
    }
    for (const Row& fields : result_rows(result)) {
      std::map<std::size_t, std::string> row{{0, job.id}};
      for (const auto& [option, value] : job.options) row[column(option)] = value.text;
      // A result field named like a swept option (rows, dataflow) is the same fact: the column is shared.
      for (const auto& [name, value] : fields) row[column(name)] = value;
      rows.push_back(std::move(row));
    }
    ++table.jobs_merged;
  }
  for (std::size_t c = 0; c < columns.size(); ++c) table.csv += (c ? "," : "") + csv_field(columns[c]);
  table.csv += "\n";
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto it = row.find(c);
      table.csv += (c ? "," : "") + (it == row.end() ? std::string() : csv_field(it->second));
    }
    table.csv += "\n";
  }
  table.rows = rows.size();
  return table;
}

}  // namespace wb::sw
