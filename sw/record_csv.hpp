// SPDX-License-Identifier: Apache-2.0
#pragma once
// The per-layer records as CSV (RFC 4180: comma-separated, quoted where a cell needs it, one
// header line of record_fields() names), and a reader for such text.
#include <string>
#include <vector>

#include "sw/layer_record.hpp"

namespace wb::sw {

// The header line: every field of record_fields(), in order.
std::string records_csv_header();
// One record as a line in the header's column order; null (unknown) fields are empty cells.
std::string records_csv_row(const LayerRecord& r);
// Header plus one line per record.
std::string records_csv(const std::vector<LayerRecord>& records);

// The cells of CSV text, line by line (quoted cells may hold commas, quotes and newlines).
// Throws InputError naming `what` and the line on an unterminated quote.
std::vector<std::vector<std::string>> parse_csv(const std::string& text, const std::string& what);

// A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& text);

}  // namespace wb::sw
