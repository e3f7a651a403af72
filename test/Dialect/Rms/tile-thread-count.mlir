// RUN: rms-opt %s -split-input-file --rms-tile=threads=0 2>/dev/null | FileCheck %s --check-prefix=MODULE
// RUN: rms-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(rms-tile{threads=0}))" -verify-diagnostics | FileCheck %s --check-prefix=NESTED

// threads=0 reads omp_get_max_threads() before the loop: through the
// module's declaration if it has one (llvm.func or func.func), else one the
// pass adds when it runs on the module. Where it cannot (a pass on a
// function, with nothing declared; a symbol of that name of another type,
// or a function of that name defined in the module),
// the op keeps the default tiles, with a warning.

// MODULE: llvm.func @omp_get_max_threads() -> i32
// MODULE-LABEL: func @undeclared
// MODULE: llvm.call @omp_get_max_threads()
// MODULE: scf.forall ({{.*}}) = (0) to (64) step (%{{.*}})
// NESTED-LABEL: func @undeclared
// NESTED-NOT: call
// NESTED: scf.forall ({{.*}}) = (0) to (64) step (32)
func.func @undeclared(%x: memref<64x4096xf16>, %y: memref<64x4096xf16>) {
  // expected-warning @+1 {{rms-tile: threads=0 cannot read omp_get_max_threads() here}}
  rms.norm ins(%x : memref<64x4096xf16>) outs(%y : memref<64x4096xf16>) epsilon(1.0e-05)
  return
}

// -----

// MODULE-LABEL: func @declared_func
// MODULE: call @omp_get_max_threads() : () -> i32
// NESTED-LABEL: func @declared_func
// NESTED: call @omp_get_max_threads() : () -> i32
// NESTED: scf.forall ({{.*}}) = (0) to (64) step (%{{.*}})
func.func private @omp_get_max_threads() -> i32
func.func @declared_func(%x: memref<64x4096xf16>, %y: memref<64x4096xf16>) {
  rms.norm ins(%x : memref<64x4096xf16>) outs(%y : memref<64x4096xf16>) epsilon(1.0e-05)
  return
}

// -----

// MODULE-LABEL: func @declared_llvm
// MODULE: llvm.call @omp_get_max_threads() : () -> i32
// NESTED-LABEL: func @declared_llvm
// NESTED: llvm.call @omp_get_max_threads() : () -> i32
llvm.func @omp_get_max_threads() -> i32
func.func @declared_llvm(%x: memref<64x4096xf16>, %y: memref<64x4096xf16>) {
  rms.norm ins(%x : memref<64x4096xf16>) outs(%y : memref<64x4096xf16>) epsilon(1.0e-05)
  return
}

// -----

// MODULE-LABEL: func @other_type
// MODULE-NOT: call @omp_get_max_threads
// MODULE: scf.forall ({{.*}}) = (0) to (64) step (32)
// NESTED-LABEL: func @other_type
// NESTED: scf.forall ({{.*}}) = (0) to (64) step (32)
func.func private @omp_get_max_threads() -> i64
func.func @other_type(%x: memref<64x4096xf16>, %y: memref<64x4096xf16>) {
  // expected-warning @+1 {{rms-tile: threads=0 cannot read omp_get_max_threads() here}}
  rms.norm ins(%x : memref<64x4096xf16>) outs(%y : memref<64x4096xf16>) epsilon(1.0e-05)
  return
}

// -----

// MODULE-LABEL: func @defined_here
// MODULE-NOT: call @omp_get_max_threads()
// MODULE: scf.forall ({{.*}}) = (0) to (64) step (32)
// NESTED-LABEL: func @defined_here
// NESTED: scf.forall ({{.*}}) = (0) to (64) step (32)
func.func @omp_get_max_threads() -> i32 {
  %one = arith.constant 1 : i32
  return %one : i32
}
func.func @defined_here(%x: memref<64x4096xf16>, %y: memref<64x4096xf16>) {
  // expected-warning @+1 {{rms-tile: threads=0 cannot read omp_get_max_threads() here}}
  rms.norm ins(%x : memref<64x4096xf16>) outs(%y : memref<64x4096xf16>) epsilon(1.0e-05)
  return
}
