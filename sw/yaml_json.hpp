// SPDX-License-Identifier: Apache-2.0
#pragma once
// YAML files read as JSON (yaml-cpp), so one validator serves both spellings of a file.
#include <string>

#include <nlohmann/json.hpp>

namespace wb::sw {

// `text` as JSON, key order kept: maps, sequences and scalars; unquoted "true"/"false" are
// booleans, every other scalar is text (a reader that wants a number parses it). Throws
// InputError "<name>: not valid YAML: ..." on malformed text, a key given twice or an empty value.
nlohmann::ordered_json parse_yaml(const std::string& text, const std::string& name);

}  // namespace wb::sw
