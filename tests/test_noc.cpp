// SPDX-License-Identifier: Apache-2.0
// [cosim] Router-only meshes of the RTL router under synthetic traffic: routing of every pair,
// zero-load latency, saturation throughput, and no loss, duplication or reordering under
// back-pressure and at saturation.
#include <catch2/catch.hpp>

#include "sw/error.hpp"
#include "models/ref/noc_dut.hpp"
#include "tb/noc_factory.hpp"
#include "tests/skip.hpp"

using namespace wb;

namespace {

ref::NocResult run(int k, sw::Traffic traffic, double rate, std::uint64_t cycles, int colors = 4, double stall = 0.0) {
  ref::NocOptions o;
  o.traffic = traffic;
  o.rate = rate;
  o.cycles = cycles;
  o.warmup = 500;
  o.colors = colors;
  o.eject_stall = stall;
  o.seed = 17;
  return tb::make_noc_dut(k)->run(o);
}

}  // namespace

TEST_CASE("noc: every (source, destination) pair of a 4x4 mesh routes correctly", "[cosim]") {
  const auto r = run(4, sw::Traffic::kUniform, 0.1, 20000);
  CHECK(r.clean());
  CHECK(r.misrouted == 0);
  CHECK(r.pairs_delivered == 16 * 15);
  CHECK(r.delivered == r.generated);
}

TEST_CASE("noc: zero-load latency is at most hops + 2 for every pattern", "[cosim]") {
  wb::test::need_noc_mesh(8);
  for (auto t : {sw::Traffic::kUniform, sw::Traffic::kTranspose, sw::Traffic::kBitComplement, sw::Traffic::kHotspot,
                 sw::Traffic::kNeighbor}) {
    const auto r = run(8, t, 0.005, 8000);
    INFO(sw::traffic_name(t) << ": latency " << r.latency.mean << " hops " << r.mean_hops);
    CHECK(r.clean());
    REQUIRE(r.latency.count > 50);
    CHECK(r.latency.mean <= r.mean_hops + 2.0 + 0.05);  // +0.05: rare contention even at 0.5 % load
    CHECK(r.latency.p50 <= static_cast<std::uint64_t>(r.mean_hops + 2.0 + 1.0));
  }
}

TEST_CASE("noc: uniform traffic on 8x8 saturates at >= 0.42 flits/node/cycle with 4 colors", "[cosim]") {
  wb::test::need_noc_mesh(8);
  const auto four = run(8, sw::Traffic::kUniform, 1.0, 4000, 4);
  INFO("accepted with 4 colors " << four.accepted);
  CHECK(four.accepted >= 0.42);
  CHECK(four.accepted <= 0.5 + 1e-9);  // cannot beat the bisection bound
  const auto one = run(8, sw::Traffic::kUniform, 1.0, 4000, 1);
  INFO("accepted with 1 color " << one.accepted);
  CHECK(one.accepted < four.accepted);  // colors act as virtual channels
}

TEST_CASE("noc: nothing lost, duplicated or reordered at saturation and under ejection back-pressure", "[cosim]") {
  wb::test::need_noc_mesh(8);
  for (auto t : {sw::Traffic::kUniform, sw::Traffic::kHotspot, sw::Traffic::kTranspose}) {
    const auto r = run(8, t, 1.0, 2000, 4, 0.4);
    INFO(sw::traffic_name(t));
    CHECK(r.clean());
    CHECK(r.duplicated == 0);
    CHECK(r.reordered == 0);
    CHECK(r.delivered == r.generated);
  }
}

TEST_CASE("noc: a watchdog names the stuck tile, port and color when nothing moves", "[cosim]") {
  ref::NocOptions o;
  o.rate = 0.5;
  o.cycles = 2000;
  o.warmup = 0;
  o.eject_stall = 1.0;  // sinks never return a credit: the mesh fills and stops
  o.watchdog_cycles = 300;
  try {
    tb::make_noc_dut(4)->run(o);
    FAIL("the watchdog did not fire");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("watchdog") != std::string::npos);
    CHECK(what.find("tile (") != std::string::npos);
    CHECK(what.find("port ramp") != std::string::npos);
    CHECK(what.find("color ") != std::string::npos);
    // and inside the mesh: the routers' buffers that hold wavelets, the outputs without credits
    CHECK(what.find("holds color") != std::string::npos);
    CHECK(what.find("has no credit for color") != std::string::npos);
  }
}

TEST_CASE("noc: a size that was not built and too many colors are input errors", "[unit]") {
  CHECK_THROWS_AS(tb::make_noc_dut(5), sw::InputError);
  ref::NocOptions o;
  o.colors = 99;
  CHECK_THROWS_AS(tb::make_noc_dut(4)->run(o), sw::InputError);
}

TEST_CASE("noc: flits still queued at their sources when the drain ends are reported and not lost", "[cosim]") {
  wb::test::need_noc_mesh(8);
  // Hotspot at full load on 8x8: the hot node ejects one flit a cycle of ~13 offered, so a short
  // drain ends with a backlog at the sources. The mesh itself is emptied: every flit that
  // entered it comes out, once, in order and at its destination.
  ref::NocOptions o;
  o.traffic = sw::Traffic::kHotspot;
  o.rate = 1.0;
  o.warmup = 100;
  o.cycles = 1000;
  o.drain_limit = 200;
  o.seed = 3;
  const auto r = tb::make_noc_dut(8)->run(o);
  CHECK(r.clean());
  CHECK_FALSE(r.complete());
  CHECK(r.undelivered > 0);
  CHECK(r.delivered < r.generated);
  CHECK(r.misrouted == 0);
  CHECK(r.duplicated == 0);
  CHECK(r.reordered == 0);
  CHECK(r.latency.count > 0);
  // Long enough a drain delivers everything.
  o.drain_limit = 50000;
  const auto full = tb::make_noc_dut(8)->run(o);
  CHECK(full.clean());
  CHECK(full.complete());
}

TEST_CASE("noc: a check failure is a wrong delivery and not a late one", "[unit]") {
  ref::NocResult r;
  r.undelivered = 12;
  CHECK(r.clean());
  CHECK_FALSE(r.complete());
  for (auto fault : {&ref::NocResult::misrouted, &ref::NocResult::reordered, &ref::NocResult::duplicated}) {
    ref::NocResult bad;
    bad.*fault = 1;
    CHECK_FALSE(bad.clean());
  }
  ref::NocResult route;
  route.route_error = true;
  CHECK_FALSE(route.clean());
}
