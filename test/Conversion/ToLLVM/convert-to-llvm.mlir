// RUN: rms-opt %s -rms-convert-to-llvm -split-input-file | FileCheck %s
// RUN: rms-opt %s -rms-convert-to-llvm="reassociate-fp-reductions=1" -split-input-file | FileCheck %s --check-prefix=REASSOC
// RUN: rms-opt %s -rms-convert-to-llvm -split-input-file | FileCheck %s --check-prefix=CASTS

// The only cast in the output is the one of the input that does not fold
// (@input_cast); the input's round trip folds (@input_round_trip), as
// reconcile-unrealized-casts folds it.
// CASTS-NOT: builtin.unrealized_conversion_cast
// CASTS: builtin.unrealized_conversion_cast %{{.*}} : i32 to f32
// CASTS-NOT: builtin.unrealized_conversion_cast

// Scalars: math, arith (a ceiling division expanded), func; index is i64.

// CHECK-LABEL: llvm.func @scalars(
// CHECK-SAME: %[[A:.*]]: f32, %[[B:.*]]: i64, %[[C:.*]]: i64) -> !llvm.struct<(f32, i64)>
// CHECK: %[[S:.*]] = llvm.intr.sqrt(%[[A]]) : (f32) -> f32
// CHECK: %[[ZERO:.*]] = llvm.icmp "eq" %[[B]]
// CHECK: %[[LESS:.*]] = llvm.sub %[[B]]
// CHECK: %[[Q:.*]] = llvm.udiv %[[LESS]], %[[C]] : i64
// CHECK: %[[UP:.*]] = llvm.add %[[Q]]
// CHECK: %[[R:.*]] = llvm.select %[[ZERO]], %{{.*}}, %[[UP]] : i1, i64
// CHECK: llvm.insertvalue %[[S]]
// CHECK: llvm.insertvalue %[[R]]
// CHECK-NOT: builtin.unrealized_conversion_cast
func.func @scalars(%a: f32, %b: index, %c: index) -> (f32, index) {
  %s = math.sqrt %a : f32
  %q = arith.ceildivui %b, %c : index
  return %s, %q : f32, index
}

// -----

// The vector operations rms-vectorize emits, a memref, an assert and a C
// interface, in the one conversion.

// CHECK: llvm.func @abort()
// CHECK: llvm.func @puts(!llvm.ptr)
// CHECK: llvm.mlir.global private constant @assert_msg
// CHECK-LABEL: llvm.func @rows(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %[[N:.*]]: i64) -> f32
// CHECK: llvm.cond_br %{{.*}}, ^[[OK:.*]], ^[[FAIL:.*]]
// CHECK: ^[[OK]]:
// CHECK: %[[STEP:.*]] = llvm.mlir.constant(dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : vector<16xi32>)
// CHECK: %[[N32:.*]] = llvm.trunc %[[N]] : i64 to i32
// CHECK: %[[MASK:.*]] = llvm.icmp "sgt" %{{.*}}, %[[STEP]] : vector<16xi32>
// CHECK: %[[V:.*]] = llvm.intr.masked.load %{{.*}}, %[[MASK]], %{{.*}} {alignment = 4 : i32}
// CHECK: %[[SQ:.*]] = llvm.intr.fmuladd(%[[V]], %[[V]], %{{.*}})
// CHECK: "llvm.intr.vector.reduce.fadd"(%{{.*}}, %[[SQ]]) <{fastmathFlags = #llvm.fastmath<none>}>
// CHECK: ^[[FAIL]]:
// CHECK: llvm.call @puts
// CHECK: llvm.call @abort()
// CHECK-LABEL: llvm.func @_mlir_ciface_rows(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: i64) -> f32
// CHECK: llvm.call @rows(

// REASSOC-LABEL: llvm.func @rows(
// REASSOC: "llvm.intr.vector.reduce.fadd"({{.*}}) <{fastmathFlags = #llvm.fastmath<reassoc>}>
func.func @rows(%x: memref<?xf32>, %n: index) -> f32 attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %dim = memref.dim %x, %c0 : memref<?xf32>
  %ok = arith.cmpi eq, %dim, %n : index
  cf.assert %ok, "x has n elements"
  %mask = vector.create_mask %n : vector<16xi1>
  %v = vector.maskedload %x[%c0], %mask, %zero : memref<?xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
  %sq = vector.fma %v, %v, %zero : vector<16xf32>
  %sum = vector.reduction <add>, %sq : vector<16xf32> into f32
  return %sum : f32
}

// -----

// Other vector code (here 2-D) is lowered by convert-vector-to-llvm first.

// CHECK-LABEL: llvm.func @other_vectors(
// CHECK-SAME: %[[S:.*]]: f32) -> vector<4xf32>
// CHECK: %[[ROWS:.*]] = llvm.mlir.poison : !llvm.array<2 x vector<4xf32>>
// CHECK: %[[SPLAT:.*]] = llvm.shufflevector
// CHECK: %[[ROW0:.*]] = llvm.insertvalue %[[SPLAT]], %[[ROWS]][0]
// CHECK: %[[BOTH:.*]] = llvm.insertvalue %[[SPLAT]], %[[ROW0]][1]
// CHECK: %[[ROW1:.*]] = llvm.extractvalue %[[BOTH]][1]
// CHECK: llvm.return %[[ROW1]] : vector<4xf32>
func.func @other_vectors(%s: f32) -> vector<4xf32> {
  %b = vector.broadcast %s : f32 to vector<2x4xf32>
  %r = vector.extract %b[1] : vector<4xf32> from vector<2x4xf32>
  return %r : vector<4xf32>
}

// -----

