// RUN: rms-opt %s -rms-vectorize -split-input-file -verify-diagnostics

func.func @column_stride(%x: memref<4x8xf32, strided<[1, 4]>>, %y: memref<4x8xf32>) {
  // expected-error @+1 {{cannot be vectorized: every operand needs a unit stride in its innermost dimension}}
  rms.norm ins(%x : memref<4x8xf32, strided<[1, 4]>>) outs(%y : memref<4x8xf32>) epsilon(1.0e-05)
  return
}
