// RUN: rm -rf %t && mkdir -p %t
// RUN: cmake --install %rms_obj_root --prefix %t/prefix > %t/install.log
// RUN: cmake -G Ninja -S %S/Inputs -B %t/user -DRms_DIR=%t/prefix/lib/cmake/rms -DCMAKE_CXX_COMPILER=%clangxx -DCMAKE_BUILD_TYPE=Release > %t/configure.log
// RUN: cmake --build %t/user > %t/build.log
// RUN: %t/user/norm-compiler %s | FileCheck %s
// RUN: %t/prefix/bin/rms-opt %s --rms-cpu-pipeline | FileCheck %s
// RUN: %t/prefix/bin/rms-opt %s --rms-cpu-pipeline | %t/prefix/bin/rms-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR
// RUN: %python %S/Inputs/run-norms.py %t/prefix/bin/rms-run %t/work | FileCheck %s --check-prefix=NORMS
// RUN: mlir-opt %s --load-dialect-plugin=%t/prefix/lib/RmsPlugin.so --load-pass-plugin=%t/prefix/lib/RmsPlugin.so --pass-pipeline="builtin.module(rms-cpu-pipeline)" | FileCheck %s
// RUN: %clang -std=c11 -Wall -Werror -I%t/prefix/include -I%llvm_include_dir %S/../CAPI/Inputs/capi_main.c -o %t/capi -L%t/prefix/lib -lrms-c -Wl,-rpath,%t/prefix/lib
// RUN: %t/capi %s "builtin.module(rms-cpu-pipeline)" | FileCheck %s
// RUN: not ls %t/prefix/lib/libRmsTestPasses.a
// RUN: not ls -d %t/prefix/include/rms/CMakeFiles

// `cmake --install build --prefix P` gives a tree that works away from the
// build: another project finds the package in P/lib/cmake/rms and links the
// libraries with the installed headers; the installed tools run (rms-run
// computes a norm of each element type within tolerance), mlir-opt loads the
// installed plugin, a C program builds against the installed C API. The
// test-only passes and CMake's own files are not installed.

// CHECK: llvm.func @norm(
// CHECK: llvm.call @omp_get_max_threads()
// CHECK: omp.parallel
// CHECK: llvm.func @_mlir_ciface_norm(

// LLVMIR: define void @_mlir_ciface_norm(
// NORMS-NOT: FAIL
// NORMS: 4 of 4 cases within tolerance

func.func @norm(%x: tensor<64x4096xf16>, %w: tensor<4096xf16>) -> tensor<64x4096xf16> {
  %init = tensor.empty() : tensor<64x4096xf16>
  %y = rms.norm ins(%x, %w : tensor<64x4096xf16>, tensor<4096xf16>) outs(%init : tensor<64x4096xf16>) epsilon(1.0e-05) -> tensor<64x4096xf16>
  return %y : tensor<64x4096xf16>
}
