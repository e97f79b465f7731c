// SPDX-License-Identifier: Apache-2.0
#pragma once
// Host memory estimates from shapes alone, checked before a run allocates anything: a run that
// would need more than the limit fails at once with a one-line InputError, instead of
// std::bad_alloc (or a swapping machine) after minutes of work. Estimates are in bytes, as
// doubles so that absurd shapes cannot overflow them.
#include <cstdint>
#include <string>

#include "sw/mlp.hpp"

namespace wb::sw {

// The most host memory a run may plan to use (the README says so).
constexpr std::uint64_t kHostMemoryLimitBytes = std::uint64_t{8} << 30;

// Throws InputError ("<what> needs about 37.3 GiB of host memory, over the limit of 8 GiB")
// when `bytes` exceeds kHostMemoryLimitBytes.
void check_host_memory(double bytes, const std::string& what);

// One golden-checked GEMM M x K x N: int8 A and B, the int32 result and its CPU reference.
double gemm_host_bytes(double m, double k, double n);
// The same on the compute fabric, plus its program: PE SRAM words of B and a wavelet per
// nonzero operand, counted as if dense.
double fabric_gemm_host_bytes(double m, double k, double n);
// Training steps of `spec`: the weights (the data, the weight store, the buffers) and their
// int32 gradients (reduced in the tree and computed again by the golden reference), plus every
// activation of the batch.
double train_host_bytes(const MlpSpec& spec, int batch);

// "37.3 GiB", "512.0 MiB": for messages.
std::string format_bytes(double bytes);

}  // namespace wb::sw
