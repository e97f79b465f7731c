// SPDX-License-Identifier: Apache-2.0
#include "sw/npy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include "sw/error.hpp"
#include "sw/file_util.hpp"
#include "sw/host_memory.hpp"
#include "sw/parse.hpp"

namespace wb::sw {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
// NumPy's own limit (numpy.lib.format, max_header_size): longer headers are refused there too.
constexpr std::size_t kMaxHeaderBytes = 10000;
// The descrs each reader accepts (see read_npy).
constexpr char kInt8Descr[] = "|i1";
constexpr char kInt32Descr[] = "<i4";
constexpr char kMaskDescr[] = "|b1,|u1";

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<unsigned long long> shape;
  bool has_descr = false, has_order = false, has_shape = false;
};

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw InputError(printable(path) + ": " + why);
}

// The header is a Python dict literal, e.g. {'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }.
// A small recursive-descent reader, linear in the header (std::regex recurses per character).
class HeaderParser {
 public:
  HeaderParser(const std::string& path, const std::string& text) : m_path(path), m_text(text) {}

  NpyHeader parse() {
    NpyHeader h;
    expect('{');
    while (!take('}')) {
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        h.descr = string_literal();
        h.has_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        h.has_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        h.has_shape = true;
      } else {
        malformed("unexpected key '" + printable(key) + "'");
      }
      if (!take(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (m_pos != m_text.size()) malformed("text after the dictionary");
    if (!h.has_descr) malformed("no 'descr'");
    if (!h.has_order) malformed("no 'fortran_order'");
    if (!h.has_shape) malformed("no 'shape'");
    return h;
  }

 private:
  [[noreturn]] void malformed(const std::string& why) const { fail(m_path, "malformed .npy header (" + why + ")"); }

  void skip_space() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n')) ++m_pos;
  }
  bool take(char c) {
    skip_space();
    if (m_pos < m_text.size() && m_text[m_pos] == c) {
      ++m_pos;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!take(c)) malformed(std::string("expected '") + c + "'");
  }
  std::string string_literal() {
    skip_space();
    if (m_pos >= m_text.size() || (m_text[m_pos] != '\'' && m_text[m_pos] != '"')) malformed("expected a quoted key or value");
    const char quote = m_text[m_pos++];
    const std::size_t end = m_text.find(quote, m_pos);
    if (end == std::string::npos) malformed("unterminated string");
    std::string out = m_text.substr(m_pos, end - m_pos);
    m_pos = end + 1;
    return out;
  }
  bool boolean() {
    skip_space();
    for (const char* word : {"True", "False"}) {
      const std::size_t n = std::strlen(word);
      if (m_text.compare(m_pos, n, word) == 0) {
        m_pos += n;
        return word[0] == 'T';
      }
    }
    malformed("'fortran_order' is neither True nor False");
  }
  std::vector<unsigned long long> tuple() {
    std::vector<unsigned long long> out;
    expect('(');
    while (!take(')')) {
      skip_space();
      const std::size_t start = m_pos;
      while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ++m_pos;
      const std::string digits = m_text.substr(start, m_pos - start);
      if (m_pos < m_text.size() && m_text[m_pos] == 'L') ++m_pos;  // Python 2 long
      const auto v = parse_uint(digits);
      if (!v) {
        if (digits.empty()) malformed("a shape entry is not a non-negative integer");
        fail(m_path, "shape entry " + digits + " is too large");
      }
      out.push_back(*v);
      if (!take(',')) {
        expect(')');
        break;
      }
    }
    return out;
  }

  const std::string& m_path;
  const std::string& m_text;
  std::size_t m_pos = 0;
};

// Where a .npy's bytes come from: a file, read as needed so that nothing is allocated before
// the shape is checked against the file's size, or bytes already in memory.
class NpySource {
 public:
  virtual ~NpySource() = default;
  virtual std::uint64_t size() const = 0;
  // Reads up to `n` bytes; returns how many (fewer only at the end).
  virtual std::size_t read(void* buf, std::size_t n) = 0;
};

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

class FileSource : public NpySource {
 public:
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
  explicit FileSource(const std::string& path) : m_fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)) {
    if (m_fd.get() < 0) fail(path, std::string("cannot open file (") + std::strerror(errno) + ")");
    struct stat st;
    if (fstat(m_fd.get(), &st) != 0) fail(path, std::string("cannot open file (") + std::strerror(errno) + ")");
    if (S_ISDIR(st.st_mode)) fail(path, "a directory, not a .npy file");
    if (!S_ISREG(st.st_mode)) fail(path, "not a regular file (a FIFO or device): give a .npy file");
    m_size = static_cast<std::uint64_t>(st.st_size);
  }

  std::uint64_t size() const override { return m_size; }
  std::size_t read(void* buf, std::size_t n) override {
    std::size_t done = 0;
    while (done < n) {
      const ssize_t got = ::read(m_fd.get(), static_cast<char*>(buf) + done, n - done);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

 private:
  Fd m_fd;
  std::uint64_t m_size = 0;
};

class BytesSource : public NpySource {
 public:
  explicit BytesSource(const std::string& bytes) : m_bytes(bytes) {}
  std::uint64_t size() const override { return m_bytes.size(); }
  std::size_t read(void* buf, std::size_t n) override {
    const std::size_t got = std::min(n, m_bytes.size() - m_pos);
    if (got > 0) std::memcpy(buf, m_bytes.data() + m_pos, got);
    m_pos += got;
    return got;
  }

 private:
  const std::string& m_bytes;
  std::size_t m_pos = 0;
};

template <typename T>
Matrix<T> read_npy(NpySource& in, const std::string& path, const char* want_descr, const char* dtype_name) {
  const std::uint64_t file_bytes = in.size();
  char magic[6] = {};
  if (in.read(magic, 6) != 6 || std::memcmp(magic, kMagic, 6) != 0) {
    fail(path, "not a NumPy .npy file (bad magic)");
  }
  unsigned char version[2] = {};
  if (in.read(version, 2) != 2) fail(path, "truncated .npy header");
  std::size_t len_bytes = 0;
  if (version[0] == 1) {
    len_bytes = 2;
  } else if (version[0] == 2 || version[0] == 3) {
    len_bytes = 4;
  } else {
    fail(path, "unsupported .npy version " + std::to_string(version[0]));
  }
  unsigned char b[4] = {};
  if (in.read(b, len_bytes) != len_bytes) fail(path, "truncated .npy header");
  std::size_t header_len = 0;
  for (std::size_t i = 0; i < len_bytes; ++i) header_len |= static_cast<std::size_t>(b[i]) << (8 * i);
  if (header_len > kMaxHeaderBytes) {
    fail(path, ".npy header of " + std::to_string(header_len) + " bytes is longer than NumPy's limit of " +
                   std::to_string(kMaxHeaderBytes));
  }
  const std::uint64_t data_offset = 8 + len_bytes + header_len;
  if (data_offset > file_bytes) fail(path, "truncated .npy header");
  std::string text(header_len, '\0');
  if (in.read(text.data(), header_len) != header_len) fail(path, "truncated .npy header");
  const NpyHeader h = HeaderParser(path, text).parse();

  // `want_descr`: the accepted descrs, comma-separated; for one-byte types NumPy writes '|i1'
  // (or '|u1', '|b1'), and '<i1' is accepted too.
  const std::string want = want_descr;
  bool dtype_ok = false;
  for (std::size_t at = 0; at <= want.size();) {
    const std::size_t end = std::min(want.find(',', at), want.size());
    const std::string d = want.substr(at, end - at);
    dtype_ok |= h.descr == d || (sizeof(T) == 1 && d[0] == '|' && h.descr == "<" + d.substr(1));
    at = end + 1;
  }
  if (!dtype_ok) {
    fail(path, "dtype is '" + printable(h.descr) + "', expected " + dtype_name + " ('" + want + "')");
  }
  if (h.fortran_order) fail(path, "Fortran-ordered arrays are not supported (use C order)");
  if (h.shape.size() != 2) {
    fail(path, "expected a 2-D matrix, got " + std::to_string(h.shape.size()) + "-D shape");
  }
  const unsigned long long rows = h.shape[0], cols = h.shape[1];
  const std::string shape = "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
  if (rows == 0 || cols == 0) fail(path, "empty matrix shape " + shape);
  const auto max_dim = static_cast<unsigned long long>(std::numeric_limits<int>::max());
  if (rows > max_dim || cols > max_dim) fail(path, "shape " + shape + " has a dimension over 2^31-1");
  // The file must hold exactly the data the shape claims: checked before allocating any of it.
  const std::uint64_t have = file_bytes - data_offset;
  const unsigned __int128 need = static_cast<unsigned __int128>(rows) * cols * sizeof(T);
  if (need > have) {
    fail(path, "truncated data: shape " + shape + " needs " + std::to_string(static_cast<unsigned long long>(need)) +
                   " bytes, the file holds " + std::to_string(have));
  }
  if (need < have) fail(path, "trailing bytes after the matrix data");
  const auto bytes = static_cast<std::size_t>(need);
  check_host_memory(bytes, printable(path) + " (" + shape + ")");

  Matrix<T> m(static_cast<int>(rows), static_cast<int>(cols));
  std::vector<unsigned char> raw(bytes);
  if (in.read(raw.data(), bytes) != bytes) fail(path, "truncated data: the file shrank while being read");
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
std::string npy_bytes_impl(const Matrix<T>& m, const char* descr) {
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
  return bytes;
}

// A mask holds only 0 and 1.
MatrixU8 checked_mask(MatrixU8 m, const std::string& path) {
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m.data()[i] > 1) {
      fail(path, "a mask holds 0 or 1, got " + std::to_string(m.data()[i]) + " at [" +
                     std::to_string(i / static_cast<std::size_t>(m.cols())) + "][" +
                     std::to_string(i % static_cast<std::size_t>(m.cols())) + "]");
    }
  }
  return m;
}

}  // namespace

