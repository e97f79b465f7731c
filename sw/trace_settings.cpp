// SPDX-License-Identifier: Apache-2.0
#include "sw/trace_settings.hpp"

namespace wb::sw {

bool is_vcd_path(const std::string& path) {
  const std::string ext = ".vcd";
  return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
}

std::string view_path_of(const std::string& dump_path) {
  const std::size_t slash = dump_path.find_last_of('/');
  const std::size_t dot = dump_path.find_last_of('.');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
  return (has_ext ? dump_path.substr(0, dot) : dump_path) + ".gtkw";
}

}  // namespace wb::sw
