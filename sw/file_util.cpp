// SPDX-License-Identifier: Apache-2.0
#include "sw/file_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "sw/error.hpp"
#include "sw/parse.hpp"

namespace wb::sw {
namespace {

std::string quote_path(const std::string& path) { return "'" + printable(path) + "'"; }

// "--json: " before a message about the file, or nothing when no option names it.
std::string prefix(const std::string& what) { return what.empty() ? "" : what + ": "; }

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The refusals that need no file system write: an empty name, or an existing file that is not
// a regular one (replacing a symbolic link, a device or a FIFO would surprise its owner).
void check_target(const std::string& path, const std::string& what) {
  if (path.empty()) throw InputError((what.empty() ? "an output" : what) + " needs a file name, got ''");
  if (path.back() == '/') throw InputError(prefix(what) + quote_path(path) + " names a directory, not a file");
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw InputError(prefix(what) + "cannot write " + quote_path(path) + " (" + std::strerror(errno) + ")");
  }
  if (S_ISDIR(st.st_mode)) throw InputError(prefix(what) + quote_path(path) + " is a directory");
  if (S_ISLNK(st.st_mode)) {
    throw InputError(prefix(what) + quote_path(path) +
                     " is a symbolic link; outputs replace regular files only (give the link's target)");
  }
  if (!S_ISREG(st.st_mode)) {
    throw InputError(prefix(what) + quote_path(path) + " is not a regular file (a device or FIFO); outputs replace regular files only");
  }
}

// A new, empty file with a unique name beside `path` (O_EXCL: never someone else's file), with
// the permissions a plain new file would get. Returns its name.
std::string make_temp_beside(const std::string& path, const std::string& what) {
  std::string name = directory_of(path) + "/." + name_of(path) + ".XXXXXX";
  const int fd = mkstemp(name.data());
  if (fd < 0) {
    throw InputError(prefix(what) + "cannot create a file in " + quote_path(directory_of(path)) + " (" + std::strerror(errno) + ")");
  }
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  close(fd);
  return name;
}

void write_all(const std::string& temp, const std::string& path, const std::string& contents) {
  const int fd = open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  bool ok = fd >= 0;
  const std::string why = ok ? "" : std::strerror(errno);
  for (std::size_t done = 0; ok && done < contents.size();) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    done += ok ? static_cast<std::size_t>(n) : 0;
  }
  if (fd >= 0) ok = close(fd) == 0 && ok;
  if (!ok) throw InputError(quote_path(path) + ": write failed" + (why.empty() ? "" : " (" + why + ")"));
}

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  const std::string dir = directory_of(path);
  if (realpath(dir.c_str(), buf) == nullptr) return path;
  return std::string(buf) + "/" + name_of(path);
}

std::string without_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// A new, empty directory with a unique name beside `path`.
std::string make_temp_dir_beside(const std::string& path, const std::string& what, const std::string& tag) {
  std::string name = directory_of(path) + "/." + name_of(path) + tag + ".XXXXXX";
  if (mkdtemp(name.data()) == nullptr) {
    throw InputError(prefix(what) + "cannot create a directory in " + quote_path(directory_of(path)) + " (" +
                     std::strerror(errno) + ")");
  }
  const mode_t mask = umask(0);  // mkdtemp makes 0700: give it a plain new directory's mode
  umask(mask);
  chmod(name.c_str(), 0777 & ~mask);
  return name;
}

// An output directory may be new, or a report directory of an earlier run.
void check_dir_target(const std::string& path, const std::string& what) {
  if (path.empty()) throw InputError(what + " needs a directory name, got ''");
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw InputError(prefix(what) + "cannot write " + quote_path(path) + " (" + std::strerror(errno) + ")");
  }
  if (S_ISLNK(st.st_mode)) throw InputError(prefix(what) + quote_path(path) + " is a symbolic link (give the link's target)");
  if (!S_ISDIR(st.st_mode)) throw InputError(prefix(what) + quote_path(path) + " exists and is not a directory");
  struct stat marker;
  if (lstat((path + "/" + kReportMarker).c_str(), &marker) != 0) {
    throw InputError(prefix(what) + quote_path(path) +
                     " exists and is not a waferbench report directory (give a new directory; it is never emptied)");
  }
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace

