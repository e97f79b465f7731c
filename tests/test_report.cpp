// SPDX-License-Identifier: Apache-2.0
// [unit] The per-layer record and what is made of it: schema round trip, CSV, SCALE-Sim's
// reports, the energy model, plots, the HTML page, report directories, the what-if arithmetic.
#include "tests/case_dir.hpp"  // first: it includes Catch2 with listeners

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sw/energy.hpp"
#include "sw/error.hpp"
#include "sw/file_util.hpp"
#include "sw/html_report.hpp"
#include "sw/layer_record.hpp"
#include "sw/record_csv.hpp"
#include "sw/report_page.hpp"
#include "sw/report_plots.hpp"
#include "sw/scalesim_report.hpp"
#include "sw/svg_plot.hpp"
#include "sw/whatif.hpp"

using namespace wb;

namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A record with every field set to a distinct value.
sw::LayerRecord full_record() {
  sw::LayerRecord r;
  r.command = "gemm";
  r.target = "array";
  r.engine = "rtl";
  r.name = "fc1, \"quoted\"";
  r.op = "gemm";
  r.m = 8;
  r.k = 16;
  r.n = 4;
  r.count = 2;
  r.rows = 4;
  r.cols = 4;
  r.density = 0.5;
  r.cycles = 100;
  r.ideal_cycles = 64;
  r.stall_cycles = 10;
  r.fill_drain_cycles = 26;
  r.load_cycles = std::nullopt;
  r.macs = 1024;
  r.macs_issued = 1280;
  r.macs_skipped = 3;
  r.int32_adds = 5;
  r.register_bytes = 6;
  r.a_beats = 64;
  r.b_beats = 16;
  r.c_beats = 32;
  r.sram_a_read_bytes = 7;
  r.sram_b_read_bytes = 8;
  r.sram_write_bytes = 9;
  r.sram_size_bytes = 8192;
  r.pe_sram_read_bytes = 11;
  r.pe_sram_write_bytes = 21;
  r.pe_sram_size_bytes = 12;
  r.dram_bytes = 13;
  r.flash_bytes = 14;
  r.tree_bytes = 15;
  r.link_bytes = 16;
  r.metadata_bytes = 17;
  r.wavelets = 18;
  r.link_flits = 19;
  r.energy_mac_pj = 1.5;
  r.energy_add_pj = 2.5;
  r.energy_register_pj = 3.5;
  r.energy_sram_pj = 4.5;
  r.energy_pe_sram_pj = 5.5;
  r.energy_link_pj = 6.5;
  r.energy_dram_pj = 7.5;
  r.energy_flash_pj = 8.5;
  r.energy_tree_pj = 9.5;
  r.golden = "pass";
  return r;
}

}  // namespace

TEST_CASE("record: every documented field is in the JSON with its type, and the JSON reads back", "[unit]") {
  const nlohmann::json j = sw::to_json(full_record());
  CHECK(j.size() == sw::record_fields().size());
  for (const sw::RecordField& f : sw::record_fields()) {
    INFO(f.name);
    REQUIRE(j.contains(f.name));
    const std::string type = f.type;
    const nlohmann::json& v = j[f.name];
    if (type == "string") CHECK(v.is_string());
    if (type == "integer") CHECK(v.is_number_integer());
    if (type == "number") CHECK(v.is_number());
    if (type == "integer|null") CHECK((v.is_null() || v.is_number_integer()));
  }
  CHECK(j["schema"] == 2);
  CHECK(j["utilization"].get<double>() == 0.64);
  CHECK(j["energy_pj"].get<double>() == 49.5);
  CHECK(j["energy_per_mac_pj"].get<double>() == 49.5 / 1024);
  CHECK(j["load_cycles"].is_null());
  CHECK(sw::to_json(sw::record_from_json(j)) == j);
  // A missing or mistyped field, or another schema, is refused by name.
  nlohmann::json missing = j;
  missing.erase("link_flits");
  CHECK_THROWS_WITH(sw::record_from_json(missing), "record: no field 'link_flits'");
  nlohmann::json mistyped = j;
  mistyped["cycles"] = "100";
  CHECK_THROWS_WITH(sw::record_from_json(mistyped), "record: field 'cycles' is not integer");
  nlohmann::json other = j;
  other["schema"] = 1;  // the schema before pe_sram_write_bytes
  CHECK_THROWS_AS(sw::record_from_json(other), sw::InputError);
}