MatrixI8 read_npy_int8(const std::string& path) {
  FileSource in(path);
  return read_npy<std::int8_t>(in, path, kInt8Descr, "int8");
}
MatrixI32 read_npy_int32(const std::string& path) {
  FileSource in(path);
  return read_npy<std::int32_t>(in, path, kInt32Descr, "int32");
}
MatrixU8 read_npy_mask(const std::string& path) {
  FileSource in(path);
  return checked_mask(read_npy<std::uint8_t>(in, path, kMaskDescr, "bool or uint8"), path);
}
MatrixI8 parse_npy_int8(const std::string& bytes, const std::string& name) {
  BytesSource in(bytes);
  return read_npy<std::int8_t>(in, name, kInt8Descr, "int8");
}
MatrixI32 parse_npy_int32(const std::string& bytes, const std::string& name) {
  BytesSource in(bytes);
  return read_npy<std::int32_t>(in, name, kInt32Descr, "int32");
}
MatrixU8 parse_npy_mask(const std::string& bytes, const std::string& name) {
  BytesSource in(bytes);
  return checked_mask(read_npy<std::uint8_t>(in, name, kMaskDescr, "bool or uint8"), name);
}
std::string npy_bytes(const MatrixI8& m) { return npy_bytes_impl(m, kInt8Descr); }
std::string npy_bytes(const MatrixI32& m) { return npy_bytes_impl(m, kInt32Descr); }
void write_npy(const std::string& path, const MatrixI8& m) { write_file_atomically(path, npy_bytes(m)); }
void write_npy(const std::string& path, const MatrixI32& m) { write_file_atomically(path, npy_bytes(m)); }

}  // namespace wb::sw