void check_output_path(const std::string& path, const std::string& what) {
  check_target(path, what);
  const std::string probe = make_temp_beside(path, what);
  unlink(probe.c_str());
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  check_target(path, "");
  const std::string temp = make_temp_beside(path, "");
  try {
    write_all(temp, path, contents);
  } catch (...) {
    unlink(temp.c_str());
    throw;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    unlink(temp.c_str());
    throw InputError(quote_path(path) + ": cannot write (" + why + ")");
  }
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  const bool ea = stat(a.c_str(), &sa) == 0, eb = stat(b.c_str(), &sb) == 0;
  if (ea && eb) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  if (ea != eb) return false;
  return canonical(a) == canonical(b);
}

OutputFiles::~OutputFiles() {
  for (const File& f : m_files) {
    if (f.output && !f.renamed && f.dir) remove_tree(f.temp);
    if (f.output && !f.renamed && !f.dir) unlink(f.temp.c_str());
  }
}

void OutputFiles::add_dir(const std::string& what, const std::string& given) {
  if (given.empty()) return;
  const std::string path = without_trailing_slash(given);
  check_dir_target(path, what);
  for (const File& f : m_files) {
    if (same_file(f.path, path)) {
      throw InputError(f.what + " and " + what + " name the same path " + quote_path(path) + " (give each output its own)");
    }
  }
  rmdir(make_temp_dir_beside(path, what, "").c_str());  // the parent takes a directory
  m_files.push_back({what, path, "", true, false, false, true});
}

void OutputFiles::write_dir(const std::string& given, const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string path = without_trailing_slash(given);
  for (File& f : m_files) {
    if (!f.dir || f.path != path) continue;
    if (!f.temp.empty()) remove_tree(f.temp);
    f.temp = make_temp_dir_beside(path, f.what, "");
    for (const auto& [name, contents] : files) {
      if (name.empty() || name.find('/') != std::string::npos) throw std::logic_error("write_dir: bad file name " + name);
      const std::string file = f.temp + "/" + name;
      const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0) close(fd);
      write_all(file, path + "/" + name, contents);
    }
    const int fd = open((f.temp + "/" + kReportMarker).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) throw InputError(f.what + ": cannot write in " + quote_path(f.temp) + " (" + std::strerror(errno) + ")");
    close(fd);
    f.written = true;
    return;
  }
  throw std::logic_error("OutputFiles::write_dir: " + path + " was not registered");
}

void OutputFiles::add_input(const std::string& what, const std::string& path) {
  if (path.empty()) return;
  for (const File& f : m_files) {
    if (f.output && same_file(f.path, path)) {
      throw InputError(f.what + " and " + what + " name the same file " + quote_path(path) + " (an output never replaces an input)");
    }
  }
  m_files.push_back({what, path, "", false, false});
}

void OutputFiles::add(const std::string& what, const std::string& path) {
  if (path.empty()) return;
  add_for_writer(what, path);
  m_files.back().written = false;
}

std::string OutputFiles::add_for_writer(const std::string& what, const std::string& path) {
  if (path.empty()) return "";
  check_target(path, what);
  for (const File& f : m_files) {
    if (same_file(f.path, path)) {
      throw InputError(f.what + " and " + what + " name the same file " + quote_path(path) +
                       (!f.output ? " (an output never replaces an input)" : " (give each output its own file)"));
    }
  }
  m_files.push_back({what, path, make_temp_beside(path, what), true, true});
  return m_files.back().temp;
}

void OutputFiles::write(const std::string& path, const std::string& contents) {
  for (File& f : m_files) {
    if (f.output && f.path == path) {
      write_all(f.temp, path, contents);
      f.written = true;
      return;
    }
  }
  throw std::logic_error("OutputFiles::write: " + path + " was not registered");
}

void OutputFiles::commit() {
  for (File& f : m_files) {
    if (!f.output || !f.written || f.renamed) continue;
    std::string old;  // an earlier report at the path, moved aside and removed once replaced
    if (f.dir && access(f.path.c_str(), F_OK) == 0) {
      old = make_temp_dir_beside(f.path, f.what, ".old");
      if (std::rename(f.path.c_str(), old.c_str()) != 0) {
        rmdir(old.c_str());
        throw InputError(f.what + ": cannot replace " + quote_path(f.path) + " (" + std::strerror(errno) + ")");
      }
    }
    if (std::rename(f.temp.c_str(), f.path.c_str()) != 0) {
      if (!old.empty()) std::rename(old.c_str(), f.path.c_str());
      throw InputError(f.what + ": cannot write " + quote_path(f.path) + " (" + std::strerror(errno) + ")");
    }
    f.renamed = true;
    if (!old.empty()) remove_tree(old);
  }
}

}  // namespace wb::sw
