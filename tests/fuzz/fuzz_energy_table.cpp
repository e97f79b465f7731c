// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness: energy tables, JSON or (WB_FUZZ_YAML=1) YAML, and the SRAM interpolation
// over the parsed sizes.
#include <limits>

#include "sw/energy.hpp"
#include "tests/fuzz/fuzz_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return wb::fuzz::parse_or_reject(data, size, [](const std::string& b) {
    const wb::sw::EnergyTable t = wb::sw::parse_energy_table(b, WB_FUZZ_YAML, "fuzz");
    for (const std::uint64_t bytes : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{48} << 10,
                                      std::numeric_limits<std::uint64_t>::max()}) {
      t.sram_read_pj_per_byte(bytes);
      t.sram_write_pj_per_byte(bytes);
    }
    wb::sw::to_json(t).dump();
  });
}
