// RUN: rms-opt %s -rms-tile=tile-rows=4 -canonicalize -split-input-file | FileCheck %s
// RUN: rms-opt %s -rms-tile -canonicalize -split-input-file | FileCheck %s --check-prefix=AUTO
// RUN: rms-opt %s -rms-tile="tile-rows=4 threads=2" -canonicalize -split-input-file | FileCheck %s
// RUN: rms-opt %s -rms-tile="threads=2 balance-bytes=0" -canonicalize -split-input-file | FileCheck %s --check-prefix=THREADS
// RUN: rms-opt %s -rms-tile="threads=0 balance-bytes=0" -canonicalize -split-input-file | FileCheck %s --check-prefix=RUNTIME
// RUN: rms-opt %s -rms-tile="threads=2 balance-bytes=33554432" -canonicalize -split-input-file | FileCheck %s --check-prefix=BALANCE
// RUN: rms-opt %s -rms-tile="threads=0 balance-bytes=33554432" -canonicalize -split-input-file | FileCheck %s --check-prefix=BRUNTIME

// Rows are tiled, whole rows per tile; the weight is not sliced.

// CHECK-DAG: #[[$MIN:.*]] = affine_map<(d0)[s0] -> (-d0 + s0, 4)>
// CHECK-LABEL: func @dynamic_rows
// CHECK-SAME: (%[[X:.*]]: tensor<?x4096xf16>, %[[W:.*]]: tensor<4096xf16>, %[[I:.*]]: tensor<?x4096xf16>)
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[F:.*]] = scf.forall (%[[R:.*]]) = (0) to (%[[D]]) step (4) shared_outs(%[[O:.*]] = %[[I]]) -> (tensor<?x4096xf16>) {
// CHECK:   %[[S:.*]] = affine.min #[[$MIN]](%[[R]])[%[[D]]]
// CHECK:   %[[XS:.*]] = tensor.extract_slice %[[X]][%[[R]], 0] [%[[S]], 4096] [1, 1]
// CHECK:   %[[OS:.*]] = tensor.extract_slice %[[O]][%[[R]], 0] [%[[S]], 4096] [1, 1]
// CHECK:   %[[T:.*]] = rms.norm ins(%[[XS]], %[[W]] : tensor<?x4096xf16>, tensor<4096xf16>) outs(%[[OS]] : tensor<?x4096xf16>) epsilon(9.99999974E-6) -> tensor<?x4096xf16>
// CHECK:   scf.forall.in_parallel {
// CHECK:     tensor.parallel_insert_slice %[[T]] into %[[O]][%[[R]], 0] [%[[S]], 4096] [1, 1]
// CHECK: return %[[F]]
// AUTO-LABEL: func @dynamic_rows
// AUTO: scf.forall ({{.*}}) = (0) to ({{.*}}) step (32)

// With the thread count (and no tile-rows), no more tiles than threads,
// unless they would hold fewer than 32K elements: max(8, ceil(rows / 2))
// rows of 4096.
// THREADS-LABEL: func @dynamic_rows
// THREADS: %[[D:.*]] = tensor.dim %{{.*}}, %c0
// THREADS: %[[HALF:.*]] = arith.ceildivui %[[D]], %c2
// THREADS: %[[ROWS:.*]] = arith.maxui %[[HALF]], %c8
// THREADS: scf.forall ({{.*}}) = (0) to (%{{.*}}) step (%[[ROWS]])
// A dynamic shape is measured at run time: 8 tiles per thread (16 on 2
// threads) where the input has balance-bytes or more (its rows times 8 KiB),
// else a tile per thread, in a loop marked "dynamic" (rms-tiles-to-openmp
// has the threads claim tiles only where there are more than threads).
// BALANCE-LABEL: func @dynamic_rows
// BALANCE: %[[D:.*]] = tensor.dim %{{.*}}, %c0
// BALANCE: %[[BYTES:.*]] = arith.muli %[[D]], %c8192 : index
// BALANCE: %[[LARGE:.*]] = arith.cmpi uge, %[[BYTES]], %c33554432 : index
// BALANCE: %[[TILES:.*]] = arith.select %[[LARGE]], %c16, %c2 : index
// BALANCE: %[[T:.*]] = arith.maxui %[[TILES]], %c1
// BALANCE: %[[PER:.*]] = arith.ceildivui %{{.*}}, %[[T]]
// BALANCE: %[[ROWS:.*]] = arith.maxui %[[PER]], %c8
// BALANCE: scf.forall ({{.*}}) = (0) to (%{{.*}}) step (%[[ROWS]])
// BALANCE: } {rms.schedule = "dynamic"}
func.func @dynamic_rows(%x: tensor<?x4096xf16>, %w: tensor<4096xf16>, %init: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %y = rms.norm ins(%x, %w : tensor<?x4096xf16>, tensor<4096xf16>) outs(%init : tensor<?x4096xf16>) epsilon(1.0e-05) -> tensor<?x4096xf16>
  return %y : tensor<?x4096xf16>
}

// -----

// Rank 3: the outer leading dimension is tiled by 1, the inner one by
// tile-rows. A dynamic row length stays whole.

// CHECK-LABEL: func @rank3_dynamic_row
// CHECK: scf.forall (%[[B:.*]], %[[R:.*]]) = (0, 0) to (2, 8) step (1, 4)
// CHECK:   tensor.extract_slice %{{.*}}[%[[B]], %[[R]], 0] [1, 4, %{{.*}}] [1, 1, 1] : tensor<2x8x?xf32> to tensor<1x4x?xf32>
// CHECK:   rms.norm ins(%{{.*}} : tensor<1x4x?xf32>) outs(%{{.*}} : tensor<1x4x?xf32>)
// AUTO-LABEL: func @rank3_dynamic_row
// AUTO: scf.forall ({{.*}}) in (2)
// AUTO: tensor.extract_slice {{.*}} [1, 8, %{{.*}}] [1, 1, 1] : tensor<2x8x?xf32> to tensor<1x8x?xf32>
// The outer dimension already makes a tile per thread.
// THREADS-LABEL: func @rank3_dynamic_row
// THREADS: scf.forall ({{.*}}) in (2)
// THREADS: tensor.extract_slice {{.*}} [1, 8, %{{.*}}] [1, 1, 1] : tensor<2x8x?xf32> to tensor<1x8x?xf32>
func.func @rank3_dynamic_row(%x: tensor<2x8x?xf32>, %init: tensor<2x8x?xf32>) -> tensor<2x8x?xf32> {
  %y = rms.norm ins(%x : tensor<2x8x?xf32>) outs(%init : tensor<2x8x?xf32>) epsilon(1.0e-05) -> tensor<2x8x?xf32>
  return %y : tensor<2x8x?xf32>
}

// -----

// Without tile-rows, a static row picks about 256 KiB of input per tile:
// a row of 4096 f32 is 16 KiB, so 16 rows.

// CHECK-LABEL: func @auto_static
// AUTO-LABEL: func @auto_static
// AUTO: scf.forall ({{.*}}) = (0) to (64) step (16)
// AUTO: tensor.extract_slice {{.*}} [16, 4096] [1, 1] : tensor<64x4096xf32> to tensor<16x4096xf32>
// On 2 threads, 2 tiles of 32 rows (a static count folds to a constant).
// THREADS-LABEL: func @auto_static
// THREADS: scf.forall ({{.*}}) = (0) to (64) step (32)
// THREADS: tensor.extract_slice {{.*}} [32, 4096] [1, 1] : tensor<64x4096xf32> to tensor<32x4096xf32>
// threads=0 asks the OpenMP runtime at run time.
// RUNTIME: llvm.func @omp_get_max_threads() -> i32
// RUNTIME-LABEL: func @auto_static
// RUNTIME: %[[N:.*]] = llvm.call @omp_get_max_threads() : () -> i32
// RUNTIME: %[[T:.*]] = arith.index_castui %[[N]] : i32 to index
// RUNTIME: %[[T1:.*]] = arith.maxui %[[T]], %c1
// RUNTIME: %[[PER:.*]] = arith.ceildivui %c64, %[[T1]]
// RUNTIME: %[[ROWS:.*]] = arith.maxui %[[PER]], %c8
// RUNTIME: scf.forall ({{.*}}) = (0) to (64) step (%[[ROWS]])
// RUNTIME:   tensor.extract_slice {{.*}} : tensor<64x4096xf32> to tensor<?x4096xf32>
func.func @auto_static(%x: tensor<64x4096xf32>, %init: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  %y = rms.norm ins(%x : tensor<64x4096xf32>) outs(%init : tensor<64x4096xf32>) epsilon(1.0e-05) -> tensor<64x4096xf32>
  return %y : tensor<64x4096xf32>
}

// Tiles that follow the thread count hold at least 32K elements: 16 rows
// of 4096 (64K elements, a default tile of 256 KiB) make two tiles on two
// threads (a parallel region costs about what 16K elements take).
// AUTO-LABEL: func @two_small_tiles
// AUTO-NOT: scf.forall
// THREADS-LABEL: func @two_small_tiles
// THREADS: scf.forall ({{.*}}) = (0) to (16) step (8)
// THREADS: tensor.extract_slice {{.*}} [8, 4096] [1, 1] : tensor<16x4096xf32> to tensor<8x4096xf32>
// Where the thread count is read at run time, rows that one default tile
// holds stay whole (static) if one thread would take them all anyway.
// RUNTIME-LABEL: func @two_small_tiles
// RUNTIME-SAME: (%[[X:.*]]: tensor<16x4096xf32>, %[[I:.*]]: tensor<16x4096xf32>)
// RUNTIME: %[[N:.*]] = llvm.call @omp_get_max_threads() : () -> i32
// RUNTIME: %[[PER:.*]] = arith.ceildivui %c16, %{{.*}}
// RUNTIME: %[[ROWS:.*]] = arith.maxui %[[PER]], %c8
// RUNTIME: %[[WHOLE:.*]] = arith.cmpi uge, %[[ROWS]], %c16
// RUNTIME: %[[Y:.*]] = scf.if %[[WHOLE]] -> (tensor<16x4096xf32>) {
// RUNTIME:   %[[ONE:.*]] = rms.norm ins(%[[X]] : tensor<16x4096xf32>) outs(%[[I]] : tensor<16x4096xf32>)
// RUNTIME:   scf.yield %[[ONE]]
// RUNTIME: } else {
// RUNTIME:   %[[TILED:.*]] = scf.forall ({{.*}}) = (0) to (16) step (%[[ROWS]])
// RUNTIME:     rms.norm ins(%{{.*}} : tensor<?x4096xf32>)
// RUNTIME:   scf.yield %[[TILED]]
// RUNTIME: return %[[Y]]
func.func @two_small_tiles(%x: tensor<16x4096xf32>, %init: tensor<16x4096xf32>) -> tensor<16x4096xf32> {
  %y = rms.norm ins(%x : tensor<16x4096xf32>) outs(%init : tensor<16x4096xf32>) epsilon(1.0e-05) -> tensor<16x4096xf32>
  return %y : tensor<16x4096xf32>
}

// Rows that one tile holds (32K elements where tiles follow the threads,
// else a default tile) stay one static tile, which canonicalization
// removes: no parallel loop for a few rows (and a split row's own loop
// stays the outermost one), no thread count read.
// THREADS-LABEL: func @one_small_tile
// THREADS-NOT: scf.forall
// THREADS: rms.norm ins(%{{.*}} : tensor<8x4096xf32>)
// RUNTIME-LABEL: func @one_small_tile
// RUNTIME-NOT: llvm.call
// RUNTIME-NOT: scf.forall
// RUNTIME: rms.norm ins(%{{.*}} : tensor<8x4096xf32>)
func.func @one_small_tile(%x: tensor<8x4096xf32>, %init: tensor<8x4096xf32>) -> tensor<8x4096xf32> {
  %y = rms.norm ins(%x : tensor<8x4096xf32>) outs(%init : tensor<8x4096xf32>) epsilon(1.0e-05) -> tensor<8x4096xf32>
  return %y : tensor<8x4096xf32>
}
// THREADS-LABEL: func @one_tile
// THREADS-NOT: scf.forall
// THREADS: rms.norm ins(%{{.*}} : tensor<3x4099xf32>)
// RUNTIME-LABEL: func @one_tile
// RUNTIME-NOT: llvm.call
// RUNTIME-NOT: scf.forall
// RUNTIME: rms.norm ins(%{{.*}} : tensor<3x4099xf32>)
func.func @one_tile(%x: tensor<3x4099xf32>, %init: tensor<3x4099xf32>) -> tensor<3x4099xf32> {
  %y = rms.norm ins(%x : tensor<3x4099xf32>) outs(%init : tensor<3x4099xf32>) epsilon(1.0e-05) -> tensor<3x4099xf32>
  return %y : tensor<3x4099xf32>
}

// -----

// An input that makes more than 256 tiles of 256 KiB gets larger tiles, up
// to 1 MiB: 8192 rows of 32 KiB (256 MiB) in 256 tiles of 32 rows; 16384
// such rows in 512 tiles of 1 MiB; 2048 rows of 16 KiB (32 MiB) keep 16.

// AUTO-LABEL: func @auto_large
// AUTO: scf.forall ({{.*}}) = (0) to (8192) step (32)
// AUTO-LABEL: func @auto_larger
// AUTO: scf.forall ({{.*}}) = (0) to (16384) step (32)
// AUTO-LABEL: func @auto_medium
// AUTO: scf.forall ({{.*}}) = (0) to (2048) step (16)
// THREADS-LABEL: func @auto_large
// THREADS: scf.forall ({{.*}}) = (0) to (8192) step (4096)
// THREADS: memref.subview {{.*}} [4096, 8192] [1, 1]
// THREADS-LABEL: func @auto_medium
// THREADS: scf.forall ({{.*}}) = (0) to (2048) step (1024)
// THREADS: memref.subview {{.*}} [1024, 4096] [1, 1]
// THREADS: } {rms.schedule = "static"}
// Every tile loop is marked for rms-tiles-to-openmp: inputs of
// balance-bytes or more (here 32 MiB) get about 8 tiles per thread, in a
// loop marked for a dynamic schedule; 16 MiB keep a tile per thread, and so
// do short f32 rows (16 MiB), which keep static tiles, both marked static.
// BALANCE-LABEL: func @auto_large
// BALANCE: scf.forall ({{.*}}) = (0) to (8192) step (512)
// BALANCE: memref.subview {{.*}} [512, 8192] [1, 1]
// BALANCE: } {rms.schedule = "dynamic"}
// BALANCE-LABEL: func @auto_larger
// BALANCE: scf.forall ({{.*}}) = (0) to (16384) step (1024)
// BALANCE: } {rms.schedule = "dynamic"}
// BALANCE-LABEL: func @auto_medium
// BALANCE: scf.forall ({{.*}}) = (0) to (2048) step (128)
// BALANCE: } {rms.schedule = "dynamic"}
// BALANCE-LABEL: func @auto_medium_f16
// BALANCE: scf.forall ({{.*}}) = (0) to (2048) step (1024)
// BALANCE: } {rms.schedule = "static"}
// BALANCE-LABEL: func @short_rows
// BALANCE: scf.forall ({{.*}}) = (0) to (65536) step (1024)
// BALANCE: } {rms.schedule = "static"}
// BALANCE: return
// With the thread count read at run time, 8 tiles for each.
// BRUNTIME-LABEL: func @auto_medium
// BRUNTIME: %[[N:.*]] = llvm.call @omp_get_max_threads() : () -> i32
// BRUNTIME: %[[T:.*]] = arith.index_castui %[[N]] : i32 to index
// BRUNTIME: %[[TILES:.*]] = arith.muli %[[T]], %c8
// BRUNTIME: %[[T1:.*]] = arith.maxui %[[TILES]], %c1
// BRUNTIME: %[[PER:.*]] = arith.ceildivui %c2048, %[[T1]]
// BRUNTIME: scf.forall ({{.*}}) = (0) to (2048) step (%{{.*}})
// BRUNTIME: } {rms.schedule = "dynamic"}
func.func @auto_large(%x: memref<8192x8192xf32>, %y: memref<8192x8192xf32>) {
  rms.norm ins(%x : memref<8192x8192xf32>) outs(%y : memref<8192x8192xf32>) epsilon(1.0e-05)
  return
}
func.func @auto_larger(%x: memref<16384x8192xf32>, %y: memref<16384x8192xf32>) {
  rms.norm ins(%x : memref<16384x8192xf32>) outs(%y : memref<16384x8192xf32>) epsilon(1.0e-05)
  return
}
func.func @auto_medium(%x: memref<2048x4096xf32>, %y: memref<2048x4096xf32>) {
  rms.norm ins(%x : memref<2048x4096xf32>) outs(%y : memref<2048x4096xf32>) epsilon(1.0e-05)
  return
}
func.func @auto_medium_f16(%x: memref<2048x4096xf16>, %y: memref<2048x4096xf16>) {
  rms.norm ins(%x : memref<2048x4096xf16>) outs(%y : memref<2048x4096xf16>) epsilon(1.0e-05)
  return
}
// Short f32 rows have no per-tile set-up to save: static tiles of 256 KiB
// with or without a thread count.
// AUTO-LABEL: func @short_rows
// AUTO: scf.forall ({{.*}}) = (0) to (65536) step (1024)
// THREADS-LABEL: func @short_rows
// THREADS: scf.forall ({{.*}}) = (0) to (65536) step (1024)
// RUNTIME-LABEL: func @short_rows
// RUNTIME-NOT: llvm.call
// RUNTIME: scf.forall ({{.*}}) = (0) to (65536) step (1024)
func.func @short_rows(%x: memref<65536x64xf32>, %y: memref<65536x64xf32>) {
  rms.norm ins(%x : memref<65536x64xf32>) outs(%y : memref<65536x64xf32>) epsilon(1.0e-05)
  return
}

// -----

// A single row (rank 1) is not tiled.

// CHECK-LABEL: func @single_row
// CHECK-NOT: scf.forall
// CHECK: rms.norm ins(%{{.*}} : tensor<4096xf32>)
// AUTO-LABEL: func @single_row
func.func @single_row(%x: tensor<4096xf32>, %init: tensor<4096xf32>) -> tensor<4096xf32> {
  %y = rms.norm ins(%x : tensor<4096xf32>) outs(%init : tensor<4096xf32>) epsilon(1.0e-05) -> tensor<4096xf32>
  return %y : tensor<4096xf32>
}

// -----

// The memref form is tiled the same way, on subviews, for IR that arrives
// already bufferized.

// CHECK-LABEL: func @memref_rows
// CHECK-SAME: (%[[X:.*]]: memref<?x16xf32>, %[[Y:.*]]: memref<?x16xf32>)
// CHECK: scf.forall (%[[R:.*]]) = (0) to (%{{.*}}) step (4) {
// CHECK:   %[[XS:.*]] = memref.subview %[[X]][%[[R]], 0] [%{{.*}}, 16] [1, 1] : memref<?x16xf32> to memref<?x16xf32, strided<[16, 1], offset: ?>>
// CHECK:   %[[YS:.*]] = memref.subview %[[Y]][%[[R]], 0] [%{{.*}}, 16] [1, 1]
// CHECK:   rms.norm ins(%[[XS]] : memref<?x16xf32, strided<[16, 1], offset: ?>>) outs(%[[YS]] : memref<?x16xf32, strided<[16, 1], offset: ?>>)
// AUTO-LABEL: func @memref_rows
// AUTO: scf.forall ({{.*}}) = (0) to ({{.*}}) step (4096)
func.func @memref_rows(%x: memref<?x16xf32>, %y: memref<?x16xf32>) {
  rms.norm ins(%x : memref<?x16xf32>) outs(%y : memref<?x16xf32>) epsilon(1.0e-05)
  return
}

// -----

// A static dimension of 0: no element, nothing to tile (slices of the empty
// dimension would not verify); the op stays as it is.

// CHECK-LABEL: func @empty_rows
// CHECK-NOT: scf.forall
// CHECK: rms.norm ins(%{{.*}}, %{{.*}} : tensor<2x0xf32>, tensor<0xf32>)
// AUTO-LABEL: func @empty_rows
// AUTO-NOT: scf.forall
func.func @empty_rows(%x: tensor<2x0xf32>, %w: tensor<0xf32>, %init: tensor<2x0xf32>) -> tensor<2x0xf32> {
  %y = rms.norm ins(%x, %w : tensor<2x0xf32>, tensor<0xf32>) outs(%init : tensor<2x0xf32>) epsilon(1.0e-05) -> tensor<2x0xf32>
  return %y : tensor<2x0xf32>
}
