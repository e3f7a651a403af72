// RUN: rms-opt %s -split-input-file -transform-interpreter -test-rms-fuse-consumer -canonicalize -cse -verify-diagnostics | FileCheck %s

// rms.norm as a consumer: a producer already tiled into a loop of whole rows
// (here the residual add of a transformer layer) takes the norm into the
// loop through upstream scf::tileAndFuseConsumer, which asks the norm for the
// rows its operand tiles stand for (getIterationDomainTileFromOperandTiles)
// and for their tile (getTiledImplementationFromOperandTiles).

// CHECK-LABEL: func @rows_forall
// CHECK-SAME: (%[[X:.*]]: tensor<64x128xf32>, %[[R:.*]]: tensor<64x128xf32>, %[[W:.*]]: tensor<128xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<64x128xf32>
// CHECK: %[[LOOP:.*]] = scf.forall (%[[I:.*]]) in (4) shared_outs(%[[OUT:.*]] = %[[E]]) -> (tensor<64x128xf32>) {
// CHECK:   %[[ROW:.*]] = affine.apply
// CHECK:   %[[H:.*]] = linalg.add ins({{.*}} : tensor<16x128xf32>, tensor<16x128xf32>)
// CHECK:   %[[YS:.*]] = tensor.extract_slice %[[OUT]][%[[ROW]], 0] [16, 128] [1, 1]
// CHECK:   %[[Y:.*]] = rms.norm ins(%[[H]], %[[W]] : tensor<16x128xf32>, tensor<128xf32>) outs(%[[YS]] : tensor<16x128xf32>)
// CHECK:   scf.forall.in_parallel {
// CHECK:     tensor.parallel_insert_slice %[[Y]] into %[[OUT]][%[[ROW]], 0] [16, 128] [1, 1]
// CHECK: return %[[LOOP]]
func.func @rows_forall(%x: tensor<64x128xf32>, %r: tensor<64x128xf32>, %w: tensor<128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x128xf32>
  %init = tensor.empty() : tensor<64x128xf32>
  %h = linalg.add ins(%x, %r : tensor<64x128xf32>, tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %y = rms.norm ins(%h, %w : tensor<64x128xf32>, tensor<128xf32>) outs(%init : tensor<64x128xf32>) epsilon(1.0e-05) -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %add = transform.structured.match ops{["linalg.add"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %add tile_sizes [16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// The same with a sequential loop: the norm's tile is inserted into a new
// iteration argument of the loop, next to the add's.

// CHECK-LABEL: func @rows_for
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[I:.*]] = %c0 to %c64 step %c16 iter_args(%{{.*}} = %{{.*}}, %[[OUT:.*]] = %{{.*}}) -> (tensor<64x128xf32>, tensor<64x128xf32>) {
// CHECK:   %[[H:.*]] = linalg.add ins({{.*}} : tensor<16x128xf32>, tensor<16x128xf32>)
// CHECK:   %[[YS:.*]] = tensor.extract_slice %[[OUT]][%[[I]], 0] [16, 128] [1, 1]
// CHECK:   %[[Y:.*]] = rms.norm ins(%[[H]] : tensor<16x128xf32>) outs(%[[YS]] : tensor<16x128xf32>)
// CHECK:   %[[NEXT:.*]] = tensor.insert_slice %[[Y]] into %[[OUT]][%[[I]], 0] [16, 128] [1, 1]
// CHECK:   scf.yield %{{.*}}, %[[NEXT]]
// CHECK: return %[[LOOP]]#1
func.func @rows_for(%x: tensor<64x128xf32>, %r: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x128xf32>
  %init = tensor.empty() : tensor<64x128xf32>
  %h = linalg.add ins(%x, %r : tensor<64x128xf32>, tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %y = rms.norm ins(%h : tensor<64x128xf32>) outs(%init : tensor<64x128xf32>) epsilon(1.0e-05) -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %add = transform.structured.match ops{["linalg.add"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_for %add tile_sizes [16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Dynamic shapes: the producer's tiles measure the row with its own operand
// (tensor.dim %x), which the value-bounds analysis proves to be the norm's
// row length; the last tile may be shorter (affine.min).

// CHECK-LABEL: func @dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x?xf16>, %{{.*}}: tensor<?x?xf16>, %[[W:.*]]: tensor<?xf16>)
// CHECK-DAG: %[[N:.*]] = tensor.dim %[[X]], %c1
// CHECK: scf.forall (%{{.*}}) in (%{{.*}}) shared_outs(%[[OUT:.*]] = %{{.*}}) -> (tensor<?x?xf16>) {
// CHECK:   %[[ROWS:.*]] = affine.min
// CHECK:   %[[H:.*]] = linalg.add
// CHECK:   %[[YS:.*]] = tensor.extract_slice %[[OUT]][%{{.*}}, 0] [%[[ROWS]], %[[N]]] [1, 1]
// CHECK:   rms.norm ins(%[[H]], %[[W]] : tensor<?x?xf16>, tensor<?xf16>) outs(%[[YS]] : tensor<?x?xf16>)
// CHECK:   scf.forall.in_parallel
// CHECK-NOT: rms.norm
// CHECK: return
func.func @dynamic(%x: tensor<?x?xf16>, %r: tensor<?x?xf16>, %w: tensor<?xf16>) -> tensor<?x?xf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf16>
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf16>
  %e = tensor.empty(%d0, %d1) : tensor<?x?xf16>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf16>
  %h = linalg.add ins(%x, %r : tensor<?x?xf16>, tensor<?x?xf16>) outs(%e : tensor<?x?xf16>) -> tensor<?x?xf16>
  %y = rms.norm ins(%h, %w : tensor<?x?xf16>, tensor<?xf16>) outs(%init : tensor<?x?xf16>) epsilon(1.0e-05) -> tensor<?x?xf16>
  return %y : tensor<?x?xf16>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %add = transform.structured.match ops{["linalg.add"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %add tile_sizes [16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Tiles of part of a row cannot be normalized alone: nothing is fused.

// CHECK-LABEL: func @part_of_rows
// CHECK: %[[LOOP:.*]] = scf.forall (%{{.*}}, %{{.*}}) in (4, 4)
// CHECK:   linalg.add {{.*}} -> tensor<16x32xf32>
// CHECK-NOT: rms.norm
// CHECK:   scf.forall.in_parallel
// CHECK: rms.norm ins(%[[LOOP]] : tensor<64x128xf32>)
func.func @part_of_rows(%x: tensor<64x128xf32>, %r: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x128xf32>
  %init = tensor.empty() : tensor<64x128xf32>
  %h = linalg.add ins(%x, %r : tensor<64x128xf32>, tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  // expected-remark @+1 {{not fused into the loop that produces operand #0}}
  %y = rms.norm ins(%h : tensor<64x128xf32>) outs(%init : tensor<64x128xf32>) epsilon(1.0e-05) -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %add = transform.structured.match ops{["linalg.add"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %add tile_sizes [16, 32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// A tile of the weight would need every row of the norm: not fused.

// CHECK-LABEL: func @weight_from_loop
// CHECK: %[[LOOP:.*]] = scf.forall
// CHECK: rms.norm ins(%{{.*}}, %[[LOOP]] : tensor<64x128xf32>, tensor<128xf32>)
func.func @weight_from_loop(%x: tensor<64x128xf32>, %v: tensor<128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<128xf32>
  %init = tensor.empty() : tensor<64x128xf32>
  %w = linalg.exp ins(%v : tensor<128xf32>) outs(%e : tensor<128xf32>) -> tensor<128xf32>
  // expected-remark @+1 {{not fused into the loop that produces operand #1}}
  %y = rms.norm ins(%x, %w : tensor<64x128xf32>, tensor<128xf32>) outs(%init : tensor<64x128xf32>) epsilon(1.0e-05) -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %exp = transform.structured.match ops{["linalg.exp"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %exp tile_sizes [32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Rank 3: tiles of one batch index and 16 rows, each fused with its norm.

// CHECK-LABEL: func @rank3
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (2, 4)
// CHECK:   linalg.add {{.*}} -> tensor<1x16x128xf32>
// CHECK:   rms.norm ins(%{{.*}}, %{{.*}} : tensor<1x16x128xf32>, tensor<128xf32>) outs(%{{.*}} : tensor<1x16x128xf32>)
// CHECK:   scf.forall.in_parallel
// CHECK-NOT: rms.norm
// CHECK: return
func.func @rank3(%x: tensor<2x64x128xf32>, %r: tensor<2x64x128xf32>, %w: tensor<128xf32>) -> tensor<2x64x128xf32> {
  %e = tensor.empty() : tensor<2x64x128xf32>
  %init = tensor.empty() : tensor<2x64x128xf32>
  %h = linalg.add ins(%x, %r : tensor<2x64x128xf32>, tensor<2x64x128xf32>) outs(%e : tensor<2x64x128xf32>) -> tensor<2x64x128xf32>
  %y = rms.norm ins(%h, %w : tensor<2x64x128xf32>, tensor<128xf32>) outs(%init : tensor<2x64x128xf32>) epsilon(1.0e-05) -> tensor<2x64x128xf32>
  return %y : tensor<2x64x128xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %add = transform.structured.match ops{["linalg.add"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %add tile_sizes [1, 16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
