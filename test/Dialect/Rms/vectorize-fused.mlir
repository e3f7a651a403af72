// RUN: rms-opt %s -rms-vectorize="vector-bits=256 unroll=2 block=4 nontemporal-bytes=0 split-bytes=0" -canonicalize -cse -split-input-file | FileCheck %s
// RUN: rms-opt %s -rms-vectorize="vector-bits=256 unroll=2 block=4 nontemporal-bytes=0 split-bytes=0 fuse-rows=1" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=ALWAYS
// RUN: rms-opt %s -rms-vectorize="vector-bits=256 unroll=2 block=4 nontemporal-bytes=1 split-bytes=0" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=STREAM

// Fused sweeps (the default for bf16, and for the other types where the
// output is streamed; always with fuse-rows=1): the first row is summed
// alone; then each sweep scales row r and, in the same loop, sums the
// squares of row min(r + 1, last) (blocked and compensated as in a lone
// sum), so that the next row streams in from memory while the current one
// is re-read from cache; the last sweep's sum is not used.

// f16 rows kept in cache are summed, then scaled (fused sweeps measured
// slower for them).
// CHECK-LABEL: func @fused_f16
// CHECK:   scf.for %[[R:.*]] = %c0 to %{{[a-z_0-9]+}} step %c1 {{{$}}
// CHECK:     vector.reduction <add>
// CHECK:     vector.store
// CHECK-NOT: iter_args{{.*}} -> (f32)
// CHECK:   return

// ALWAYS-LABEL: func @fused_f16
// ALWAYS-SAME: (%[[X:.*]]: memref<?x?xf16>, %[[W:.*]]: memref<?xf16>, %[[Y:.*]]: memref<?x?xf16>)
// ALWAYS:   %[[ROWS:.*]] = memref.dim %[[X]], %c0
// ALWAYS:   %[[LAST:.*]] = arith.subi %[[ROWS]], %c1
// ALWAYS:   %[[ANY:.*]] = arith.cmpi ugt, %[[ROWS]], %c0
// ALWAYS:   scf.if %[[ANY]] {
// ALWAYS:     vector.load %[[X]][%c0, %{{.*}}]
// ALWAYS:     %[[FIRST:.*]] = vector.reduction <add>
// ALWAYS:     scf.for %[[R:.*]] = %c0 to %[[ROWS]] step %c1 iter_args(%[[SUM:.*]] = %[[FIRST]]) -> (f32) {
// ALWAYS:       %[[AFTER:.*]] = arith.addi %[[R]], %c1
// ALWAYS:       %[[NEXT:.*]] = arith.minui %[[AFTER]], %[[LAST]]
// ALWAYS:       arith.divf %[[SUM]]
// ALWAYS:       math.sqrt
// ALWAYS:       %[[SCALE:.*]] = vector.broadcast %{{.*}} : f32 to vector<8xf32>
//                Masked head and tail: both rows.
// ALWAYS:       scf.for
// ALWAYS:         vector.maskedload %[[X]][%[[NEXT]], %{{.*}}]
// ALWAYS:         vector.maskedload %[[X]][%[[R]], %{{.*}}]
// ALWAYS:         vector.maskedstore %[[Y]][%[[R]], %{{.*}}]
// ALWAYS:         vector.fma
// ALWAYS:       scf.for
//                The unrolled blocks.
// ALWAYS:       scf.for {{.*}} step %c64 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<8xf32>, vector<8xf32>) {
// ALWAYS:         scf.for {{.*}} step %c16 iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>) {
// ALWAYS:           %[[N0:.*]] = vector.load %[[X]][%[[NEXT]], %{{.*}}] : memref<?x?xf16>, vector<8xf16>
// ALWAYS:           %[[W0:.*]] = arith.extf %[[N0]]
// ALWAYS:           vector.fma %[[W0]], %[[W0]]
// ALWAYS:           vector.load %[[X]][%[[NEXT]], %{{.*}}]
// ALWAYS:           %[[C0:.*]] = vector.load %[[X]][%[[R]], %{{.*}}] : memref<?x?xf16>, vector<8xf16>
// ALWAYS:           %[[E0:.*]] = arith.extf %[[C0]]
// ALWAYS:           arith.mulf %[[E0]], %[[SCALE]]
// ALWAYS:           arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// ALWAYS:           vector.store %{{.*}}, %[[Y]][%[[R]], %{{.*}}] : memref<?x?xf16>, vector<8xf16>
// ALWAYS:           vector.store %{{.*}}, %[[Y]][%[[R]], %{{.*}}] : memref<?x?xf16>, vector<8xf16>
// ALWAYS:         math.absf
// ALWAYS:         arith.select
// ALWAYS:       %[[NEXTSUM:.*]] = vector.reduction <add>
// ALWAYS:       scf.yield %[[NEXTSUM]] : f32
// ALWAYS-NOT: vector.store
//           Rows of a dynamic length under 1 KiB: vectorize-short-rows.mlir.
// ALWAYS:   } else {
// ALWAYS:   memref.dealloc

