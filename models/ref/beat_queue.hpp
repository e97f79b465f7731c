// SPDX-License-Identifier: Apache-2.0
#pragma once
// FIFO of fixed-width int8 beats, each with the cycle from which it may be presented and a
// `last` flag. A growable ring buffer: no allocation per beat on the simulation hot path.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace wb::ref {

class BeatQueue {
 public:
  explicit BeatQueue(int width) : m_width(static_cast<std::size_t>(width)) { reserve(64); }

  int width() const { return static_cast<int>(m_width); }
  std::size_t size() const { return m_count; }
  bool empty() const { return m_count == 0; }

  void push(const std::int8_t* data, std::uint64_t avail_cycle, bool last) {
    if (m_count == m_avail.size()) reserve(2 * m_avail.size());
    const std::size_t slot = (m_head + m_count) & m_mask;
    std::memcpy(&m_data[slot * m_width], data, m_width);
    m_avail[slot] = avail_cycle;
    m_last[slot] = last ? 1 : 0;
    ++m_count;
  }
  const std::int8_t* front_data() const { return &m_data[m_head * m_width]; }
  std::uint64_t front_avail() const { return m_avail[m_head]; }
  bool front_last() const { return m_last[m_head] != 0; }
  void pop() {
    m_head = (m_head + 1) & m_mask;
    --m_count;
  }

 private:
  void reserve(std::size_t capacity) {  // capacity is a power of two
    std::vector<std::int8_t> data(capacity * m_width);
    std::vector<std::uint64_t> avail(capacity);
    std::vector<std::uint8_t> last(capacity);
    for (std::size_t i = 0; i < m_count; ++i) {
      const std::size_t from = (m_head + i) & m_mask;
      std::memcpy(&data[i * m_width], &m_data[from * m_width], m_width);
      avail[i] = m_avail[from];
      last[i] = m_last[from];
    }
    m_data.swap(data);
    m_avail.swap(avail);
    m_last.swap(last);
    m_head = 0;
    m_mask = capacity - 1;
  }

  std::size_t m_width;
  std::vector<std::int8_t> m_data;
  std::vector<std::uint64_t> m_avail;
  std::vector<std::uint8_t> m_last;
  std::size_t m_head = 0;
  std::size_t m_count = 0;
  std::size_t m_mask = 0;
};

}  // namespace wb::ref
