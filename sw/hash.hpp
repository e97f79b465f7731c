// SPDX-License-Identifier: Apache-2.0
#pragma once
// FNV-1a 64 (Fowler/Noll/Vo): a short, stable fingerprint of bytes, for comparing results
// across runs and processes (not a cryptographic hash).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sw/tensor.hpp"

namespace wb::sw {

constexpr std::uint64_t kFnv1a64Offset = 14695981039346656037ull;
constexpr std::uint64_t kFnv1a64Prime = 1099511628211ull;

// FNV-1a 64 of `bytes` bytes, continuing from `hash` (the offset basis starts a new hash).
std::uint64_t fnv1a_64(const void* data, std::size_t bytes, std::uint64_t hash = kFnv1a64Offset);

// FNV-1a 64 over the int8 weights of every layer in order, each row-major (W_l is
// widths[l] x widths[l+1]), as one byte stream: the shapes are not hashed.
std::uint64_t weights_hash(const std::vector<MatrixI8>& weights);

// 16 lower-case hex digits, zero-padded.
std::string hex64(std::uint64_t value);

}  // namespace wb::sw
