// RUN: rm -rf %t && mkdir -p %t
// RUN: cmake -G Ninja -S %S/Inputs -B %t -DRms_DIR=%rms_cmake_dir -DCMAKE_CXX_COMPILER=%clangxx -DCMAKE_BUILD_TYPE=Release > %t/configure.log
// RUN: cmake --build %t > %t/build.log
// RUN: %t/norm-compiler %s | FileCheck %s

// The CMake package of the build tree (find_package(Rms CONFIG)) gives
// another project the rms libraries with their include directories and
// their link to libMLIR.so: a compiler built against it runs the CPU
// pipeline through buildCPUPipeline.

// CHECK: llvm.func @norm(
// CHECK: llvm.call @omp_get_max_threads()
// CHECK: omp.parallel
// CHECK: llvm.func @_mlir_ciface_norm(

func.func @norm(%x: tensor<64x4096xf16>, %w: tensor<4096xf16>) -> tensor<64x4096xf16> {
  %init = tensor.empty() : tensor<64x4096xf16>
  %y = rms.norm ins(%x, %w : tensor<64x4096xf16>, tensor<4096xf16>) outs(%init : tensor<64x4096xf16>) epsilon(1.0e-05) -> tensor<64x4096xf16>
  return %y : tensor<64x4096xf16>
}
