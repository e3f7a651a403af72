// RUN: rms-opt %s -rms-vectorize="vector-bits=512 avx512-bf16=1 nontemporal-bytes=65536" -canonicalize -cse -split-input-file | FileCheck %s

// Rows of a static length shorter than a streamed row (512 bytes; 1 KiB for
// f16 and bf16, bound by their conversions rather than by stores) are
// emitted whole: each row its vectors unrolled in full, with no alignment
// head, no blocks and no compensated sum. Rows 0 and 1 are summed first;
// then iteration i sums row i (the last row again past the end) and scales
// row i - 2 with the scale it carries, so that the sums, square roots and
// divisions of neighbouring rows overlap.

// CHECK-LABEL: func @f32_rows
// CHECK-SAME: (%[[X:.*]]: memref<?x64xf32>, %[[W:.*]]: memref<64xf32>, %[[Y:.*]]: memref<?x64xf32>)
// CHECK: %[[ROWS:.*]] = memref.dim %[[X]], %c0
// CHECK: %[[LAST:.*]] = arith.subi %[[ROWS]], %c1
// CHECK: %[[ANY:.*]] = arith.cmpi ugt, %[[ROWS]], %c0
// CHECK: scf.if %[[ANY]] {
// CHECK:   %[[A:.*]] = vector.load %[[X]][%c0, %c0] : memref<?x64xf32>, vector<16xf32>
// CHECK:   vector.fma %[[A]], %[[A]]
// CHECK:   vector.load %[[X]][%c0, %c48]
// CHECK:   vector.reduction <add>, %{{.*}} fastmath<reassoc>
// CHECK:   math.sqrt
// CHECK:   %[[S0:.*]] = vector.broadcast
// CHECK:   %[[R1:.*]] = arith.minui %[[LAST]], %c1
// CHECK:   vector.load %[[X]][%[[R1]], %c0]
// CHECK:   %[[S1:.*]] = vector.broadcast
// CHECK:   %[[END:.*]] = arith.addi %[[ROWS]], %c2
// CHECK:   scf.for %[[I:.*]] = %c2 to %[[END]] step %c1 iter_args(%[[BEHIND:.*]] = %[[S0]], %[[NEXT:.*]] = %[[S1]])
// CHECK:     %[[R:.*]] = arith.minui %[[I]], %[[LAST]]
// CHECK:     vector.load %[[X]][%[[R]], %c0]
// CHECK:     vector.reduction
// CHECK:     %[[S:.*]] = vector.broadcast
// CHECK:     %[[DONE:.*]] = arith.subi %[[I]], %c2
// CHECK:     %[[V:.*]] = vector.load %[[X]][%[[DONE]], %c0]
// CHECK:     %[[SCALED:.*]] = arith.mulf %[[V]], %[[BEHIND]]
// CHECK:     %[[WV:.*]] = vector.load %[[W]][%c0]
// CHECK:     %[[OUT:.*]] = arith.mulf %[[SCALED]], %[[WV]]
// CHECK:     vector.store %[[OUT]], %[[Y]][%[[DONE]], %c0] : memref<?x64xf32>, vector<16xf32>
// CHECK:     vector.store %{{.*}}, %[[Y]][%[[DONE]], %c48]
// CHECK:     scf.yield %[[NEXT]], %[[S]]
func.func @f32_rows(%x: memref<?x64xf32>, %w: memref<64xf32>, %y: memref<?x64xf32>) {
  rms.norm ins(%x, %w : memref<?x64xf32>, memref<64xf32>) outs(%y : memref<?x64xf32>) epsilon(1.0e-05)
  return
}

// -----

// A length that is not a multiple of the vector: the last vector masked
// (33 = 2 x 16 + 1). Ten static rows: no test for rows, static bounds.

// CHECK-LABEL: func @f16_tail
// CHECK: %[[TAIL:.*]] = vector.constant_mask [1] : vector<16xi1>
// CHECK-NOT: scf.if
// CHECK: vector.maskedload %{{.*}}[%c0, %c32], %[[TAIL]]
// CHECK: arith.extf
// CHECK: scf.for %[[I:.*]] = %c2 to %c12 step %c1
// CHECK:   %[[R:.*]] = arith.minui %[[I]], %c9
// CHECK:   vector.maskedload %{{.*}}[%[[R]], %c32], %[[TAIL]]
// CHECK:   %[[DONE:.*]] = arith.subi %[[I]], %c2
// CHECK:   vector.maskedstore %{{.*}}[%[[DONE]], %c32], %[[TAIL]]
func.func @f16_tail(%x: memref<10x33xf16>, %y: memref<10x33xf16>) {
  rms.norm ins(%x : memref<10x33xf16>) outs(%y : memref<10x33xf16>) epsilon(1.0e-05)
  return
}

