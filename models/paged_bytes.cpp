// SPDX-License-Identifier: Apache-2.0
#include "models/paged_bytes.hpp"

#include <algorithm>
#include <cstring>

namespace wb::models {

PagedBytes::PagedBytes(std::size_t capacity)
    : m_capacity(capacity), m_pages((capacity + kPageBytes - 1) / kPageBytes) {}

namespace {

// Calls f(page, offset, n) for each page-sized piece of [addr, addr + len), in order.
template <class F>
void for_each_piece(std::uint64_t addr, std::size_t len, F&& f) {
  while (len > 0) {
    const std::size_t offset = addr % PagedBytes::kPageBytes;
    const std::size_t n = std::min(len, PagedBytes::kPageBytes - offset);
    f(static_cast<std::size_t>(addr / PagedBytes::kPageBytes), offset, n);
    addr += n;
    len -= n;
  }
}

}  // namespace

void PagedBytes::read(std::uint64_t addr, unsigned char* out, std::size_t len) const {
  for_each_piece(addr, len, [&](std::size_t page, std::size_t offset, std::size_t n) {
    if (m_pages[page]) {
      std::memcpy(out, m_pages[page].get() + offset, n);
    } else {
      std::memset(out, 0, n);
    }
    out += n;
  });
}

void PagedBytes::write(std::uint64_t addr, const unsigned char* in, std::size_t len) {
  for_each_piece(addr, len, [&](std::size_t page, std::size_t offset, std::size_t n) {
    if (!m_pages[page]) {
      m_pages[page] = std::make_unique<unsigned char[]>(kPageBytes);  // value-initialised: zeros
      ++m_resident_pages;
    }
    std::memcpy(m_pages[page].get() + offset, in, n);
    in += n;
  });
}

}  // namespace wb::models
