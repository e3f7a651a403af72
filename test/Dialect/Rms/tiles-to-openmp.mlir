// RUN: rms-opt %s -rms-tiles-to-openmp -split-input-file -verify-diagnostics | FileCheck %s
// RUN: rms-opt %s -rms-tiles-to-openmp=num-threads=4 -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=FOUR

// A forall that rms-tile marked "static", whose tile count is known at run
// time only, runs in a parallel region where there are several tiles, of no
// more threads than tiles, in which each thread takes a contiguous share of
// the tiles by its number:
// q = tiles / T of them, one more for the first r = tiles % T threads, in a
// loop from its first to past its last. One tile (or none) runs on the
// calling thread without OpenMP. The body is outlined into a private
// function (internal in LLVM) that both call. The runtime's queries are
// declared.

// CHECK-DAG: llvm.func @omp_get_thread_num() -> i32
// CHECK-DAG: llvm.func @omp_get_num_threads() -> i32
// CHECK-LABEL: func.func private @static_tiles_tile
// CHECK-SAME: (%[[I:.*]]: index, %[[X:.*]]: memref<?x4096xf16>, %[[STEP:.*]]: index, %[[Y:.*]]: memref<?x4096xf16>)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK-NEXT: %[[XS:.*]] = memref.subview %[[X]][%[[I]], 0] [%[[STEP]], 4096] [1, 1]
// CHECK-NEXT: %[[YS:.*]] = memref.subview %[[Y]][%[[I]], 0] [%[[STEP]], 4096] [1, 1]
// CHECK-NEXT: rms.norm ins(%[[XS]] : {{.*}}) outs(%[[YS]] : {{.*}})
// CHECK-NEXT: return
// CHECK-LABEL: func.func @static_tiles
// CHECK-SAME: (%[[X:.*]]: memref<?x4096xf16>, %[[Y:.*]]: memref<?x4096xf16>, %[[STEP:.*]]: index)
// CHECK: %[[ROWS:.*]] = memref.dim %[[X]], %{{.*}}
// CHECK: %[[TILES:.*]] = arith.ceildivui %[[ROWS]], %[[STEP]] : index
// CHECK: %[[SEVERAL:.*]] = arith.cmpi ugt, %[[TILES]], %{{.*}} : index
// CHECK-NEXT: scf.if %[[SEVERAL]] {
// CHECK-NEXT: %[[MAX:.*]] = llvm.call @omp_get_max_threads() : () -> i32
// CHECK-NEXT: %[[MAXI:.*]] = arith.index_castui %[[MAX]] : i32 to index
// CHECK-NEXT: %[[TEAMI:.*]] = arith.minui %[[MAXI]], %[[TILES]] : index
// CHECK-NEXT: %[[TEAM:.*]] = arith.index_cast %[[TEAMI]] : index to i32
// CHECK-NEXT: omp.parallel num_threads(%[[TEAM]] : i32) {
// CHECK: %[[TN:.*]] = llvm.call @omp_get_thread_num() : () -> i32
// CHECK-NEXT: %[[T:.*]] = arith.index_castui %[[TN]] : i32 to index
// CHECK-NEXT: %[[NN:.*]] = llvm.call @omp_get_num_threads() : () -> i32
// CHECK-NEXT: %[[N:.*]] = arith.index_castui %[[NN]] : i32 to index
// CHECK-NEXT: %[[Q:.*]] = arith.divui %[[TILES]], %[[N]] : index
// CHECK-NEXT: %[[R:.*]] = arith.remui %[[TILES]], %[[N]] : index
// CHECK-NEXT: %[[TQ:.*]] = arith.muli %[[T]], %[[Q]] : index
// CHECK-NEXT: %[[MIN:.*]] = arith.minui %[[T]], %[[R]] : index
// CHECK-NEXT: %[[BEGIN:.*]] = arith.addi %[[TQ]], %[[MIN]] : index
// CHECK-NEXT: %[[LT:.*]] = arith.cmpi ult, %[[T]], %[[R]] : index
// CHECK-NEXT: %[[EXTRA:.*]] = arith.select %[[LT]], %{{.*}}, %{{.*}} : index
// CHECK-NEXT: %[[COUNT:.*]] = arith.addi %[[Q]], %[[EXTRA]] : index
// CHECK-NEXT: %[[END:.*]] = arith.addi %[[BEGIN]], %[[COUNT]] : index
// CHECK-NEXT: %{{.*}} = scf.while (%[[K0:.*]] = %[[BEGIN]]) : (index) -> index {
// CHECK-NEXT: %[[IN:.*]] = arith.cmpi ult, %[[K0]], %[[END]] : index
// CHECK-NEXT: scf.condition(%[[IN]]) %[[K0]] : index
// CHECK-NEXT: } do {
// CHECK-NEXT: ^bb0(%[[K:.*]]: index):
// CHECK-NEXT: %[[OFF:.*]] = arith.muli %[[K]], %[[STEP]] : index
// CHECK-NEXT: %[[I:.*]] = arith.addi %{{.*}}, %[[OFF]] : index
// CHECK-NEXT: func.call @static_tiles_tile(%[[I]], %[[X]], %[[STEP]], %[[Y]])
// CHECK-NEXT: %[[NEXT:.*]] = arith.addi %[[K]], %{{.*}} : index
// CHECK-NEXT: scf.yield %[[NEXT]] : index
// CHECK-NEXT: }
// CHECK-NEXT: omp.terminator
// CHECK-NEXT: }
// CHECK-NEXT: } else {
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %[[TILES]] step %{{.*}} {
// CHECK-NEXT: %[[OFF:.*]] = arith.muli %[[K]], %[[STEP]] : index
// CHECK-NEXT: %[[I:.*]] = arith.addi %{{.*}}, %[[OFF]] : index
// CHECK-NEXT: func.call @static_tiles_tile(%[[I]], %[[X]], %[[STEP]], %[[Y]])
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return
// FOUR-LABEL: func @static_tiles
// FOUR: scf.if
// FOUR-NOT: omp_get_max_threads
// FOUR: %[[TEAMI:.*]] = arith.minui %{{.*}}, %{{.*}} : index
// FOUR: %[[TEAM:.*]] = arith.index_cast %[[TEAMI]] : index to i32
// FOUR: omp.parallel num_threads(%[[TEAM]] : i32) {
func.func @static_tiles(%x: memref<?x4096xf16>, %y: memref<?x4096xf16>, %step: index) {
  %c0 = arith.constant 0 : index
  %rows = memref.dim %x, %c0 : memref<?x4096xf16>
  scf.forall (%i) = (0) to (%rows) step (%step) {
    %xs = memref.subview %x[%i, 0] [%step, 4096] [1, 1] : memref<?x4096xf16> to memref<?x4096xf16, strided<[4096, 1], offset: ?>>
    %ys = memref.subview %y[%i, 0] [%step, 4096] [1, 1] : memref<?x4096xf16> to memref<?x4096xf16, strided<[4096, 1], offset: ?>>
    rms.norm ins(%xs : memref<?x4096xf16, strided<[4096, 1], offset: ?>>) outs(%ys : memref<?x4096xf16, strided<[4096, 1], offset: ?>>) epsilon(1.0e-05)
  } {rms.schedule = "static"}
  return
}

// -----

// Marked "dynamic": where there are more tiles than threads, each thread
// claims the next tile when it is done with one, counting the tiles claimed
// in a shared i64 with an atomic increment (in an alloca scope of its own);
// otherwise each keeps its share. The tile count of static bounds folds:
// more than one, the region needs no condition, and the body stays in it.

// CHECK-LABEL: func @dynamic_tiles
// CHECK-SAME: (%[[X:.*]]: memref<2048x4096xf16>, %[[Y:.*]]: memref<2048x4096xf16>)
// CHECK: memref.alloca_scope {
// CHECK-NEXT: %[[CLAIMED:.*]] = memref.alloca() : memref<i64>
// CHECK: memref.store %{{.*}}, %[[CLAIMED]][] : memref<i64>
// CHECK: omp.parallel num_threads(%{{.*}} : i32) {
// CHECK: %[[NN:.*]] = llvm.call @omp_get_num_threads() : () -> i32
// CHECK-NEXT: %[[N:.*]] = arith.index_castui %[[NN]] : i32 to index
// CHECK: %[[CLAIMS:.*]] = arith.cmpi ugt, %[[TILES:.*]], %[[N]] : index
// CHECK-NEXT: %[[BOUND:.*]] = arith.select %[[CLAIMS]], %[[TILES]], %{{.*}} : index
// CHECK-NEXT: %[[FIRST:.*]] = scf.if %[[CLAIMS]] -> (index) {
// CHECK: memref.atomic_rmw addi %{{.*}}, %[[CLAIMED]][] : (i64, memref<i64>) -> i64
// CHECK: } else {
// CHECK: scf.while (%[[K0:.*]] = %[[FIRST]]) : (index) -> index {
// CHECK-NEXT: %[[IN:.*]] = arith.cmpi ult, %[[K0]], %[[BOUND]] : index
// CHECK: ^bb0(%[[K:.*]]: index):
// CHECK: memref.alloca_scope {
// CHECK: memref.subview %[[X]][%{{.*}}, 0] [128, 4096] [1, 1]
// CHECK: rms.norm
// CHECK: %[[NEXT:.*]] = scf.if %[[CLAIMS]] -> (index) {
// CHECK-NEXT: arith.constant 1 : i64
// CHECK-NEXT: memref.atomic_rmw addi %{{.*}}, %[[CLAIMED]][] : (i64, memref<i64>) -> i64
// CHECK: scf.yield %[[NEXT]] : index
// CHECK-NOT: omp.wsloop
// CHECK: return
// FOUR-LABEL: func @dynamic_tiles
// FOUR: %[[N:.*]] = arith.constant 4 : i32
// FOUR: omp.parallel num_threads(%[[N]] : i32) {
func.func @dynamic_tiles(%x: memref<2048x4096xf16>, %y: memref<2048x4096xf16>) {
  scf.forall (%i) = (0) to (2048) step (128) {
    %xs = memref.subview %x[%i, 0] [128, 4096] [1, 1] : memref<2048x4096xf16> to memref<128x4096xf16, strided<[4096, 1], offset: ?>>
    %ys = memref.subview %y[%i, 0] [128, 4096] [1, 1] : memref<2048x4096xf16> to memref<128x4096xf16, strided<[4096, 1], offset: ?>>
    rms.norm ins(%xs : memref<128x4096xf16, strided<[4096, 1], offset: ?>>) outs(%ys : memref<128x4096xf16, strided<[4096, 1], offset: ?>>) epsilon(1.0e-05)
  } {rms.schedule = "dynamic"}
  return
}

// -----

// A two-dimensional forall: tile k is at (k / 16, k % 16) of the 4 x 16
// tiles, the last dimension varying fastest. An unmarked forall (a split
// row's slices, which need the same threads in both of their loops) is left
// to convert-scf-to-openmp.

// CHECK-LABEL: func @two_dims_and_unmarked
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: omp.parallel
// CHECK: scf.while
// CHECK: ^bb0(%[[K:.*]]: index):
// CHECK-NEXT: %[[INNER:.*]] = arith.remui %[[K]], %[[C16]] : index
// CHECK-NEXT: %[[ROW:.*]] = arith.muli %[[INNER]], %[[C64]] : index
// CHECK-NEXT: %[[I:.*]] = arith.addi %{{.*}}, %[[ROW]] : index
// CHECK-NEXT: %[[OUTER:.*]] = arith.divui %[[K]], %[[C16]] : index
// CHECK-NEXT: %[[B0:.*]] = arith.muli %[[OUTER]], %{{.*}} : index
// CHECK-NEXT: %[[B:.*]] = arith.addi %{{.*}}, %[[B0]] : index
// CHECK-NEXT: memref.alloca_scope {
// CHECK-NEXT: memref.subview %{{.*}}[%[[B]], %[[I]], 0] [1, 64, 4096]
// CHECK: scf.forall (%{{.*}}) in (2) {
// CHECK-NOT: omp.
// CHECK: return
func.func @two_dims_and_unmarked(%x: memref<4x1024x4096xf32>, %y: memref<4x1024x4096xf32>) {
  scf.forall (%b, %i) = (0, 0) to (4, 1024) step (1, 64) {
    %xs = memref.subview %x[%b, %i, 0] [1, 64, 4096] [1, 1, 1] : memref<4x1024x4096xf32> to memref<1x64x4096xf32, strided<[4194304, 4096, 1], offset: ?>>
    %ys = memref.subview %y[%b, %i, 0] [1, 64, 4096] [1, 1, 1] : memref<4x1024x4096xf32> to memref<1x64x4096xf32, strided<[4194304, 4096, 1], offset: ?>>
    rms.norm ins(%xs : memref<1x64x4096xf32, strided<[4194304, 4096, 1], offset: ?>>) outs(%ys : memref<1x64x4096xf32, strided<[4194304, 4096, 1], offset: ?>>) epsilon(1.0e-05)
  } {rms.schedule = "static"}
  scf.forall (%i) in (2) {
    %xs = memref.subview %x[0, %i, 0] [1, 1, 4096] [1, 1, 1] : memref<4x1024x4096xf32> to memref<1x1x4096xf32, strided<[4194304, 4096, 1], offset: ?>>
    %ys = memref.subview %y[0, %i, 0] [1, 1, 4096] [1, 1, 1] : memref<4x1024x4096xf32> to memref<1x1x4096xf32, strided<[4194304, 4096, 1], offset: ?>>
    rms.norm ins(%xs : memref<1x1x4096xf32, strided<[4194304, 4096, 1], offset: ?>>) outs(%ys : memref<1x1x4096xf32, strided<[4194304, 4096, 1], offset: ?>>) epsilon(1.0e-05)
  }
  return
}

// -----

// A count known at run time only, marked "dynamic": the claims are made
// where there are several tiles. The outlined function takes a name that is
// free, and the constants that the body uses are made in it, not passed.

// CHECK-LABEL: func.func private @claims_tile_0
// CHECK-SAME: (%[[I:.*]]: index, %[[Y:.*]]: memref<?xf32>)
// CHECK-NEXT: %[[V:.*]] = arith.constant dense<1.000000e+00> : vector<4xf32>
// CHECK-NEXT: vector.store %[[V]], %[[Y]][%[[I]]]
// CHECK-LABEL: func.func @claims
// CHECK: scf.if %{{.*}} {
// CHECK: memref.alloca_scope {
// CHECK-NEXT: %[[CLAIMED:.*]] = memref.alloca() : memref<i64>
// CHECK: omp.parallel num_threads(%{{.*}} : i32) {
// CHECK: memref.atomic_rmw addi %{{.*}}, %[[CLAIMED]][]
// CHECK: func.call @claims_tile_0(%{{.*}}, %{{.*}}) : (index, memref<?xf32>) -> ()
// CHECK: omp.terminator
// CHECK: } else {
// CHECK-NOT: omp.
// CHECK: func.call @claims_tile_0(%{{.*}}, %{{.*}}) : (index, memref<?xf32>) -> ()
// CHECK: return
func.func private @claims_tile()

func.func @claims(%y: memref<?xf32>, %n: index) {
  %v = arith.constant dense<1.0> : vector<4xf32>
  scf.forall (%i) = (0) to (%n) step (4) {
    vector.store %v, %y[%i] : memref<?xf32>, vector<4xf32>
  } {rms.schedule = "dynamic"}
  return
}

// -----

// A single tile known before: the calling thread runs it, without OpenMP.

// CHECK-LABEL: func @one_tile
// CHECK-NOT: omp.
// CHECK: scf.for
// CHECK-NEXT: arith.muli
// CHECK-NEXT: arith.addi
// CHECK-NEXT: memref.alloca_scope {
// CHECK-NEXT: memref.store
// CHECK-NOT: omp.
// CHECK: return
func.func @one_tile(%y: memref<8xf32>, %v: f32) {
  scf.forall (%i) = (0) to (8) step (8) {
    memref.store %v, %y[%i] : memref<8xf32>
  } {rms.schedule = "static"}
  return
}

// -----

// A marked forall on tensors has not been bufferized: there is no OpenMP
// region to make of it.

func.func @tensors(%x: tensor<64x4096xf32>, %init: tensor<64x4096xf32>) -> tensor<64x4096xf32> {
  // expected-error @below {{marked rms.schedule must be bufferized (have no shared outputs) before rms-tiles-to-openmp}}
  %r = scf.forall (%i) = (0) to (64) step (32) shared_outs(%o = %init) -> (tensor<64x4096xf32>) {
    %xs = tensor.extract_slice %x[%i, 0] [32, 4096] [1, 1] : tensor<64x4096xf32> to tensor<32x4096xf32>
    %os = tensor.extract_slice %o[%i, 0] [32, 4096] [1, 1] : tensor<64x4096xf32> to tensor<32x4096xf32>
    %t = rms.norm ins(%xs : tensor<32x4096xf32>) outs(%os : tensor<32x4096xf32>) epsilon(1.0e-05) -> tensor<32x4096xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %t into %o[%i, 0] [32, 4096] [1, 1] : tensor<32x4096xf32> into tensor<64x4096xf32>
    }
  } {rms.schedule = "static"}
  return %r : tensor<64x4096xf32>
}

