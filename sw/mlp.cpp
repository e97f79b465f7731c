#include "sw/mlp.hpp"

#include <algorithm>
#include <sstream>

#include "sw/error.hpp"

namespace wb::sw {

std::string MlpSpec::text() const {
  std::string t = "mlp:";
  for (std::size_t i = 0; i < widths.size(); ++i) t += (i ? "x" : "") + std::to_string(widths[i]);
  return t;
}

MlpSpec parse_mlp(const std::string& text) {
  const std::string prefix = "mlp:";
  if (text.compare(0, prefix.size(), prefix) != 0) {
    throw InputError("unknown model '" + text + "' (expected mlp:IN x H1 x ... x OUT, e.g. mlp:256x256x128x10)");
  }
  MlpSpec spec;
  std::stringstream ss(text.substr(prefix.size()));
  std::string item;
  while (std::getline(ss, item, 'x')) {
    if (item.empty() || item.size() > 7 || item.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(item) <= 0) {
      throw InputError("bad layer width '" + item + "' in model '" + text + "'");
    }
    spec.widths.push_back(std::stoi(item));
  }
  if (spec.widths.size() < 2) throw InputError("model '" + text + "' needs at least an input and an output width");
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

}  // namespace wb::sw
