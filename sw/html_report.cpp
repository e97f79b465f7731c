// SPDX-License-Identifier: Apache-2.0
#include "sw/html_report.hpp"

#include <sstream>

#include "sw/svg_plot.hpp"

namespace wb::sw {

namespace {

const char* const kStyle =
    "body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.4}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px}"
    "th{background:#f0f0f0}table.data td{text-align:right}table.data td:first-child{text-align:left}"
    "table.keys th{text-align:left}code{background:#f6f6f6;padding:2px 4px;word-break:break-all}"
    "figure{margin:1em 0}figcaption{font-size:0.9em;color:#555;max-width:720px}.note{font-size:0.9em;color:#555}";

void key_values(std::ostringstream& os, const KeyValues& kv, bool code_values) {
  os << "<table class=\"keys\">\n";
  for (const auto& [k, v] : kv) {
    os << "<tr><th>" << xml_escape(k) << "</th><td>" << (code_values ? "<code>" : "") << xml_escape(v)
       << (code_values ? "</code>" : "") << "</td></tr>\n";
  }
  os << "</table>\n";
}

}  // namespace

std::string base64(const std::string& bytes) {
  static const char* const kDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kDigits[v >> 18], kDigits[(v >> 12) & 63], kDigits[(v >> 6) & 63], kDigits[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kDigits[v >> 18], kDigits[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kDigits[v >> 18], kDigits[(v >> 12) & 63], kDigits[(v >> 6) & 63], '='};
  }
  return out;
}

std::string html_page(const HtmlPage& page) {
  std::ostringstream os;
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << xml_escape(page.title)
     << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<h1>" << xml_escape(page.title) << "</h1>\n";
  for (const std::string& p : page.summary) os << "<p>" << xml_escape(p) << "</p>\n";
  os << "<h2 id=\"run\">Run</h2>\n";
  key_values(os, page.run, true);
  os << "<h2 id=\"hardware\">Hardware configuration</h2>\n";
  key_values(os, page.hardware, false);
  for (const HtmlTable& t : page.tables) {
    os << "<h2>" << xml_escape(t.title) << "</h2>\n<table class=\"data\">\n";
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const char* cell = r == 0 ? "th" : "td";
      os << "<tr>";
      for (const std::string& c : t.rows[r]) os << "<" << cell << ">" << xml_escape(c) << "</" << cell << ">";
      os << "</tr>\n";
    }
    os << "</table>\n";
    if (!t.note.empty()) os << "<p class=\"note\">" << xml_escape(t.note) << "</p>\n";
  }
  if (!page.plots.empty()) os << "<h2 id=\"plots\">Plots</h2>\n";
  for (const HtmlPlot& p : page.plots) {
    os << "<figure class=\"plot\" id=\"" << xml_escape(p.file) << "\">\n<img alt=\"" << xml_escape(p.title)
       << "\" width=\"720\" height=\"420\" src=\"data:image/svg+xml;base64," << base64(p.svg) << "\">\n<figcaption>"
       << xml_escape(p.caption) << " (<a href=\"" << xml_escape(p.file) << "\">" << xml_escape(p.file)
       << "</a>)</figcaption>\n</figure>\n";
  }
  if (!page.files.empty()) {
    os << "<h2 id=\"files\">Files</h2>\n<ul>\n";
    for (const std::string& f : page.files) os << "<li><a href=\"" << xml_escape(f) << "\">" << xml_escape(f) << "</a></li>\n";
    os << "</ul>\n";
  }
  os << "</body>\n</html>\n";
  return os.str();
}

}  // namespace wb::sw