TEST_CASE("record: CSV columns are the documented fields, in the README's order, and read back", "[unit]") {
  // The README lists the schema between two markers, one `name` per table row.
  const std::string readme = slurp(WB_SOURCE_DIR "/README.md");
  const auto begin = readme.find("<!-- record-fields -->"), end = readme.find("<!-- /record-fields -->");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  std::istringstream lines(readme.substr(begin, end - begin));
  std::vector<std::string> documented;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| `", 0) == 0) documented.push_back(line.substr(3, line.find('`', 3) - 3));
  }
  std::vector<std::string> fields;
  for (const sw::RecordField& f : sw::record_fields()) fields.push_back(f.name);
  CHECK(documented == fields);

  const std::vector<sw::LayerRecord> records{full_record(), sw::record_of(sw::FabricStats{}, "gemm", "model")};
  const auto rows = sw::parse_csv(sw::records_csv(records), "records.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == fields);
  const nlohmann::json j = sw::to_json(records[0]);
  for (std::size_t c = 0; c < fields.size(); ++c) {
    INFO(fields[c]);
    const nlohmann::json& v = j[fields[c]];
    CHECK(rows[1][c] == (v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump()));
  }
  CHECK(rows[1][4] == "fc1, \"quoted\"");  // quoted in the file, whole when read
  CHECK_THROWS_WITH(sw::parse_csv("a,\"b\n", "x.csv"), "x.csv:1: unterminated quoted cell");
}

TEST_CASE("scalesim: COMPUTE_REPORT and BANDWIDTH_REPORT have SCALE-Sim's columns and hand-computed values", "[unit]") {
  sw::LayerRecord r = full_record();  // 4x4 array, 100 cycles, 10 stalled, 1024 MACs of 1280 issued
  sw::LayerRecord fabric = r;
  fabric.target = "fabric";  // not in SCALE-Sim's reports
  const std::string compute = sw::scalesim_compute_report({fabric, r, r});
  CHECK(compute.substr(0, compute.find('\n') + 1) ==
        "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n");
  const auto c = sw::read_scalesim_report(compute, "COMPUTE_REPORT.csv");
  REQUIRE(c.size() == 2);
  CHECK(c[1].at("LayerID") == 1);
  CHECK(c[0].at("Total Cycles") == 100);
  CHECK(c[0].at("Stall Cycles") == 10);
  CHECK(c[0].at("Overall Util %") == Approx(100.0 * 1024 / (16 * 100)));      // 64
  CHECK(c[0].at("Mapping Efficiency %") == Approx(100.0 * 1024 / 1280));     // 80
  CHECK(c[0].at("Compute Util %") == Approx(100.0 * 1024 / (16 * 90)).epsilon(1e-5));  // 71.1111
  const std::string bandwidth = sw::scalesim_bandwidth_report({r});
  CHECK(bandwidth.substr(0, bandwidth.find('\n') + 1) ==
        "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, "
        "Avg OFMAP DRAM BW,\n");
  const auto b = sw::read_scalesim_report(bandwidth, "BANDWIDTH_REPORT.csv");
  REQUIRE(b.size() == 1);
  CHECK(b[0].at("Avg IFMAP SRAM BW") == Approx(64.0 * 4 / 100));  // A beats of 4 int8 words
  CHECK(b[0].at("Avg FILTER SRAM BW") == Approx(16.0 * 4 / 100));
  CHECK(b[0].at("Avg OFMAP SRAM BW") == Approx(32.0 * 4 / 100));
  CHECK(b[0].at("Avg IFMAP DRAM BW") == Approx(7.0 / 100));
  CHECK(b[0].at("Avg FILTER DRAM BW") == Approx(8.0 / 100));
  CHECK(b[0].at("Avg OFMAP DRAM BW") == Approx(9.0 / 4 / 100));
  CHECK_THROWS_WITH(sw::read_scalesim_report("LayerID, Total Cycles,\n0, x,\n", "R.csv"), "R.csv:2: ' x' is no number");
}