// -----

// bf16 (a QK-norm head of 128): two vectors at a time are summed from one
// load of 32 bf16 as words (a shift and a mask: the even and the odd
// positions), and scaled the same way against weights widened once and
// split alike, then rounded by one vcvtne2ps2bf16 (the even positions'
// bf16 in the low half) and interleaved back by one shuffle.

// CHECK-LABEL: func @bf16_head
// CHECK: %[[WIDE:.*]] = memref.alloc() {alignment = 64 : i64} : memref<128xf32>
// CHECK: vector.maskedstore %[[WIDE]]
// CHECK: %[[WW:.*]] = vector.bitcast %{{.*}} : vector<32xbf16> to vector<16xi32>
// CHECK: %[[WEVEN:.*]] = arith.shli %[[WW]]
// CHECK: %[[WODD:.*]] = arith.andi %[[WW]]
// CHECK: %[[WE:.*]] = arith.bitcast %[[WEVEN]]
// CHECK: %[[WO:.*]] = arith.bitcast %[[WODD]]
// CHECK: vector.store %[[WE]], %[[WIDE]][%c0] : memref<128xf32>, vector<16xf32>
// CHECK: vector.store %[[WO]], %[[WIDE]][%c16] : memref<128xf32>, vector<16xf32>
// CHECK: scf.for %[[I:.*]] = %c2 to %{{.*}} step %c1
// CHECK:   %[[R:.*]] = arith.minui %[[I]]
// CHECK:   %[[RAW:.*]] = vector.load %{{.*}}[%[[R]], %c0] : memref<?x128xbf16>, vector<32xbf16>
// CHECK:   %[[WORDS:.*]] = vector.bitcast %[[RAW]] : vector<32xbf16> to vector<16xi32>
// CHECK:   arith.shli %[[WORDS]]
// CHECK:   arith.andi %[[WORDS]]
// CHECK:   vector.load %{{.*}}[%[[R]], %c96] : memref<?x128xbf16>, vector<32xbf16>
// CHECK:   vector.reduction
// CHECK:   %[[DONE:.*]] = arith.subi %[[I]], %c2
// CHECK:   vector.load %{{.*}}[%[[DONE]], %c0] : memref<?x128xbf16>, vector<32xbf16>
// CHECK:   vector.load %[[WIDE]][%c0]
// CHECK:   vector.load %[[WIDE]][%c16]
// CHECK:   %[[HALVES:.*]] = llvm.call_intrinsic "llvm.x86.avx512bf16.cvtne2ps2bf16.512"
// CHECK:   vector.shuffle %[[HALVES]], %[[HALVES]] [0, 16, 1, 17, 2, 18
// CHECK:   vector.store %{{.*}}, %{{.*}}[%[[DONE]], %c0] : memref<?x128xbf16>, vector<32xbf16>
func.func @bf16_head(%x: memref<?x128xbf16>, %w: memref<128xbf16>, %y: memref<?x128xbf16>) {
  rms.norm ins(%x, %w : memref<?x128xbf16>, memref<128xbf16>) outs(%y : memref<?x128xbf16>) epsilon(1.0e-05)
  return
}

// -----

// Rows of 1 KiB and more, and rows of a dynamic length, are swept as long
// rows: the unrolled part from a cache line of the row, in blocks. f32 rows
// of 512 bytes to 1 KiB are long where the output is streamed (here its
// size is only known at run time: both, chosen by it), short where it stays
// in cache; bf16 rows under 1 KiB are short.

