// SPDX-License-Identifier: Apache-2.0
#pragma once
// The results of a sweep's jobs as one CSV table.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sw/record_csv.hpp"  // csv_field
#include "sw/sweep_dir.hpp"
#include "sw/sweep_spec.hpp"

namespace wb::sw {

// The rows of one job's --json result: one per element of its "layers" or "points" list when
// it has one (the element's fields, then the result's other scalar fields), else one; nested
// objects flattened as "a.b", other lists left out. Values as JSON prints them, strings bare.
std::vector<std::vector<std::pair<std::string, std::string>>> result_rows(const nlohmann::json& result);

struct SweepTable {
  std::string csv;
  std::size_t rows = 0;
  std::size_t jobs_merged = 0;
  std::vector<std::string> missing;  // ids of the jobs without a result
};

// The CSV of every done job of `jobs`, in their order: the columns "job" (its id), the swept
// options, then the result's fields (their union, in order of first appearance). A result
// file that is not valid JSON is an InputError naming it.
SweepTable merge_sweep(const std::vector<SweepJob>& jobs, const SweepDir& dir);

}  // namespace wb::sw
