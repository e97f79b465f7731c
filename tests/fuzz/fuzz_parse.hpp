// SPDX-License-Identifier: Apache-2.0
#pragma once
// The shared body of the libFuzzer harnesses: the fuzzer's bytes go to one of the project's
// parsers. Bad input must come back as an InputError with a one-line message (the CLI prints
// it and exits 2); any other exception escapes, a multi-line message aborts, and a memory or
// undefined-behaviour error stops the sanitizers: libFuzzer reports each as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sw/error.hpp"

namespace wb::fuzz {

template <typename Parse>
int parse_or_reject(const std::uint8_t* data, std::size_t size, Parse parse) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    parse(bytes);
  } catch (const wb::sw::InputError& e) {
    const std::string what = e.what();
    if (what.empty() || what.find('\n') != std::string::npos) {
      std::fprintf(stderr, "an InputError that is not one line: '%s'\n", what.c_str());
      std::abort();
    }
  }
  return 0;
}

}  // namespace wb::fuzz
