// SPDX-License-Identifier: Apache-2.0
#include "sw/build_info.hpp"

#include "sw/child_process.hpp"

namespace wb::sw {

std::string tool_version() { return WB_VERSION; }

std::string git_revision() {
  try {
    ChildOptions quiet;
    quiet.capture_err = true;
    const ChildResult head = run_child({"/usr/bin/git", "-C", WB_SOURCE_DIR, "rev-parse", "--short=12", "HEAD"}, quiet);
    if (head.exit_code != 0 || head.out.size() < 2) return "unknown";
    const std::string rev = head.out.substr(0, head.out.find('\n'));
    const ChildResult status =
        run_child({"/usr/bin/git", "-C", WB_SOURCE_DIR, "status", "--porcelain", "--untracked-files=no"}, quiet);
    return rev + (status.exit_code == 0 && !status.out.empty() ? "-dirty" : "");
  } catch (const std::exception&) {
    return "unknown";
  }
}

}  // namespace wb::sw
