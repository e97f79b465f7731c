// SPDX-License-Identifier: Apache-2.0
#include "sw/mlp.hpp"

#include <algorithm>
#include <sstream>

#include "sw/error.hpp"
#include "sw/parse.hpp"

namespace wb::sw {

std::string MlpSpec::text() const {
  std::string t = "mlp:";
  for (std::size_t i = 0; i < widths.size(); ++i) t += (i ? "x" : "") + std::to_string(widths[i]);
  return t;
}

std::string mlp_layer_name(const MlpSpec& spec, int batch, int l) {
  return "layer fc" + std::to_string(l + 1) + " (" + std::to_string(batch) + "x" + std::to_string(spec.widths[l]) + "x" +
         std::to_string(spec.widths[l + 1]) + ")";
}

MlpSpec parse_mlp(const std::string& text) {
  const std::string prefix = "mlp:";
  const std::string form = "expected mlp:IN x H1 x ... x OUT, e.g. mlp:256x256x128x10";
  if (text.compare(0, prefix.size(), prefix) != 0) {
    throw InputError("unknown model '" + printable(text) + "' (" + form + ")");
  }
  const auto items = split_list(text.substr(prefix.size()), 'x');
  if (!items) throw InputError("model '" + printable(text) + "' has an empty layer width (" + form + ")");
  MlpSpec spec;
  for (const std::string& item : *items) {
    const auto width = parse_int(item, 1, 9999999);
    if (!width) {
      throw InputError("bad layer width '" + printable(item) + "' in model '" + printable(text) +
                       "' (a width is an integer in 1..9999999)");
    }
    spec.widths.push_back(static_cast<int>(*width));
  }
  if (spec.widths.size() < 2) throw InputError("model '" + printable(text) + "' needs at least an input and an output width");
  return spec;
}

MatrixI8 relu_requantize(const MatrixI32& c, int& shift) {
  std::int32_t peak = 0;
  for (std::size_t i = 0; i < c.size(); ++i) peak = std::max(peak, c.data()[i]);
  shift = 0;
  while ((static_cast<std::int64_t>(peak) >> shift) > 127) ++shift;
  MatrixI8 out(c.rows(), c.cols());
  for (std::size_t i = 0; i < c.size(); ++i) {
    const std::int64_t v = std::max<std::int32_t>(c.data()[i], 0);
    const std::int64_t rounded = shift ? (v + (std::int64_t{1} << (shift - 1))) >> shift : v;
    out.data()[i] = static_cast<std::int8_t>(std::min<std::int64_t>(rounded, 127));
  }
  return out;
}

MatrixI8 mlp_input(const MlpSpec& spec, int batch, std::uint64_t seed) { return random_int8(batch, spec.widths[0], seed); }

MatrixI8 mlp_weight(const MlpSpec& spec, int layer, std::uint64_t seed, double density) {
  const std::uint64_t s = seed * 1000003u + static_cast<std::uint64_t>(layer) + 1;
  const int in = spec.widths[static_cast<std::size_t>(layer)], out = spec.widths[static_cast<std::size_t>(layer) + 1];
  return density < 1.0 ? random_sparse_int8(in, out, density, s) : random_int8(in, out, s);
}

std::vector<MatrixI8> mlp_weights(const MlpSpec& spec, std::uint64_t seed, double density, const WeightSparsity& sparsity) {
  std::vector<MatrixI8> weights;
  for (int l = 0; l < spec.layers(); ++l) {
    MatrixI8 w = mlp_weight(spec, l, seed, density);
    weights.push_back(sparsity.matches(w) ? sparsity.apply(w, static_cast<std::uint64_t>(l)) : std::move(w));
  }
  return weights;
}

void check_mask_fits(const MlpSpec& spec, const WeightSparsity& sparsity) {
  if (!sparsity.mask) return;
  for (int l = 0; l < spec.layers(); ++l) {
    if (sparsity.mask->rows() == spec.widths[l] && sparsity.mask->cols() == spec.widths[l + 1]) return;
  }
  throw sparsity.unmatched_mask(spec.text());
}

}  // namespace wb::sw