// So is a broadcast of a vector, even a 1-D one.

// CHECK-LABEL: llvm.func @broadcast_vector(
// CHECK-SAME: %[[V:.*]]: vector<1xf32>) -> vector<4xf32>
// CHECK: %[[E:.*]] = llvm.extractelement %[[V]]
// CHECK: %[[I:.*]] = llvm.insertelement %[[E]]
// CHECK: %[[SPLAT:.*]] = llvm.shufflevector %[[I]], %{{.*}} [0, 0, 0, 0] : vector<4xf32>
// CHECK: llvm.return %[[SPLAT]] : vector<4xf32>
func.func @broadcast_vector(%v: vector<1xf32>) -> vector<4xf32> {
  %b = vector.broadcast %v : vector<1xf32> to vector<4xf32>
  return %b : vector<4xf32>
}

// -----

// OpenMP regions keep their structure; what they hold is converted.

// CHECK-LABEL: llvm.func @threads(
// CHECK: omp.parallel {
// CHECK-NEXT: omp.wsloop {
// CHECK-NEXT: omp.loop_nest (%[[I:.*]]) : i64 = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK: %[[P:.*]] = llvm.getelementptr inbounds|nuw %{{.*}}[%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: %[[V:.*]] = llvm.load %[[P]] : !llvm.ptr -> f32
// CHECK: %[[D:.*]] = llvm.fadd %[[V]], %[[V]] : f32
// CHECK: llvm.store %[[D]], %{{.*}} : f32, !llvm.ptr
// CHECK: omp.yield
// CHECK: omp.terminator
// CHECK: llvm.return
func.func @threads(%x: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        %v = memref.load %x[%i] : memref<?xf32>
        %d = arith.addf %v, %v : f32
        memref.store %d, %x[%i] : memref<?xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// Inside each function (side by side) the operations that stay in it are
// converted first, branches and their blocks included; then, over the
// module, the functions themselves and what calls the C library (declared
// once). No cast is left between the two steps; a cast of the input stays.

// CHECK-DAG: llvm.func @malloc(i64) -> !llvm.ptr
// CHECK-DAG: llvm.func @free(!llvm.ptr)
// CHECK-LABEL: llvm.func @blocks(
// CHECK-SAME: %[[N:.*]]: i64, %[[FLAG:.*]]: i1) -> f32
// CHECK: %[[BUFFER:.*]] = llvm.call @malloc
// CHECK: llvm.cond_br %[[FLAG]], ^[[LOAD:.*]](%[[M:.*]] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>), ^[[ZERO:.*]]
// CHECK: ^[[LOAD]](%[[ARG:.*]]: !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>):
// CHECK: llvm.extractvalue %[[ARG]][1]
// CHECK: %[[V:.*]] = llvm.load
// CHECK: llvm.call @free
// CHECK: llvm.return %[[V]] : f32
// CHECK: ^[[ZERO]]:
// CHECK: llvm.call @free
// CHECK-LABEL: llvm.func @second(
// CHECK: llvm.call @malloc
// CHECK: llvm.call @free
// CHECK-LABEL: llvm.func @input_cast(
// CHECK-SAME: %[[I:.*]]: i32) -> f32
// CHECK: %[[F:.*]] = builtin.unrealized_conversion_cast %[[I]] : i32 to f32
// CHECK: %[[D:.*]] = llvm.fadd %[[F]], %[[F]] : f32
// CHECK: llvm.return %[[D]]
// CHECK-NOT: builtin.unrealized_conversion_cast
func.func @blocks(%n: index, %flag: i1) -> f32 {
  %c0 = arith.constant 0 : index
  %a = memref.alloc(%n) : memref<?xf32>
  cf.cond_br %flag, ^load(%a : memref<?xf32>), ^zero
^load(%m: memref<?xf32>):
  %v = memref.load %m[%c0] : memref<?xf32>
  memref.dealloc %m : memref<?xf32>
  return %v : f32
^zero:
  %z = arith.constant 0.0 : f32
  memref.dealloc %a : memref<?xf32>
  return %z : f32
}

func.func @second(%n: index) {
  %a = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return
}

func.func @input_cast(%i: i32) -> f32 {
  %f = builtin.unrealized_conversion_cast %i : i32 to f32
  %d = arith.addf %f, %f : f32
  return %d : f32
}

// CHECK-LABEL: llvm.func @input_round_trip(
// CHECK-SAME: %[[I:.*]]: i32) -> i32
// CHECK-NEXT: llvm.return %[[I]] : i32
func.func @input_round_trip(%i: i32) -> i32 {
  %f = builtin.unrealized_conversion_cast %i : i32 to f32
  %j = builtin.unrealized_conversion_cast %f : f32 to i32
  return %j : i32
}

// -----

// Affine maps (the tiling's bounds) become the arithmetic they stand for.

// CHECK-LABEL: llvm.func @affine_bounds(
// CHECK-SAME: %[[I:.*]]: i64, %[[N:.*]]: i64) -> i64
// CHECK: %[[NEG:.*]] = llvm.mul %[[I]], %{{.*}} overflow<nsw> : i64
// CHECK: %[[LEFT:.*]] = llvm.add %[[NEG]], %[[N]] : i64
// CHECK: %[[MIN:.*]] = llvm.intr.smin(%[[LEFT]], %{{.*}}) : (i64, i64) -> i64
// CHECK: llvm.return %[[MIN]] : i64
// CHECK-NOT: affine.
func.func @affine_bounds(%i: index, %n: index) -> index {
  %m = affine.min affine_map<(d0)[s0] -> (-d0 + s0, 64)>(%i)[%n]
  return %m : index
}
