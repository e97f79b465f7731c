// SPDX-License-Identifier: Apache-2.0
#pragma once
// The results of a sweep's jobs in one table: the per-layer records (sw/layer_record.hpp,
// schema kRecordSchema) of every done job, beside the options that made them.
#include <cstddef>
#include <string>
#include <vector>

#include "sw/layer_record.hpp"
#include "sw/sweep_dir.hpp"
#include "sw/sweep_spec.hpp"

namespace wb::sw {

struct SweepTable {
  // "job", one column per swept option named "--OPTION", then every record field
  // (records_csv_header); one line per record of every done job, in the jobs' order.
  std::string csv;
  std::vector<LayerRecord> records;  // the same records, each named "<varying options>: <its name>"
  std::size_t jobs_merged = 0;
  std::vector<std::string> missing;  // ids of the jobs without a result
};

// The options whose values differ between `jobs`, in the axes' order.
std::vector<std::string> varying_options(const std::vector<SweepJob>& jobs);
// "m=16 dataflow=ws": a job's values of the `varying` options (a flag bare, a false one left
// out), for record names; the command when none varies.
std::string sweep_point_text(const SweepJob& job, const std::vector<std::string>& varying);

// Merges the done jobs of `jobs`. A result file that is not valid JSON or holds no kRecordSchema
// records is an InputError naming it.
SweepTable merge_sweep(const std::vector<SweepJob>& jobs, const SweepDir& dir);

}  // namespace wb::sw
