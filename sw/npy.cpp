#include "sw/npy.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <vector>

#include "sw/error.hpp"
#include "sw/file_util.hpp"

namespace wb::sw {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<long long> shape;
};

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw InputError(path + ": " + why);
}

NpyHeader parse_header(const std::string& path, const std::string& text) {
  NpyHeader h;
  std::smatch m;
  static const std::regex descr_re(R"('descr'\s*:\s*'([^']*)')");
  static const std::regex fortran_re(R"('fortran_order'\s*:\s*(True|False))");
  static const std::regex shape_re(R"('shape'\s*:\s*\(([^)]*)\))");
  if (!std::regex_search(text, m, descr_re)) fail(path, "malformed .npy header (no 'descr')");
  h.descr = m[1];
  if (!std::regex_search(text, m, fortran_re)) fail(path, "malformed .npy header (no 'fortran_order')");
  h.fortran_order = (m[1] == "True");
  if (!std::regex_search(text, m, shape_re)) fail(path, "malformed .npy header (no 'shape')");
  std::stringstream ss(m[1].str());
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto first = item.find_first_not_of(" \t");
    if (first == std::string::npos) continue;  // trailing comma of a 1-tuple
    const auto last = item.find_last_not_of(" \tL");
    const std::string digits = item.substr(first, last - first + 1);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
      fail(path, "malformed .npy shape '" + m[1].str() + "'");
    }
    h.shape.push_back(std::stoll(digits));
  }
  return h;
}

template <typename T>
Matrix<T> read_npy(const std::string& path, const char* want_descr, const char* dtype_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  char magic[6] = {};
  in.read(magic, 6);
  if (!in || std::memcmp(magic, kMagic, 6) != 0) fail(path, "not a NumPy .npy file (bad magic)");
  unsigned char version[2] = {};
  in.read(reinterpret_cast<char*>(version), 2);
  std::size_t header_len = 0;
  if (version[0] == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | (b[1] << 8);
  } else if (version[0] == 2 || version[0] == 3) {
    unsigned char b[4];
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::size_t>(b[3]) << 24);
  } else {
    fail(path, "unsupported .npy version " + std::to_string(version[0]));
  }
  if (!in || header_len > (1u << 20)) fail(path, "truncated or malformed .npy header");
  std::string text(header_len, '\0');
  in.read(text.data(), static_cast<std::streamsize>(header_len));
  if (!in) fail(path, "truncated .npy header");
  const NpyHeader h = parse_header(path, text);

  const std::string want = want_descr;
  const bool one_byte = (sizeof(T) == 1);
  // For one-byte types NumPy writes '|i1'; accept '<i1' too.
  const bool dtype_ok = (h.descr == want) || (one_byte && h.descr == "<i1");
  if (!dtype_ok) {
    fail(path, std::string("dtype is '") + h.descr + "', expected " + dtype_name + " ('" + want + "')");
  }
  if (h.fortran_order) fail(path, "Fortran-ordered arrays are not supported (use C order)");
  if (h.shape.size() != 2) {
    fail(path, "expected a 2-D matrix, got " + std::to_string(h.shape.size()) + "-D shape");
  }
  const long long rows = h.shape[0], cols = h.shape[1];
  if (rows <= 0 || cols <= 0) fail(path, "empty matrix shape (" + std::to_string(rows) + ", " + std::to_string(cols) + ")");
  if (rows > std::numeric_limits<int>::max() || cols > std::numeric_limits<int>::max() ||
      rows * cols > (1ll << 34) / static_cast<long long>(sizeof(T))) {
    fail(path, "matrix too large");
  }
  Matrix<T> m(static_cast<int>(rows), static_cast<int>(cols));
  const std::streamsize bytes = static_cast<std::streamsize>(m.size() * sizeof(T));
  std::vector<unsigned char> raw(static_cast<std::size_t>(bytes));
  in.read(reinterpret_cast<char*>(raw.data()), bytes);
  if (in.gcount() != bytes) fail(path, "truncated data: expected " + std::to_string(bytes) + " bytes");
  in.peek();
  if (!in.eof()) fail(path, "trailing bytes after the matrix data");
  for (std::size_t i = 0; i < m.size(); ++i) {
    std::uint32_t v = 0;
    for (std::size_t b = 0; b < sizeof(T); ++b) v |= static_cast<std::uint32_t>(raw[i * sizeof(T) + b]) << (8 * b);
    T out;
    if constexpr (sizeof(T) == 1) {
      out = static_cast<T>(static_cast<std::uint8_t>(v));
    } else {
      out = static_cast<T>(v);
    }
    m.data()[i] = out;
  }
  return m;
}

template <typename T>
void write_npy_impl(const std::string& path, const Matrix<T>& m, const char* descr) {
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" +
                       std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + "), }";
  // Pad so magic(6) + version(2) + len(2) + header + '\n' is a multiple of 64.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string bytes(kMagic, 6);
  bytes.push_back('\x01');
  bytes.push_back('\x00');
  bytes.push_back(static_cast<char>(header.size() & 0xff));
  bytes.push_back(static_cast<char>((header.size() >> 8) & 0xff));
  bytes += header;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const auto v = static_cast<std::uint32_t>(static_cast<std::int64_t>(m.data()[i]));
    for (std::size_t b = 0; b < sizeof(T); ++b) bytes.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
  }
  write_file_atomically(path, bytes);
}

}  // namespace

MatrixI8 read_npy_int8(const std::string& path) { return read_npy<std::int8_t>(path, "|i1", "int8"); }
MatrixI32 read_npy_int32(const std::string& path) { return read_npy<std::int32_t>(path, "<i4", "int32"); }
void write_npy(const std::string& path, const MatrixI8& m) { write_npy_impl(path, m, "|i1"); }
void write_npy(const std::string& path, const MatrixI32& m) { write_npy_impl(path, m, "<i4"); }

}  // namespace wb::sw
