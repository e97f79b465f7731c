// SPDX-License-Identifier: Apache-2.0
#include "sw/hash.hpp"

#include <cstdio>

namespace wb::sw {

std::uint64_t fnv1a_64(const void* data, std::size_t bytes, std::uint64_t hash) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * kFnv1a64Prime;
  return hash;
}

std::uint64_t weights_hash(const std::vector<MatrixI8>& weights) {
  std::uint64_t h = kFnv1a64Offset;
  for (const MatrixI8& w : weights) h = fnv1a_64(w.data(), w.size(), h);
  return h;
}

std::string hex64(std::uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

}  // namespace wb::sw
