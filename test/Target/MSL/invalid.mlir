// RUN: not rms-opt %s --rms-metal-pipeline -split-input-file 2>&1 | FileCheck %s --check-prefix=F64
// RUN: echo "module {}" | not rms-translate --mlir-to-msl 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: rms-opt %s --rms-spirv-pipeline | not rms-translate --mlir-to-msl 2>&1 | FileCheck %s --check-prefix=DOUBLE

// F64: error: 'rms.norm' op with f64 data is not supported on Metal (it has no double type)
// NONE: error: expected exactly one spirv.module (the output of --rms-metal-pipeline), found 0
// DOUBLE: error: the kernels use f64, which Metal does not have; compile them with --rms-metal-pipeline

func.func @f64(%x: tensor<2x8xf64>) -> tensor<2x8xf64> {
  %init = tensor.empty() : tensor<2x8xf64>
  %y = rms.norm ins(%x : tensor<2x8xf64>) outs(%init : tensor<2x8xf64>) epsilon(1.0e-05) -> tensor<2x8xf64>
  return %y : tensor<2x8xf64>
}
