// SPDX-License-Identifier: Apache-2.0
#include "sw/whatif.hpp"

#include <cmath>
#include <vector>

#include "sw/error.hpp"
#include "sw/layer_record.hpp"

namespace wb::sw {

namespace {

double number(const nlohmann::json& j, const char* key, const std::string& what) {
  if (!j.contains(key) || !j[key].is_number()) throw InputError(what + ": no number '" + key + "' in the run's JSON");
  return j[key].get<double>();
}

}  // namespace

RunMeasurement measurement_from_json(const nlohmann::json& j, const std::string& target, const std::string& what) {
  if (!j.is_object() || !j.contains("records") || !j["records"].is_array()) {
    throw InputError(what + ": not the JSON of a waferbench run or train (no \"records\")");
  }
  RunMeasurement m;
  if (j.value("command", "") == "train") {
    if (j.contains("sweep")) throw InputError(what + ": a --sweep-bw run measures no single point; give one train run");
    m.source = "train";
    m.peak_macs_per_cycle = number(j, "peak_macs_per_cycle_per_system", what);
    m.systems = static_cast<int>(number(j, "systems", what));
    const double at_n = number(j, "macs_per_cycle_per_system", what) / m.peak_macs_per_cycle;
    if (m.systems == 1) {
      m.efficiency = 1.0;
    } else if (j.contains("scaling_efficiency")) {
      m.efficiency = number(j, "scaling_efficiency", what);
    }
    m.utilization = m.efficiency ? at_n / *m.efficiency : at_n;
    return m;
  }
  std::vector<LayerRecord> records;
  for (const auto& r : j["records"]) {
    LayerRecord rec = record_from_json(r);
    if (target.empty() ? records.empty() || rec.target == records.front().target : rec.target == target) records.push_back(rec);
  }
  if (records.empty()) throw InputError(what + ": no records" + (target.empty() ? "" : " of target " + target));
  const LayerRecord t = total_of(records);
  if (t.cycles == 0 || t.macs == 0 || t.pes() == 0) throw InputError(what + ": the records did no work");
  m.source = j.value("command", std::string("run")) + " (" + t.target + ")";
  m.peak_macs_per_cycle = static_cast<double>(t.pes());
  m.utilization = static_cast<double>(t.macs) / (static_cast<double>(t.pes()) * static_cast<double>(t.cycles));
  m.systems = 1;
  m.efficiency = 1.0;
  if (t.macs_skipped > 0) m.sparse_factor = static_cast<double>(t.macs + t.macs_skipped) / static_cast<double>(t.macs);
  return m;
}

double training_flops(double params, double tokens) { return 6.0 * params * tokens; }

double training_seconds(const WhatIf& w) {
  const double rate = static_cast<double>(w.systems) * w.peak_flops_per_system * w.utilization * w.efficiency * w.sparse_factor;
  return rate > 0 ? training_flops(w.params, w.tokens) / rate : 0.0;
}

double data_for_error(double a, double b, double error) {
  if (!(a > 0) || !(b < 0) || !(error > 0) || !(error < a)) {
    throw InputError("the power law error = a x data^b needs a > 0, b < 0 and 0 < --target-error < a");
  }
  return std::pow(error / a, 1.0 / b);
}

}  // namespace wb::sw
