// SPDX-License-Identifier: Apache-2.0
#include "sw/onnx_tensor.hpp"

#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "sw/error.hpp"
#include "sw/onnx_tensor_proto.hpp"

namespace wb::sw {
namespace {

using onnx::TensorProto;

double half_to_double(std::uint16_t h) {
  const int sign = (h >> 15) & 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double v;
  if (exponent == 0) {
    v = std::ldexp(mantissa, -24);
  } else if (exponent == 31) {
    v = mantissa ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  } else {
    v = std::ldexp(mantissa + 1024, exponent - 25);
  }
  return sign ? -v : v;
}

double bfloat16_to_double(std::uint16_t b) {
  const std::uint32_t bits = static_cast<std::uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// Element size in raw_data (little-endian, as ONNX stores it), 0 when unsupported.
std::size_t raw_size(int type) {
  switch (type) {
    case TensorProto::UINT8: case TensorProto::INT8: case TensorProto::BOOL: return 1;
    case TensorProto::UINT16: case TensorProto::INT16: case TensorProto::FLOAT16: case TensorProto::BFLOAT16: return 2;
    case TensorProto::FLOAT: case TensorProto::INT32: case TensorProto::UINT32: return 4;
    case TensorProto::DOUBLE: case TensorProto::INT64: case TensorProto::UINT64: return 8;
    default: return 0;
  }
}

// One element from raw little-endian bytes (this host is little-endian, as x86 and arm64 are).
double raw_value(int type, const char* p) {
  switch (type) {
    case TensorProto::UINT8: case TensorProto::BOOL: return static_cast<unsigned char>(*p);
    case TensorProto::INT8: return static_cast<signed char>(*p);
    case TensorProto::UINT16: { std::uint16_t v; std::memcpy(&v, p, 2); return v; }
    case TensorProto::INT16: { std::int16_t v; std::memcpy(&v, p, 2); return v; }
    case TensorProto::FLOAT16: { std::uint16_t v; std::memcpy(&v, p, 2); return half_to_double(v); }
    case TensorProto::BFLOAT16: { std::uint16_t v; std::memcpy(&v, p, 2); return bfloat16_to_double(v); }
    case TensorProto::FLOAT: { float v; std::memcpy(&v, p, 4); return v; }
    case TensorProto::INT32: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
    case TensorProto::UINT32: { std::uint32_t v; std::memcpy(&v, p, 4); return v; }
    case TensorProto::DOUBLE: { double v; std::memcpy(&v, p, 8); return v; }
    case TensorProto::INT64: { std::int64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
    case TensorProto::UINT64: { std::uint64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
    default: return 0.0;
  }
}

// The typed repeated fields: int32_data also carries 8/16-bit types and float16 bits.
void typed_values(const TensorProto& t, std::vector<double>& out) {
  const int type = t.data_type();
  switch (type) {
    case TensorProto::FLOAT: for (float v : t.float_data()) out.push_back(v); break;
    case TensorProto::DOUBLE: for (double v : t.double_data()) out.push_back(v); break;
    case TensorProto::INT64: for (auto v : t.int64_data()) out.push_back(static_cast<double>(v)); break;
    case TensorProto::UINT32: case TensorProto::UINT64:
      for (auto v : t.uint64_data()) out.push_back(static_cast<double>(v));
      break;
    case TensorProto::FLOAT16:
      for (auto v : t.int32_data()) out.push_back(half_to_double(static_cast<std::uint16_t>(v)));
      break;
    case TensorProto::BFLOAT16:
      for (auto v : t.int32_data()) out.push_back(bfloat16_to_double(static_cast<std::uint16_t>(v)));
      break;
    default: for (auto v : t.int32_data()) out.push_back(v); break;
  }
}

}  // namespace

std::int64_t OnnxTensor::elements() const {
  std::int64_t n = 1;
  for (std::int64_t d : dims) n *= d;
  return n;
}

bool OnnxTensor::is_floating() const {
  return data_type == TensorProto::FLOAT || data_type == TensorProto::DOUBLE || data_type == TensorProto::FLOAT16 ||
         data_type == TensorProto::BFLOAT16;
}

bool OnnxTensor::all_integers_in(double lo, double hi) const {
  for (double v : values) {
    if (!(v >= lo && v <= hi) || std::floor(v) != v) return false;
  }
  return true;
}

std::vector<std::int32_t> OnnxTensor::as_int32() const {
  if (!all_integers_in(std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max())) {
    throw InputError("tensor '" + name + "' does not hold int32 integers");
  }
  std::vector<std::int32_t> out;
  out.reserve(values.size());
  for (double v : values) out.push_back(static_cast<std::int32_t>(v));
  return out;
}

std::string onnx_type_name(int data_type) {
  if (data_type == 0 || !TensorProto::DataType_IsValid(data_type)) return "type " + std::to_string(data_type);
  std::string name = TensorProto::DataType_Name(static_cast<TensorProto::DataType>(data_type));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

OnnxTensor tensor_from_proto(const TensorProto& t, const std::string& where) {
  OnnxTensor out;
  out.name = t.name();
  out.data_type = t.data_type();
  for (auto d : t.dims()) {
    if (d < 0) throw InputError(where + ": negative dimension " + std::to_string(d));
    out.dims.push_back(d);
  }
  if (t.data_location() == TensorProto::EXTERNAL) {
    throw InputError(where + ": tensor data in an external file is not supported (save the model with its data inside)");
  }
  const std::size_t size = raw_size(out.data_type);
  if (size == 0) throw InputError(where + ": tensors of type " + onnx_type_name(out.data_type) + " are not supported");
  const std::int64_t n = out.elements();
  if (n > (std::int64_t{1} << 31)) throw InputError(where + ": tensor of " + std::to_string(n) + " elements is too large");
  out.values.reserve(static_cast<std::size_t>(n));
  if (t.has_raw_data()) {
    const std::string& raw = t.raw_data();
    if (raw.size() != static_cast<std::size_t>(n) * size) {
      throw InputError(where + ": raw data holds " + std::to_string(raw.size()) + " bytes, the shape needs " +
                       std::to_string(static_cast<std::size_t>(n) * size));
    }
    for (std::int64_t i = 0; i < n; ++i) out.values.push_back(raw_value(out.data_type, raw.data() + i * size));
  } else {
    typed_values(t, out.values);
    if (out.values.size() != static_cast<std::size_t>(n)) {
      throw InputError(where + ": holds " + std::to_string(out.values.size()) + " values, the shape needs " +
                       std::to_string(n));
    }
  }
  return out;
}

OnnxTensor read_onnx_tensor(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  TensorProto proto;
  if (!proto.ParseFromString(bytes.str())) throw InputError(path + ": not an ONNX tensor (TensorProto) file");
  return tensor_from_proto(proto, path);
}

}  // namespace wb::sw
