// SPDX-License-Identifier: Apache-2.0
#pragma once
// Test helper: the array at pin level as a sw::GemmRunner, golden-checked on every GEMM, over
// the targets the ONNX tests run on (both dataflows, two sizes, RTL and the reference model).
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/ref/pin_gemm.hpp"
#include "sw/gemm_ref.hpp"
#include "sw/quantized_ops.hpp"
#include "tb/systolic_array_factory.hpp"

namespace wb::test {

struct ArrayTarget {
  sw::ArrayShape array;
  sw::Dataflow dataflow = sw::Dataflow::kWeightStationary;
  ref::Engine engine = ref::Engine::kRtl;

  std::string name() const {
    return std::to_string(array.rows) + "x" + std::to_string(array.cols) + " " + sw::dataflow_name(dataflow) + " " +
           ref::engine_name(engine);
  }
};

// 4x4 and 8x8, weight- and output-stationary, on `engine`.
inline std::vector<ArrayTarget> array_targets(ref::Engine engine) {
  std::vector<ArrayTarget> targets;
  for (int size : {4, 8}) {
    for (auto df : {sw::Dataflow::kWeightStationary, sw::Dataflow::kOutputStationary}) {
      targets.push_back({{size, size}, df, engine});
    }
  }
  return targets;
}

// Runs every GEMM on a fresh DUT of `target`; throws when the array's result differs from
// gemm_ref, so a caller comparing only the op's final output still checks every GEMM. Counts
// the GEMMs run in *gemms when given.
inline sw::GemmRunner array_gemm(const ArrayTarget& target, int* gemms = nullptr) {
  return [target, gemms](const sw::MatrixI8& a, const sw::MatrixI8& b) {
    ref::DutOptions options;
    options.engine = target.engine;
    auto dut = tb::make_array_dut(target.array.rows, target.array.cols, options);
    const sw::GemmPlan plan({a.rows(), a.cols(), b.cols()}, target.array, target.dataflow);
    ref::PinGemmResult result = ref::run_gemm_on_pins(*dut, plan, a, b);
    const sw::Mismatch mm = sw::first_mismatch(sw::gemm_ref(a, b), result.c);
    if (mm.count != 0) {
      std::ostringstream os;
      os << target.name() << ": GEMM " << a.rows() << "x" << a.cols() << "x" << b.cols() << " differs from gemm_ref at ("
         << mm.row << "," << mm.col << "): expected " << mm.expected << ", got " << mm.actual;
      throw std::runtime_error(os.str());
    }
    if (gemms) ++*gemms;
    return std::move(result.c);
  };
}

}  // namespace wb::test
