// SPDX-License-Identifier: Apache-2.0
#pragma once
// ONNX tensors (TensorProto) as plain values: an initializer of a model, or one of the backend
// node tests' input_N.pb / output_N.pb files. No protobuf type leaks out of here.
#include <cstdint>
#include <string>
#include <vector>

namespace wb::sw {

struct OnnxTensor {
  std::string name;
  int data_type = 0;               // onnx::TensorProto::DataType (1 float, 2 uint8, 3 int8, 6 int32, ...)
  std::vector<std::int64_t> dims;  // empty for a scalar
  // Every element in row-major order, widened to double: exact for every 8- to 32-bit integer
  // type and for float16/float/double; int64 and uint64 beyond 2^53 lose precision.
  std::vector<double> values;

  std::int64_t elements() const;
  bool is_floating() const;  // float16, float, double, bfloat16
  // Every value an integer in [lo, hi].
  bool all_integers_in(double lo, double hi) const;
  // The values as int32 (throws InputError unless all are integers in int32).
  std::vector<std::int32_t> as_int32() const;
};

// "float", "uint8", "int8", ... ("type 42" when unknown).
std::string onnx_type_name(int data_type);

// Reads one serialized TensorProto. Throws InputError (one line naming the file) when it does not
// parse, has an unsupported type or keeps its data in an external file.
OnnxTensor read_onnx_tensor(const std::string& path);

}  // namespace wb::sw
