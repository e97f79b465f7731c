// SPDX-License-Identifier: Apache-2.0
#pragma once
// A temporary directory per test case: ctest -j runs the cases (one process each) side by side,
// so no file may be shared between them, not even by name. case_path("x.json") is a path in
// the running case's own directory, WB_TEST_TMPDIR/<case name>_<pid>/, emptied on first use;
// the directory is removed when the case passes and kept for a look when it fails.
// Include this before any other Catch2 header (listeners need the external interfaces).
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <system_error>

namespace wb::test {

// <the first 60 characters of the name, as [A-Za-z0-9_]>_<hash of the whole name>_<pid>
inline std::filesystem::path case_dir_of(const std::string& test_name) {
  std::string slug;
  for (const char c : test_name) {
    if (slug.size() == 60) break;
    slug.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  }
  const std::size_t hash = std::hash<std::string>{}(test_name) % 1000000;
  return std::filesystem::path(WB_TEST_TMPDIR) / (slug + "_" + std::to_string(hash) + "_" + std::to_string(getpid()));
}

inline std::string case_path(const std::string& name) {
  static std::set<std::string> fresh;  // cases whose directory this process has emptied
  const std::string test = Catch::getResultCapture().getCurrentTestName();
  const std::filesystem::path dir = case_dir_of(test);
  if (fresh.insert(test).second) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  return (dir / name).string();
}

class CaseDirCleanup : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    std::error_code ec;
    if (stats.totals.assertions.allOk()) std::filesystem::remove_all(case_dir_of(stats.testInfo.name), ec);
  }
};
CATCH_REGISTER_LISTENER(CaseDirCleanup)

}  // namespace wb::test
