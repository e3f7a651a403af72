// RUN: mlir-opt %s --load-dialect-plugin=%rms_plugin --load-pass-plugin=%rms_plugin --pass-pipeline="builtin.module(convert-rms-to-linalg)" | FileCheck %s --check-prefix=LINALG
// RUN: mlir-opt %s --load-dialect-plugin=%rms_plugin --load-pass-plugin=%rms_plugin --pass-pipeline="builtin.module(rms-cpu-pipeline{vector-bits=512})" | FileCheck %s --check-prefix=CPU
// RUN: mlir-opt %s --load-dialect-plugin=%rms_plugin --load-pass-plugin=%rms_plugin --pass-pipeline="builtin.module(one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},convert-rms-to-gpu)" | FileCheck %s --check-prefix=GPU

// Debian's mlir-opt-22, built on the same libMLIR.so, loads rms as a plugin:
// the dialect parses, and the passes and pipelines run by name.

// LINALG-LABEL: func @norm
// LINALG-NOT: rms.norm
// LINALG: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// LINALG: math.sqrt

// CPU-NOT: builtin.unrealized_conversion_cast
// CPU-LABEL: llvm.func @_mlir_ciface_norm(
// CPU-NOT: rms.norm

// The conversion passes are registered too.
// GPU: gpu.launch_func @rms_kernels::
// GPU: gpu.module @rms_kernels
func.func @norm(%x: tensor<?x4096xf16>, %w: tensor<4096xf16>, %init: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %y = rms.norm ins(%x, %w : tensor<?x4096xf16>, tensor<4096xf16>) outs(%init : tensor<?x4096xf16>) epsilon(1.0e-05) -> tensor<?x4096xf16>
  return %y : tensor<?x4096xf16>
}
