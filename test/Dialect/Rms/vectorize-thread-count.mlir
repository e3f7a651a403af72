// RUN: rms-opt %s -split-input-file -rms-vectorize="split-bytes=4096 split-threads=0" | FileCheck %s --check-prefix=MODULE
// RUN: rms-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(rms-vectorize{split-bytes=4096 split-threads=0}))" -verify-diagnostics | FileCheck %s --check-prefix=NESTED

// split-threads=0 asks omp_get_max_threads() how many workers share the
// slices of a split row: through the module's declaration if it has one,
// else one the pass adds when it runs on the module (before it rewrites
// the functions, in parallel; removed again if no norm calls it). A pass
// on a function adds no symbol: with nothing declared, each slice is an
// scf.forall iteration of its own, with a warning.

// MODULE: llvm.func @omp_get_max_threads() -> i32
// MODULE-LABEL: func @undeclared
// MODULE: llvm.call @omp_get_max_threads()
// NESTED-NOT: omp_get_max_threads
// NESTED-LABEL: func @undeclared
// NESTED-NOT: call
// NESTED: scf.forall (%{{.*}}) in (%c4)
func.func @undeclared(%x: memref<4096xf32>, %y: memref<4096xf32>) {
  // expected-warning @+1 {{rms-vectorize: split-threads=0 cannot read omp_get_max_threads() here}}
  rms.norm ins(%x : memref<4096xf32>) outs(%y : memref<4096xf32>) epsilon(1.0e-05)
  return
}

// -----

// MODULE-LABEL: func @declared_func
// MODULE: call @omp_get_max_threads() : () -> i32
// NESTED-LABEL: func @declared_func
// NESTED: call @omp_get_max_threads() : () -> i32
func.func private @omp_get_max_threads() -> i32
func.func @declared_func(%x: memref<4096xf32>, %y: memref<4096xf32>) {
  rms.norm ins(%x : memref<4096xf32>) outs(%y : memref<4096xf32>) epsilon(1.0e-05)
  return
}

// -----

// Rows that are not split call nothing, and the pass leaves no declaration.

// MODULE-NOT: omp_get_max_threads
// MODULE-LABEL: func @unsplit
// MODULE-NOT: omp_get_max_threads
func.func @unsplit(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  rms.norm ins(%x : memref<8x64xf32>) outs(%y : memref<8x64xf32>) epsilon(1.0e-05)
  return
}

// -----

// Norms in several functions: one declaration, a call in each.

// MODULE-COUNT-1: llvm.func @omp_get_max_threads() -> i32
// MODULE-LABEL: func @first
// MODULE: llvm.call @omp_get_max_threads()
// MODULE-LABEL: func @second
// MODULE: llvm.call @omp_get_max_threads()
// MODULE-NOT: llvm.func @omp_get_max_threads
func.func @first(%x: memref<4096xf32>, %y: memref<4096xf32>) {
  // expected-warning @+1 {{cannot read omp_get_max_threads() here}}
  rms.norm ins(%x : memref<4096xf32>) outs(%y : memref<4096xf32>) epsilon(1.0e-05)
  return
}
func.func @second(%x: memref<4096xf16>, %y: memref<4096xf16>) {
  // expected-warning @+1 {{cannot read omp_get_max_threads() here}}
  rms.norm ins(%x : memref<4096xf16>) outs(%y : memref<4096xf16>) epsilon(1.0e-05)
  return
}
