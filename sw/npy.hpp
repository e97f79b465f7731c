#pragma once
// NumPy .npy (format 1.0/2.0/3.0) for 2-D int8 and int32 matrices, little-endian, C order.
// Anything else (other dtypes, Fortran order, not 2-D, truncated data) is an InputError with a
// one-line message naming the file.
#include <string>

#include "sw/tensor.hpp"

namespace wb::sw {

MatrixI8 read_npy_int8(const std::string& path);
MatrixI32 read_npy_int32(const std::string& path);

// Writes atomically: a temporary file renamed over `path`, so a failure never leaves a
// half-written result behind.
void write_npy(const std::string& path, const MatrixI8& m);
void write_npy(const std::string& path, const MatrixI32& m);

}  // namespace wb::sw
