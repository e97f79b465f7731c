// SPDX-License-Identifier: Apache-2.0
#include "sw/prune.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "sw/error.hpp"
#include "sw/parse.hpp"
#include "sw/rng.hpp"

namespace wb::sw {
namespace {

const char* kForms = "random:S, magnitude:S, nm:N:M or block:B:S with S in [0, 1)";

// A score and a seeded tie-break, so that equal scores fall in a random but reproducible order
// (by position they would prune one corner of the matrix first).
struct Ranked {
  std::int64_t score;
  std::uint64_t tie;
  std::size_t index;
  bool operator<(const Ranked& o) const { return score != o.score ? score < o.score : tie < o.tie; }
};

std::string fixed_text(double v) {
  std::ostringstream o;
  o << v;  // shortest form: 0.9, 0.75
  return o.str();
}

std::uint64_t prune_count(double sparsity, std::size_t items) {
  return static_cast<std::uint64_t>(std::llround(sparsity * static_cast<double>(items)));
}

// Indices of the `count` lowest-ranked items.
std::vector<std::size_t> lowest(std::vector<Ranked> items, std::uint64_t count) {
  const auto n = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(count, items.size()));
  std::nth_element(items.begin(), items.begin() + n, items.end());
  std::vector<std::size_t> out;
  for (std::ptrdiff_t i = 0; i < n; ++i) out.push_back(items[static_cast<std::size_t>(i)].index);
  return out;
}

MatrixI8 prune_random(MatrixI8 w, double s, std::uint64_t seed) {
  SplitMix64 rng(seed);
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (rng.chance(s)) w.data()[i] = 0;
  }
  return w;
}

MatrixI8 prune_magnitude(MatrixI8 w, double s, std::uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<Ranked> items(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) items[i] = {std::abs(static_cast<int>(w.data()[i])), rng.next(), i};
  for (std::size_t i : lowest(std::move(items), prune_count(s, w.size()))) w.data()[i] = 0;
  return w;
}

MatrixI8 prune_nm(MatrixI8 w, int n, int m, std::uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<Ranked> group;
  for (int c = 0; c < w.cols(); ++c) {
    for (int k0 = 0; k0 < w.rows(); k0 += m) {
      const int size = std::min(m, w.rows() - k0);
      group.clear();
      for (int i = 0; i < size; ++i) {
        group.push_back({std::abs(static_cast<int>(w.at(k0 + i, c))), rng.next(), static_cast<std::size_t>(k0 + i)});
      }
      const int drop = size - std::min(n, size);
      for (std::size_t r : lowest(group, static_cast<std::uint64_t>(drop))) w.at(static_cast<int>(r), c) = 0;
    }
  }
  return w;
}

MatrixI8 prune_block(MatrixI8 w, int b, double s, std::uint64_t seed) {
  SplitMix64 rng(seed);
  const int brows = (w.rows() + b - 1) / b, bcols = (w.cols() + b - 1) / b;
  std::vector<Ranked> blocks;
  for (int br = 0; br < brows; ++br) {
    for (int bc = 0; bc < bcols; ++bc) {
      std::int64_t l1 = 0;
      for (int r = br * b; r < std::min(w.rows(), (br + 1) * b); ++r) {
        for (int c = bc * b; c < std::min(w.cols(), (bc + 1) * b); ++c) l1 += std::abs(static_cast<int>(w.at(r, c)));
      }
      blocks.push_back({l1, rng.next(), static_cast<std::size_t>(br) * static_cast<std::size_t>(bcols) + static_cast<std::size_t>(bc)});
    }
  }
  for (std::size_t i : lowest(std::move(blocks), prune_count(s, static_cast<std::size_t>(brows) * bcols))) {
    const int br = static_cast<int>(i / static_cast<std::size_t>(bcols)), bc = static_cast<int>(i % static_cast<std::size_t>(bcols));
    for (int r = br * b; r < std::min(w.rows(), (br + 1) * b); ++r) {
      for (int c = bc * b; c < std::min(w.cols(), (bc + 1) * b); ++c) w.at(r, c) = 0;
    }
  }
  return w;
}

}  // namespace

std::string PruneSpec::text() const {
  switch (method) {
    case PruneMethod::kRandom: return "random:" + fixed_text(sparsity);
    case PruneMethod::kMagnitude: return "magnitude:" + fixed_text(sparsity);
    case PruneMethod::kNm: return "nm:" + std::to_string(n) + ":" + std::to_string(m);
    case PruneMethod::kBlock: return "block:" + std::to_string(block) + ":" + fixed_text(sparsity);
  }
  return "?";
}

double PruneSpec::density() const {
  return method == PruneMethod::kNm ? static_cast<double>(n) / m : 1.0 - sparsity;
}

PruneSpec parse_prune_spec(const std::string& text, const std::string& option) {
  const auto bad = [&](const std::string& why) {
    return InputError(option + " '" + printable(text) + "': " + why + " (expected " + kForms + ")");
  };
  const auto items = split_list(text, ':');
  if (!items || items->empty()) throw bad("empty field");
  const std::vector<std::string>& f = *items;
  const auto sparsity = [&](const std::string& t) {
    const auto v = parse_double(t);
    if (!v || !(*v >= 0.0 && *v < 1.0)) throw bad("the sparsity '" + printable(t) + "' is not a number in [0, 1)");
    return *v;
  };
  PruneSpec s;
  if ((f[0] == "random" || f[0] == "magnitude") && f.size() == 2) {
    s.method = f[0] == "random" ? PruneMethod::kRandom : PruneMethod::kMagnitude;
    s.sparsity = sparsity(f[1]);
  } else if (f[0] == "nm" && f.size() == 3) {
    s.method = PruneMethod::kNm;
    const auto m = parse_int(f[2], 1, 256);
    if (!m) throw bad("M '" + printable(f[2]) + "' is not an integer in [1, 256]");
    const auto n = parse_int(f[1], 1, *m);
    if (!n) throw bad("N '" + printable(f[1]) + "' is not an integer in [1, M]");
    s.n = static_cast<int>(*n);
    s.m = static_cast<int>(*m);
  } else if (f[0] == "block" && f.size() == 3) {
    s.method = PruneMethod::kBlock;
    const auto b = parse_int(f[1], 1, 4096);
    if (!b) throw bad("the block size '" + printable(f[1]) + "' is not an integer in [1, 4096]");
    s.block = static_cast<int>(*b);
    s.sparsity = sparsity(f[2]);
  } else {
    throw bad("unknown method or wrong number of fields");
  }
  return s;
}

