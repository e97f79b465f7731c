// SPDX-License-Identifier: Apache-2.0
#pragma once
// One self-contained HTML page: no script, no external style, font or image; plots are SVG
// embedded as data: images, so the page opens offline and from any copy of its directory.
#include <string>
#include <utility>
#include <vector>

namespace wb::sw {

struct HtmlTable {
  std::string title;
  std::vector<std::vector<std::string>> rows;  // the first row is the header
  std::string note;                            // a line under the table, or ""
};

struct HtmlPlot {
  std::string file;  // its SVG file beside index.html, e.g. "utilization.svg"
  std::string title;
  std::string svg;
  std::string caption;
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct HtmlPage {
  std::string title;
  std::vector<std::string> summary;  // paragraphs under the title
  KeyValues run;                     // command line, tool version, git revision, ...
  KeyValues hardware;
  std::vector<HtmlTable> tables;
  std::vector<HtmlPlot> plots;
  std::vector<std::string> files;  // the other files of the report, linked at the end
};

std::string html_page(const HtmlPage& page);

std::string base64(const std::string& bytes);

}  // namespace wb::sw
