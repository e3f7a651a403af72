// RUN: mlir-opt %s --load-dialect-plugin=%rms_plugin --load-pass-plugin=%rms_plugin --pass-pipeline="builtin.module(convert-rms-to-linalg)" | FileCheck %s --check-prefix=LINALG
// RUN: mlir-opt %s --load-dialect-plugin=%rms_plugin --load-pass-plugin=%rms_plugin --pass-pipeline="builtin.module(rms-cpu-pipeline{vector-bits=512})" | FileCheck %s --check-prefix=CPU

// Debian's mlir-opt-22, built on the same libMLIR.so, loads rms as a plugin:
// the dialect parses, and the passes and pipelines run by name.

// LINALG-LABEL: func @norm
// LINALG-NOT: rms.norm
// LINALG: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// LINALG: math.sqrt

// CPU-LABEL: llvm.func @_mlir_ciface_norm(
// CPU-NOT: rms.norm
func.func @norm(%x: tensor<?x4096xf16>, %w: tensor<4096xf16>, %init: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %y = rms.norm ins(%x, %w : tensor<?x4096xf16>, tensor<4096xf16>) outs(%init : tensor<?x4096xf16>) epsilon(1.0e-05) -> tensor<?x4096xf16>
  return %y : tensor<?x4096xf16>
}
