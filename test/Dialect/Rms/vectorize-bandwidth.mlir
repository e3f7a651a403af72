// RUN: rms-opt %s -rms-vectorize="vector-bits=512 unroll=2 block=2 nontemporal-bytes=1024 split-bytes=4096 fuse-rows=0" -canonicalize -cse -split-input-file | FileCheck %s
// RUN: rms-opt %s -rms-vectorize="vector-bits=512 unroll=2 block=2 nontemporal-bytes=1024 split-bytes=4096 fuse-rows=0 split-threads=0" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=THREADS
// RUN: rms-opt %s -rms-vectorize="vector-bits=512 unroll=2 block=2 nontemporal-bytes=1024 split-bytes=4096 fuse-rows=0 split-threads=3" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=THREE
// RUN: rms-opt %s -rms-vectorize="vector-bits=512 unroll=2 block=2 nontemporal-bytes=1024 split-bytes=4096 fuse-rows=0 split-threads=16" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=SIXTEEN
// RUN: rms-opt %s -rms-vectorize="vector-bits=512 split-bytes=262144 split-threads=2" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=CAP

// Streaming stores: the output buffer's size decides (here >= 1 KiB, checked
// at run time for dynamic shapes), for rows of at least 512 bytes. The unrolled part starts on a cache line of
// the output, so the streaming stores are aligned, is written as four parts
// interleaved (several write streams), and prefetches the next row; one fence
// (sfence on x86) after the rows makes the stores visible.

// CHECK-LABEL: func @stream
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf32>, %[[Y:.*]]: memref<?x?xf32>)
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[C1024:.*]] = arith.constant 1024 : index
// CHECK: %{{.*}}, %{{.*}}, %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[Y]]
// CHECK: %[[PTR:.*]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: %[[BIG:.*]] = arith.cmpi uge, %{{.*}}, %[[C1024]] : index
// CHECK: %[[LONG:.*]] = arith.cmpi uge, %{{.*}}, %c512 : index
// CHECK: %[[STREAM:.*]] = arith.andi %[[BIG]], %[[LONG]] : i1
// CHECK: %[[LAST:.*]] = arith.subi %{{.*}}, %c1 : index
// CHECK: scf.for %[[R:.*]] =
// CHECK:   %[[NEXT:.*]] = arith.minui %{{.*}}, %[[LAST]] : index
// CHECK:   scf.if %[[STREAM]] {
// CHECK:     %[[OFF:.*]] = arith.muli %[[R]], %[[STRIDES]]#0
// CHECK:     %[[OFFB:.*]] = arith.muli %[[OFF]], %c4
// CHECK:     %[[ADDR:.*]] = arith.addi %[[PTR]], %[[OFFB]]
// CHECK:     arith.remui %[[ADDR]], %[[C64]]
// CHECK:     %[[START:.*]] = arith.minui
// CHECK:     arith.remui %{{.*}}, %c32
// CHECK:     %[[END:.*]] = arith.subi %{{.*}}, %{{.*}} : index
// CHECK:     vector.maskedstore
// CHECK:     vector.maskedstore
//              Four interleaved parts of the unrolled range, one unrolled
//              iteration (32 elements) of each in turn, then what is left in
//              order, in one loop: iteration k at part k % 4, offset k / 4.
// CHECK:     %[[LENGTH:.*]] = arith.subi %[[END]], %[[START]]
// CHECK:     %[[UNITS:.*]] = arith.divui %[[LENGTH]], %c128
// CHECK:     %[[PART:.*]] = arith.muli %[[UNITS]], %c32
// CHECK:     %[[ALL:.*]] = arith.muli %[[UNITS]], %c128
// CHECK:     %[[PARTSEND:.*]] = arith.addi %[[START]], %[[ALL]]
// CHECK:     scf.for %[[L:.*]] = %[[START]] to %[[END]] step %c32 {
// CHECK:       %[[FROMSTART:.*]] = arith.subi %[[L]], %[[START]]
// CHECK:       %[[K:.*]] = arith.divui %[[FROMSTART]], %c32
// CHECK:       %[[P:.*]] = arith.remui %[[K]], %c4
// CHECK:       %[[INPART:.*]] = arith.muli %[[P]], %[[PART]]
// CHECK:       %[[Q:.*]] = arith.divui %[[K]], %c4
// CHECK:       %[[OFFSET:.*]] = arith.muli %[[Q]], %c32
// CHECK:       %[[REL:.*]] = arith.addi %[[INPART]], %[[OFFSET]]
// CHECK:       %[[MAPPED:.*]] = arith.addi %[[START]], %[[REL]]
// CHECK:       %[[IN:.*]] = arith.cmpi ult, %[[L]], %[[PARTSEND]]
// CHECK:       %[[J0:.*]] = arith.select %[[IN]], %[[MAPPED]], %[[L]]
// CHECK:       vector.store %{{.*}}, %[[Y]][%[[R]], %[[J0]]] {alignment = 64 : i64, nontemporal = true} : memref<?x?xf32>, vector<16xf32>
// CHECK:       vector.store {{.*}}nontemporal = true
// CHECK:       memref.prefetch %[[X]][%[[NEXT]], %[[J0]]], read, locality<2>, data : memref<?x?xf32>
// CHECK:   } else {
// CHECK-NOT: {{nontemporal|prefetch}}
// CHECK:     vector.store %{{.*}}, %[[Y]][%[[R]], %{{.*}}] : memref<?x?xf32>, vector<16xf32>
// CHECK-NOT: sfence
// CHECK: {{llvm.call_intrinsic "llvm.x86.sse.sfence"|llvm.fence seq_cst}}
// CHECK-NEXT: return
func.func @stream(%x: memref<?x?xf32>, %y: memref<?x?xf32>) {
  rms.norm ins(%x : memref<?x?xf32>) outs(%y : memref<?x?xf32>) epsilon(1.0e-05)
  return
}