TEST_CASE("energy: the default table's figures, SRAM by size, and a layer's energy by hand", "[unit]") {
  const sw::EnergyTable t = sw::default_energy_table();
  CHECK(t.int8_mac_pj == Approx(0.3));
  CHECK(t.int32_add_pj == Approx(0.1));
  CHECK(t.dram_pj_per_byte == Approx(160));
  CHECK(t.sram_read_pj_per_byte(8 * 1024) == Approx(1.25));
  CHECK(t.sram_read_pj_per_byte(1024) == Approx(1.25));  // below the table: its first entry
  CHECK(t.sram_read_pj_per_byte(16 * 1024) == Approx(1.875));  // halfway in log2 between 8 KB and 32 KB
  CHECK(t.sram_write_pj_per_byte(std::uint64_t{1} << 30) == Approx(12.5));  // beyond: the last
  sw::LayerRecord r;
  r.macs_issued = 1000;
  r.int32_adds = 100;
  r.register_bytes = 4000;
  r.sram_a_read_bytes = 300;
  r.sram_b_read_bytes = 200;
  r.sram_write_bytes = 400;
  r.sram_size_bytes = 32 * 1024;
  r.pe_sram_read_bytes = 800;
  r.pe_sram_write_bytes = 40;
  r.pe_sram_size_bytes = 8 * 1024;
  r.link_bytes = 90;
  r.dram_bytes = 10;
  r.flash_bytes = 1;
  r.tree_bytes = 20;
  r.macs = 500;
  sw::add_energy(r, t);
  CHECK(r.energy_mac_pj == Approx(300));
  CHECK(r.energy_add_pj == Approx(10));
  CHECK(r.energy_register_pj == Approx(1000));
  CHECK(r.energy_sram_pj == Approx(900 * 2.5));
  CHECK(r.energy_pe_sram_pj == Approx(840 * 1.25));
  CHECK(r.energy_link_pj == Approx(90 * 0.8));
  CHECK(r.energy_dram_pj == Approx(1600));
  CHECK(r.energy_flash_pj == Approx(320));
  CHECK(r.energy_tree_pj == Approx(320));
  const double total = 300 + 10 + 1000 + 2250 + 1050 + 72 + 1600 + 320 + 320;
  CHECK(r.energy_pj() == Approx(total));
  CHECK(r.energy_per_mac_pj() == Approx(total / 500));
}

