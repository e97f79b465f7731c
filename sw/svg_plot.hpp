// SPDX-License-Identifier: Apache-2.0
#pragma once
// Plots as standalone SVG text: XY charts (lines and/or markers, linear or log axes) and bar
// charts (grouped or stacked). Every plot has a title, labelled axes with units, ticks and a
// legend, and no external reference (fonts are generic families), so a page shows it offline.
#include <string>
#include <vector>

namespace wb::sw {

struct Series {
  std::string name;
  std::vector<double> x, y;
  bool line = true;     // joined by a polyline
  bool markers = true;  // a dot per point
  bool dashed = false;
};

struct XYPlot {
  std::string title, x_label, y_label;  // labels carry their units, e.g. "offered load (flits/node/cycle)"
  bool log_x = false, log_y = false;    // points <= 0 on a log axis are left out
  std::vector<Series> series;
};

struct BarSeries {
  std::string name;
  std::vector<double> values;  // one per category
};

struct BarPlot {
  std::string title, y_label;
  std::vector<std::string> categories;  // x axis: layers, points
  std::vector<BarSeries> series;
  bool stacked = false;  // else side by side
};

std::string svg_plot(const XYPlot& plot);
std::string svg_plot(const BarPlot& plot);

// `text` with &, <, >, " and ' escaped, for XML and HTML.
std::string xml_escape(const std::string& text);

}  // namespace wb::sw
