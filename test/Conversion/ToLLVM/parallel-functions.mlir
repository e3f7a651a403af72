// RUN: %python %S/Inputs/many-functions.py 200 > %t.mlir
// RUN: rms-opt %t.mlir -rms-convert-to-llvm | FileCheck %s
// RUN: rms-opt %t.mlir -rms-convert-to-llvm | FileCheck %s
// RUN: rms-opt %t.mlir -rms-convert-to-llvm | FileCheck %s
// RUN: rms-opt %t.mlir -rms-convert-to-llvm --mlir-disable-threading | FileCheck %s

// 200 functions converted side by side (inside each in parallel, then over
// the module): malloc, free, abort and puts are declared once, whichever
// function needs them first, and every function is converted. A conversion
// that declared them from several functions at once failed now and then
// ("redefinition of symbol named 'malloc'"), so the test runs it thrice.

// CHECK-COUNT-1: llvm.func @malloc(i64) -> !llvm.ptr
// CHECK-NOT: llvm.func @malloc
// CHECK-LABEL: llvm.func @f0(
// CHECK-LABEL: llvm.func @f199(
// CHECK-NOT: func.func
