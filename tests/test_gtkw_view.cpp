// SPDX-License-Identifier: Apache-2.0
// [unit] GTKWave views made for a dump (sw/gtkw_view.hpp) and the trace file names.
#include <catch2/catch.hpp>

#include <cmath>

#include "sw/gtkw_view.hpp"
#include "sw/trace_settings.hpp"

using namespace wb;

namespace {

const char* kView =
    "[*] a comment\n"
    "[*] Open with: gtkwave other.fst this.gtkw\n"
    "[dumpfile] \"other.fst\"\n"
    "[timestart] 0\n"
    "[size] 1600 900\n"
    "*-3.000000 0 -1 -1 -1\n"
    "[sst_width] 260\n"
    "[signals_width] 300\n"
    "[sst_expanded] 1\n"
    "@28\n"
    "top.clk_i\n"
    "@800200\n"
    "-kept\n"
    "@22\n"
    "top.u.data_q[0][127:0]\n"
    "top.u.gone_q[7:0]\n"
    "@1000200\n"
    "-kept\n"
    "@800200\n"
    "-empty\n"
    "@28\n"
    "top.u.missing\n"
    "@1000200\n"
    "-empty\n"
    "@28\n"
    "top.u.flag[2]\n";

}  // namespace

TEST_CASE("gtkw view: the dump's signals with its ranges, empty groups dropped, the window shown", "[unit]") {
  const std::vector<sw::DumpSignal> dump{{"top.clk_i", ""}, {"top.u.data_q[0]", "[31:0]"}, {"top.u.flag[2]", ""}};
  const std::string view = sw::gtkw_for_dump(kView, dump, 10000, 20500, "/tmp/g.fst");
  // Wave pane 1600 - 300 - 260 - 40 = 1000 px for 10 500 ps: zoom -log2(10 500 * 200 / 1000).
  const std::string expected =
      "[*] a comment\n"
      "[dumpfile] \"/tmp/g.fst\"\n"
      "[timestart] 10000\n"
      "[size] 1600 900\n"
      "*-11.036174 -1 -1 -1 -1\n"
      "[sst_width] 260\n"
      "[signals_width] 300\n"
      "[sst_expanded] 1\n"
      "@28\n"
      "top.clk_i\n"
      "@800200\n"
      "-kept\n"
      "@22\n"
      "top.u.data_q[0][31:0]\n"
      "@1000200\n"
      "-kept\n"
      "@22\n"  // the flags in force before the dropped group
      "@28\n"
      "top.u.flag[2]\n";
  CHECK(view == expected);
  CHECK(sw::gtkw_signal_lines(view) == std::vector<std::string>{"top.clk_i", "top.u.data_q[0][31:0]", "top.u.flag[2]"});
}

TEST_CASE("gtkw zoom: GTKWave shows 2^-zoom / 200 time units per pixel", "[unit]") {
  CHECK(sw::gtkw_zoom_for(5, 1000) == Approx(0.0));
  CHECK(sw::gtkw_zoom_for(40, 1000) == Approx(-3.0));  // the old views: 40 ps
  CHECK(sw::gtkw_zoom_for(1.25, 1000) == Approx(2.0));
  CHECK(sw::gtkw_zoom_for(100000, 1000) == Approx(-std::log2(20000.0)));  // 100 cycles of 1 ns
  CHECK(sw::gtkw_zoom_for(0, 1000) == Approx(-std::log2(0.2)));  // a one-instant window: 1 unit
}

TEST_CASE("trace file names: VCD by extension, the view beside the dump", "[unit]") {
  CHECK(sw::is_vcd_path("a/b.vcd"));
  CHECK_FALSE(sw::is_vcd_path("a/b.fst"));
  CHECK_FALSE(sw::is_vcd_path("vcd"));
  CHECK(sw::view_path_of("g.fst") == "g.gtkw");
  CHECK(sw::view_path_of("dir.x/g.vcd") == "dir.x/g.gtkw");
  CHECK(sw::view_path_of("dir.x/g") == "dir.x/g.gtkw");
  CHECK(sw::view_path_of("/tmp/.hidden") == "/tmp/.hidden.gtkw");
}
