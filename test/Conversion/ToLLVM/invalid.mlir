// RUN: rms-opt %s -rms-convert-to-llvm -split-input-file -verify-diagnostics

// A subview must be expanded first (expand-strided-metadata): what is left
// of the converted dialects is an error, not a cast for later.

func.func @subview(%x: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{failed to legalize operation 'memref.subview'}}
  %s = memref.subview %x[2] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 2>>
  %v = memref.load %s[%c0] : memref<4xf32, strided<[1], offset: 2>>
  return %v : f32
}