// CHECK-LABEL: func @long_rows
// CHECK: %[[STREAM:.*]] = arith.cmpi uge
// CHECK: scf.if %[[STREAM]] {
// CHECK:   scf.for {{.*}} step %c64
// CHECK:   vector.store {{.*}} nontemporal = true
// CHECK: } else {
// CHECK:   scf.for %{{.*}} = %c2 to %{{.*}} step %c1 iter_args
// CHECK-LABEL: func @dynamic_rows
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: scf.for {{.*}} step %c64
// CHECK-LABEL: func @bf16_512_bytes
// CHECK-NOT: memref.extract_aligned_pointer_as_index
// CHECK: scf.for %[[I:.*]] = %c2 to %{{.*}} step %c1
// CHECK:   vector.load %{{.*}}[%{{.*}}, %c224] : memref<?x256xbf16>, vector<32xbf16>
// CHECK-LABEL: func @bf16_1024_bytes
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: scf.for {{.*}} step %c64
// CHECK-LABEL: func @long_rows_in_cache
// CHECK-NOT: scf.if
// CHECK: scf.for %{{.*}} = %c2 to %c18 step %c1 iter_args
func.func @long_rows(%x: memref<?x128xf32>, %y: memref<?x128xf32>) {
  rms.norm ins(%x : memref<?x128xf32>) outs(%y : memref<?x128xf32>) epsilon(1.0e-05)
  return
}
func.func @dynamic_rows(%x: memref<?x?xf32>, %y: memref<?x?xf32>) {
  rms.norm ins(%x : memref<?x?xf32>) outs(%y : memref<?x?xf32>) epsilon(1.0e-05)
  return
}
func.func @bf16_512_bytes(%x: memref<?x256xbf16>, %y: memref<?x256xbf16>) {
  rms.norm ins(%x : memref<?x256xbf16>) outs(%y : memref<?x256xbf16>) epsilon(1.0e-05)
  return
}
func.func @bf16_1024_bytes(%x: memref<?x512xbf16>, %y: memref<?x512xbf16>) {
  rms.norm ins(%x : memref<?x512xbf16>) outs(%y : memref<?x512xbf16>) epsilon(1.0e-05)
  return
}
func.func @long_rows_in_cache(%x: memref<16x128xf32>, %y: memref<16x128xf32>) {
  rms.norm ins(%x : memref<16x128xf32>) outs(%y : memref<16x128xf32>) epsilon(1.0e-05)
  return
}

// -----

