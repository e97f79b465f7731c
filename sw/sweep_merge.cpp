// SPDX-License-Identifier: Apache-2.0
#include "sw/sweep_merge.hpp"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "sw/error.hpp"
#include "sw/parse.hpp"
#include "sw/record_csv.hpp"

namespace wb::sw {

std::vector<std::string> varying_options(const std::vector<SweepJob>& jobs) {
  std::vector<std::string> varying;
  if (jobs.empty()) return varying;
  for (std::size_t a = 0; a < jobs.front().options.size(); ++a) {
    const auto differs = [&](const SweepJob& j) { return !(j.options[a].second == jobs.front().options[a].second); };
    if (std::any_of(jobs.begin(), jobs.end(), differs)) varying.push_back(jobs.front().options[a].first);
  }
  return varying;
}

std::string sweep_point_text(const SweepJob& job, const std::vector<std::string>& varying) {
  std::string text;
  for (const auto& [option, value] : job.options) {
    if (value.off || std::find(varying.begin(), varying.end(), option) == varying.end()) continue;
    text += (text.empty() ? "" : " ") + option + (value.flag ? "" : "=" + value.text);
  }
  return text.empty() ? job.command : text;
}

SweepTable merge_sweep(const std::vector<SweepJob>& jobs, const SweepDir& dir) {
  SweepTable table;
  const std::vector<std::string> varying = varying_options(jobs);
  std::string header = "job";
  if (!jobs.empty()) {
    for (const auto& option : jobs.front().options) header += "," + csv_field("--" + option.first);
  }
  table.csv = header + "," + records_csv_header();
  for (const SweepJob& job : jobs) {
    if (!dir.done(job.id)) {
      table.missing.push_back(job.id);
      continue;
    }
    const std::string path = dir.result_path(job.id);
    nlohmann::json result;
    std::ifstream in(path);
    try {
      result = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw InputError(path + ": not a JSON result: " + printable(e.what()));
    }
    if (!result.is_object() || result.value("schema", 0) != kRecordSchema || !result.contains("records") ||
        !result["records"].is_array()) {
      throw InputError(path + ": holds no per-layer records of schema " + std::to_string(kRecordSchema));
    }
    std::string prefix = csv_field(job.id);
    for (const auto& option : job.options) prefix += "," + csv_field(option.second.text);
    for (const nlohmann::json& r : result["records"]) {
      LayerRecord record;
      try {
        record = record_from_json(r);
      } catch (const InputError& e) {
        throw InputError(path + ": " + e.what());
      }
      table.csv += prefix + "," + records_csv_row(record);
      record.name = sweep_point_text(job, varying) + (record.name.empty() ? "" : ": " + record.name);
      table.records.push_back(std::move(record));
    }
    ++table.jobs_merged;
  }
  return table;
}

}  // namespace wb::sw
