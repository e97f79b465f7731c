// SPDX-License-Identifier: Apache-2.0
#include "sw/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace wb::sw {

namespace {

constexpr double kWidth = 720, kHeight = 420;
constexpr double kLeft = 80, kRight = 190, kTop = 40, kBottom = 60;  // plot area margins (legend on the right)
const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf"};

const char* color(std::size_t i) { return kColors[i % (sizeof kColors / sizeof kColors[0])]; }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Tick label: short, without trailing zeros.
std::string tick_text(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e7 || std::fabs(v) < 1e-3)) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

// One axis: data range to pixels, with its ticks.
struct Axis {
  bool log = false;
  double lo = 0, hi = 1;  // in data units (log: the decades' bounds)
  double p0 = 0, p1 = 1;  // pixels of lo and hi

  double pixel(double v) const {
    const double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    return p0 + t * (p1 - p0);
  }
  std::vector<double> ticks() const {
    std::vector<double> out;
    if (log) {
      for (double d = lo; d <= hi * 1.0001; d *= 10) out.push_back(d);
      return out;
    }
    const double raw = (hi - lo) / 5;
    const double mag = std::pow(10, std::floor(std::log10(raw)));
    const double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-6; v += step) out.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
    return out;
  }
};

// The axis over [lo, hi] of the data (log: whole decades; linear: from 0 when the data are positive).
Axis make_axis(double lo, double hi, bool log, double p0, double p1) {
  Axis a;
  a.log = log;
  a.p0 = p0;
  a.p1 = p1;
  if (!(lo <= hi)) lo = hi = log ? 1 : 0;
  if (log) {
    a.lo = std::pow(10, std::floor(std::log10(lo)));
    a.hi = std::pow(10, std::ceil(std::log10(hi)));
    if (a.hi <= a.lo) a.hi = a.lo * 10;
  } else {
    a.lo = lo > 0 ? 0 : lo;
    a.hi = hi;
    if (a.hi <= a.lo) a.hi = a.lo + 1;
    a.hi += (a.hi - a.lo) * 0.05;
  }
  return a;
}

void header(std::ostringstream& os, const std::string& title) {
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight << "\" viewBox=\"0 0 "
     << kWidth << " " << kHeight << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
     << "<title>" << xml_escape(title) << "</title>\n"
     << "<rect x=\"0\" y=\"0\" width=\"" << kWidth << "\" height=\"" << kHeight << "\" fill=\"white\"/>\n"
     << "<text x=\"" << kWidth / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">"
     << xml_escape(title) << "</text>\n";
}