// With streaming stores (outputs of at least nontemporal-bytes): the
// unrolled stores of row r are nontemporal, and the row after the next one,
// min(r + 2, last), is prefetched into L2 as row r + 1 is summed. The 16-bit
// results of two vectors are joined into one that fills a register (32
// bytes here), and (on x86, whose LLVM backend streams no f16/bf16 vectors)
// stored as 32-bit words kept integers by an empty inline asm.
// Dynamic shapes choose at run time: fused with streaming stores, or two
// sweeps with ordinary ones.
// STREAM-LABEL: func @fused_f16
// STREAM:   %[[STREAMED:.*]] = arith.andi
// STREAM:   scf.if %[[STREAMED]] {
// STREAM:     scf.for %[[R:.*]] = %c0 to %{{.*}} step %c1 iter_args
// STREAM:       %[[AFTER2:.*]] = arith.addi %[[R]], %c2
// STREAM:       %[[PREFETCHED:.*]] = arith.minui %[[AFTER2]], %{{.*}}
// STREAM:       scf.for {{.*}} step %c16 iter_args
// STREAM:         %[[LO:.*]] = arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// STREAM:         %[[HI:.*]] = arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// STREAM:         %[[BOTH:.*]] = vector.shuffle %[[LO]], %[[HI]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<8xf16>, vector<8xf16>
// STREAM:         %[[WORDS:.*]] = vector.bitcast %[[BOTH]] : vector<16xf16> to vector<8xi32>
// STREAM:         %[[KEPT:.*]] = llvm.inline_asm "", "=v,0" %[[WORDS]] : (vector<8xi32>) -> vector<8xi32>
// STREAM:         %[[AT:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr
// STREAM:         llvm.store %[[KEPT]], %[[AT]] {alignment = 32 : i64, nontemporal} : vector<8xi32>, !llvm.ptr
// STREAM:         memref.prefetch %{{.*}}[%[[PREFETCHED]], %{{.*}}], read, locality<2>, data
// STREAM:   } else {
// STREAM:     scf.for %{{.*}} = %c0 to %{{[a-z_0-9]+}} step %c1 {{{$}}
// STREAM-NOT:   nontemporal
// STREAM:   return
func.func @fused_f16(%x: memref<?x?xf16>, %w: memref<?xf16>, %y: memref<?x?xf16>) {
  rms.norm ins(%x, %w : memref<?x?xf16>, memref<?xf16>) outs(%y : memref<?x?xf16>) epsilon(1.0e-05)
  return
}

// -----

// f32 rows kept in cache are summed, then scaled (fused sweeps measured
// slower for them), unless fuse-rows=1. Where the output is streamed they
// are fused (STREAM): the choice is made at run time for dynamic shapes,
// fused with streaming stores or two sweeps with ordinary ones, and the
// fused sweep visits the row as four interleaved parts (logical iteration
// k of 16 elements at part k % 4, offset k / 4), then the rest in order,
// in one loop.

