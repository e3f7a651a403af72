// RUN: rms-opt %s --rms-cpu-pipeline="vector-bits=512" | FileCheck %s
// RUN: rms-opt %s --rms-cpu-pipeline="vector-bits=256 tile-rows=2 num-threads=2" | FileCheck %s --check-prefix=AVX2
// RUN: rms-opt %s --rms-cpu-pipeline | FileCheck %s --check-prefix=GONE
// RUN: rms-opt %s --rms-cpu-pipeline="threads=false" | FileCheck %s --check-prefix=SERIAL
// RUN: rms-opt %s --rms-cpu-pipeline="host-target=false" | FileCheck %s --check-prefix=NOTARGET
// RUN: rms-opt %s --rms-cpu-pipeline="balance-bytes=8388608 num-threads=2" | FileCheck %s --check-prefix=BALANCE

// The whole module ends in the LLVM dialect: row tiles on OpenMP threads,
// 16-lane f32 vector code with masked heads (up to a cache line) and tails,
// C interfaces for every public function, and nothing left of rms, tensor,
// memref, scf or vector.

// The tiles of 16-bit rows are no fewer rows than rows / threads, the count
// read from the OpenMP runtime. Several tiles run in a parallel region of
// no more threads than tiles, in which each thread takes its share of the
// tiles by its number; one runs on the calling thread without OpenMP. Both
// call the tile's body, outlined into an internal function.
// CHECK-NOT: rms.norm
// CHECK: llvm.func @omp_get_num_threads() -> i32
// CHECK: llvm.func @omp_get_thread_num() -> i32
// CHECK: llvm.func @omp_get_max_threads() -> i32
// CHECK-LABEL: llvm.func internal @norm_tile(
// CHECK-SAME: target_cpu = "{{[^"]+}}"
// CHECK-SAME: target_features = #llvm.target_features<[
// CHECK-NOT: omp.
// CHECK:       llvm.load %{{.*}} : !llvm.ptr -> vector<16xf16>
// CHECK:       llvm.fpext %{{.*}} : vector<16xf16> to vector<16xf32>
// CHECK:       llvm.intr.fmuladd(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>) -> vector<16xf32>
// CHECK:       llvm.intr.vector.reduce.fadd
// CHECK:       llvm.intr.sqrt
// CHECK:       llvm.fptrunc %{{.*}} : vector<16xf32> to vector<16xf16>
// CHECK:       llvm.intr.masked.store %{{.*}} : vector<16xf16>, vector<16xi1> into !llvm.ptr
// CHECK:       llvm.store %{{.*}} : vector<16xf16>, !llvm.ptr
// CHECK-LABEL: llvm.func @norm(
// CHECK-SAME: target_cpu = "{{[^"]+}}"
// CHECK: llvm.call @omp_get_max_threads() : () -> i32
// CHECK: %[[SEVERAL:.*]] = llvm.icmp "ugt" %{{.*}}, %{{.*}} : i64
// CHECK: llvm.cond_br %[[SEVERAL]], ^[[PARALLEL:bb[0-9]+]], ^[[CALLER:bb[0-9]+]]
// CHECK: ^[[PARALLEL]]:
// CHECK: %[[MAX:.*]] = llvm.call @omp_get_max_threads() : () -> i32
// CHECK: %[[TEAM:.*]] = llvm.trunc %{{.*}} : i64 to i32
// CHECK: omp.parallel num_threads(%[[TEAM]] : i32) {
// CHECK-NEXT: llvm.call @omp_get_thread_num() : () -> i32
// CHECK: llvm.call @omp_get_num_threads() : () -> i32
// CHECK-NOT: omp.wsloop
// CHECK: llvm.call @norm_tile(
// CHECK: omp.terminator
// CHECK: ^[[CALLER]]:
// CHECK-NOT: omp.
// CHECK: llvm.call @norm_tile(
// CHECK: llvm.return
// CHECK-LABEL: llvm.func @_mlir_ciface_norm(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: llvm.call @norm(
// CHECK-LABEL: llvm.func internal @mem_tile(
// CHECK: llvm.intr.masked.load %{{.*}} : (!llvm.ptr, vector<16xi1>, vector<16xbf16>) -> vector<16xbf16>
// CHECK: llvm.intr.masked.store %{{.*}} : vector<16xbf16>, vector<16xi1> into !llvm.ptr
// CHECK-LABEL: llvm.func @_mlir_ciface_mem(
// CHECK-NOT: llvm.func @_mlir_ciface_helper

