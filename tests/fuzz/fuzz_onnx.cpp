// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: the ONNX importer (protobuf parse, opset check, shape inference, mapping).
#include "sw/onnx_import.hpp"
#include "tests/fuzz/fuzz_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return wb::fuzz::parse_or_reject(data, size, [](const std::string& b) { wb::sw::import_onnx_bytes(b, "fuzz.onnx"); });
}
