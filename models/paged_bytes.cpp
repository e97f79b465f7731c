#include "models/paged_bytes.hpp"

#include <algorithm>
#include <cstring>

namespace wb::models {

PagedBytes::PagedBytes(std::size_t capacity)
    : m_capacity(capacity), m_pages((capacity + kPageBytes - 1) / kPageBytes) {}

void PagedBytes::read(std::uint64_t addr, unsigned char* out, std::size_t len) const {
  while (len > 0) {
    const std::size_t page = addr / kPageBytes;
    const std::size_t offset = addr % kPageBytes;
    const std::size_t n = std::min(len, kPageBytes - offset);
    if (m_pages[page]) {
      std::memcpy(out, m_pages[page].get() + offset, n);
    } else {
      std::memset(out, 0, n);
    }
    addr += n;
    out += n;
    len -= n;
  }
}

void PagedBytes::write(std::uint64_t addr, const unsigned char* in, std::size_t len) {
  while (len > 0) {
    const std::size_t page = addr / kPageBytes;
    const std::size_t offset = addr % kPageBytes;
    const std::size_t n = std::min(len, kPageBytes - offset);
    if (!m_pages[page]) {
      m_pages[page] = std::make_unique<unsigned char[]>(kPageBytes);  // value-initialised: zeros
      ++m_resident_pages;
    }
    std::memcpy(m_pages[page].get() + offset, in, n);
    addr += n;
    in += n;
    len -= n;
  }
}

}  // namespace wb::models