// STREAM-LABEL: func @two_sweeps_f32
// STREAM:   %[[STREAMED:.*]] = arith.andi
// STREAM:   scf.if %[[STREAMED]] {
// STREAM:     scf.for %{{.*}} = %c0 to %{{.*}} step %c1 iter_args(%{{.*}} = %{{.*}}) -> (f32) {
// STREAM:       %[[UNITS:.*]] = arith.divui %{{.*}}, %c64 : index
// STREAM:       %[[PART:.*]] = arith.muli %[[UNITS]], %c16 : index
// STREAM:       scf.for
// STREAM:         scf.for %[[L:.*]] = %{{.*}} to %{{.*}} step %c16 iter_args
// STREAM:           %[[K:.*]] = arith.divui %{{.*}}, %c16 : index
// STREAM:           %[[P:.*]] = arith.remui %[[K]], %c4 : index
// STREAM:           arith.muli %[[P]], %[[PART]] : index
// STREAM:           %[[Q:.*]] = arith.divui %[[K]], %c4 : index
// STREAM:           arith.muli %[[Q]], %c16 : index
// STREAM:           %[[IN:.*]] = arith.cmpi ult, %[[L]], %{{.*}} : index
// STREAM:           %[[AT:.*]] = arith.select %[[IN]], %{{.*}}, %[[L]] : index
// STREAM:           vector.load %{{.*}}[%{{.*}}, %[[AT]]]
// STREAM:           vector.fma
// STREAM:           vector.store {{.*}}[%{{.*}}, %[[AT]]] {alignment = 32 : i64, nontemporal = true} : memref<?x?xf32>, vector<8xf32>
// STREAM:           memref.prefetch
// STREAM:   } else {
// STREAM:     scf.for %{{.*}} = %c0 to %{{[a-z_0-9]+}} step %c1 {{{$}}
// STREAM-NOT:   nontemporal
//           Rows of a dynamic length under 512 bytes: vectorize-short-rows.mlir.
// STREAM:   } else {
// STREAM:   return

// CHECK-LABEL: func @two_sweeps_f32
// CHECK:   scf.for %[[R:.*]] = %c0 to %{{[a-z_0-9]+}} step %c1 {{{$}}
// CHECK:     vector.reduction <add>
// CHECK:     vector.store
// ALWAYS-LABEL: func @two_sweeps_f32
// ALWAYS:   scf.for %{{.*}} = %c0 to %{{.*}} step %c1 iter_args(%{{.*}} = %{{.*}}) -> (f32) {
func.func @two_sweeps_f32(%x: memref<?x?xf32>, %y: memref<?x?xf32>) {
  rms.norm ins(%x : memref<?x?xf32>) outs(%y : memref<?x?xf32>) epsilon(1.0e-05)
  return
}

// -----

// bf16: the unrolled sums read the next row two vectors at a time as 32-bit
// words of two elements and widen them in lane (a shift for the first, a
// mask for the second) instead of extending each vector, while the row
// being scaled is read and stored one vector at a time (with 256-bit
// vectors; for 512-bit ones on AVX512-BF16 see below).