void y_axis(std::ostringstream& os, const Axis& y, const std::string& label) {
  const double x0 = kLeft, x1 = kWidth - kRight;
  for (double t : y.ticks()) {
    const double py = y.pixel(t);
    os << "<line x1=\"" << num(x0) << "\" y1=\"" << num(py) << "\" x2=\"" << num(x1) << "\" y2=\"" << num(py)
       << "\" stroke=\"#e0e0e0\"/>\n"
       << "<text x=\"" << num(x0 - 6) << "\" y=\"" << num(py + 4) << "\" text-anchor=\"end\">" << tick_text(t) << "</text>\n";
  }
  os << "<text transform=\"translate(18," << num((kTop + kHeight - kBottom) / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
     << xml_escape(label) << "</text>\n";
}

void frame(std::ostringstream& os) {
  os << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << kWidth - kLeft - kRight << "\" height=\""
     << kHeight - kTop - kBottom << "\" fill=\"none\" stroke=\"black\"/>\n";
}

void legend(std::ostringstream& os, const std::vector<std::string>& names) {
  double y = kTop + 10;
  const double x = kWidth - kRight + 14;
  for (std::size_t i = 0; i < names.size(); ++i, y += 18) {
    os << "<rect x=\"" << x << "\" y=\"" << num(y - 9) << "\" width=\"14\" height=\"10\" fill=\"" << color(i) << "\"/>\n"
       << "<text x=\"" << x + 20 << "\" y=\"" << num(y) << "\">" << xml_escape(names[i]) << "</text>\n";
  }
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string svg_plot(const XYPlot& plot) {
  const auto usable = [](double v, bool log) { return std::isfinite(v) && (!log || v > 0); };
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const Series& s : plot.series) {
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!usable(s.x[i], plot.log_x) || !usable(s.y[i], plot.log_y)) continue;
      xlo = std::min(xlo, s.x[i]);
      xhi = std::max(xhi, s.x[i]);
      ylo = std::min(ylo, s.y[i]);
      yhi = std::max(yhi, s.y[i]);
    }
  }
  const Axis x = make_axis(xlo, xhi, plot.log_x, kLeft, kWidth - kRight);
  const Axis y = make_axis(ylo, yhi, plot.log_y, kHeight - kBottom, kTop);
  std::ostringstream os;
  header(os, plot.title);
  y_axis(os, y, plot.y_label);
  for (double t : x.ticks()) {
    const double px = x.pixel(t);
    os << "<line x1=\"" << num(px) << "\" y1=\"" << kTop << "\" x2=\"" << num(px) << "\" y2=\"" << kHeight - kBottom
       << "\" stroke=\"#e0e0e0\"/>\n"
       << "<text x=\"" << num(px) << "\" y=\"" << kHeight - kBottom + 16 << "\" text-anchor=\"middle\">" << tick_text(t) << "</text>\n";
  }
  os << "<text x=\"" << (kLeft + kWidth - kRight) / 2 << "\" y=\"" << kHeight - 16 << "\" text-anchor=\"middle\">"
     << xml_escape(plot.x_label) << "</text>\n";
  frame(os);
  std::vector<std::string> names;
  for (std::size_t si = 0; si < plot.series.size(); ++si) {
    const Series& s = plot.series[si];
    names.push_back(s.name);
    std::ostringstream points;
    std::vector<std::pair<double, double>> px;
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (usable(s.x[i], plot.log_x) && usable(s.y[i], plot.log_y)) px.emplace_back(x.pixel(s.x[i]), y.pixel(s.y[i]));
    }
    os << "<g class=\"series\" data-name=\"" << xml_escape(s.name) << "\">\n";
    if (s.line && px.size() > 1) {
      os << "<polyline fill=\"none\" stroke=\"" << color(si) << "\" stroke-width=\"2\""
         << (s.dashed ? " stroke-dasharray=\"6,4\"" : "") << " points=\"";
      for (const auto& [a, b] : px) os << num(a) << "," << num(b) << " ";
      os << "\"/>\n";
    }
    if (s.markers) {
      for (const auto& [a, b] : px) os << "<circle cx=\"" << num(a) << "\" cy=\"" << num(b) << "\" r=\"4\" fill=\"" << color(si) << "\"/>\n";
    }
    os << "</g>\n";
  }
  legend(os, names);
  os << "</svg>\n";
  return os.str();
}

std::string svg_plot(const BarPlot& plot) {
  const std::size_t n = plot.categories.size();
  double yhi = 0;
  for (std::size_t c = 0; c < n; ++c) {
    double stack = 0;
    for (const BarSeries& s : plot.series) {
      const double v = c < s.values.size() && std::isfinite(s.values[c]) ? std::max(0.0, s.values[c]) : 0.0;
      stack = plot.stacked ? stack + v : std::max(stack, v);
    }
    yhi = std::max(yhi, stack);
  }
  const Axis y = make_axis(0, yhi, false, kHeight - kBottom, kTop);
  std::ostringstream os;
  header(os, plot.title);
  y_axis(os, y, plot.y_label);
  frame(os);
  const double span = (kWidth - kLeft - kRight) / static_cast<double>(std::max<std::size_t>(n, 1));
  const std::size_t groups = plot.stacked ? 1 : std::max<std::size_t>(plot.series.size(), 1);
  const double bar = span * 0.8 / static_cast<double>(groups);
  for (std::size_t c = 0; c < n; ++c) {
    const double left = kLeft + span * static_cast<double>(c) + span * 0.1;
    double base = 0;
    for (std::size_t si = 0; si < plot.series.size(); ++si) {
      const BarSeries& s = plot.series[si];
      const double v = c < s.values.size() && std::isfinite(s.values[c]) ? std::max(0.0, s.values[c]) : 0.0;
      const double x0 = plot.stacked ? left : left + bar * static_cast<double>(si);
      const double top = y.pixel(base + v), bottom = y.pixel(base);
      os << "<rect class=\"bar\" x=\"" << num(x0) << "\" y=\"" << num(top) << "\" width=\"" << num(bar) << "\" height=\""
         << num(bottom - top) << "\" fill=\"" << color(si) << "\"><title>" << xml_escape(plot.categories[c] + ", " + s.name)
         << ": " << tick_text(v) << "</title></rect>\n";
      if (plot.stacked) base += v;
    }
    os << "<text x=\"" << num(left + span * 0.4) << "\" y=\"" << kHeight - kBottom + 16 << "\" text-anchor=\"middle\">"
       << xml_escape(plot.categories[c]) << "</text>\n";
  }
  std::vector<std::string> names;
  for (const BarSeries& s : plot.series) names.push_back(s.name);
  legend(os, names);
  os << "</svg>\n";
  return os.str();
}

}  // namespace wb::sw
