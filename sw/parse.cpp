// SPDX-License-Identifier: Apache-2.0
#include "sw/parse.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace wb::sw {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(const std::string& s, std::size_t from) {
  if (from >= s.size()) return false;
  for (std::size_t i = from; i < s.size(); ++i) {
    if (!is_digit(s[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<unsigned long long> parse_uint(const std::string& text) {
  if (!all_digits(text, 0)) return std::nullopt;
  unsigned long long v = 0;
  for (char c : text) {
    const unsigned d = static_cast<unsigned>(c - '0');
    if (v > (~0ull - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<long long> parse_int(const std::string& text, long long lo, long long hi) {
  const bool negative = !text.empty() && text[0] == '-';
  const auto magnitude = parse_uint(negative ? text.substr(1) : text);
  if (!magnitude) return std::nullopt;
  // |LLONG_MIN| = LLONG_MAX + 1
  const unsigned long long limit = negative ? 9223372036854775808ull : 9223372036854775807ull;
  if (*magnitude > limit) return std::nullopt;
  const long long v = negative ? static_cast<long long>(0ull - *magnitude) : static_cast<long long>(*magnitude);
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<double> parse_double(const std::string& text) {
  // The grammar first: strtod alone also takes hex, inf, nan and leading spaces.
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    return i - start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  std::size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  errno = 0;
  const double v = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(v) || errno == ERANGE) return std::nullopt;  // overflow or underflow
  return v;
}

std::optional<std::vector<std::string>> split_list(const std::string& text, char sep) {
  std::vector<std::string> items;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(sep, start);
    items.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (items.back().empty()) return std::nullopt;
    if (end == std::string::npos) return items;
    start = end + 1;
  }
}

std::string printable(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace wb::sw
