// SPDX-License-Identifier: Apache-2.0
#pragma once
// GTKWave save files (.gtkw) made for one dump: a committed view of a block (waves/*.gtkw)
// narrowed to the signals the dump holds, with their bit ranges as dumped, opening on the
// traced window.
#include <cstdint>
#include <string>
#include <vector>

namespace wb::sw {

// A variable of a dump: its full name ("top.u_grid.acc_q[0][0]") and bit range ("[31:0]", or
// "" for a single bit).
struct DumpSignal {
  std::string name;
  std::string range;
};

// The GTKWave zoom that shows `span` time units across `width_px` pixels. GTKWave 3.3.118 draws
// 2^-zoom / 200 time units per pixel (measured on screenshots: zoom -3, as the views had, shows
// 40 ps across 1000 pixels; -10 about 5.1 ns).
double gtkw_zoom_for(double span, int width_px);

// `view`, a save file naming signals of a bigger or smaller build, rewritten for a dump of
// `signals`: each signal line keeps its place when the dump has the signal, with the dump's bit
// range, and is dropped otherwise (so are groups left empty); [timestart] and the zoom show
// [t0, t1] (time units of the dump); [dumpfile] names `dump_name`. Comment lines stay.
std::string gtkw_for_dump(const std::string& view, const std::vector<DumpSignal>& signals, std::uint64_t t0,
                          std::uint64_t t1, const std::string& dump_name);

// The signal lines of a save file: not a directive, flag, comment, group or zoom line.
std::vector<std::string> gtkw_signal_lines(const std::string& view);

}  // namespace wb::sw
