// SPDX-License-Identifier: Apache-2.0
#include "sw/training.hpp"

#include <algorithm>
#include <cstring>

#include "sw/error.hpp"
#include "sw/gemm_ref.hpp"

namespace wb::sw {

MatrixI8 transpose(const MatrixI8& m) {
  MatrixI8 t(m.cols(), m.rows());
  for (int r = 0; r < m.rows(); ++r) {
    for (int c = 0; c < m.cols(); ++c) t.at(c, r) = m.at(r, c);
  }
  return t;
}

MatrixI8 row_slice(const MatrixI8& m, int row0, int rows) {
  MatrixI8 s(rows, m.cols());
  if (rows > 0) std::memcpy(s.data(), m.row(row0), s.size());
  return s;
}

MatrixI8 col_slice(const MatrixI8& m, int col0, int cols) {
  MatrixI8 s(m.rows(), cols);
  for (int r = 0; r < m.rows(); ++r) std::memcpy(s.row(r), m.row(r) + col0, static_cast<std::size_t>(cols));
  return s;
}

int saturate_int8(std::int64_t v) { return static_cast<int>(std::clamp<std::int64_t>(v, -128, 127)); }

MatrixI8 activation(const MatrixI32& y, int fwd_shift) {
  MatrixI8 x(y.rows(), y.cols());
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::int64_t v = round_shift(std::max<std::int32_t>(y.data()[i], 0), fwd_shift);
    x.data()[i] = static_cast<std::int8_t>(std::min<std::int64_t>(v, 127));
  }
  return x;
}

MatrixI8 loss_gradient(const MatrixI32& y, const MatrixI8& t, int fwd_shift) {
  if (y.rows() != t.rows() || y.cols() != t.cols()) throw InputError("loss: targets do not match the output shape");
  MatrixI8 dy(y.rows(), y.cols());
  for (std::size_t i = 0; i < y.size(); ++i) {
    dy.data()[i] = static_cast<std::int8_t>(saturate_int8(round_shift(y.data()[i], fwd_shift) - t.data()[i]));
  }
  return dy;
}

std::int64_t squared_error(const MatrixI32& y, const MatrixI8& t, int fwd_shift) {
  if (y.rows() != t.rows() || y.cols() != t.cols()) throw InputError("loss: targets do not match the output shape");
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::int64_t e = round_shift(y.data()[i], fwd_shift) - t.data()[i];
    sum += e * e;
  }
  return sum;
}

MatrixI8 backward_gradient(const MatrixI32& dx, const MatrixI8& x, int bwd_shift) {
  MatrixI8 dy(dx.rows(), dx.cols());
  for (std::size_t i = 0; i < dx.size(); ++i) {
    dy.data()[i] = x.data()[i] > 0 ? static_cast<std::int8_t>(saturate_int8(round_shift(dx.data()[i], bwd_shift))) : 0;
  }
  return dy;
}

TrainData make_train_data(const MlpSpec& spec, int batch, std::uint64_t seed) {
  TrainData d;
  for (int l = 0; l < spec.layers(); ++l) {
    d.weights.push_back(random_int8(spec.widths[l], spec.widths[l + 1], seed * 1000003u + l + 1));
  }
  d.x = random_int8(batch, spec.widths.front(), seed);
  d.t = random_int8(batch, spec.widths.back(), seed * 7919u + 17);
  return d;
}

StepResult train_passes_ref(const std::vector<MatrixI8>& weights, const MatrixI8& x, const MatrixI8& t,
                            const TrainShifts& shifts) {
  const int layers = static_cast<int>(weights.size());
  StepResult r;
  r.acts.push_back(x);
  MatrixI32 y;
  for (int l = 0; l < layers; ++l) {
    y = gemm_ref(r.acts.back(), weights[static_cast<std::size_t>(l)]);
    r.acts.push_back(activation(y, shifts.fwd_shift));
  }
  r.y = y;
  r.dys.resize(static_cast<std::size_t>(layers));
  r.dws.resize(static_cast<std::size_t>(layers));
  MatrixI8 dy = loss_gradient(y, t, shifts.fwd_shift);
  for (int l = layers - 1; l >= 0; --l) {
    const auto i = static_cast<std::size_t>(l);
    r.dws[i] = gemm_ref(transpose(r.acts[i]), dy);
    r.dys[i] = dy;
    if (l > 0) dy = backward_gradient(gemm_ref(dy, transpose(weights[i])), r.acts[i], shifts.bwd_shift);
  }
  return r;
}

std::vector<MatrixI8> train_ref(std::vector<MatrixI8> weights, const MatrixI8& x, const MatrixI8& t,
                                const TrainShifts& shifts, const SgdOptions& sgd, int steps,
                                std::vector<std::int64_t>* squared_errors) {
  std::vector<std::vector<std::int64_t>> velocity(weights.size());
  for (int s = 0; s < steps; ++s) {
    const StepResult r = train_passes_ref(weights, x, t, shifts);
    if (squared_errors) squared_errors->push_back(squared_error(r.y, t, shifts.fwd_shift));
    for (std::size_t l = 0; l < weights.size(); ++l) {
      std::vector<std::int8_t> w(weights[l].data(), weights[l].data() + weights[l].size());
      const std::vector<std::int64_t> g(r.dws[l].data(), r.dws[l].data() + r.dws[l].size());
      sgd_step(w, g, velocity[l], sgd);
      std::memcpy(weights[l].data(), w.data(), w.size());
    }
  }
  return weights;
}

std::uint64_t train_step_macs(const MlpSpec& spec, int batch) {
  std::uint64_t macs = 0;
  for (int l = 0; l < spec.layers(); ++l) {
    const std::uint64_t layer = static_cast<std::uint64_t>(batch) * spec.widths[l] * spec.widths[l + 1];
    macs += (l > 0 ? 3 : 2) * layer;
  }
  return macs;
}

}  // namespace wb::sw
