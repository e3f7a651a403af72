// RUN: rms-opt %s -rms-vectorize="vector-bits=256 unroll=2 block=4 nontemporal-bytes=0 split-bytes=0 fuse-rows=0" -canonicalize -cse -split-input-file | FileCheck %s

// f16 rows: 8 f32 lanes (256 bits), 2 accumulators, blocks of 4 iterations
// Kahan-added into the row sum (the compensation dropped once the sum is
// infinite), masked head (up to the first cache line of
// the row) and tail, one rounding per element. The weights are widened to f32
// once, before the rows.

// CHECK-LABEL: func @f16_weight
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf16>, %[[W:.*]]: memref<?xf16>, %[[Y:.*]]: memref<?x?xf16>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK-DAG: %[[INF:.*]] = arith.constant dense<0x7F800000> : vector<8xf32>
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[N:.*]] = memref.dim %[[X]], %c1
// CHECK: cf.assert %{{.*}}, "rms.norm: the weight size differs from the row length of the input"
// CHECK: %[[ROWS:.*]] = memref.dim %[[X]], %c0
// CHECK: cf.assert %{{.*}}, "rms.norm: the output shape differs from the input shape"
// CHECK: %{{.*}}, %{{.*}}, %{{.*}}:2, %[[XSTR:.*]]:2 = memref.extract_strided_metadata %[[X]]
// CHECK: %[[XPTR:.*]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK: %{{.*}}, %{{.*}}, %{{.*}}:2, %[[YSTR:.*]]:2 = memref.extract_strided_metadata %[[Y]]
// CHECK: %[[YPTR:.*]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: %[[WIDE:.*]] = memref.alloc(%[[N]]) {alignment = 64 : i64} : memref<?xf32>
// CHECK: scf.for %[[J:.*]] = %c0 to %[[N]] step %[[C8]] {
// CHECK:   %[[WM:.*]] = vector.create_mask
// CHECK:   %[[WL16:.*]] = vector.maskedload %[[W]][%[[J]]], %[[WM]]
// CHECK:   %[[WL32:.*]] = arith.extf %[[WL16]] : vector<8xf16> to vector<8xf32>
// CHECK:   vector.maskedstore %[[WIDE]][%[[J]]], %[[WM]], %[[WL32]]
// CHECK: scf.for %[[R:.*]] = %c0 to %[[ROWS]] step %c1 {
//   The first column of x on a cache line, and the end of the unrolled part.
// CHECK:   %[[XOFF:.*]] = arith.muli %[[R]], %[[XSTR]]#0
// CHECK:   %[[XBYTES:.*]] = arith.muli %[[XOFF]], %c2
// CHECK:   %[[XADDR:.*]] = arith.addi %[[XPTR]], %[[XBYTES]]
// CHECK:   arith.remui %[[XADDR]], %[[C64]]
// CHECK:   %[[XHEAD:.*]] = arith.divui %{{.*}}, %c2
// CHECK:   %[[XSTART:.*]] = arith.minui %[[XHEAD]], %[[N]]
// CHECK:   %[[LEN:.*]] = arith.subi %[[N]], %[[XSTART]]
// CHECK:   %[[REM:.*]] = arith.remui %[[LEN]], %[[C16]]
// CHECK:   %[[MAIN:.*]] = arith.subi %[[N]], %[[REM]]
//   Masked head and tail.
// CHECK:   %[[HEAD:.*]] = scf.for %[[H:.*]] = %c0 to %[[XSTART]] step %[[C8]] iter_args(%[[HA:.*]] = %[[ZERO]])
// CHECK:     vector.maskedload %[[X]][%[[R]], %[[H]]]
// CHECK:     vector.fma
// CHECK:   %[[EDGES:.*]] = scf.for %[[T:.*]] = %[[MAIN]] to %[[N]] step %[[C8]] iter_args(%[[TA:.*]] = %[[HEAD]])
// CHECK:     %[[LEFT:.*]] = arith.subi %[[N]], %[[T]]
// CHECK:     %[[M:.*]] = vector.create_mask %[[LEFT]] : vector<8xi1>
// CHECK:     vector.maskedload %[[X]][%[[R]], %[[T]]], %[[M]]
// CHECK:     vector.fma
//   The unrolled blocks.
// CHECK:   %[[BLOCKS:.*]]:2 = scf.for %[[B:.*]] = %[[XSTART]] to %[[MAIN]] step %[[C64]] iter_args(%[[SUM:.*]] = %[[ZERO]], %[[COMP:.*]] = %[[ZERO]])
// CHECK:     %[[BEND:.*]] = arith.minui
// CHECK:     %[[ACC:.*]]:2 = scf.for %[[K:.*]] = %[[B]] to %[[BEND]] step %[[C16]] iter_args(%[[A0:.*]] = %[[ZERO]], %[[A1:.*]] = %[[ZERO]])
// CHECK:       %[[L0:.*]] = vector.load %[[X]][%[[R]], %[[K]]] : memref<?x?xf16>, vector<8xf16>
// CHECK:       %[[E0:.*]] = arith.extf %[[L0]] : vector<8xf16> to vector<8xf32>
// CHECK:       %[[F0:.*]] = vector.fma %[[E0]], %[[E0]], %[[A0]] : vector<8xf32>
// CHECK:       %[[K1:.*]] = arith.addi %[[K]], %[[C8]]
// CHECK:       %[[L1:.*]] = vector.load %[[X]][%[[R]], %[[K1]]]
// CHECK:       %[[E1:.*]] = arith.extf %[[L1]]
// CHECK:       %[[F1:.*]] = vector.fma %[[E1]], %[[E1]], %[[A1]]
// CHECK:       scf.yield %[[F0]], %[[F1]]
// CHECK:     %[[P:.*]] = arith.addf %[[ACC]]#0, %[[ACC]]#1 : vector<8xf32>
// CHECK:     %[[KY:.*]] = arith.subf %[[P]], %[[COMP]]
// CHECK:     %[[KT:.*]] = arith.addf %[[SUM]], %[[KY]]
// CHECK:     %[[KD:.*]] = arith.subf %[[KT]], %[[SUM]]
// CHECK:     %[[KE:.*]] = arith.subf %[[KD]], %[[KY]]
// CHECK:     %[[KA:.*]] = math.absf %[[KT]] : vector<8xf32>
// CHECK:     %[[KF:.*]] = arith.cmpf olt, %[[KA]], %[[INF]] : vector<8xf32>
// CHECK:     %[[KC:.*]] = arith.select %[[KF]], %[[KE]], %[[ZERO]] : vector<8xi1>, vector<8xf32>
// CHECK:     scf.yield %[[KT]], %[[KC]]
// CHECK:   %[[TOTAL:.*]] = vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<8xf32> into f32
// CHECK:   %[[NI:.*]] = arith.index_castui %[[N]] : index to i64
// CHECK:   %[[NF:.*]] = arith.uitofp %[[NI]] : i64 to f32
// CHECK:   %[[MEAN:.*]] = arith.divf %[[TOTAL]], %[[NF]] : f32
// CHECK:   %[[SH:.*]] = arith.addf %[[MEAN]], %[[EPS]] : f32
// CHECK:   %[[ROOT:.*]] = math.sqrt %[[SH]] : f32
// CHECK:   %[[SCALE:.*]] = arith.divf %[[ONE]], %[[ROOT]] : f32
// CHECK:   %[[SV:.*]] = vector.broadcast %[[SCALE]] : f32 to vector<8xf32>
//   The scaling sweep aligns on the output's cache lines.
// CHECK:   arith.muli %[[R]], %[[YSTR]]#0
// CHECK:   arith.addi %[[YPTR]]
// CHECK:   %[[YSTART:.*]] = arith.minui %{{.*}}, %[[N]]
// CHECK:   %[[YLEN:.*]] = arith.subi %[[N]], %[[YSTART]]
// CHECK:   %[[YREM:.*]] = arith.remui %[[YLEN]], %[[C16]]
// CHECK:   %[[YMAIN:.*]] = arith.subi %[[N]], %[[YREM]]
// CHECK:   scf.for %[[H2:.*]] = %c0 to %[[YSTART]] step %[[C8]] {
// CHECK:     vector.maskedstore %[[Y]][%[[R]], %[[H2]]]
// CHECK:   scf.for %[[K2:.*]] = %[[YMAIN]] to %[[N]] step %[[C8]] {
// CHECK:     %[[M2:.*]] = vector.create_mask
// CHECK:     vector.maskedload %[[X]][%[[R]], %[[K2]]], %[[M2]]
// CHECK:     vector.maskedload %[[WIDE]][%[[K2]]], %[[M2]]
// CHECK:     vector.maskedstore %[[Y]][%[[R]], %[[K2]]], %[[M2]]
// CHECK:   scf.for %[[K3:.*]] = %[[YSTART]] to %[[YMAIN]] step %[[C16]] {
// CHECK:     %[[XL:.*]] = vector.load %[[X]][%[[R]], %[[K3]]]
// CHECK:     %[[XE:.*]] = arith.extf %[[XL]]
// CHECK:     %[[XS:.*]] = arith.mulf %[[XE]], %[[SV]]
// CHECK:     %[[WL:.*]] = vector.load %[[WIDE]][%[[K3]]] : memref<?xf32>, vector<8xf32>
// CHECK:     %[[XW:.*]] = arith.mulf %[[XS]], %[[WL]]
// CHECK:     %[[OUT:.*]] = arith.truncf %[[XW]] : vector<8xf32> to vector<8xf16>
// CHECK:     vector.store %[[OUT]], %[[Y]][%[[R]], %[[K3]]] : memref<?x?xf16>, vector<8xf16>
// CHECK: memref.dealloc %[[WIDE]]
// CHECK-NOT: rms.norm
func.func @f16_weight(%x: memref<?x?xf16>, %w: memref<?xf16>, %y: memref<?x?xf16>) {
  rms.norm ins(%x, %w : memref<?x?xf16>, memref<?xf16>) outs(%y : memref<?x?xf16>) epsilon(1.0e-05)
  return
}

