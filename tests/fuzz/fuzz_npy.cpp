// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: the .npy readers (int8 matrices, int32 matrices, bool/uint8 masks).
#include "sw/npy.hpp"
#include "tests/fuzz/fuzz_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wb::fuzz::parse_or_reject(data, size, [](const std::string& b) { wb::sw::parse_npy_int8(b, "fuzz.npy"); });
  wb::fuzz::parse_or_reject(data, size, [](const std::string& b) { wb::sw::parse_npy_int32(b, "fuzz.npy"); });
  return wb::fuzz::parse_or_reject(data, size, [](const std::string& b) { wb::sw::parse_npy_mask(b, "fuzz.npy"); });
}
