// RUN: rms-opt %s -rms-inline-alloca-scopes -split-input-file | FileCheck %s

// A scope with no alloca is inlined, even when it holds an op without
// memory-effect information (which stops the upstream canonicalization).

// CHECK-LABEL: func @no_alloca
// CHECK-NOT: memref.alloca_scope
// CHECK: scf.for
// CHECK: llvm.fence seq_cst
// CHECK: return
func.func @no_alloca(%m: memref<8xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  memref.alloca_scope {
    scf.for %i = %c0 to %c8 step %c1 {
      memref.store %v, %m[%i] : memref<8xf32>
    }
    llvm.fence seq_cst
  }
  return
}

// -----

// A scope that bounds an alloca stays, and so do its results.

// CHECK-LABEL: func @keeps_alloca
// CHECK: %[[R:.*]] = memref.alloca_scope -> (f32) {
// CHECK:   memref.alloca() : memref<4xf32>
// CHECK: return %[[R]]
func.func @keeps_alloca(%v: f32) -> f32 {
  %r = memref.alloca_scope -> (f32) {
    %c0 = arith.constant 0 : index
    %a = memref.alloca() : memref<4xf32>
    memref.store %v, %a[%c0] : memref<4xf32>
    %l = memref.load %a[%c0] : memref<4xf32>
    memref.alloca_scope.return %l : f32
  }
  return %r : f32
}

// -----

// Results of an inlined scope are forwarded; an alloca in a nested scope
// does not keep the outer one.

// CHECK-LABEL: func @nested
// CHECK-SAME: (%[[V:.*]]: f32)
// CHECK: %[[IN:.*]] = memref.alloca_scope -> (f32) {
// CHECK:   memref.alloca()
// CHECK: %[[S:.*]] = arith.addf %[[IN]], %[[V]]
// CHECK: return %[[S]]
func.func @nested(%v: f32) -> f32 {
  %r = memref.alloca_scope -> (f32) {
    %inner = memref.alloca_scope -> (f32) {
      %c0 = arith.constant 0 : index
      %a = memref.alloca() : memref<4xf32>
      memref.store %v, %a[%c0] : memref<4xf32>
      %l = memref.load %a[%c0] : memref<4xf32>
      memref.alloca_scope.return %l : f32
    }
    %s = arith.addf %inner, %v : f32
    memref.alloca_scope.return %s : f32
  }
  return %r : f32
}
