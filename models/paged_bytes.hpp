// SPDX-License-Identifier: Apache-2.0
#pragma once
// Byte storage of a fixed capacity whose pages are allocated on first write; bytes never
// written read as zero. A simulated memory of hundreds of MiB then costs only what a run
// touches (a zero-filled std::vector of 256 MiB cost every process 0.19 s and 272 MB).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace wb::models {

class PagedBytes {
 public:
  static constexpr std::size_t kPageBytes = std::size_t{64} << 10;

  explicit PagedBytes(std::size_t capacity);

  std::size_t size() const { return m_capacity; }
  // Bytes held by allocated pages.
  std::size_t resident_bytes() const { return m_resident_pages * kPageBytes; }
  // [addr, addr + len) must lie inside the capacity (the caller checks).
  void read(std::uint64_t addr, unsigned char* out, std::size_t len) const;
  void write(std::uint64_t addr, const unsigned char* in, std::size_t len);

 private:
  std::size_t m_capacity;
  std::vector<std::unique_ptr<unsigned char[]>> m_pages;
  std::size_t m_resident_pages = 0;
};

}  // namespace wb::models
