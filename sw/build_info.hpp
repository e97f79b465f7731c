// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a report names as its origin: the tool's version and the git revision of its source.
#include <string>

namespace wb::sw {

// The project version (CMakeLists.txt), e.g. "0.1.0".
std::string tool_version();
// The source tree's `git rev-parse --short=12 HEAD`, with "-dirty" when tracked files differ
// from it; "unknown" when the tree is no git checkout (or git is missing).
std::string git_revision();

}  // namespace wb::sw
