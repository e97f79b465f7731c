// SPDX-License-Identifier: Apache-2.0
// [unit] SystemC TLM models on their own, timing checked against hand-computed values.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <catch2/catch.hpp>

#include <functional>
#include <vector>

#include "models/memory.hpp"
#include "models/paged_bytes.hpp"
#include "sw/error.hpp"

using namespace wb;

namespace {

// Runs `body` in a thread of an initiator bound to a memory with the given timing.
struct MemoryBench : sc_core::sc_module {
  SC_HAS_PROCESS(MemoryBench);
  tlm_utils::simple_initiator_socket<MemoryBench> socket{"socket"};
  models::Clock clock{1000.0};
  models::Memory memory;
  std::function<void(MemoryBench&)> body;

  MemoryBench(sc_core::sc_module_name name, const models::MemoryTiming& timing, std::function<void(MemoryBench&)> b)
      : sc_core::sc_module(name), memory("memory", 4096, timing, clock), body(std::move(b)) {
    socket.bind(memory.streamer2mem);
    SC_THREAD(run);
  }
  void run() { body(*this); }

  // Issues a read at local time `at` (cycles); returns the cycle its data is complete, or -1.
  double read(std::uint64_t addr, unsigned len, double at, std::vector<unsigned char>& buf) {
    buf.resize(len);
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(buf.data());
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = clock.period() * at;
    socket->b_transport(gp, delay);
    if (gp.is_response_error()) return -1;
    return (sc_core::sc_time_stamp() + delay) / clock.period();
  }
};

}  // namespace

TEST_CASE("memory: a transfer costs its bytes over the bandwidth plus the latency, and transfers queue", "[unit]") {
  std::vector<double> done;
  models::MemoryTiming timing{16.0, 5};
  MemoryBench bench("bench", timing, [&](MemoryBench& b) {
    std::vector<unsigned char> buf;
    done.push_back(b.read(0, 64, 0, buf));     // 64/16 = 4 cycles on the port, +5 latency
    done.push_back(b.read(64, 64, 0, buf));    // waits for the port: 4 + 4 + 5
    done.push_back(b.read(0, 8, 100, buf));    // idle port again: 100 + 0.5 + 5
    done.push_back(b.read(4090, 16, 0, buf));  // past the end
    wait(sc_core::SC_ZERO_TIME);
  });
  sc_core::sc_start();
  REQUIRE(done.size() == 4);
  CHECK(done[0] == Approx(9.0));
  CHECK(done[1] == Approx(13.0));
  CHECK(done[2] == Approx(105.5));
  CHECK(done[3] == -1);
}

TEST_CASE("memory: data written by debug transport reads back, and zero bandwidth is rejected", "[unit]") {
  CHECK_THROWS_AS(models::Memory("bad", 16, models::MemoryTiming{0.0, 1}, models::Clock(1000.0)), sw::InputError);
  std::vector<unsigned char> got;
  MemoryBench bench("bench", models::MemoryTiming{4.0, 0}, [&](MemoryBench& b) {
    unsigned char data[3] = {7, 8, 9};
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(10);
    gp.set_data_ptr(data);
    gp.set_data_length(3);
    CHECK(b.socket->transport_dbg(gp) == 3);
    CHECK(b.read(10, 3, 0, got) == Approx(0.75));
  });
  sc_core::sc_start();
  CHECK(got == std::vector<unsigned char>{7, 8, 9});
}

TEST_CASE("paged bytes: unwritten bytes read as zero, pages are allocated on first write only", "[unit]") {
  constexpr std::size_t kPage = models::PagedBytes::kPageBytes;
  models::PagedBytes bytes(std::size_t{256} << 20);
  CHECK(bytes.size() == (std::size_t{256} << 20));
  CHECK(bytes.resident_bytes() == 0);
  std::vector<unsigned char> out(8, 0xAA);
  bytes.read(12345, out.data(), out.size());  // reading allocates nothing
  CHECK(out == std::vector<unsigned char>(8, 0));
  CHECK(bytes.resident_bytes() == 0);

  // A write across a page boundary touches two pages and reads back whole.
  const std::vector<unsigned char> in = {1, 2, 3, 4, 5, 6};
  bytes.write(3 * kPage - 2, in.data(), in.size());
  CHECK(bytes.resident_bytes() == 2 * kPage);
  std::vector<unsigned char> back(in.size() + 2);
  bytes.read(3 * kPage - 3, back.data(), back.size());
  CHECK(back == std::vector<unsigned char>{0, 1, 2, 3, 4, 5, 6, 0});

  // The last, partial page of an odd capacity.
  models::PagedBytes odd(kPage + 5);
  const unsigned char tail[2] = {9, 8};
  odd.write(kPage + 3, tail, 2);
  unsigned char got[2] = {0, 0};
  odd.read(kPage + 3, got, 2);
  CHECK(got[0] == 9);
  CHECK(got[1] == 8);
  CHECK(odd.resident_bytes() == kPage);
}