// CHECK-LABEL: func @fused_bf16_words
// CHECK-SAME: (%[[X:.*]]: memref<?x?xbf16>, %{{.*}}: memref<?xbf16>, %[[Y:.*]]: memref<?x?xbf16>)
// CHECK:   scf.for %[[R:.*]] = %c0 to %{{.*}} step %c1 iter_args
// CHECK:       scf.for {{.*}} step %c16 iter_args(%[[A0:.*]] = %{{.*}}, %[[A1:.*]] = %{{.*}}) -> (vector<8xf32>, vector<8xf32>) {
// CHECK:         %[[RAW:.*]] = vector.load %[[X]][%{{.*}}, %{{.*}}] : memref<?x?xbf16>, vector<16xbf16>
// CHECK:         %[[WORDS:.*]] = vector.bitcast %[[RAW]] : vector<16xbf16> to vector<8xi32>
// CHECK:         %[[LOW:.*]] = arith.shli %[[WORDS]], %cst{{.*}} : vector<8xi32>
// CHECK:         %[[HIGH:.*]] = arith.andi %[[WORDS]], %cst{{.*}} : vector<8xi32>
// CHECK:         %[[FIRST:.*]] = arith.bitcast %[[LOW]] : vector<8xi32> to vector<8xf32>
// CHECK:         %[[SECOND:.*]] = arith.bitcast %[[HIGH]] : vector<8xi32> to vector<8xf32>
// CHECK:         %[[S0:.*]] = vector.fma %[[FIRST]], %[[FIRST]], %[[A0]]
// CHECK:         %[[S1:.*]] = vector.fma %[[SECOND]], %[[SECOND]], %[[A1]]
// CHECK:         vector.load %[[X]][%[[R]], %{{.*}}] : memref<?x?xbf16>, vector<8xbf16>
// CHECK:         vector.store %{{.*}}, %[[Y]][%[[R]], %{{.*}}] : memref<?x?xbf16>, vector<8xbf16>
// CHECK:         vector.load %[[X]][%[[R]], %{{.*}}] : memref<?x?xbf16>, vector<8xbf16>
// CHECK:         vector.store %{{.*}}, %[[Y]][%[[R]], %{{.*}}] : memref<?x?xbf16>, vector<8xbf16>
// CHECK:         scf.yield %[[S0]], %[[S1]]
func.func @fused_bf16_words(%x: memref<?x?xbf16>, %w: memref<?xbf16>, %y: memref<?x?xbf16>) {
  rms.norm ins(%x, %w : memref<?x?xbf16>, memref<?xbf16>) outs(%y : memref<?x?xbf16>) epsilon(1.0e-05)
  return
}

// -----

