// RUN: rms-opt %s -rms-vectorize="vector-bits=512 nontemporal-bytes=0 split-bytes=0" -cse -split-input-file | FileCheck %s

// Dynamic sizes the verifier cannot compare are checked at run time.

// CHECK-LABEL: func @dynamic
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf32>, %[[W:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?x?xf32>)
// CHECK: %[[N:.*]] = memref.dim %[[X]], %c1
// CHECK: %[[WN:.*]] = memref.dim %[[W]], %c0
// CHECK: %[[WOK:.*]] = arith.cmpi eq, %[[WN]], %[[N]] : index
// CHECK: cf.assert %[[WOK]], "rms.norm: the weight size differs from the row length of the input"
// CHECK-DAG: %[[Y0:.*]] = memref.dim %[[Y]], %c0
// CHECK-DAG: %[[X0:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[OK0:.*]] = arith.cmpi eq, %[[Y0]], %[[X0]] : index
// CHECK: cf.assert %[[OK0]], "rms.norm: the output shape differs from the input shape"
// CHECK: cf.assert %{{.*}}, "rms.norm: the output shape differs from the input shape"
func.func @dynamic(%x: memref<?x?xf32>, %w: memref<?xf32>, %y: memref<?x?xf32>) {
  rms.norm ins(%x, %w : memref<?x?xf32>, memref<?xf32>) outs(%y : memref<?x?xf32>) epsilon(1.0e-05)
  return
}

// -----

// Static sizes were verified already: no run-time check.

// CHECK-LABEL: func @static
// CHECK-NOT: cf.assert
func.func @static(%x: memref<4x8xf32>, %w: memref<8xf32>, %y: memref<4x8xf32>) {
  rms.norm ins(%x, %w : memref<4x8xf32>, memref<8xf32>) outs(%y : memref<4x8xf32>) epsilon(1.0e-05)
  return
}
