// SPDX-License-Identifier: Apache-2.0
#pragma once
// Inside wb_sw_onnx only: the protobuf side of sw/onnx_tensor.hpp.
#include <string>

#include <onnx/onnx_pb.h>

#include "sw/onnx_tensor.hpp"

namespace wb::sw {

// `where` starts the InputError message ("model.onnx: initializer 'w'").
OnnxTensor tensor_from_proto(const onnx::TensorProto& proto, const std::string& where);

}  // namespace wb::sw