// Fused f16 rows of a static length whose f32 products and widened weights
// fit in the L1 cache together (4 KiB each here) keep `products`: the sweep that
// sums a row also writes x * w of it to an aligned f32 row, and the next
// sweep scales that row from there (a load and a multiplication) instead of
// widening x again and multiplying by w; in the unrolled iterations the
// next row's products are written after this row's vectors are stored.
// Rows kept in cache, summed and then scaled in two sweeps, keep them too in
// tiles of 8 rows or more, chosen at run time where the count is dynamic:
// the sum writes each x * w, the scaling reads it instead of x (in cache at
// one thread: 8x4096 +7%, 64x4096 +14%); fewer rows do not (2x4096 -12%,
// 1x4096 -19% with products).
// CHECK-LABEL: func @fused_f16_products
// CHECK-SAME: (%[[X:.*]]: memref<?x1024xf16>, %{{.*}}: memref<1024xf16>, %[[Y:.*]]: memref<?x1024xf16>)
// CHECK:       %[[WIDE:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
// CHECK:       %[[MANY:.*]] = arith.cmpi uge, %{{.*}}, %c8 : index
// CHECK:       scf.if %[[MANY]] {
// CHECK:       %[[PRODUCTS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
// CHECK:       scf.for %[[R:.*]] = %c0 to %{{.*}} step %c1 {
// CHECK:         %[[XV:.*]] = vector.load %[[X]][%[[R]], %[[J:.*]]] : memref<?x1024xf16>, vector<8xf16>
// CHECK:         %[[XW:.*]] = arith.extf %[[XV]] : vector<8xf16> to vector<8xf32>
// CHECK:         %[[WV:.*]] = vector.load %[[WIDE]][%[[J]]] : memref<1024xf32>, vector<8xf32>
// CHECK:         %[[P:.*]] = arith.mulf %[[XW]], %[[WV]] : vector<8xf32>
// CHECK:         vector.store %[[P]], %[[PRODUCTS]][%[[J]]] : memref<1024xf32>, vector<8xf32>
// CHECK:         %[[PV:.*]] = vector.load %[[PRODUCTS]][%[[K:.*]]] : memref<1024xf32>, vector<8xf32>
// CHECK-NOT:     vector.load %[[X]]
// CHECK:         %[[YV:.*]] = arith.mulf %[[PV]], %{{.*}} : vector<8xf32>
// CHECK:         %[[YH:.*]] = arith.truncf %[[YV]] : vector<8xf32> to vector<8xf16>
// CHECK:         vector.store %[[YH]], %[[Y]][%[[R]], %[[K]]] : memref<?x1024xf16>, vector<8xf16>
// CHECK-NOT:     vector.load %[[X]]
// CHECK:       memref.dealloc %[[PRODUCTS]]
// CHECK:       } else {
// CHECK-NOT:   memref.alloc
// The scaling multiplies x by the widened weights again:
// CHECK:         vector.load %[[WIDE]][%[[L:.*]]] : memref<1024xf32>, vector<8xf32>
// CHECK:         arith.truncf
// CHECK:         vector.store %{{.*}}, %[[Y]][%{{.*}}, %[[L]]] : memref<?x1024xf16>, vector<8xf16>
// CHECK:       memref.dealloc %[[WIDE]]
// CHECK-LABEL: func @four_rows_f16
// CHECK:       memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
// CHECK-NOT:   memref.alloc
// CHECK:       return
// ALWAYS-LABEL: func @fused_f16_products
// ALWAYS-SAME: (%[[X:.*]]: memref<?x1024xf16>, %{{.*}}: memref<1024xf16>, %[[Y:.*]]: memref<?x1024xf16>)
// ALWAYS:       %[[WIDE:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
// ALWAYS:       %[[PRODUCTS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
// The first row: summed, its products written.
// ALWAYS:       %[[F:.*]] = vector.load %[[X]][%c0, %{{.*}}] : memref<?x1024xf16>, vector<8xf16>
// ALWAYS:       %[[FW:.*]] = arith.extf %[[F]] : vector<8xf16> to vector<8xf32>
// ALWAYS:       %[[FP:.*]] = arith.mulf %[[FW]], %{{.*}} : vector<8xf32>
// ALWAYS:       vector.store %[[FP]], %[[PRODUCTS]][%{{.*}}] : memref<1024xf32>, vector<8xf32>
// Then each sweep: the next row loaded and summed, this row scaled from its
// products and stored, the next row's products written.
// ALWAYS:       scf.for %[[R:.*]] = %c0 to %{{.*}} step %c1 iter_args
// ALWAYS:         scf.for {{.*}} step %c16 iter_args
// ALWAYS:           %[[N0:.*]] = vector.load %[[X]][%{{.*}}, %[[J:.*]]] : memref<?x1024xf16>, vector<8xf16>
// ALWAYS:           %[[N0W:.*]] = arith.extf %[[N0]]
// ALWAYS:           vector.fma %[[N0W]], %[[N0W]]
// ALWAYS:           %[[N1:.*]] = vector.load %[[X]][%{{.*}}, %[[J1:.*]]] : memref<?x1024xf16>, vector<8xf16>
// ALWAYS:           %[[N1W:.*]] = arith.extf %[[N1]]
// ALWAYS:           vector.fma %[[N1W]], %[[N1W]]
// ALWAYS-NOT:       vector.load %[[X]]
// ALWAYS:           %[[P0:.*]] = vector.load %[[PRODUCTS]][%[[J]]] : memref<1024xf32>, vector<8xf32>
// ALWAYS:           %[[Y0:.*]] = arith.mulf %[[P0]], %{{.*}} : vector<8xf32>
// ALWAYS:           arith.truncf %[[Y0]] : vector<8xf32> to vector<8xf16>
// ALWAYS:           vector.store %{{.*}}, %[[Y]][%[[R]], %[[J]]] : memref<?x1024xf16>, vector<8xf16>
// ALWAYS:           vector.load %[[PRODUCTS]][%[[J1]]] : memref<1024xf32>, vector<8xf32>
// ALWAYS:           vector.store %{{.*}}, %[[Y]][%[[R]], %[[J1]]] : memref<?x1024xf16>, vector<8xf16>
// ALWAYS:           %[[NP0:.*]] = arith.mulf %[[N0W]], %{{.*}} : vector<8xf32>
// ALWAYS:           vector.store %[[NP0]], %[[PRODUCTS]][%[[J]]] : memref<1024xf32>, vector<8xf32>
// ALWAYS:           %[[NP1:.*]] = arith.mulf %[[N1W]], %{{.*}} : vector<8xf32>
// ALWAYS:           vector.store %[[NP1]], %[[PRODUCTS]][%[[J1]]] : memref<1024xf32>, vector<8xf32>
// ALWAYS:       memref.dealloc %[[PRODUCTS]]
// ALWAYS:       memref.dealloc %[[WIDE]]
func.func @fused_f16_products(%x: memref<?x1024xf16>, %w: memref<1024xf16>, %y: memref<?x1024xf16>) {
  rms.norm ins(%x, %w : memref<?x1024xf16>, memref<1024xf16>) outs(%y : memref<?x1024xf16>) epsilon(1.0e-05)
  return
}
func.func @four_rows_f16(%x: memref<4x1024xf16>, %w: memref<1024xf16>, %y: memref<4x1024xf16>) {
  rms.norm ins(%x, %w : memref<4x1024xf16>, memref<1024xf16>) outs(%y : memref<4x1024xf16>) epsilon(1.0e-05)
  return
}

