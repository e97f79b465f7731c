// SPDX-License-Identifier: Apache-2.0
#include "sw/sweep_spec.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sw/error.hpp"
#include "sw/hash.hpp"
#include "sw/yaml_json.hpp"
#include "sw/parse.hpp"

namespace wb::sw {

namespace {

using Json = nlohmann::ordered_json;  // keeps the file's key order

bool is_option_name(const std::string& key) {
  if (key.empty() || !std::islower(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

SweepValue to_value(const Json& v, const std::string& where) {
  if (v.is_boolean()) return v.get<bool>() ? SweepValue{"true", true, false} : SweepValue{"false", false, true};
  if (v.is_number()) return {v.dump(), false, false};  // the shortest text that reads back the same number
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.empty()) throw InputError(where + " is an empty string");
    return {s, false, false};
  }
  throw InputError(where + " must be a number, a string or a boolean (no nested lists or objects)");
}

}  // namespace

std::vector<std::string> SweepJob::args() const {
  std::vector<std::string> out{command};
  for (const auto& [option, value] : options) {
    if (value.off) continue;
    out.push_back("--" + option);
    if (!value.flag) out.push_back(value.text);
  }
  return out;
}

std::string SweepJob::canonical_text() const {
  std::vector<std::string> lines;
  for (const auto& [option, value] : options) {
    if (!value.off) lines.push_back("--" + option + (value.flag ? "" : "=" + value.text));
  }
  std::sort(lines.begin(), lines.end());
  std::string text = command + "\n";
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

const std::vector<std::string>& sweep_commands() {
  static const std::vector<std::string> commands{"gemm", "run", "sparsity", "train", "noc"};
  return commands;
}

bool is_reserved_sweep_option(const std::string& option) {
  return option == "json" || option == "out" || option == "help" || option == "trace" || option.rfind("trace-", 0) == 0 ||
         option == "csv" || option == "scalesim-csv" || option == "report";
}

SweepSpec parse_sweep_spec(const std::string& text, bool yaml, const std::string& name) {
  Json j;
  if (yaml) {
    j = parse_yaml(text, name);
  } else {
    try {
      j = Json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw InputError(name + ": not valid JSON: " + printable(e.what()));
    }
  }
  if (!j.is_object()) throw InputError(name + ": a sweep spec is an object of options, {\"command\": ..., ...}");
  if (!j.contains("command") || !j["command"].is_string()) {
    throw InputError(name + ": \"command\" must name the subcommand to sweep (one of gemm, run, sparsity, train, noc)");
  }
  SweepSpec spec;
  spec.command = j["command"].get<std::string>();
  const auto& commands = sweep_commands();
  if (std::find(commands.begin(), commands.end(), spec.command) == commands.end()) {
    throw InputError(name + ": cannot sweep command '" + printable(spec.command) +
                     "' (one of gemm, run, sparsity, train, noc)");
  }
  double jobs = 1;
  for (const auto& [key, value] : j.items()) {
    if (key == "command") continue;
    const std::string where = name + ": \"" + printable(key) + "\"";
    if (!is_option_name(key)) throw InputError(where + " is not an option name (lower-case letters, digits and '-', no '--')");
    if (is_reserved_sweep_option(key)) {
      throw InputError(where + ": the sweep writes each job's --json itself, and jobs write no other files");
    }
    SweepAxis axis{key, {}};
    if (value.is_array()) {
      if (value.empty()) throw InputError(where + " is an empty list");
      for (std::size_t i = 0; i < value.size(); ++i) {
        axis.values.push_back(to_value(value[i], where + "[" + std::to_string(i) + "]"));
      }
    } else {
      axis.values.push_back(to_value(value, where));
    }
    for (std::size_t a = 0; a < axis.values.size(); ++a) {
      for (std::size_t b = a + 1; b < axis.values.size(); ++b) {
        if (axis.values[a] == axis.values[b]) throw InputError(where + " lists '" + printable(axis.values[a].text) + "' twice");
      }
    }
    jobs *= static_cast<double>(axis.values.size());
    spec.axes.push_back(std::move(axis));
  }
  if (jobs > static_cast<double>(kMaxSweepJobs)) {
    throw InputError(name + ": the grid has " + std::to_string(static_cast<long long>(jobs)) + " points, over the limit of " +
                     std::to_string(kMaxSweepJobs));
  }
  return spec;
}

SweepSpec read_sweep_spec(const std::string& path) {
  const auto ends_with = [&](const std::string& ext) {
    return path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  const bool yaml = ends_with(".yaml") || ends_with(".yml");
  if (!yaml && !ends_with(".json")) {
    throw InputError("sweep spec '" + printable(path) + "' must be a .json, .yaml or .yml file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read sweep spec '" + printable(path) + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_sweep_spec(text.str(), yaml, path);
}

std::vector<SweepJob> expand_sweep(const SweepSpec& spec) {
  std::vector<SweepJob> jobs;
  std::vector<std::size_t> index(spec.axes.size(), 0);
  for (;;) {
    SweepJob job;
    job.command = spec.command;
    for (std::size_t a = 0; a < spec.axes.size(); ++a) {
      job.options.emplace_back(spec.axes[a].option, spec.axes[a].values[index[a]]);
    }
    const std::string canonical = job.canonical_text();
    job.id = hex64(fnv1a_64(canonical.data(), canonical.size()));
    jobs.push_back(std::move(job));
    std::size_t a = spec.axes.size();
    while (a > 0 && ++index[a - 1] == spec.axes[a - 1].values.size()) index[--a] = 0;
    if (a == 0) break;
  }
  return jobs;
}

}  // namespace wb::sw
