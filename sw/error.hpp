// SPDX-License-Identifier: Apache-2.0
#pragma once
// Errors the CLI reports as one line with exit code 2 (bad user input), as opposed to
// simulation failures (golden mismatch, watchdog) which are runtime_errors.
#include <stdexcept>
#include <string>

namespace wb::sw {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace wb::sw
