// RUN: rms-opt %s --rms-cpu-pipeline | rms-translate --mlir-to-llvmir -o %t.ll
// RUN: %clangxx -O2 -I%llvm_include_dir -I%rms_include_dir %S/Inputs/ciface_main.cpp %t.ll -o %t.exe -L%llvm_lib_dir -lomp -Wl,-rpath,%llvm_lib_dir
// RUN: %t.exe | FileCheck %s
// Without threads the code links without the OpenMP runtime.
// RUN: rms-opt %s --rms-cpu-pipeline="threads=false" | rms-translate --mlir-to-llvmir -o %t.serial.ll
// RUN: %clangxx -O2 -I%llvm_include_dir -I%rms_include_dir %S/Inputs/ciface_main.cpp %t.serial.ll -o %t.serial.exe
// RUN: %t.serial.exe | FileCheck %s

// The contract's C interface: a C++ host calls `_mlir_ciface_<name>` with
// MLIR's StridedMemRefType descriptors (a returned tensor comes back through
// a descriptor passed first) and checks against float64.

// CHECK: norm: shape ok, max relative error {{.*}} (ok)
// CHECK: norm_out: max relative error {{.*}} (ok)
// CHECK: norm_strided: max relative error {{.*}} (ok)

func.func @norm(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf32>
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf32>
  %y = rms.norm ins(%x, %w : tensor<?x?xf32>, tensor<?xf32>) outs(%init : tensor<?x?xf32>) epsilon(1.0e-05) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

func.func @norm_out(%x: memref<?x?xf32>, %y: memref<?x?xf32>) {
  rms.norm ins(%x : memref<?x?xf32>) outs(%y : memref<?x?xf32>) epsilon(0.0)
  return
}

func.func @norm_strided(%x: memref<?x?xf32, strided<[?, ?], offset: ?>>, %w: memref<?xf32, strided<[?], offset: ?>>, %y: memref<?x?xf32, strided<[?, ?], offset: ?>>) {
  rms.norm ins(%x, %w : memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?xf32, strided<[?], offset: ?>>) outs(%y : memref<?x?xf32, strided<[?, ?], offset: ?>>) epsilon(1.0e-05)
  return
}
