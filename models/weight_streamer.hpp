// SPDX-License-Identifier: Apache-2.0
#pragma once
// Weight streaming into N systems: a WeightStreamer at the root broadcasts
// weight chunks from the weight store through the reduce tree; each system's WeightBuffer holds
// them in a double-buffered on-chip weight buffer (two halves of `half_bytes`), from which the
// system's GEMM streamer feeds the array's weight (B) inputs.
//
// Chunks: a layer's weight matrix W (rows x cols, row-major in the store) streams as blocks of
// whole rows, rows_per_chunk = floor(half_bytes / cols), each one contiguous read from the store.
// A forward chunk (rows r0.. of W) is the K-slice X[:, r0..] W[r0.., :]; a backward chunk lands
// transposed in the buffer (the buffer's write port transposes) as the B operand of
// dX[:, r0..] = dY W[r0.., :]^T. Sequence number s goes to half s % 2.
//
// Timing (cycles): chunk s is issued (tree broadcast, models/reduce_tree.hpp) at
//   issue(s) = max(issue(s-1), released(s-2), gate(s))
// where released(s-2) is when the last system finished the GEMMs that used chunk s-2 (the half
// is free again) and gate(s) is when the chunk's layer got its last update (next step's
// weights). ready(s) is the time every byte is in the buffer (store read + tree hops + link
// transfer at the ingress bandwidth). A system starts chunk s's GEMM at max(its previous GEMM's
// end, ready(s)); the difference is exposed (non-overlapped) streaming. So layer i+1's chunk
// streams while layer i computes, as long as a buffer half is free.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "models/clock.hpp"
#include "models/reduce_tree.hpp"
#include "sw/sparse_format.hpp"
#include "sw/tensor.hpp"

namespace wb::models {

struct WeightChunk {
  int layer = 0;
  bool backward = false;    // lands transposed
  int row0 = 0;             // first row of W
  int rows = 0;             // rows of W in the chunk
  int cols = 0;             // columns of W
  std::uint64_t addr = 0;   // store address of its first byte
  int gate_updates = 0;     // optimizer steps the layer must have had before the chunk is read
  // The rows as the store holds them: dense (rows * cols bytes), or encoded in a sparse format
  // (sw::encode, `encoded_bytes` of them, metadata included), which every tier, link and buffer
  // moves as they are and the buffer decodes on arrival (forward chunks only).
  sw::FormatSpec format;
  std::size_t encoded_bytes = 0;
  std::size_t bytes() const {
    return format.format == sw::SparseFormat::kDense ? static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols)
                                                     : encoded_bytes;
  }
};

// Rows of a `cols`-wide weight matrix per buffer half; throws sw::InputError if not even one row fits.
int rows_per_chunk(int cols, std::size_t half_bytes);

// A system's double-buffered weight buffer: the tree's broadcast target.
class WeightBuffer : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<WeightBuffer> tree2sys_wt;

  WeightBuffer(sc_core::sc_module_name name, std::size_t half_bytes, const Clock& clock);

  std::size_t half_bytes() const { return m_half_bytes; }
  // Announced by the streamer just before chunk `seq` is broadcast.
  void expect(int seq, const WeightChunk& chunk);
  bool has(int seq) const { return seq < m_received; }
  // The chunk's contents (W rows, or their transpose for a backward chunk) and when they were
  // all in the buffer. Valid until seq + 2 arrives.
  const sw::MatrixI8& data(int seq) const { return m_half[static_cast<std::size_t>(seq % 2)]; }
  sc_core::sc_time ready(int seq) const { return m_ready[static_cast<std::size_t>(seq % 2)]; }
  std::uint64_t bytes_received() const { return m_bytes; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

  std::size_t m_half_bytes;
  Clock m_clock;
  WeightChunk m_expected;
  int m_expected_seq = -1;
  int m_received = 0;
  sw::MatrixI8 m_half[2];
  sc_core::sc_time m_ready[2];
  std::uint64_t m_bytes = 0;
};

struct ChunkTiming {
  WeightChunk chunk;
  double issue = 0;  // cycles
  double ready = 0;
};

// The root: issues the chunks in order through the tree as soon as a half is free everywhere.
class WeightStreamer : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(WeightStreamer);
  WeightStreamer(sc_core::sc_module_name name, ReduceTree& tree, std::vector<WeightBuffer*> buffers, const Clock& clock);

  // Appends a chunk to the stream; returns its sequence number.
  int push(const WeightChunk& chunk);
  // System `system` no longer needs chunk `seq` (its half may be refilled).
  void release(int system, int seq);
  // The store applied an optimizer step to `layer` (opens the gate of the next step's chunks).
  void note_update(int layer);

  // Waits (SC_THREAD) until chunk `seq` is in system `system`'s buffer; returns the cycles waited.
  double wait_ready(int system, int seq);

  const std::vector<ChunkTiming>& timings() const { return m_timings; }

 private:
  void run();
  bool can_issue(int seq) const;

  ReduceTree& m_tree;
  std::vector<WeightBuffer*> m_buffers;
  Clock m_clock;
  std::vector<ChunkTiming> m_timings;        // by sequence number
  std::vector<int> m_released;               // systems that released each chunk
  std::vector<int> m_updates;                // optimizer steps per layer so far
  int m_next = 0;
  sc_core::sc_event m_changed;
  sc_core::sc_event m_issued;
};

}  // namespace wb::models