// -----

// One static row (a tile of one row, once the memref.casts around it have
// folded into the op): summed, then scaled, not fused (the fused sweep would
// sum it twice); its 16-bit weights are widened in the scaling sweep itself,
// not into a buffer first (widening costs as much as that sweep).
// CHECK-LABEL: func @one_row_f16
// CHECK-SAME: (%[[X:.*]]: memref<1x1024xf16>, %[[W:.*]]: memref<1024xf16>, %[[Y:.*]]: memref<1x1024xf16>)
// CHECK-NOT:   memref.alloc
// CHECK:       vector.reduction <add>
// CHECK-NOT:   vector.reduction
// CHECK:       scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %c16 {
// CHECK:         vector.load %[[X]][%c0, %[[J]]] : memref<1x1024xf16>, vector<8xf16>
// CHECK:         %[[WV:.*]] = vector.load %[[W]][%[[J]]] : memref<1024xf16>, vector<8xf16>
// CHECK:         arith.extf %[[WV]] : vector<8xf16> to vector<8xf32>
// CHECK:         vector.store %{{.*}}, %[[Y]][%c0, %[[J]]] : memref<1x1024xf16>, vector<8xf16>
// CHECK-NOT:   memref.dealloc
// CHECK:       return
func.func @one_row_f16(%x: memref<1x1024xf16>, %w: memref<1024xf16>, %y: memref<1x1024xf16>) {
  rms.norm ins(%x, %w : memref<1x1024xf16>, memref<1024xf16>) outs(%y : memref<1x1024xf16>) epsilon(1.0e-05)
  return
}

// -----

// With 512-bit vectors and AVX512-BF16 (avx512-bf16=1; by default where the
// host has it), one vcvtne2ps2bf16 rounds two f32 vectors (its first
// operand fills the high half) and one store writes their 32 bf16, a cache
// line. vcvtne2ps2bf16, like vcvtneps2bf16 (what arith.truncf becomes on
// such a host), flushes f32 subnormals to zero: where a lane of the two is
// an f32 subnormal (`vfpclassps` with AVX512-DQ, else an integer test), the
// two are rounded again with integer operations (bias 0x7FFF plus the
// lowest kept bit, NaNs made quiet) and joined. With avx512-bf16=0 each
// vector is rounded with integer operations and stored alone.