// -----

// Only the two schedules are known.

func.func @unknown_schedule(%y: memref<8xf32>, %v: f32) {
  // expected-error @below {{rms.schedule must be "static" or "dynamic"}}
  scf.forall (%i) in (8) {
    memref.store %v, %y[%i] : memref<8xf32>
  } {rms.schedule = "guided"}
  return
}

// -----

// The runtime's queries go to the module's declarations; a symbol of that
// name that is not one leaves nothing to call.

func.func private @omp_get_thread_num(i64) -> i64

func.func @taken_name(%y: memref<8xf32>, %v: f32) {
  // expected-error @below {{cannot call omp_get_thread_num() and omp_get_num_threads(): the module has another symbol of that name}}
  scf.forall (%i) in (8) {
    memref.store %v, %y[%i] : memref<8xf32>
  } {rms.schedule = "static"}
  return
}

// -----

// A tile count known at run time only needs a function to outline the body
// into.

%n = arith.constant 4 : index
%c0 = arith.constant 0 : index
%y = memref.alloc(%n) : memref<?xf32>
%rows = memref.dim %y, %c0 : memref<?xf32>
%v = arith.constant 1.0 : f32
// expected-error @below {{marked rms.schedule with a tile count known at run time only must be in a function, into which its body is outlined}}
scf.forall (%i) in (%rows) {
  memref.store %v, %y[%i] : memref<?xf32>
} {rms.schedule = "static"}