TEST_CASE("energy: a table from JSON or YAML, and bad tables as one-line errors", "[unit]") {
  const std::string json = sw::to_json(sw::default_energy_table()).dump();
  CHECK(sw::to_json(sw::parse_energy_table(json, false, "t.json")) == sw::to_json(sw::default_energy_table()));
  const std::string yaml =
      "name: my 7 nm guess\nint8_mac_pj: 0.05\nint32_add_pj: 0.02\nregister_pj_per_byte: 0.04\n"
      "sram:\n  - {bytes: 4096, read_pj_per_byte: 0.5, write_pj_per_byte: 0.6}\n"
      "  - {bytes: 65536, read_pj_per_byte: 1.0, write_pj_per_byte: 1.2}\n"
      "link_hop_pj_per_byte: 0.1\ndram_pj_per_byte: 20\nflash_pj_per_byte: 50\ntree_link_pj_per_byte: 4\n";
  const sw::EnergyTable y = sw::parse_energy_table(yaml, true, "t.yaml");
  CHECK(y.name == "my 7 nm guess");
  CHECK(y.int8_mac_pj == Approx(0.05));
  CHECK(y.sram_write_pj_per_byte(16384) == Approx(0.9));
  const auto bad = [&](const std::string& text, bool as_yaml, const std::string& why) {
    INFO(text);
    try {
      sw::parse_energy_table(text, as_yaml, "--energy-table t");
      FAIL("accepted");
    } catch (const sw::InputError& e) {
      const std::string msg = e.what();
      CHECK(msg.find(why) != std::string::npos);
      CHECK(msg.find('\n') == std::string::npos);
      CHECK(msg.rfind("--energy-table t: ", 0) == 0);
    }
  };
  bad("{", false, "not valid JSON");
  bad("[1, 2]", false, "must be an object");
  bad("key: [unclosed", true, "not valid YAML");
  nlohmann::json j = nlohmann::json::parse(json);
  j.erase("dram_pj_per_byte");
  bad(j.dump(), false, "missing 'dram_pj_per_byte'");
  j = nlohmann::json::parse(json);
  j["int8_mac_pj"] = -1;
  bad(j.dump(), false, "'int8_mac_pj' must be a non-negative number");
  j = nlohmann::json::parse(json);
  j["int8_mac"] = 1;
  bad(j.dump(), false, "unknown key 'int8_mac'");
  j = nlohmann::json::parse(json);
  j["sram"] = nlohmann::json::array();
  bad(j.dump(), false, "'sram' must be a non-empty list");
  j = nlohmann::json::parse(json);
  std::swap(j["sram"][0], j["sram"][1]);
  bad(j.dump(), false, "ascending order of bytes");
  CHECK_THROWS_WITH(sw::load_energy_table(test::case_path("none.json")),
                    "--energy-table " + test::case_path("none.json") + ": cannot read the file");
}

