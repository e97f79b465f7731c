// SPDX-License-Identifier: Apache-2.0
#pragma once
// What stands behind a DUT interface (ArrayDut, WaferDut): the Verilated RTL (truth; only the
// built sizes) or the C++ reference model (any size, same edges, cycles and results).
#include <string>

namespace wb::ref {

enum class Engine { kRtl, kModel };
const char* engine_name(Engine engine);        // "rtl" / "model"
Engine parse_engine(const std::string& text);  // throws sw::InputError

}  // namespace wb::ref