// A result computed into an argument's buffer is returned as a copy, which
// the caller owns (the deallocation pipeline's bufferization.clone).
// CHECK-LABEL: llvm.func @into(
// CHECK: omp.parallel
// CHECK: %[[COPY:.*]] = llvm.call @malloc(
// CHECK: "llvm.intr.memcpy"(%{{.*}}, %{{.*}}, %{{.*}}) <{isVolatile = false}>
// CHECK: llvm.return

// GONE-NOT: {{[ =](rms|tensor|memref|scf|vector|linalg|affine|bufferization|arith|math|func|builtin)\.[a-z]}}
// GONE: llvm.func @_mlir_ciface_mem(

// Functions carry the host's CPU and features, which their code was made
// for, unless asked not to.
// NOTARGET-NOT: target_cpu
// NOTARGET-NOT: target_features

// Without threads, no OpenMP is left: the code needs no runtime library.
// SERIAL-NOT: omp.
// SERIAL: llvm.func @_mlir_ciface_norm(
// SERIAL-NOT: omp.

// AVX2-LABEL: llvm.func internal @norm_tile(
// AVX2: vector<8xf32>
// AVX2-LABEL: llvm.func @norm(
// AVX2: llvm.mlir.constant(2 : i32) : i32
// AVX2: omp.parallel num_threads
func.func @norm(%x: tensor<?x4096xf16>, %w: tensor<4096xf16>) -> tensor<?x4096xf16> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?x4096xf16>
  %init = tensor.empty(%d) : tensor<?x4096xf16>
  %y = rms.norm ins(%x, %w : tensor<?x4096xf16>, tensor<4096xf16>) outs(%init : tensor<?x4096xf16>) epsilon(1.0e-05) -> tensor<?x4096xf16>
  return %y : tensor<?x4096xf16>
}

func.func @mem(%x: memref<?x?xbf16>, %w: memref<?xbf16>, %y: memref<?x?xbf16>) {
  rms.norm ins(%x, %w : memref<?x?xbf16>, memref<?xbf16>) outs(%y : memref<?x?xbf16>) epsilon(1.0e-05)
  return
}

func.func @into(%x: tensor<?x4096xf32>, %init: tensor<?x4096xf32>) -> tensor<?x4096xf32> {
  %y = rms.norm ins(%x : tensor<?x4096xf32>) outs(%init : tensor<?x4096xf32>) epsilon(1.0e-05) -> tensor<?x4096xf32>
  return %y : tensor<?x4096xf32>
}

// A static input of balance-bytes or more runs in 8 tiles per thread (16
// of 128 rows on 2 threads), which the threads claim as they finish (an
// atomic count of the tiles claimed); an input of a dynamic shape is
// measured at run time: 8 tiles per thread from balance-bytes on, else a
// tile per thread (taken by thread number where there are no more tiles
// than threads).
// BALANCE-LABEL: llvm.func @norm(
// BALANCE: %[[LARGE:.*]] = llvm.icmp "uge" %{{.*}}, %{{.*}} : i64
// BALANCE: llvm.select %[[LARGE]], %{{.*}}, %{{.*}} : i1, i64
// BALANCE: %[[CLAIMED:.*]] = llvm.alloca %{{.*}} x i64
// BALANCE: omp.parallel num_threads(%{{.*}} : i32) {
// BALANCE: llvm.atomicrmw add %[[CLAIMED]], %{{.*}} acq_rel : !llvm.ptr, i64
// BALANCE-LABEL: llvm.func @large(
// BALANCE: %[[CLAIMED:.*]] = llvm.alloca %{{.*}} x i64
// BALANCE: omp.parallel num_threads(%{{.*}} : i32) {
// BALANCE-NOT: omp.wsloop
// BALANCE: llvm.atomicrmw add %[[CLAIMED]], %{{.*}} acq_rel : !llvm.ptr, i64
func.func @large(%x: memref<2048x4096xf16>, %w: memref<4096xf16>, %y: memref<2048x4096xf16>) {
  rms.norm ins(%x, %w : memref<2048x4096xf16>, memref<4096xf16>) outs(%y : memref<2048x4096xf16>) epsilon(1.0e-05)
  return
}

func.func private @helper(%x: memref<2xf32>) {
  return
}