// A dynamic row length decides at run time: rows of 512 bytes or more are
// long rows, shorter ones short rows as above, but in loops over pairs of
// vectors (two accumulators) up to the last whole pair, then two masked
// vectors for the rest (either mask may be empty).
// CHECK-LABEL: func @dynamic_length
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf32>, %[[W:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?x?xf32>)
// CHECK:   %[[N:.*]] = memref.dim %[[X]], %c1
// CHECK:   %[[BYTES:.*]] = arith.muli %[[N]], %c4
// CHECK:   %[[LONG:.*]] = arith.cmpi uge, %[[BYTES]], %c512
// CHECK:   scf.if %[[LONG]] {
// CHECK:   } else {
// CHECK:     %[[ODD:.*]] = arith.remui %[[N]], %c32
// CHECK:     %[[PAIRS:.*]] = arith.subi %[[N]], %[[ODD]]
// CHECK:     %[[REST:.*]] = arith.subi %[[N]], %[[PAIRS]]
// CHECK:     %[[M0:.*]] = vector.create_mask %[[REST]] : vector<16xi1>
// CHECK:     %[[REST1:.*]] = arith.subi %[[REST]], %c16
// CHECK:     %[[M1:.*]] = vector.create_mask %[[REST1]] : vector<16xi1>
// CHECK:     scf.for %{{.*}} = %c0 to %[[PAIRS]] step %c32 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<16xf32>, vector<16xf32>) {
// CHECK:       vector.fma
// CHECK:       vector.fma
// CHECK:     vector.maskedload %[[X]][%c0, %[[PAIRS]]], %[[M0]]
// CHECK:     %[[SECOND:.*]] = arith.addi %[[PAIRS]], %c16
// CHECK:     vector.maskedload %[[X]][%c0, %[[SECOND]]], %[[M1]]
// CHECK:     vector.reduction <add>
//            Iteration i sums row i and scales row i - 2.
// CHECK:     scf.for %[[I:.*]] = %c2 to %{{.*}} step %c1 iter_args
// CHECK:       %[[ROW:.*]] = arith.subi %[[I]], %c2
// CHECK:       scf.for %[[J:.*]] = %c0 to %[[PAIRS]] step %c32 {
// CHECK:         vector.store %{{.*}}, %[[Y]][%[[ROW]], %[[J]]] : memref<?x?xf32>, vector<16xf32>
// CHECK:         vector.store %{{.*}}, %[[Y]][%[[ROW]], %{{.*}}] : memref<?x?xf32>, vector<16xf32>
// CHECK:       vector.maskedstore %[[Y]][%[[ROW]], %[[PAIRS]]], %[[M0]]
// CHECK:       vector.maskedstore %[[Y]][%[[ROW]], %[[SECOND]]], %[[M1]]
func.func @dynamic_length(%x: memref<?x?xf32>, %w: memref<?xf32>, %y: memref<?x?xf32>) {
  rms.norm ins(%x, %w : memref<?x?xf32>, memref<?xf32>) outs(%y : memref<?x?xf32>) epsilon(1.0e-05)
  return
}

// 16-bit rows: short under 1 KiB; bf16 pairs of vectors are summed from
// words, and scaled and stored as one vector of 32 (one vcvtne2ps2bf16).
// CHECK-LABEL: func @dynamic_length_bf16
// CHECK-SAME: (%[[X:.*]]: memref<?x?xbf16>,
// CHECK:   %[[N:.*]] = memref.dim %[[X]], %c1
// CHECK:   %[[BYTES:.*]] = arith.muli %[[N]], %c2
// CHECK:   %[[LONG:.*]] = arith.cmpi uge, %[[BYTES]], %c1024
// CHECK:   scf.if %[[LONG]] {
// CHECK:   } else {
// CHECK:     scf.for %{{.*}} = %c0 to %{{.*}} step %c32 iter_args
// CHECK:       %[[RAW:.*]] = vector.load %{{.*}} : memref<?x?xbf16>, vector<32xbf16>
// CHECK:       %[[WORDS:.*]] = vector.bitcast %[[RAW]] : vector<32xbf16> to vector<16xi32>
// CHECK:       arith.shli %[[WORDS]]
// CHECK:       arith.andi %[[WORDS]]
// CHECK:     scf.for %{{.*}} = %c2 to %{{.*}} step %c1 iter_args
// CHECK:       scf.for %{{.*}} = %c0 to %{{.*}} step %c32 {
// CHECK:         llvm.call_intrinsic "llvm.x86.avx512bf16.cvtne2ps2bf16.512"
// CHECK:         vector.store %{{.*}} : memref<?x?xbf16>, vector<32xbf16>
func.func @dynamic_length_bf16(%x: memref<?x?xbf16>, %y: memref<?x?xbf16>) {
  rms.norm ins(%x : memref<?x?xbf16>) outs(%y : memref<?x?xbf16>) epsilon(1.0e-05)
  return
}

// -----

// Where the output is large (here, at least 64 KiB), short f32 rows of a
// dynamic length are streamed if every row starts on a cache line: the
// output's first row and its row stride, both checked at run time.
// CHECK-LABEL: func @dynamic_length_streamed
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf32>, %[[Y:.*]]: memref<?x?xf32>)
// CHECK:   %{{.*}}, %{{.*}}, %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[Y]]
// CHECK:   %[[PTR:.*]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK:   %[[BIG:.*]] = arith.cmpi uge, %{{.*}}, %c65536
// CHECK:   } else {
// CHECK:     %[[MIS:.*]] = arith.remui %[[PTR]], %c64
// CHECK:     %[[STRIDEBYTES:.*]] = arith.muli %[[STRIDES]]#0, %c4
// CHECK:     %[[MISSTRIDE:.*]] = arith.remui %[[STRIDEBYTES]], %c64
// CHECK:     %[[EITHER:.*]] = arith.ori %[[MIS]], %[[MISSTRIDE]]
// CHECK:     %[[ALIGNED:.*]] = arith.cmpi eq, %[[EITHER]], %c0
// CHECK:     %[[STREAM:.*]] = arith.andi %[[BIG]], %[[ALIGNED]]
// CHECK:     scf.if %[[STREAM]] {
// CHECK:       scf.for %{{.*}} = %c0 to %{{.*}} step %c32 {
// CHECK:         vector.store %{{.*}}, %[[Y]][%{{.*}}, %{{.*}}] {alignment = 64 : i64, nontemporal = true}
// CHECK:         vector.store %{{.*}}, %[[Y]][%{{.*}}, %{{.*}}] {alignment = 64 : i64, nontemporal = true}
// CHECK:       vector.maskedstore %[[Y]]
// CHECK:       vector.maskedstore %[[Y]]
// CHECK:     } else {
// CHECK-NOT:   nontemporal
// CHECK:   {{llvm.call_intrinsic "llvm.x86.sse.sfence"|llvm.fence seq_cst}}
func.func @dynamic_length_streamed(%x: memref<?x?xf32>, %y: memref<?x?xf32>) {
  rms.norm ins(%x : memref<?x?xf32>) outs(%y : memref<?x?xf32>) epsilon(1.0e-05)
  return
}
