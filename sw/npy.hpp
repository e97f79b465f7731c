// SPDX-License-Identifier: Apache-2.0
#pragma once
// NumPy .npy (format 1.0/2.0/3.0) for 2-D int8 and int32 matrices, little-endian, C order.
// Anything else (other dtypes, Fortran order, not 2-D, a header over NumPy's 10 000 bytes, a
// shape the file's length does not hold, not a regular file) is an InputError with a one-line
// message naming the file, raised before the data is allocated.
#include <string>

#include "sw/tensor.hpp"

namespace wb::sw {

MatrixI8 read_npy_int8(const std::string& path);
MatrixI32 read_npy_int32(const std::string& path);
// A weight mask: 2-D bool or uint8, every value 0 (pruned) or 1 (kept).
MatrixU8 read_npy_mask(const std::string& path);
// The same from a file's bytes in memory; `name` names it in errors.
MatrixI8 parse_npy_int8(const std::string& bytes, const std::string& name);
MatrixI32 parse_npy_int32(const std::string& bytes, const std::string& name);
MatrixU8 parse_npy_mask(const std::string& bytes, const std::string& name);

// The file's bytes (version 1.0 header, padded to 64 bytes).
std::string npy_bytes(const MatrixI8& m);
std::string npy_bytes(const MatrixI32& m);

// Writes atomically: a temporary file renamed over `path`, so a failure never leaves a
// half-written result behind.
void write_npy(const std::string& path, const MatrixI8& m);
void write_npy(const std::string& path, const MatrixI32& m);

}  // namespace wb::sw
