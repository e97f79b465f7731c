#pragma once
#include <string>

namespace wb::sw {

// Writes `contents` to a temporary file beside `path` and renames it over `path`, so readers
// never see a half-written file. Throws InputError when the directory is not writable.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace wb::sw
