// RUN: rms-opt %s -rms-vectorize="vector-bits=512 nontemporal-bytes=0 split-bytes=0" -split-input-file | FileCheck %s

// An operand whose rows are strided (here a transposed view) is copied into
// a contiguous buffer first, element by element; the output is computed into
// a contiguous buffer and copied back; the temporaries are freed.

// CHECK-LABEL: func @column_stride
// CHECK-SAME: (%[[X:.*]]: memref<4x8xf32, strided<[1, 4]>>, %[[Y:.*]]: memref<4x8xf32, strided<[1, 4]>>)
// CHECK: %[[XC:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: scf.for %[[I:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: scf.for %[[J:.*]] = %c0 to %c8 step %c1 {
// CHECK-NEXT: %[[E:.*]] = memref.load %[[X]][%[[I]], %[[J]]] : memref<4x8xf32, strided<[1, 4]>>
// CHECK-NEXT: memref.store %[[E]], %[[XC]][%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK: %[[YC:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK-NOT: rms.norm
// CHECK: vector.maskedload %[[XC]]
// CHECK: vector.maskedstore %[[YC]]
// CHECK: scf.for %[[I:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT: scf.for %[[J:.*]] = %c0 to %c8 step %c1 {
// CHECK-NEXT: %[[E:.*]] = memref.load %[[YC]][%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-NEXT: memref.store %[[E]], %[[Y]][%[[I]], %[[J]]] : memref<4x8xf32, strided<[1, 4]>>
// CHECK: memref.dealloc %[[XC]]
// CHECK: memref.dealloc %[[YC]]
func.func @column_stride(%x: memref<4x8xf32, strided<[1, 4]>>, %y: memref<4x8xf32, strided<[1, 4]>>) {
  rms.norm ins(%x : memref<4x8xf32, strided<[1, 4]>>) outs(%y : memref<4x8xf32, strided<[1, 4]>>) epsilon(1.0e-05)
  return
}

// -----

// Only the strided operand is copied; a dynamic shape is read at run time.

// CHECK-LABEL: func @strided_weight
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf16>, %[[W:.*]]: memref<?xf16, strided<[2]>>, %[[Y:.*]]: memref<?x?xf16>)
// CHECK: %[[D:.*]] = memref.dim %[[W]], %c0
// CHECK: %[[WC:.*]] = memref.alloc(%[[D]]) : memref<?xf16>
// CHECK: %[[N:.*]] = memref.dim %[[W]], %c0
// CHECK: scf.for %[[I:.*]] = %c0 to %[[N]] step %c1 {
// CHECK-NEXT: %[[E:.*]] = memref.load %[[W]][%[[I]]] : memref<?xf16, strided<[2]>>
// CHECK-NEXT: memref.store %[[E]], %[[WC]][%[[I]]] : memref<?xf16>
// CHECK-NOT: memref.load
// CHECK-NOT: memref.alloc{{.*}}xf16>
// CHECK: memref.dealloc %[[WC]]
func.func @strided_weight(%x: memref<?x?xf16>, %w: memref<?xf16, strided<[2]>>, %y: memref<?x?xf16>) {
  rms.norm ins(%x, %w : memref<?x?xf16>, memref<?xf16, strided<[2]>>) outs(%y : memref<?x?xf16>) epsilon(1.0e-05)
  return
}
