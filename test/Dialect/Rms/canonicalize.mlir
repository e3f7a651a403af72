// RUN: rms-opt %s --canonicalize --split-input-file | FileCheck %s

// memref.casts that only erase static information fold into rms.norm: the
// lowering then sees the static row count and length (one row: no widened
// weights, no fused sweeps).

// CHECK-LABEL: func.func @fold_casts
//  CHECK-SAME:   (%[[X:.*]]: memref<1x8192xf16>, %[[W:.*]]: memref<8192xf16>, %[[Y:.*]]: memref<1x8192xf16>)
//   CHECK-NOT:   memref.cast
//       CHECK:   rms.norm ins(%[[X]], %[[W]] : memref<1x8192xf16>, memref<8192xf16>) outs(%[[Y]] : memref<1x8192xf16>)
func.func @fold_casts(%x: memref<1x8192xf16>, %w: memref<8192xf16>,
                      %y: memref<1x8192xf16>) {
  %cx = memref.cast %x : memref<1x8192xf16> to memref<?x8192xf16, strided<[8192, 1], offset: ?>>
  %cw = memref.cast %w : memref<8192xf16> to memref<?xf16>
  %cy = memref.cast %y : memref<1x8192xf16> to memref<?x?xf16>
  rms.norm ins(%cx, %cw : memref<?x8192xf16, strided<[8192, 1], offset: ?>>, memref<?xf16>) outs(%cy : memref<?x?xf16>) epsilon(1.0e-05)
  return
}

// -----

// Only the operands whose cast can fold: a cast to a more static type stays.

// CHECK-LABEL: func.func @fold_some
//  CHECK-SAME:   (%[[X:.*]]: memref<?x16xf32>, %[[Y:.*]]: memref<4x16xf32>)
//       CHECK:   %[[CX:.*]] = memref.cast %[[X]] : memref<?x16xf32> to memref<4x16xf32>
//       CHECK:   rms.norm ins(%[[CX]] : memref<4x16xf32>) outs(%[[Y]] : memref<4x16xf32>)
func.func @fold_some(%x: memref<?x16xf32>, %y: memref<4x16xf32>) {
  %cx = memref.cast %x : memref<?x16xf32> to memref<4x16xf32>
  %cy = memref.cast %y : memref<4x16xf32> to memref<?x?xf32>
  rms.norm ins(%cx : memref<4x16xf32>) outs(%cy : memref<?x?xf32>) epsilon(1.0e-05)
  return
}

// -----

// Static shapes that the casts hide and that disagree are left to the
// run-time shape checks: folded, the op would not verify.

// CHECK-LABEL: func.func @keep_mismatch
//       CHECK:   %[[CX:.*]] = memref.cast
//       CHECK:   %[[CY:.*]] = memref.cast
//       CHECK:   rms.norm ins(%[[CX]] : memref<?x16xf32>) outs(%[[CY]] : memref<?x16xf32>)
func.func @keep_mismatch(%x: memref<4x16xf32>, %y: memref<5x16xf32>) {
  %cx = memref.cast %x : memref<4x16xf32> to memref<?x16xf32>
  %cy = memref.cast %y : memref<5x16xf32> to memref<?x16xf32>
  rms.norm ins(%cx : memref<?x16xf32>) outs(%cy : memref<?x16xf32>) epsilon(1.0e-05)
  return
}

// -----

// CHECK-LABEL: func.func @keep_weight_mismatch
//       CHECK:   %[[CW:.*]] = memref.cast
//       CHECK:   rms.norm ins(%{{.*}}, %[[CW]] : memref<4x16xf32>, memref<?xf32>)
func.func @keep_weight_mismatch(%x: memref<4x16xf32>, %w: memref<8xf32>,
                                %y: memref<4x16xf32>) {
  %cw = memref.cast %w : memref<8xf32> to memref<?xf32>
  rms.norm ins(%x, %cw : memref<4x16xf32>, memref<?xf32>) outs(%y : memref<4x16xf32>) epsilon(1.0e-05)
  return
}

// -----

// Tensor operands: upstream's tensor.cast folding into destination-style ops
// applies (rms.norm folds memref casts only).

// CHECK-LABEL: func.func @tensors
//  CHECK-SAME:   (%[[X:.*]]: tensor<4x16xf32>, %[[INIT:.*]]: tensor<?x16xf32>)
//   CHECK-NOT:   tensor.cast
//       CHECK:   rms.norm ins(%[[X]] : tensor<4x16xf32>) outs(%[[INIT]] : tensor<?x16xf32>)
func.func @tensors(%x: tensor<4x16xf32>, %init: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %cx = tensor.cast %x : tensor<4x16xf32> to tensor<?x16xf32>
  %y = rms.norm ins(%cx : tensor<?x16xf32>) outs(%init : tensor<?x16xf32>) epsilon(1.0e-05) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
