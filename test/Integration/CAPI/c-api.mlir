// RUN: %clang -std=c11 -Wall -Werror -I%rms_include_dir -I%llvm_include_dir %S/Inputs/capi_main.c -o %t.exe -L%rms_lib_dir -lrms-c -Wl,-rpath,%rms_lib_dir
// RUN: %t.exe %s "builtin.module(rms-cpu-pipeline)" | FileCheck %s
// RUN: %t.exe %s "builtin.module(func.func(rms-tile{tile-rows=16}))" | FileCheck %s --check-prefix=TILE
// RUN: not %t.exe %s "builtin.module(rms-no-such-pass)" 2>&1 | FileCheck %s --check-prefix=BAD

// The C API (include/rms-c/Rms.h, build/lib/librms-c.so, which carries MLIR's
// C API too): a C host registers the dialects and passes, parses a module
// with rms.norm and runs rms's pipelines by name.

// CHECK: llvm.func @norm(
// CHECK: omp.parallel
// CHECK: llvm.func @_mlir_ciface_norm(

// TILE: scf.forall ({{.*}}) = (0) to (64) step (16)
// TILE:   rms.norm ins(%{{.*}}, %{{.*}} : tensor<16x4096xf16>, tensor<4096xf16>)

// BAD: 'rms-no-such-pass' does not refer to a registered pass or pass pipeline
// BAD: bad pipeline

func.func @norm(%x: tensor<64x4096xf16>, %w: tensor<4096xf16>) -> tensor<64x4096xf16> {
  %init = tensor.empty() : tensor<64x4096xf16>
  %y = rms.norm ins(%x, %w : tensor<64x4096xf16>, tensor<4096xf16>) outs(%init : tensor<64x4096xf16>) epsilon(1.0e-05) -> tensor<64x4096xf16>
  return %y : tensor<64x4096xf16>
}
