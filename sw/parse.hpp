// SPDX-License-Identifier: Apache-2.0
#pragma once
// Strict parsing of numbers and lists from user text (options, model strings, .npy headers):
// the whole text must be the value, so "1e6" is no integer, "0x1p3", "inf", "nan" and "4 " are no
// numbers, "-1" is no unsigned, and "1," or "16x16x" have an empty item.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wb::sw {

// Decimal digits with an optional leading '-', within [lo, hi]; nullopt otherwise.
std::optional<long long> parse_int(const std::string& text, long long lo, long long hi);
// Decimal digits only, up to 2^64-1; nullopt otherwise (also on overflow).
std::optional<unsigned long long> parse_uint(const std::string& text);
// [-]digits[.digits][e[+-]digits] (or [-].digits...), neither overflowing nor underflowing a double;
// nullopt otherwise.
std::optional<double> parse_double(const std::string& text);

// The items of `text` split at `sep`; nullopt when any item is empty (an empty text, a leading,
// trailing or doubled separator).
std::optional<std::vector<std::string>> split_list(const std::string& text, char sep);

// `text` with control characters written as escapes (\n, \t, \xHH), so that a message that
// quotes user input stays on one line.
std::string printable(const std::string& text);

}  // namespace wb::sw
