// RUN: rms-opt %s --rms-cpu-pipeline | rms-translate --mlir-to-llvmir -o %t.ll
// RUN: %clangxx -O2 -I%llvm_include_dir -I%rms_include_dir %S/Inputs/ciface_main.cpp %t.ll -o %t.exe -L%llvm_lib_dir -lomp -Wl,-rpath,%llvm_lib_dir
// RUN: %t.exe | FileCheck %s
// Without threads the code links without the OpenMP runtime.
// RUN: rms-opt %s --rms-cpu-pipeline="threads=false" | rms-translate --mlir-to-llvmir -o %t.serial.ll
// RUN: %clangxx -O2 -I%llvm_include_dir -I%rms_include_dir %S/Inputs/ciface_main.cpp %t.serial.ll -o %t.serial.exe
// RUN: %t.serial.exe | FileCheck %s

// The LLVM IR is compiled without -march: its functions name the host CPU
// and features they were made for (before, f16/bf16 functions failed in the
// baseline x86-64 backend).
// The contract's C interface: a C++ host calls `_mlir_ciface_<name>` with
// MLIR's StridedMemRefType descriptors (a returned tensor comes back through
// a descriptor passed first) and checks against float64.

// CHECK: norm: shape ok, max relative error {{.*}} (ok)
// CHECK: norm_out: max relative error {{.*}} (ok)
// CHECK: norm_strided: max relative error {{.*}} (ok)
// CHECK: norm_f16_3d: shape ok, max ulp distance {{[01]}} (ok)
// CHECK: norm_bf16: shape ok, max ulp distance {{[01]}} (ok)
// CHECK: norm_f64_row: shape ok, max relative error {{.*}} (ok)
// CHECK: norm_in_place: max relative error {{.*}} (ok)
// CHECK: norm_row_in_place: max relative error {{.*}} (ok)
// CHECK: norm_f16_in_place: max ulp distance {{[01]}} (ok)
// CHECK: norm_short_in_place: max relative error {{.*}} (ok)

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

// 16-bit types travel as their bits; static shapes, rank 3 (a tile per
// outer index), and more rows than one tile holds (tiles sized by the
// OpenMP runtime's thread count); a single f64 row without a weight.
func.func @norm_f16_3d(%x: tensor<2x5x4096xf16>, %w: tensor<4096xf16>) -> tensor<2x5x4096xf16> {
  %init = tensor.empty() : tensor<2x5x4096xf16>
  %y = rms.norm ins(%x, %w : tensor<2x5x4096xf16>, tensor<4096xf16>) outs(%init : tensor<2x5x4096xf16>) epsilon(1.0e-05) -> tensor<2x5x4096xf16>
  return %y : tensor<2x5x4096xf16>
}

func.func @norm_bf16(%x: tensor<300x4096xbf16>, %w: tensor<4096xbf16>) -> tensor<300x4096xbf16> {
  %init = tensor.empty() : tensor<300x4096xbf16>
  %y = rms.norm ins(%x, %w : tensor<300x4096xbf16>, tensor<4096xbf16>) outs(%init : tensor<300x4096xbf16>) epsilon(1.0e-05) -> tensor<300x4096xbf16>
  return %y : tensor<300x4096xbf16>
}

func.func @norm_f64_row(%x: tensor<4099xf64>) -> tensor<4099xf64> {
  %init = tensor.empty() : tensor<4099xf64>
  %y = rms.norm ins(%x : tensor<4099xf64>) outs(%init : tensor<4099xf64>) epsilon(1.0e-05) -> tensor<4099xf64>
  return %y : tensor<4099xf64>
}

// In place, the output the input itself: rows streamed out and fused (each
// row scaled in the sweep that sums the next), a row of 2^20 split into
// slices (all summed before any is scaled), f16 rows that keep their
// products, short rows (each summed two rows ahead of its scaling).
func.func @norm_in_place(%x: memref<?x?xf32>, %w: memref<?xf32>) {
  rms.norm ins(%x, %w : memref<?x?xf32>, memref<?xf32>) outs(%x : memref<?x?xf32>) epsilon(1.0e-05)
  return
}

func.func @norm_row_in_place(%x: memref<1048576xf32>) {
  rms.norm ins(%x : memref<1048576xf32>) outs(%x : memref<1048576xf32>) epsilon(1.0e-05)
  return
}

func.func @norm_f16_in_place(%x: memref<64x4096xf16>, %w: memref<4096xf16>) {
  rms.norm ins(%x, %w : memref<64x4096xf16>, memref<4096xf16>) outs(%x : memref<64x4096xf16>) epsilon(1.0e-05)
  return
}

func.func @norm_short_in_place(%x: memref<37x64xf32>, %w: memref<64xf32>) {
  rms.norm ins(%x, %w : memref<37x64xf32>, memref<64xf32>) outs(%x : memref<37x64xf32>) epsilon(1.0e-05)
  return
}
