// SPDX-License-Identifier: Apache-2.0
#pragma once
// Output files that never leave a half-written result, never replace anything but a regular
// file, and are written all or none.
#include <string>
#include <vector>

namespace wb::sw {

// Throws InputError (naming `what`, e.g. "--json") unless `path` can become an output: it is not
// empty, names no existing directory, symbolic link, device or FIFO (those are never replaced),
// and its directory lets a file be created. Touches nothing at `path`.
void check_output_path(const std::string& path, const std::string& what);

// Writes `contents` to a temporary file with a unique name beside `path` and renames it over
// `path`, so readers never see a half-written file and no other file is touched. Throws
// InputError as check_output_path does, or when the write fails.
void write_file_atomically(const std::string& path, const std::string& contents);

// Whether two paths name the same file: the same inode when both exist, else the same path
// once the directory is resolved (symbolic links, "..", "./").
bool same_file(const std::string& a, const std::string& b);

// The output files of one command, written all or none. Each is registered before any work:
// checked as check_output_path does and against every other file of the command (two outputs on
// one path, or an output over an input, are InputErrors), and given a temporary beside it.
// commit() renames the temporaries into place; without it (an error), the destructor removes
// them, so the user's files stay as they were.
// The file every report directory holds, so that a later run may replace the directory.
constexpr const char* kReportMarker = ".waferbench-report";

class OutputFiles {
 public:
  OutputFiles() = default;
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;
  ~OutputFiles();

  // An input file that no output may replace; an empty path is none.
  void add_input(const std::string& what, const std::string& path);
  // Registers an output that write() fills (an output never written is left alone by commit());
  // an empty path is none.
  void add(const std::string& what, const std::string& path);
  // Registers an output that a writer opens by name (a waveform) and returns the temporary's path
  // for it; commit() renames it in any case. An empty path is none and returns "".
  std::string add_for_writer(const std::string& what, const std::string& path);
  // Registers an output directory (a report) that write_dir() fills; an empty path is none. It
  // must not exist, or be a directory an earlier write_dir() made (it holds kReportMarker),
  // which commit() then replaces whole; anything else is an InputError.
  void add_dir(const std::string& what, const std::string& path);
  // The contents of a registered output, written to its temporary now.
  void write(const std::string& path, const std::string& contents);
  // The files (name, contents; plain names, no '/') of a registered directory, written now into
  // a temporary directory beside it, with the marker file.
  void write_dir(const std::string& path, const std::vector<std::pair<std::string, std::string>>& files);
  // Renames every temporary that holds an output over it.
  void commit();

 private:
  struct File {
    std::string what, path, temp;
    bool output = false;
    bool written = false;  // or opened by its writer
    bool renamed = false;
    bool dir = false;
  };
  std::vector<File> m_files;
};

}  // namespace wb::sw
