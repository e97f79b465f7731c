// SPDX-License-Identifier: Apache-2.0
#include "models/gemm_streamer.hpp"

#include <stdexcept>

#include "models/beat_stream.hpp"
#include "sw/error.hpp"
#include "sw/sparse_format.hpp"

namespace wb::models {

GemmStreamer::GemmStreamer(sc_core::sc_module_name name, const StreamerOptions& options, const Clock& clock)
    : sc_core::sc_module(name),
      streamer2mem("streamer2mem"),
      streamer2sa_a("streamer2sa_a"),
      streamer2sa_b("streamer2sa_b"),
      m_options(options),
      m_clock(clock) {
  if (options.chunk_beats <= 0) throw sw::InputError("streamer chunk must be positive");
}

void GemmStreamer::read_bytes(std::uint64_t addr, void* dst, std::size_t bytes, sc_core::sc_time& ready) {
  tlm::tlm_generic_payload& gp = m_read;
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_address(addr);
  gp.set_data_ptr(static_cast<unsigned char*>(dst));
  gp.set_data_length(static_cast<unsigned int>(bytes));
  gp.set_streaming_width(static_cast<unsigned int>(bytes));
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = m_qk.get_local_time();
  streamer2mem->b_transport(gp, delay);
  if (gp.is_response_error()) throw std::runtime_error("streamer: memory read failed at address " + std::to_string(addr));
  if (delay > ready) ready = delay;
  ++m_counters.mem_reads;
  m_counters.bytes_read += bytes;
}

sw::MatrixI8 GemmStreamer::read_region(std::uint64_t base, int ld, const sw::Region& region, sc_core::sc_time& ready) {
  sw::MatrixI8 block(region.rows, region.cols);
  ready = m_qk.get_local_time();
  if (region.rows == 0 || region.cols == 0) return block;
  // Whole rows of the matrix are contiguous: one transfer; otherwise one per row.
  const bool contiguous = region.col0 == 0 && region.cols == ld;
  const int transfers = contiguous ? 1 : region.rows;
  const std::size_t bytes = contiguous ? block.size() : static_cast<std::size_t>(region.cols);
  for (int t = 0; t < transfers; ++t) {
    read_bytes(base + (static_cast<std::uint64_t>(region.row0) + t) * static_cast<std::uint64_t>(ld) + region.col0,
               block.row(t), bytes, ready);
  }
  return block;
}

sw::MatrixI8 GemmStreamer::read_nm_region(std::uint64_t base, const sw::GemmPlan& plan, const sw::Region& region,
                                          sc_core::sc_time& ready) {
  sw::MatrixI8 pairs(region.rows, region.cols);
  ready = m_qk.get_local_time();
  if (region.rows == 0 || region.cols == 0) return pairs;
  const sw::NmMode nm = plan.nm();
  const std::uint64_t cols = static_cast<std::uint64_t>(plan.shape().n);
  const std::uint64_t kept = static_cast<std::uint64_t>((plan.shape().k + nm.m - 1) / nm.m * nm.n);
  const std::uint64_t bits = static_cast<std::uint64_t>(sw::nm_index_bits(nm.m));
  const std::uint64_t values_base = base + (kept * cols * bits + 7) / 8;  // after the packed offsets
  const int col0 = region.col0 / 2, width = region.cols / 2;
  const bool whole_rows = col0 == 0 && static_cast<std::uint64_t>(width) == cols;
  const int transfers = whole_rows ? 1 : region.rows;
  const int rows_each = whole_rows ? region.rows : 1;
  std::vector<std::int8_t> values;
  std::vector<std::uint8_t> offsets;
  for (int t = 0; t < transfers; ++t) {
    const std::uint64_t first = (static_cast<std::uint64_t>(region.row0) + static_cast<std::uint64_t>(t)) * cols +
                                static_cast<std::uint64_t>(col0);  // slot of the transfer's first weight
    const std::size_t count = static_cast<std::size_t>(rows_each) * static_cast<std::size_t>(width);
    values.resize(count);
    read_bytes(values_base + first, values.data(), count, ready);
    // The bytes the count offsets from bit first * bits on lie in.
    const std::uint64_t lo = first * bits / 8, hi = ((first + count) * bits + 7) / 8;
    offsets.resize(static_cast<std::size_t>(hi - lo));
    if (hi > lo) {
      read_bytes(base + lo, offsets.data(), offsets.size(), ready);
      m_counters.b_metadata_bytes_read += hi - lo;
    }
    for (std::size_t i = 0; i < count; ++i) {
      unsigned offset = 0;
      for (std::uint64_t b = 0; b < bits; ++b) {
        const std::uint64_t bit = (first + i) * bits + b - lo * 8;
        offset |= ((offsets[static_cast<std::size_t>(bit / 8)] >> (bit % 8)) & 1u) << b;
      }
      const int row = t * rows_each + static_cast<int>(i / static_cast<std::size_t>(width));
      const int c = static_cast<int>(i % static_cast<std::size_t>(width));
      pairs.at(row, 2 * c) = values[i];
      pairs.at(row, 2 * c + 1) = static_cast<std::int8_t>(offset);
    }
  }
  return pairs;
}

void GemmStreamer::write_beats(tlm_utils::simple_initiator_socket<GemmStreamer>& socket, std::vector<std::int8_t>& bytes,
                               int beat_bytes, const sc_core::sc_time& ready, bool last_is_fold_end, bool end_of_job) {
  BeatStreamExt ext;
  ext.beat_bytes = beat_bytes;
  ext.avail_cycle = m_clock.cycles(sc_core::sc_time_stamp() + ready);
  ext.last_is_fold_end = last_is_fold_end;
  ext.end_of_job = end_of_job;
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  gp.set_address(0);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(bytes.data()));
  gp.set_data_length(static_cast<unsigned int>(bytes.size()));
  gp.set_streaming_width(static_cast<unsigned int>(bytes.size()));
  gp.set_byte_enable_ptr(nullptr);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  gp.set_extension(&ext);
  // The payload must not outlive its hold on the stack extension, even when the target throws
  // (the payload's destructor would free it).
  struct DetachExtension {
    tlm::tlm_generic_payload& gp;
    BeatStreamExt& ext;
    ~DetachExtension() { gp.clear_extension(&ext); }
  } detach{gp, ext};
  sc_core::sc_time delay = m_qk.get_local_time();
  socket->b_transport(gp, delay);
  if (gp.is_response_error()) throw std::runtime_error("streamer: the array rejected a beat write");
  // The array took the beats at `delay`: the next reads are issued from then on.
  if (delay > m_qk.get_local_time()) m_qk.set(delay);
  if (m_qk.need_sync()) m_qk.sync();
  if (beat_bytes > 0) m_counters.beats_sent += bytes.size() / static_cast<std::size_t>(beat_bytes);
}