// -----

// A static row of 16 KiB with split-bytes=4096 is split into 4 slices:
// parallel partial sums, a Kahan combination, then a parallel scaling that
// walks each slice backwards with streaming stores.

// CHECK-LABEL: func @split
// CHECK-SAME: (%[[X:.*]]: memref<4096xf32>, %[[W:.*]]: memref<4096xf32>, %[[Y:.*]]: memref<4096xf32>)
// CHECK: %[[PARTIALS:.*]] = memref.alloc() : memref<4xf32>
// CHECK: scf.forall (%[[S:.*]]) in (4) {
// CHECK:   %[[BEGIN:.*]] = arith.muli %[[S]], %c1024
// CHECK:   vector.fma
// CHECK:   %[[PART:.*]] = vector.reduction <add>
// CHECK:   memref.store %[[PART]], %[[PARTIALS]][%[[S]]] : memref<4xf32>
// CHECK: }
// CHECK: %[[TOTAL:.*]]:2 = scf.for %{{.*}} = %c0 to %c4 step %c1 iter_args(%[[SUM:.*]] = %{{.*}}, %[[COMP:.*]] = %{{.*}}) -> (f32, f32) {
// CHECK:   memref.load %[[PARTIALS]]
// CHECK: memref.dealloc %[[PARTIALS]]
// CHECK: math.sqrt
// CHECK: scf.forall (%{{.*}}) in (4) {
// CHECK-NOT: scf.if
// CHECK:     arith.ceildivui
// CHECK:     scf.for %[[K:.*]] = %c0 to %{{.*}} step %c1 {
// CHECK:       %[[BACK:.*]] = arith.muli %[[K]], %c64
// CHECK:       %[[END:.*]] = arith.subi %{{.*}}, %[[BACK]]
// CHECK:       scf.for %{{.*}} = %{{.*}} to %[[END]] step %c32 {
// CHECK:         vector.store {{.*}} {alignment = 64 : i64, nontemporal = true}
// With the thread count (split-threads=0: asked of the OpenMP runtime),
// min(threads, 4) workers each take a run of slices [w * 4 / workers,
// (w + 1) * 4 / workers): summed in order, scaled from the last one.
// THREADS: llvm.func @omp_get_max_threads() -> i32
// THREADS-LABEL: func @split
// THREADS: %[[ASKED:.*]] = llvm.call @omp_get_max_threads() : () -> i32
// THREADS: %[[THREADS:.*]] = arith.index_castui %[[ASKED]] : i32 to index
// THREADS: %[[ATLEAST1:.*]] = arith.maxui %[[THREADS]], %c1
// THREADS: %[[WORKERS:.*]] = arith.minui %[[ATLEAST1]], %c4
// THREADS: scf.forall (%[[W:.*]]) in (%[[WORKERS]]) {
// THREADS:   %[[FIRST:.*]] = arith.divui %{{.*}}, %[[WORKERS]]
// THREADS:   %[[LAST:.*]] = arith.divui %{{.*}}, %[[WORKERS]]
// THREADS:   scf.for %[[S:.*]] = %[[FIRST]] to %[[LAST]] step %c1 {
// THREADS:     arith.muli %[[S]], %c1024
// THREADS:     vector.fma
// THREADS:     memref.store %{{.*}}, %{{.*}}[%[[S]]] : memref<4xf32>
// THREADS: math.sqrt
// THREADS: scf.forall (%[[W2:.*]]) in (%[[WORKERS]]) {
// THREADS:   %[[FIRST2:.*]] = arith.divui %{{.*}}, %[[WORKERS]]
// THREADS:   %[[LAST2:.*]] = arith.divui %{{.*}}, %[[WORKERS]]
// THREADS:   scf.for %[[K:.*]] = %[[FIRST2]] to %[[LAST2]] step %c1 {
// THREADS:     %[[ENDS:.*]] = arith.addi %[[FIRST2]], %[[LAST2]]
// THREADS:     %[[LASTSLICE:.*]] = arith.subi %[[ENDS]], %c1
// THREADS:     %[[SLICE:.*]] = arith.subi %[[LASTSLICE]], %[[K]]
// THREADS:     arith.muli %[[SLICE]], %c1024
// THREADS:     vector.store {{.*}} {alignment = 64 : i64, nontemporal = true}
// A known count (3): no call, the 4 slices of 1024, three workers.
// THREE-LABEL: func @split
// THREE-NOT: llvm.call @omp_get_max_threads
// THREE: memref.alloc() : memref<4xf32>
// THREE: scf.forall (%{{.*}}) in (3) {
// THREE: arith.muli %{{.*}}, %c1024
// THREE: scf.forall (%{{.*}}) in (3) {
// THREE-NOT: llvm.call @omp_get_max_threads
// More threads (16) than slices: a worker per slice, the same 4 slices of
// 1024, so the same sum whatever the thread count.
// SIXTEEN-LABEL: func @split
// SIXTEEN: memref.alloc() : memref<4xf32>
// SIXTEEN: scf.forall (%{{.*}}) in (4) {
// SIXTEEN: arith.muli %{{.*}}, %c1024
// SIXTEEN: scf.forall (%{{.*}}) in (4) {
func.func @split(%x: memref<4096xf32>, %w: memref<4096xf32>, %y: memref<4096xf32>) {
  rms.norm ins(%x, %w : memref<4096xf32>, memref<4096xf32>) outs(%y : memref<4096xf32>) epsilon(1.0e-05)
  return
}

