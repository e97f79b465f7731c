// SPDX-License-Identifier: Apache-2.0
#pragma once
// SCALE-Sim v2's two summary reports for the array's layers, column for column as its
// simulator.py writes them ("LayerID, Total Cycles, ..." with ", " between cells and a trailing
// comma), so scripts written for SCALE-Sim read waferbench's results. Their memory levels map
// to ours: SCALE-Sim's SRAM is the array's edge (words that enter and leave it), its DRAM is the
// on-chip memory that the streamer reads A and B from (and C is written back to).
#include <map>
#include <string>
#include <vector>

#include "sw/layer_record.hpp"

namespace wb::sw {

// The records of target "array", in order, LayerID 0, 1, ...
std::string scalesim_compute_report(const std::vector<LayerRecord>& records);
std::string scalesim_bandwidth_report(const std::vector<LayerRecord>& records);

// A report as above read back: one map per row from column name (trimmed) to value. Throws
// InputError naming `what` on a malformed line.
std::vector<std::map<std::string, double>> read_scalesim_report(const std::string& text, const std::string& what);

}  // namespace wb::sw
