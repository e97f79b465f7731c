// SPDX-License-Identifier: Apache-2.0
// [unit] FNV-1a 64 (sw/hash.hpp) against the published test vectors, and the weights hash.
#include <catch2/catch.hpp>

#include <cstring>

#include "sw/hash.hpp"

using namespace wb;

TEST_CASE("FNV-1a 64: published test vectors", "[unit]") {
  CHECK(sw::fnv1a_64("", 0) == 0xcbf29ce484222325ull);
  CHECK(sw::fnv1a_64("a", 1) == 0xaf63dc4c8601ec8cull);
  CHECK(sw::fnv1a_64("foobar", 6) == 0x85944171f73967e8ull);
  // Continuing a hash is hashing the concatenation.
  CHECK(sw::fnv1a_64("bar", 3, sw::fnv1a_64("foo", 3)) == 0x85944171f73967e8ull);
  CHECK(sw::hex64(0x85944171f73967e8ull) == "85944171f73967e8");
  CHECK(sw::hex64(0xaf63dc4cull) == "00000000af63dc4c");
}

TEST_CASE("weights hash: every layer's bytes in order, row-major", "[unit]") {
  sw::MatrixI8 a(1, 3), b(1, 3);
  std::memcpy(a.data(), "foo", 3);
  std::memcpy(b.data(), "bar", 3);
  CHECK(sw::weights_hash({a, b}) == 0x85944171f73967e8ull);
  CHECK(sw::weights_hash({b, a}) != sw::weights_hash({a, b}));
  CHECK(sw::weights_hash({}) == sw::kFnv1a64Offset);
  // Negative int8 values hash as their two's-complement bytes.
  sw::MatrixI8 m(1, 1);
  m.data()[0] = -1;
  CHECK(sw::weights_hash({m}) == sw::fnv1a_64("\xff", 1));
}