// -----

// f64 accumulates in f64 (4 lanes of 256 bits); no conversions; a rank-3
// input loops over both leading dimensions.

// CHECK-LABEL: func @f64_rank3
// CHECK-NOT: arith.extf
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : memref<2x3x33xf64>, vector<4xf64>
// CHECK: vector.fma %{{.*}} : vector<4xf64>
// CHECK: vector.reduction <add>, %{{.*}} : vector<4xf64> into f64
// CHECK-NOT: arith.truncf
// CHECK: vector.maskedstore
func.func @f64_rank3(%x: memref<2x3x33xf64>, %y: memref<2x3x33xf64>) {
  rms.norm ins(%x : memref<2x3x33xf64>) outs(%y : memref<2x3x33xf64>) epsilon(0.0)
  return
}

// -----

// Subviews with unit innermost stride are vectorized in place (short bf16
// rows: two vectors at a time as words, their halves rounded and
// interleaved back).

// CHECK-LABEL: func @strided_rows
// CHECK: vector.load %{{.*}} : memref<4x64xbf16, strided<[128, 1], offset: ?>>, vector<16xbf16>
// CHECK: vector.bitcast %{{.*}} : vector<16xbf16> to vector<8xi32>
// CHECK: arith.truncf %{{.*}} : vector<8xf32> to vector<8xbf16>
// CHECK: vector.interleave %{{.*}}, %{{.*}} : vector<8xbf16> -> vector<16xbf16>
// CHECK: vector.store %{{.*}} : memref<4x64xbf16>, vector<16xbf16>
func.func @strided_rows(%x: memref<4x64xbf16, strided<[128, 1], offset: ?>>, %w: memref<64xbf16>, %y: memref<4x64xbf16>) {
  rms.norm ins(%x, %w : memref<4x64xbf16, strided<[128, 1], offset: ?>>, memref<64xbf16>) outs(%y : memref<4x64xbf16>) epsilon(1.0e-05)
  return
}

// -----

// Tensors are left to bufferization first.

// CHECK-LABEL: func @tensor_untouched
// CHECK: rms.norm
func.func @tensor_untouched(%x: tensor<2x8xf32>, %i: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = rms.norm ins(%x : tensor<2x8xf32>) outs(%i : tensor<2x8xf32>) epsilon(1.0e-05) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