TEST_CASE("plots: every plot is well-formed SVG with a title, axis labels and a legend", "[unit]") {
  std::vector<sw::LayerRecord> layers{full_record(), full_record()};
  layers[1].name = "fc2";
  layers[1].cycles = 200;
  std::vector<sw::LayerRecord> runs{full_record(), full_record(), full_record()};
  runs[1].density = 0.1;
  runs[1].cycles = 20;
  runs[2].density = 0.01;
  runs[2].cycles = 8;
  const std::vector<std::pair<std::string, std::string>> plots{
      {"utilization", sw::svg_plot(sw::utilization_plot(layers))},
      {"energy", sw::svg_plot(sw::energy_plot(layers))},
      {"roofline", sw::svg_plot(sw::roofline_plot(layers, 16, 64, "on-chip memory"))},
      {"speedup", sw::svg_plot(sw::speedup_plot(runs))},
      {"noc", sw::svg_plot(sw::noc_latency_plot({0.1, 0.3, 0.5}, {7, 9, 190}, {14, 20, 1100}))},
      {"sweep", sw::svg_plot(sw::bandwidth_sweep_plot({1, 2, 4}, {10, 20, 30}, {20, 40, 80}, 256))},
      {"scaling", sw::svg_plot(sw::scaling_plot({1, 4}, {100, 92}))},
      {"empty", sw::svg_plot(sw::XYPlot{"nothing <yet>", "x (units)", "y (units)", true, true, {}})}};
  for (const auto& [name, svg] : plots) {
    INFO(name);
    const std::string path = test::case_path(name + ".svg");
    spit(path, svg);
    // Python's XML parser: well-formed, an <svg> root in the SVG namespace, a <title>.
    const std::string cmd = "python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
                            "ns = '{http://www.w3.org/2000/svg}'; assert r.tag == ns + 'svg', r.tag; "
                            "assert r.find(ns + 'title').text; assert len(r.findall('.//' + ns + 'text')) >= 3\" " + path;
    CHECK(std::system(cmd.c_str()) == 0);
  }
  // The speedup plot has the ideal 1/d (relative to the first density, 0.5) beside the measured curve.
  const sw::XYPlot s = sw::speedup_plot(runs);
  REQUIRE(s.series.size() == 2);
  CHECK(s.series[0].y == std::vector<double>{1, 5, 12.5});
  CHECK(s.series[1].y[2] == Approx(50));
  CHECK(sw::xml_escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
  CHECK(sw::base64("Man") == "TWFu");
  CHECK(sw::base64("Ma") == "TWE=");
  CHECK(sw::base64("M") == "TQ==");
}

TEST_CASE("report: the page names the run, the hardware, every table and plot, and its files are all there", "[unit]") {
  sw::RunInfo info;
  info.title = "waferbench gemm <test>";
  info.command_line = "waferbench gemm --m 8";
  info.hardware = {{"array", "4 x 4 PEs"}};
  info.peak_macs_per_cycle = 16;
  info.bandwidth_bytes_per_cycle = 64;
  const std::vector<sw::LayerRecord> layers{full_record()};
  const sw::HtmlPage page = sw::layer_page(info, layers, sw::default_energy_table());
  CHECK(page.plots.size() == 3);  // utilisation, energy, roofline
  const auto files = sw::report_files(page, layers, sw::default_energy_table(), {{"command", "gemm"}});
  std::set<std::string> names;
  for (const auto& [name, text] : files) names.insert(name);
  CHECK(names == std::set<std::string>{"index.html", "records.json", "records.csv", "energy_table.json",
                                       "COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "utilization.svg", "energy.svg",
                                       "roofline.svg"});
  const std::string html = files.back().second;
  CHECK(html.find("<title>waferbench gemm &lt;test&gt;</title>") != std::string::npos);
  CHECK(html.find("waferbench gemm --m 8") != std::string::npos);
  CHECK(html.find("4 x 4 PEs") != std::string::npos);
  CHECK(html.find("Horowitz") != std::string::npos);
  CHECK(html.find("src=\"data:image/svg+xml;base64,") != std::string::npos);
  CHECK(html.find("http") == std::string::npos);  // self-contained: nothing to fetch
  const auto records = nlohmann::json::parse(files[0].second);
  CHECK(records["schema"] == 2);
  CHECK(records["run"]["command"] == "gemm");
  CHECK(sw::to_json(sw::record_from_json(records["records"][0])) == sw::to_json(layers[0]));
}

TEST_CASE("report: a directory is written whole or not at all, and replaces only an earlier report", "[unit]") {
  const std::string dir = test::case_path("report");
  {
    sw::OutputFiles out;
    out.add_dir("--report", dir);
    out.write_dir(dir, {{"index.html", "one"}});
    // No commit: an error stopped the command; nothing is left behind.
  }
  CHECK_FALSE(fs::exists(dir));
  CHECK(std::distance(fs::directory_iterator(fs::path(dir).parent_path()), fs::directory_iterator{}) == 0);
  {
    sw::OutputFiles out;
    out.add_dir("--report", dir + "/");
    out.write_dir(dir, {{"index.html", "one"}, {"a.svg", "<svg/>"}});
    out.commit();
  }
  CHECK(slurp(dir + "/index.html") == "one");
  CHECK(fs::exists(dir + "/" + sw::kReportMarker));
  {
    sw::OutputFiles out;  // a later run replaces the whole report
    out.add_dir("--report", dir);
    out.write_dir(dir, {{"index.html", "two"}});
    out.commit();
  }
  CHECK(slurp(dir + "/index.html") == "two");
  CHECK_FALSE(fs::exists(dir + "/a.svg"));
  CHECK(std::distance(fs::directory_iterator(fs::path(dir).parent_path()), fs::directory_iterator{}) == 1);
  // A directory that is no report, a file, a link, or a report on the path of another output.
  const std::string mine = test::case_path("mine");
  fs::create_directories(mine);
  spit(mine + "/notes.txt", "keep");
  sw::OutputFiles out;
  CHECK_THROWS_WITH(out.add_dir("--report", mine),
                    "--report: '" + mine + "' exists and is not a waferbench report directory (give a new directory; it is never emptied)");
  CHECK(slurp(mine + "/notes.txt") == "keep");
  CHECK_THROWS_WITH(out.add_dir("--report", mine + "/notes.txt"), "--report: '" + mine + "/notes.txt' exists and is not a directory");
  fs::create_symlink(dir, test::case_path("link"));
  CHECK_THROWS_AS(out.add_dir("--report", test::case_path("link")), sw::InputError);
  CHECK_THROWS_AS(out.add_dir("--report", test::case_path("no/such/dir")), sw::InputError);
  out.add("--json", dir + ".json");
  CHECK_THROWS_AS(out.add_dir("--scalesim-csv", dir + ".json"), sw::InputError);
}

TEST_CASE("whatif: training time against hand-computed cases", "[unit]") {
  CHECK(sw::training_flops(1e9, 2e10) == Approx(1.2e20));
  sw::WhatIf w;
  w.params = 1e9;
  w.tokens = 2e10;
  w.systems = 4;
  w.peak_flops_per_system = 2.0 * 256 * 1e9;  // 16x16 MACs at 1 GHz
  w.utilization = 0.5;
  w.efficiency = 0.9;
  CHECK(sw::training_seconds(w) == Approx(1.2e20 / (4 * 5.12e11 * 0.5 * 0.9)));  // 130 208 s
  w.sparse_factor = 2;
  CHECK(sw::training_seconds(w) == Approx(1.2e20 / (4 * 5.12e11 * 0.5 * 0.9 * 2)));
  CHECK(sw::data_for_error(10, -0.5, 0.1) == Approx(1e4));  // 10 x data^-0.5 = 0.1
  CHECK_THROWS_AS(sw::data_for_error(10, 0.5, 0.1), sw::InputError);
  CHECK_THROWS_AS(sw::data_for_error(10, -0.5, 20), sw::InputError);

  // From a train run's JSON: one system's utilisation is the per-system throughput over the
  // scaling efficiency it measured.
  const nlohmann::json train{{"command", "train"},  {"records", nlohmann::json::array()},
                             {"systems", 4},          {"peak_macs_per_cycle_per_system", 256.0},
                             {"macs_per_cycle_per_system", 230.4}, {"scaling_efficiency", 0.9}};
  const sw::RunMeasurement t = sw::measurement_from_json(train, "", "r.json");
  CHECK(t.utilization == Approx(1.0));
  CHECK(*t.efficiency == Approx(0.9));
  CHECK(t.systems == 4);
  // From a run's records: useful MACs over PEs x cycles; skipped work gives the sparse factor.
  sw::LayerRecord f = full_record();
  f.target = "fabric";
  f.macs = 400;
  f.macs_skipped = 1200;
  f.cycles = 50;
  const nlohmann::json run{{"command", "run"}, {"records", {sw::to_json(full_record()), sw::to_json(f)}}};
  const sw::RunMeasurement a = sw::measurement_from_json(run, "", "r.json");
  CHECK(a.utilization == Approx(1024.0 / (16 * 100)));
  CHECK(a.sparse_factor == Approx((1024.0 + 3) / 1024));
  const sw::RunMeasurement b = sw::measurement_from_json(run, "fabric", "r.json");
  CHECK(b.utilization == Approx(400.0 / (16 * 50)));
  CHECK(b.sparse_factor == Approx(4.0));
  CHECK_THROWS_WITH(sw::measurement_from_json({{"x", 1}}, "", "r.json"),
                    "r.json: not the JSON of a waferbench run or train (no \"records\")");
}