// RUN: rms-opt %s -rms-vectorize="vector-bits=512 unroll=2 block=4 nontemporal-bytes=0 split-bytes=0 avx512-bf16=1" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=PAIRS
// RUN: rms-opt %s -rms-vectorize="vector-bits=512 unroll=2 block=4 nontemporal-bytes=0 split-bytes=0 avx512-bf16=0" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=SINGLE
// PAIRS-LABEL: func @bf16_pairs
// PAIRS:       scf.for %{{.*}} = %c0 to %{{.*}} step %c1 iter_args
// PAIRS:         scf.for {{.*}} step %c32 iter_args
// PAIRS:           %[[X0:.*]] = arith.mulf %{{.*}}, %[[SCALE:.*]] : vector<16xf32>
// PAIRS:           %[[FIRST:.*]] = arith.mulf %[[X0]], %{{.*}} : vector<16xf32>
// PAIRS:           %[[X1:.*]] = arith.mulf %{{.*}}, %[[SCALE]] : vector<16xf32>
// PAIRS:           %[[SECOND:.*]] = arith.mulf %[[X1]], %{{.*}} : vector<16xf32>
// PAIRS:           %[[BOTH:.*]] = llvm.call_intrinsic "llvm.x86.avx512bf16.cvtne2ps2bf16.512"(%[[SECOND]], %[[FIRST]]) : (vector<16xf32>, vector<16xf32>) -> vector<32xbf16>
// PAIRS:           %[[ANY:.*]] = vector.reduction <or>, %{{.*}} : vector<16xi1> into i1
// PAIRS:           %[[Y:.*]] = scf.if %[[ANY]] -> (vector<32xbf16>) {
// PAIRS:             arith.addi %{{.*}}, %{{.*}} : vector<16xi32>
// PAIRS:             %[[EXACT:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xbf16>, vector<16xbf16>
// PAIRS:             scf.yield %[[EXACT]] : vector<32xbf16>
// PAIRS:           } else {
// PAIRS:             scf.yield %[[BOTH]] : vector<32xbf16>
// PAIRS:           vector.store %[[Y]], %{{.*}} : memref<?x?xbf16>, vector<32xbf16>
// PAIRS-NOT:       arith.truncf %{{.*}} : vector<16xf32>
// PAIRS:           scf.yield
// SINGLE-LABEL: func @bf16_pairs
// SINGLE-NOT:      {{llvm.call_intrinsic|arith.truncf}}
// SINGLE:          vector.maskedload %{{.*}} : memref<?xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// SINGLE-NEXT:     %[[Y:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
// SINGLE-NEXT:     %[[BITS:.*]] = arith.bitcast %[[Y]] : vector<16xf32> to vector<16xi32>
// SINGLE:          %[[LSB:.*]] = arith.andi %{{.*}}, %{{.*}} : vector<16xi32>
// SINGLE:          %[[BIAS:.*]] = arith.addi %[[LSB]], %{{.*}} : vector<16xi32>
// SINGLE:          %[[ROUNDED:.*]] = arith.addi %[[BITS]], %[[BIAS]] : vector<16xi32>
// SINGLE:          %[[MAGNITUDE:.*]] = arith.andi %[[BITS]], %{{.*}} : vector<16xi32>
// SINGLE:          %[[NAN:.*]] = arith.cmpi ugt, %[[MAGNITUDE]], %{{.*}} : vector<16xi32>
// SINGLE:          %[[QUIET:.*]] = arith.ori %[[BITS]], %{{.*}} : vector<16xi32>
// SINGLE:          %[[CHOSEN:.*]] = arith.select %[[NAN]], %[[QUIET]], %[[ROUNDED]]
// SINGLE:          %[[HIGH:.*]] = arith.shrui %[[CHOSEN]], %{{.*}} : vector<16xi32>
// SINGLE:          %[[HALF:.*]] = arith.trunci %[[HIGH]] : vector<16xi32> to vector<16xi16>
// SINGLE:          %[[OUT:.*]] = arith.bitcast %[[HALF]] : vector<16xi16> to vector<16xbf16>
// SINGLE:          vector.maskedstore %{{.*}}, %[[OUT]] : memref<?x?xbf16>, vector<16xi1>, vector<16xbf16>
// SINGLE-NOT:      {{llvm.call_intrinsic|arith.truncf}}
func.func @bf16_pairs(%x: memref<?x?xbf16>, %w: memref<?xbf16>, %y: memref<?x?xbf16>) {
  rms.norm ins(%x, %w : memref<?x?xbf16>, memref<?xbf16>) outs(%y : memref<?x?xbf16>) epsilon(1.0e-05)
  return
}

