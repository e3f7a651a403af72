// RUN: rms-opt %s --rms-cpu-pipeline="vector-bits=512" | rms-translate --mlir-to-llvmir | FileCheck %s

// The CPU pipeline's output translates to LLVM IR: the C interface takes
// pointers to StridedMemRefType descriptors (result first), the row tiles
// (an internal function) run through the OpenMP runtime where there are
// several, each thread's share found from its thread number, else on the
// calling thread, and the sum of squares is 16-lane fused multiply-adds.

// CHECK: define internal void @norm_tile(
// CHECK-DAG: fpext <16 x half> %{{.*}} to <16 x float>
// CHECK-DAG: call <16 x float> @llvm.fmuladd.v16f32(
// CHECK-DAG: fptrunc <16 x float> %{{.*}} to <16 x half>
// CHECK: define { ptr, ptr, i64, [2 x i64], [2 x i64] } @norm(
// CHECK: call void (ptr, i32, ptr, ...) @__kmpc_fork_call(ptr @{{.*}}, i32 1, ptr @norm..omp_par, ptr
// CHECK: call void @norm_tile(
// CHECK: define internal void @norm..omp_par(
// CHECK: call i32 @omp_get_thread_num()
// CHECK: call i32 @omp_get_num_threads()
// CHECK: call void @norm_tile(
// CHECK: define void @_mlir_ciface_norm(ptr %0, ptr %1, ptr %2)
// CHECK: call { ptr, ptr, i64, [2 x i64], [2 x i64] } @norm(
func.func @norm(%x: tensor<?x4096xf16>, %w: tensor<4096xf16>) -> tensor<?x4096xf16> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?x4096xf16>
  %init = tensor.empty(%d) : tensor<?x4096xf16>
  %y = rms.norm ins(%x, %w : tensor<?x4096xf16>, tensor<4096xf16>) outs(%init : tensor<?x4096xf16>) epsilon(1.0e-05) -> tensor<?x4096xf16>
  return %y : tensor<?x4096xf16>
}