void GemmStreamer::stream(const sw::GemmPlan& plan, std::uint64_t a_addr, std::uint64_t b_addr) {
  using Operand = sw::StreamOp::Operand;
  m_qk.reset();
  std::vector<std::int8_t> bytes;
  for (const sw::StreamOp& op : sw::stream_schedule(plan, m_options.chunk_beats)) {
    const sw::Fold& fold = plan.folds()[static_cast<std::size_t>(op.fold)];
    const bool is_a = op.operand == Operand::kA;
    const int width = is_a ? plan.a_width() : plan.b_width();
    const sw::Region region = is_a ? plan.a_region(fold, op.first, op.count) : plan.b_region(fold, op.first, op.count);
    sc_core::sc_time ready;
    const sw::MatrixI8 block = is_a                ? read_region(a_addr, plan.shape().k, region, ready)
                               : plan.nm().sparse() ? read_nm_region(b_addr, plan, region, ready)
                                                    : read_region(b_addr, plan.b_ld(), region, ready);
    if (is_a) m_counters.a_bytes_read += static_cast<std::uint64_t>(region.rows) * static_cast<std::uint64_t>(region.cols);
    bytes.resize(static_cast<std::size_t>(op.count) * width);
    for (int i = 0; i < op.count; ++i) {
      std::int8_t* beat = &bytes[static_cast<std::size_t>(i) * width];
      if (is_a) {
        plan.a_beat(fold, block, region, op.first + i, beat);
      } else {
        plan.b_beat(fold, block, region, op.first + i, beat);
      }
    }
    const bool fold_end = is_a && op.first + op.count == plan.a_beats(fold);
    write_beats(is_a ? streamer2sa_a : streamer2sa_b, bytes, width, ready, fold_end, false);
  }
  bytes.clear();
  write_beats(streamer2sa_a, bytes, 0, m_qk.get_local_time(), false, true);
  m_qk.sync();
}

}  // namespace wb::models