// -----

// A row longer than split-bytes (1 MiB against 256 KiB) is cut into slices
// of at most 64 KiB, 16 here, so that more threads than L2-sized slices
// each have some; two workers take eight each.

// CAP-LABEL: func @split_capped
// CAP: memref.alloc() : memref<16xf32>
// CAP: scf.forall (%{{.*}}) in (2) {
// CAP: arith.muli %{{.*}}, %c16384
func.func @split_capped(%x: memref<262144xf32>, %y: memref<262144xf32>) {
  rms.norm ins(%x : memref<262144xf32>) outs(%y : memref<262144xf32>) epsilon(1.0e-05)
  return
}

// -----

// A tile writes a view of a larger buffer: the size of that buffer decides
// about streaming, not the size of the tile. Rows of fewer than 512 bytes
// are not streamed.

// CHECK-LABEL: func @tile_of_large_buffer
// CHECK-SAME: (%{{.*}}: memref<2x128xf32, strided<[128, 1], offset: ?>>, %[[BIG:.*]]: memref<1024x128xf32>)
// CHECK: %[[SV:.*]] = memref.subview %[[BIG]]
// CHECK: memref.extract_aligned_pointer_as_index %[[SV]]
// CHECK-NOT: arith.cmpi uge
// CHECK: vector.store %{{.*}}, %[[SV]]{{.*}} {alignment = 64 : i64, nontemporal = true}
func.func @tile_of_large_buffer(%x: memref<2x128xf32, strided<[128, 1], offset: ?>>, %big: memref<1024x128xf32>) {
  %c0 = arith.constant 0 : index
  %tile = memref.subview %big[0, 0] [2, 128] [1, 1] : memref<1024x128xf32> to memref<2x128xf32, strided<[128, 1]>>
  rms.norm ins(%x : memref<2x128xf32, strided<[128, 1], offset: ?>>) outs(%tile : memref<2x128xf32, strided<[128, 1]>>) epsilon(1.0e-05)
  return
}

