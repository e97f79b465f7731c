// SPDX-License-Identifier: Apache-2.0
#include "sw/host_memory.hpp"

#include <cstdio>

#include "sw/error.hpp"

namespace wb::sw {

std::string format_bytes(double bytes) {
  const char* unit = "B";
  double v = bytes;
  for (const char* next : {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}) {
    if (v < 1024.0) break;
    v /= 1024.0;
    unit = next;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, unit[0] == 'B' ? "%.0f %s" : "%.1f %s", v, unit);
  return buf;
}

void check_host_memory(double bytes, const std::string& what) {
  if (bytes > static_cast<double>(kHostMemoryLimitBytes)) {
    throw InputError(what + " needs about " + format_bytes(bytes) + " of host memory, over the limit of " +
                     format_bytes(static_cast<double>(kHostMemoryLimitBytes)));
  }
}

double gemm_host_bytes(double m, double k, double n) { return m * k + k * n + 2 * 4 * m * n; }

double fabric_gemm_host_bytes(double m, double k, double n) {
  // a program wavelet is about 16 bytes, an SRAM word 4
  return gemm_host_bytes(m, k, n) + (4 + 16) * k * n + 16 * m * k;
}

double train_host_bytes(const MlpSpec& spec, int batch) {
  double weights = 0, widths = 0;
  for (int l = 0; l < spec.layers(); ++l) {
    weights += static_cast<double>(spec.widths[l]) * spec.widths[l + 1];
  }
  for (int w : spec.widths) widths += w;
  // int8 weights three times, int32 gradients twice; int8 activations, int32 pre-activations
  return (3 + 2 * 4) * weights + (1 + 4) * static_cast<double>(batch) * widths;
}

}  // namespace wb::sw
