// RUN: rms-opt %s -rms-dynamic-tiles-to-openmp -split-input-file -verify-diagnostics | FileCheck %s
// RUN: rms-opt %s -rms-dynamic-tiles-to-openmp=num-threads=4 -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=FOUR

// A forall that rms-tile marked becomes an OpenMP loop with a dynamic
// schedule; its body runs in an alloca scope per iteration.

// CHECK-LABEL: func @marked
// CHECK-SAME: (%[[X:.*]]: memref<2048x4096xf16>, %[[Y:.*]]: memref<2048x4096xf16>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C2048:.*]] = arith.constant 2048 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK-NOT: scf.forall
// CHECK: omp.parallel {
// CHECK-NEXT: omp.wsloop schedule(dynamic) {
// CHECK-NEXT: omp.loop_nest (%[[I:.*]]) : index = (%[[C0]]) to (%[[C2048]]) step (%[[C128]]) {
// CHECK-NEXT: memref.alloca_scope {
// CHECK-NEXT: %[[XS:.*]] = memref.subview %[[X]][%[[I]], 0] [128, 4096] [1, 1]
// CHECK-NEXT: %[[YS:.*]] = memref.subview %[[Y]][%[[I]], 0] [128, 4096] [1, 1]
// CHECK-NEXT: rms.norm ins(%[[XS]] : {{.*}}) outs(%[[YS]] : {{.*}})
// CHECK-NEXT: }
// CHECK-NEXT: omp.yield
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: omp.terminator
// CHECK-NEXT: }
// CHECK-NEXT: return
// FOUR-LABEL: func @marked
// FOUR: %[[N:.*]] = llvm.mlir.constant(4 : i32) : i32
// FOUR: omp.parallel num_threads(%[[N]] : i32) {
// FOUR-NEXT: omp.wsloop schedule(dynamic) {
func.func @marked(%x: memref<2048x4096xf16>, %y: memref<2048x4096xf16>) {
  scf.forall (%i) = (0) to (2048) step (128) {
    %xs = memref.subview %x[%i, 0] [128, 4096] [1, 1] : memref<2048x4096xf16> to memref<128x4096xf16, strided<[4096, 1], offset: ?>>
    %ys = memref.subview %y[%i, 0] [128, 4096] [1, 1] : memref<2048x4096xf16> to memref<128x4096xf16, strided<[4096, 1], offset: ?>>
    rms.norm ins(%xs : memref<128x4096xf16, strided<[4096, 1], offset: ?>>) outs(%ys : memref<128x4096xf16, strided<[4096, 1], offset: ?>>) epsilon(1.0e-05)
  } {rms.dynamic_schedule}
  return
}

// -----

// Every dimension of a multi-dimensional forall becomes one of the loop
// nest's; an unmarked forall is left to convert-scf-to-openmp (whose static
// schedule keeps a tile on the thread that has it in cache).

// CHECK-LABEL: func @two_dims_and_unmarked
// CHECK: omp.wsloop schedule(dynamic) {
// CHECK-NEXT: omp.loop_nest (%[[B:.*]], %[[I:.*]]) : index = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) step (%{{.*}}, %{{.*}}) {
// CHECK: memref.subview %{{.*}}[%[[B]], %[[I]], 0] [1, 64, 4096]
// CHECK: scf.forall (%{{.*}}) in (2) {
// CHECK-NOT: omp.
// CHECK: return
func.func @two_dims_and_unmarked(%x: memref<4x1024x4096xf32>, %y: memref<4x1024x4096xf32>) {
  scf.forall (%b, %i) = (0, 0) to (4, 1024) step (1, 64) {
    %xs = memref.subview %x[%b, %i, 0] [1, 64, 4096] [1, 1, 1] : memref<4x1024x4096xf32> to memref<1x64x4096xf32, strided<[4194304, 4096, 1], offset: ?>>
    %ys = memref.subview %y[%b, %i, 0] [1, 64, 4096] [1, 1, 1] : memref<4x1024x4096xf32> to memref<1x64x4096xf32, strided<[4194304, 4096, 1], offset: ?>>
    rms.norm ins(%xs : memref<1x64x4096xf32, strided<[4194304, 4096, 1], offset: ?>>) outs(%ys : memref<1x64x4096xf32, strided<[4194304, 4096, 1], offset: ?>>) epsilon(1.0e-05)
  } {rms.dynamic_schedule}
  scf.forall (%i) in (2) {
    %xs = memref.subview %x[0, %i, 0] [1, 1, 4096] [1, 1, 1] : memref<4x1024x4096xf32> to memref<1x1x4096xf32, strided<[4194304, 4096, 1], offset: ?>>
    %ys = memref.subview %y[0, %i, 0] [1, 1, 4096] [1, 1, 1] : memref<4x1024x4096xf32> to memref<1x1x4096xf32, strided<[4194304, 4096, 1], offset: ?>>
    rms.norm ins(%xs : memref<1x1x4096xf32, strided<[4194304, 4096, 1], offset: ?>>) outs(%ys : memref<1x1x4096xf32, strided<[4194304, 4096, 1], offset: ?>>) epsilon(1.0e-05)
  }
  return
}

// -----

// A marked forall on tensors has not been bufferized: there is no OpenMP
// loop to make of it.

func.func @tensors(%x: tensor<64x4096xf32>, %init: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  // expected-error @below {{marked rms.dynamic_schedule must be bufferized (have no shared outputs) before rms-dynamic-tiles-to-openmp}}
  %r = scf.forall (%i) = (0) to (64) step (32) shared_outs(%o = %init) -> (tensor<64x4096xf32>) {
    %xs = tensor.extract_slice %x[%i, 0] [32, 4096] [1, 1] : tensor<64x4096xf32> to tensor<32x4096xf32>
    %os = tensor.extract_slice %o[%i, 0] [32, 4096] [1, 1] : tensor<64x4096xf32> to tensor<32x4096xf32>
    %t = rms.norm ins(%xs : tensor<32x4096xf32>) outs(%os : tensor<32x4096xf32>) epsilon(1.0e-05) -> tensor<32x4096xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %t into %o[%i, 0] [32, 4096] [1, 1] : tensor<32x4096xf32> into tensor<64x4096xf32>
    }
  } {rms.dynamic_schedule}
  return %r : tensor<64x4096xf32>
}