// -----

// Short f32 rows of a large output are streamed where each row starts on a
// cache line (checked at run time: the output's first row, and the strides
// of its leading dimensions where they are dynamic; 64 f32 is 256 bytes),
// and written with ordinary stores otherwise.
// CHECK-LABEL: func @short_rows
// CHECK-SAME: (%{{.*}}: memref<1024x64xf32>, %[[Y:.*]]: memref<1024x64xf32>)
// CHECK: %[[PTR:.*]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: %[[MIS:.*]] = arith.remui %[[PTR]], %c64
// CHECK: %[[ALIGNED:.*]] = arith.cmpi eq, %[[MIS]], %c0
// CHECK: scf.if %[[ALIGNED]] {
// CHECK:   scf.for
// CHECK:     vector.store %{{.*}}, %[[Y]][%{{.*}}, %c0] {alignment = 64 : i64, nontemporal = true}
// CHECK:     vector.store %{{.*}}, %[[Y]][%{{.*}}, %c48] {alignment = 64 : i64, nontemporal = true}
// CHECK: } else {
// CHECK-NOT: nontemporal
// CHECK:   vector.store %{{.*}}, %[[Y]][%{{.*}}, %c48] : memref<1024x64xf32>, vector<16xf32>
// CHECK-NOT: nontemporal
// CHECK: {{llvm.call_intrinsic "llvm.x86.sse.sfence"|llvm.fence seq_cst}}
// CHECK-NEXT: return
func.func @short_rows(%x: memref<1024x64xf32>, %y: memref<1024x64xf32>) {
  rms.norm ins(%x : memref<1024x64xf32>) outs(%y : memref<1024x64xf32>) epsilon(1.0e-05)
  return
}
// Rows of 100 f32 (400 bytes) cannot all start on a cache line: ordinary
// stores, without a check. Nor are 16-bit short rows streamed (bound by
// their conversions, they gained nothing).
// CHECK-LABEL: func @short_rows_unaligned
// CHECK-NOT: nontemporal
// CHECK-NOT: scf.if
// CHECK: return
func.func @short_rows_unaligned(%x: memref<1024x100xf32>, %y: memref<1024x100xf32>) {
  rms.norm ins(%x : memref<1024x100xf32>) outs(%y : memref<1024x100xf32>) epsilon(1.0e-05)
  return
}
// CHECK-LABEL: func @short_rows_f16
// CHECK-NOT: nontemporal
// CHECK: return
func.func @short_rows_f16(%x: memref<1024x128xf16>, %y: memref<1024x128xf16>) {
  rms.norm ins(%x : memref<1024x128xf16>) outs(%y : memref<1024x128xf16>) epsilon(1.0e-05)
  return
}

// -----

// A symbol @omp_get_max_threads that is not the OpenMP function (defined
// here): the count is not asked, and each slice is a worker of its own.

// THREADS-LABEL: func @split_with_other_symbol
// THREADS-NOT: call @
// THREADS: scf.forall (%{{.*}}) in (4) {
// THREADS-NOT: call @
func.func @omp_get_max_threads() -> i32 {
  %one = arith.constant 1 : i32
  return %one : i32
}
func.func @split_with_other_symbol(%x: memref<4096xf32>, %y: memref<4096xf32>) {
  rms.norm ins(%x : memref<4096xf32>) outs(%y : memref<4096xf32>) epsilon(1.0e-05)
  return
}
