// RUN: rms-opt %s | rms-opt | FileCheck %s
// RUN: rms-opt %s -mlir-print-op-generic | rms-opt | FileCheck %s
// RUN: rms-opt %s -mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func @tensor_weight
// CHECK-SAME: (%[[X:.*]]: tensor<?x4096xf16>, %[[W:.*]]: tensor<4096xf16>, %[[I:.*]]: tensor<?x4096xf16>)
// CHECK: %[[Y:.*]] = rms.norm ins(%[[X]], %[[W]] : tensor<?x4096xf16>, tensor<4096xf16>) outs(%[[I]] : tensor<?x4096xf16>) epsilon(9.99999974E-6) -> tensor<?x4096xf16>
// CHECK: return %[[Y]]
// GENERIC-LABEL: sym_name = "tensor_weight"
// GENERIC: "rms.norm"(%{{.*}}, %{{.*}}, %{{.*}}) <{epsilon = 9.99999974E-6 : f32}> : (tensor<?x4096xf16>, tensor<4096xf16>, tensor<?x4096xf16>) -> tensor<?x4096xf16>
func.func @tensor_weight(%x: tensor<?x4096xf16>, %w: tensor<4096xf16>, %init: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %y = rms.norm ins(%x, %w : tensor<?x4096xf16>, tensor<4096xf16>) outs(%init : tensor<?x4096xf16>) epsilon(1.0e-05) -> tensor<?x4096xf16>
  return %y : tensor<?x4096xf16>
}

// CHECK-LABEL: func @tensor_no_weight
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[I:.*]]: tensor<2x8xf32>)
// CHECK: rms.norm ins(%[[X]] : tensor<2x8xf32>) outs(%[[I]] : tensor<2x8xf32>) epsilon(9.99999997E-7) -> tensor<2x8xf32>
// GENERIC-LABEL: sym_name = "tensor_no_weight"
// GENERIC: "rms.norm"(%{{.*}}, %{{.*}}) <{epsilon = 9.99999997E-7 : f32}> : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
func.func @tensor_no_weight(%x: tensor<2x8xf32>, %init: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = rms.norm ins(%x : tensor<2x8xf32>) outs(%init : tensor<2x8xf32>) epsilon(1.0e-06) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// CHECK-LABEL: func @memref_bf16
// CHECK-SAME: (%[[X:.*]]: memref<?x?xbf16>, %[[W:.*]]: memref<?xbf16>, %[[Y:.*]]: memref<?x?xbf16>)
// CHECK: rms.norm ins(%[[X]], %[[W]] : memref<?x?xbf16>, memref<?xbf16>) outs(%[[Y]] : memref<?x?xbf16>) epsilon(9.99999974E-6){{$}}
// GENERIC-LABEL: sym_name = "memref_bf16"
// GENERIC: "rms.norm"(%{{.*}}, %{{.*}}, %{{.*}}) <{epsilon = 9.99999974E-6 : f32}> : (memref<?x?xbf16>, memref<?xbf16>, memref<?x?xbf16>) -> ()
func.func @memref_bf16(%x: memref<?x?xbf16>, %w: memref<?xbf16>, %y: memref<?x?xbf16>) {
  rms.norm ins(%x, %w : memref<?x?xbf16>, memref<?xbf16>) outs(%y : memref<?x?xbf16>) epsilon(1.0e-05)
  return
}

// CHECK-LABEL: func @rank1_f64_zero_epsilon
// CHECK: rms.norm ins(%{{.*}} : tensor<31xf64>) outs(%{{.*}} : tensor<31xf64>) epsilon(0.000000e+00) -> tensor<31xf64>
func.func @rank1_f64_zero_epsilon(%x: tensor<31xf64>, %init: tensor<31xf64>) -> tensor<31xf64> {
  %y = rms.norm ins(%x : tensor<31xf64>) outs(%init : tensor<31xf64>) epsilon(0.0) -> tensor<31xf64>
  return %y : tensor<31xf64>
}

// CHECK-LABEL: func @rank4_strided_memref
// CHECK: rms.norm ins(%{{.*}}, %{{.*}} : memref<2x3x4x33xf32, strided<[800, 200, 40, 1], offset: ?>>, memref<33xf32>) outs(%{{.*}} : memref<2x3x4x33xf32>) epsilon(1.000000e+01)
func.func @rank4_strided_memref(%x: memref<2x3x4x33xf32, strided<[800, 200, 40, 1], offset: ?>>, %w: memref<33xf32>, %y: memref<2x3x4x33xf32>) {
  rms.norm ins(%x, %w : memref<2x3x4x33xf32, strided<[800, 200, 40, 1], offset: ?>>, memref<33xf32>) outs(%y : memref<2x3x4x33xf32>) epsilon(10.0)
  return
}
