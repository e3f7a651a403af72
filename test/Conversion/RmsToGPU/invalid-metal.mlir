// RUN: rms-opt %s --convert-rms-to-gpu="target=metal" -verify-diagnostics
// RUN: not rms-opt %s --convert-rms-to-gpu="target=cuda" 2>&1 | FileCheck %s

// CHECK: error: convert-rms-to-gpu: target must be vulkan or metal, not 'cuda'

func.func @f64_on_metal(%x: memref<2x8xf64>, %y: memref<2x8xf64>) {
  // expected-error @+1 {{with f64 data is not supported on Metal (it has no double type)}}
  rms.norm ins(%x : memref<2x8xf64>) outs(%y : memref<2x8xf64>) epsilon(1.0e-05)
  return
}
