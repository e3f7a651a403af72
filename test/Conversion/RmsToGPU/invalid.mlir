// RUN: rms-opt %s --convert-rms-to-gpu -split-input-file -verify-diagnostics

func.func @strided(%x: memref<2x8xf32, strided<[16, 1]>>, %y: memref<2x8xf32>) {
  // expected-error @+1 {{needs operands with identity layouts on the GPU}}
  rms.norm ins(%x : memref<2x8xf32, strided<[16, 1]>>) outs(%y : memref<2x8xf32>) epsilon(1.0e-05)
  return
}

// -----

func.func @tensors(%x: tensor<2x8xf32>, %i: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{must be bufferized before convert-rms-to-gpu}}
  %y = rms.norm ins(%x : tensor<2x8xf32>) outs(%i : tensor<2x8xf32>) epsilon(1.0e-05) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