MatrixI8 prune(const MatrixI8& w, const PruneSpec& spec, std::uint64_t seed) {
  switch (spec.method) {
    case PruneMethod::kRandom: return prune_random(w, spec.sparsity, seed);
    case PruneMethod::kMagnitude: return prune_magnitude(w, spec.sparsity, seed);
    case PruneMethod::kNm: return prune_nm(w, spec.n, spec.m, seed);
    case PruneMethod::kBlock: return prune_block(w, spec.block, spec.sparsity, seed);
  }
  return w;
}

MatrixI8 apply_mask(const MatrixI8& w, const MatrixU8& mask, const std::string& what) {
  if (mask.rows() != w.rows() || mask.cols() != w.cols()) {
    throw InputError(what + ": shape (" + std::to_string(mask.rows()) + ", " + std::to_string(mask.cols()) +
                     ") does not match the weights (" + std::to_string(w.rows()) + ", " + std::to_string(w.cols()) + ")");
  }
  MatrixI8 out = w;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (mask.data()[i] > 1) {
      throw InputError(what + ": mask values must be 0 or 1, got " + std::to_string(mask.data()[i]) + " at [" +
                       std::to_string(i / static_cast<std::size_t>(w.cols())) + "][" +
                       std::to_string(i % static_cast<std::size_t>(w.cols())) + "]");
    }
    if (mask.data()[i] == 0) out.data()[i] = 0;
  }
  return out;
}

std::string SparsityStructure::text() const {
  if (kind == Kind::kNm) return "nm:" + std::to_string(n) + ":" + std::to_string(m);
  if (kind == Kind::kBlock) return "block:" + std::to_string(block);
  return "unstructured";
}

std::string SparsityStructure::default_densities() const {
  if (kind == Kind::kNm) return "1," + fixed_text(static_cast<double>(n) / m);
  if (kind == Kind::kBlock) return "1,0.5,0.25,0.1";
  return "1,0.5,0.1,0.01";
}

PruneSpec SparsityStructure::prune_for(double d) const {
  PruneSpec p;
  if (kind == Kind::kNm) {
    const double kept = d * m;
    if (std::abs(kept - std::round(kept)) > 1e-9 || std::round(kept) < 1) {
      throw InputError("density " + fixed_text(d) + " is not a multiple of 1/" + std::to_string(m) + " (--structure " + text() +
                       " keeps a whole number of every " + std::to_string(m) + ")");
    }
    p.method = PruneMethod::kNm;
    p.n = static_cast<int>(std::round(kept));
    p.m = m;
    return p;
  }
  p.method = kind == Kind::kBlock ? PruneMethod::kBlock : PruneMethod::kMagnitude;
  p.block = block;
  p.sparsity = 1.0 - d;
  return p;
}

SparsityStructure parse_sparsity_structure(const std::string& text, const std::string& option) {
  const auto bad = [&]() {
    return InputError(option + " must be unstructured, nm:N:M (1 <= N <= M <= 256) or block:B (1 <= B <= 4096), got '" +
                      printable(text) + "'");
  };
  SparsityStructure s;
  if (text == "unstructured") return s;
  const auto f = split_list(text, ':');
  if (!f) throw bad();
  if ((*f)[0] == "nm" && f->size() == 3) {
    const auto m = parse_int((*f)[2], 1, 256);
    const auto n = m ? parse_int((*f)[1], 1, *m) : std::nullopt;
    if (!n) throw bad();
    s.kind = SparsityStructure::Kind::kNm;
    s.n = static_cast<int>(*n);
    s.m = static_cast<int>(*m);
    return s;
  }
  if ((*f)[0] == "block" && f->size() == 2) {
    const auto b = parse_int((*f)[1], 1, 4096);
    if (!b) throw bad();
    s.kind = SparsityStructure::Kind::kBlock;
    s.block = static_cast<int>(*b);
    return s;
  }
  throw bad();
}

bool WeightSparsity::matches(const MatrixI8& w) const {
  return prune.has_value() || (mask && mask->rows() == w.rows() && mask->cols() == w.cols());
}

MatrixI8 WeightSparsity::apply(const MatrixI8& w, std::uint64_t index) const {
  if (prune) return sw::prune(w, *prune, seed * 0x9E3779B97F4A7C15ull + index);
  if (mask) return apply_mask(w, *mask, "--mask " + printable(mask_path));
  return w;
}

InputError WeightSparsity::unmatched_mask(const std::string& what) const {
  return InputError("--mask " + printable(mask_path) + ": its shape (" + std::to_string(mask ? mask->rows() : 0) + ", " +
                    std::to_string(mask ? mask->cols() : 0) + ") matches no layer's weights (K x N) of " + what);
}

std::string WeightSparsity::text() const {
  if (prune) return prune->text();
  if (mask) return "mask " + mask_path;
  return "";
}

}  // namespace wb::sw
