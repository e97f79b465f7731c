// SPDX-License-Identifier: Apache-2.0
#include "tb/wave_dump.hpp"

#include <gtkwave/fstapi.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sw/error.hpp"
#include "sw/file_util.hpp"

namespace wb::tb {

namespace {

struct FstReader {
  explicit FstReader(const std::string& path) : ctx(fstReaderOpen(path.c_str())) {
    if (!ctx) throw std::runtime_error("cannot read the waveform " + path);
  }
  ~FstReader() { fstReaderClose(ctx); }
  FstReader(const FstReader&) = delete;
  FstReader& operator=(const FstReader&) = delete;
  void* ctx;
};

}  // namespace

std::vector<sw::DumpSignal> fst_signals(const std::string& fst_path) {
  FstReader reader(fst_path);
  std::vector<sw::DumpSignal> out;
  std::vector<std::string> scope;
  while (const fstHier* h = fstReaderIterateHier(reader.ctx)) {
    if (h->htyp == FST_HT_SCOPE) {
      scope.emplace_back(h->u.scope.name);
    } else if (h->htyp == FST_HT_UPSCOPE) {
      if (!scope.empty()) scope.pop_back();
    } else if (h->htyp == FST_HT_VAR) {
      std::string name;
      for (const std::string& s : scope) name += s + ".";
      const std::string var = h->u.var.name;  // "acc_q[0] [31:0]" (Verilator: a space before the range)
      const std::size_t space = var.find(' ');
      out.push_back({name + var.substr(0, space), space == std::string::npos ? "" : var.substr(space + 1)});
    }
  }
  return out;
}

void fst_to_vcd(const std::string& fst_path, const std::string& vcd_path) {
  FstReader reader(fst_path);
  FILE* vcd = std::fopen(vcd_path.c_str(), "w");
  if (!vcd) throw std::runtime_error("cannot write " + vcd_path);
  fstReaderProcessHier(reader.ctx, vcd);  // the header
  fstReaderSetFacProcessMaskAll(reader.ctx);
  const int ok = fstReaderIterBlocks(reader.ctx, nullptr, nullptr, vcd);
  if (std::fclose(vcd) != 0 || !ok) throw std::runtime_error("cannot write " + vcd_path);
}

void finish_dump(const std::string& fst_path, const std::string& path, const sw::TraceSettings& settings,
                 const char* view_template, std::uint64_t t0, std::uint64_t t1) {
  if (!settings.view_path.empty() && view_template) {
    const std::string view = sw::gtkw_for_dump(view_template, fst_signals(fst_path), t0, t1, settings.dump_name);
    std::ofstream out(settings.view_path, std::ios::trunc);
    out << view;
    if (!out.flush()) throw std::runtime_error("cannot write " + settings.view_path);
  }
  if (settings.vcd) {
    fst_to_vcd(fst_path, path);
    std::remove(fst_path.c_str());
  }
}

void WaveDump::open(const std::string& path) {
  // VCD is converted from an FST beside it when the dump closes (one trace build for both).
  m_fst_path = m_settings.vcd ? path + ".fst" : path;
  m_fst->open(m_fst_path.c_str());
  if (!m_fst->isOpen()) throw sw::InputError("cannot write trace file " + path);
}

WaveDump::~WaveDump() {
  if (!m_fst) return;
  m_fst->close();
  try {
    const std::uint64_t t0 = m_dumped ? m_first : m_settings.from * m_period;
    finish_dump(m_fst_path, m_path, m_settings, m_view, t0, m_dumped ? m_last : t0);
  } catch (const std::exception& e) {
    std::cerr << "waferbench: warning: " << e.what() << "\n";  // a destructor cannot throw
  }
}

}  // namespace wb::tb
