// RUN: rms-opt %s -transform-interpreter -canonicalize -split-input-file | FileCheck %s

// Upstream transforms work on rms.norm through its interfaces, without glue:
// tile a consumer, fuse the norm into its loop (generateResultTileValue),
// then decompose the fused norm (AggregatedOpInterface). Fusion the other
// way, the norm into its producer's loop, is in fuse-consumer.mlir.

// CHECK-LABEL: func @fuse_then_decompose
// CHECK-SAME: (%[[X:.*]]: tensor<64x128xf32>, %[[W:.*]]: tensor<128xf32>)
// CHECK: scf.forall (%[[I:.*]]) in (4)
// CHECK:   %[[XS:.*]] = tensor.extract_slice %[[X]][%{{.*}}, 0] [16, 128] [1, 1] : tensor<64x128xf32> to tensor<16x128xf32>
// CHECK:   %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[XS]] : tensor<16x128xf32>)
// CHECK:   %[[SCALE:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<16xf32>)
// CHECK:   %[[Y:.*]] = linalg.generic {{.*}} ins(%[[XS]], %[[SCALE]], %[[W]] : tensor<16x128xf32>, tensor<16xf32>, tensor<128xf32>)
// CHECK:   %[[E:.*]] = linalg.exp ins(%[[Y]] : tensor<16x128xf32>)
// CHECK:   scf.forall.in_parallel
// CHECK-NOT: rms.norm ins
// CHECK: return
func.func @fuse_then_decompose(%x: tensor<64x128xf32>, %w: tensor<128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x128xf32>
  %y = rms.norm ins(%x, %w : tensor<64x128xf32>, tensor<128xf32>) outs(%e : tensor<64x128xf32>) epsilon(1.0e-05) -> tensor<64x128xf32>
  %e2 = tensor.empty() : tensor<64x128xf32>
  %z = linalg.exp ins(%y : tensor<64x128xf32>) outs(%e2 : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %z : tensor<64x128xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %exp = transform.structured.match ops{["linalg.exp"]} in %root : (!transform.any_op) -> !transform.any_op
    %norm = transform.structured.match ops{["rms.norm"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %exp tile_sizes [16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %fused, %new_loop = transform.structured.fuse_into_containing_op %norm into %loop : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
    %decomposed = transform.structured.decompose_interface %fused : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

// The norm tiled by rows, the residual add that produces its input fused into
// the loop (fuse_into_containing_op asks the add for the rows of x that the
// norm's tile reads).

// CHECK-LABEL: func @tile_then_fuse_producer
// CHECK-SAME: (%[[X:.*]]: tensor<64x128xf32>, %[[R:.*]]: tensor<64x128xf32>, %[[W:.*]]: tensor<128xf32>)
// CHECK: scf.forall (%[[I:.*]]) in (4) shared_outs(%[[OUT:.*]] = %{{.*}}) -> (tensor<64x128xf32>) {
// CHECK:   %[[XS:.*]] = tensor.extract_slice %[[X]][%{{.*}}, 0] [16, 128] [1, 1]
// CHECK:   %[[RS:.*]] = tensor.extract_slice %[[R]][%{{.*}}, 0] [16, 128] [1, 1]
// CHECK:   %[[H:.*]] = linalg.add ins(%[[XS]], %[[RS]] : tensor<16x128xf32>, tensor<16x128xf32>)
// CHECK:   %[[YS:.*]] = tensor.extract_slice %[[OUT]][%{{.*}}, 0] [16, 128] [1, 1]
// CHECK:   %[[Y:.*]] = rms.norm ins(%[[H]], %[[W]] : tensor<16x128xf32>, tensor<128xf32>) outs(%[[YS]] : tensor<16x128xf32>)
// CHECK:   tensor.parallel_insert_slice %[[Y]] into %[[OUT]][%{{.*}}, 0] [16, 128] [1, 1]
// CHECK-NOT: linalg.add
// CHECK: return
func.func @tile_then_fuse_producer(%x: tensor<64x128xf32>, %r: tensor<64x128xf32>, %w: tensor<128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x128xf32>
  %h = linalg.add ins(%x, %r : tensor<64x128xf32>, tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %init = tensor.empty() : tensor<64x128xf32>
  %y = rms.norm ins(%h, %w : tensor<64x128xf32>, tensor<128xf32>) outs(%init : tensor<64x128xf32>) epsilon(1.0e-05) -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %add = transform.structured.match ops{["linalg.add"]} in %root : (!transform.any_op) -> !transform.any_op
    %norm = transform.structured.match ops{["rms.norm"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %norm tile_sizes [16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %fused, %new_loop = transform.structured.fuse_into_containing_op %add into %loop : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Tiling the normalized dimension cannot split a row: every tile computes
// whole rows, so the result stays exact.

// CHECK-LABEL: func @tile_reduction_dim
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     tensor.extract_slice %{{.*}}[%{{.*}}, 0] [8, 128] [1, 1] : tensor<64x128xf32> to tensor<8x128xf32>
// CHECK:     rms.norm ins(%{{.*}}, %{{.*}} : tensor<8x128xf32>, tensor<128xf32>) outs(%{{.*}} : tensor<8x128xf32>)
// CHECK:     tensor.insert_slice %{{.*}} into %{{.*}}[%{{.*}}, 0] [8, 128] [1, 1]
func.func @tile_reduction_dim(%x: tensor<64x128xf32>, %w: tensor<128xf32>) -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x128xf32>
  %y = rms.norm ins(%x, %w : tensor<64x128xf32>, tensor<128xf32>) outs(%e : tensor<64x128xf32>) epsilon(1.0e-05) -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %norm = transform.structured.match ops{["rms.norm"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %l1, %l2 = transform.structured.tile_using_for %norm tile_sizes [8, 32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// PartialReductionOpInterface, outer parallel: the row is split into 4
// partial sums of squares computed in an scf.forall, then merged (sum of the
// partials, then the scaling sweep over x).

// CHECK-LABEL: func @split_row_forall
// CHECK-SAME: (%[[X:.*]]: tensor<2x4096xf32>, %[[W:.*]]: tensor<4096xf32>)
// CHECK: %[[Y0:.*]] = tensor.empty() : tensor<2x4096xf32>
// CHECK: %[[P0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: %[[P:.*]] = scf.forall (%[[K:.*]]) in (4) shared_outs(%[[PA:.*]] = %[[P0]]) -> (tensor<2x4xf32>) {
// CHECK:   %[[XS:.*]] = tensor.extract_slice %[[X]][0, %{{.*}}] [2, 1024] [1, 1]
// CHECK:   %[[PS:.*]] = tensor.extract_slice %[[PA]][0, %[[K]]] [2, 1] [1, 1] : tensor<2x4xf32> to tensor<2xf32>
// CHECK:   %[[S:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[XS]] : tensor<2x1024xf32>) outs(%[[PS]] : tensor<2xf32>)
// CHECK:   tensor.parallel_insert_slice %[[S]] into %[[PA]][0, %[[K]]] [2, 1] [1, 1]
// CHECK: %[[TOTAL:.*]] = linalg.reduce ins(%[[P]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<2xf32>) dimensions = [1]
// CHECK: %[[SCALE:.*]] = linalg.generic {{.*}} ins(%[[TOTAL]] : tensor<2xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[SCALE]], %[[W]] : tensor<2x4096xf32>, tensor<2xf32>, tensor<4096xf32>) outs(%[[Y0]] : tensor<2x4096xf32>)
// CHECK: return %[[Y]]
func.func @split_row_forall(%x: tensor<2x4096xf32>, %w: tensor<4096xf32>) -> tensor<2x4096xf32> {
  %e = tensor.empty() : tensor<2x4096xf32>
  %y = rms.norm ins(%x, %w : tensor<2x4096xf32>, tensor<4096xf32>) outs(%e : tensor<2x4096xf32>) epsilon(1.0e-05) -> tensor<2x4096xf32>
  return %y : tensor<2x4096xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %norm = transform.structured.match ops{["rms.norm"]} in %root : (!transform.any_op) -> !transform.any_op
    %fill, %split, %merge, %loop = transform.structured.tile_reduction_using_forall %norm by num_threads = [0, 4] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// PartialReductionOpInterface, outer reduction: chunks of 256 columns are
// squared and added elementwise into a 256-wide row of partial sums (f16 data
// widened to f32), which the merge reduces.

// CHECK-LABEL: func @split_row_for
// CHECK: %[[P0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x256xf32>)
// CHECK: %[[P:.*]] = scf.for %[[J:.*]] = %c0 to %c4096 step %c256 iter_args(%[[PA:.*]] = %[[P0]]) -> (tensor<2x256xf32>) {
// CHECK:   %[[XS:.*]] = tensor.extract_slice %{{.*}}[0, %[[J]]] [2, 256] [1, 1] : tensor<2x4096xf16> to tensor<2x256xf16>
// CHECK:   %[[S:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[XS]] : tensor<2x256xf16>) outs(%[[PA]] : tensor<2x256xf32>)
// CHECK:     arith.extf
// CHECK:   scf.yield %[[S]]
// CHECK: linalg.reduce ins(%[[P]] : tensor<2x256xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @split_row_for(%x: tensor<2x4096xf16>, %w: tensor<4096xf16>) -> tensor<2x4096xf16> {
  %e = tensor.empty() : tensor<2x4096xf16>
  %y = rms.norm ins(%x, %w : tensor<2x4096xf16>, tensor<4096xf16>) outs(%e : tensor<2x4096xf16>) epsilon(1.0e-05) -> tensor<2x4096xf16>
  return %y : tensor<2x4096xf16>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %norm = transform.structured.match ops{["rms.norm"]} in %root : (!transform.any_op) -> !transform.any_op
    %fill, %split, %merge, %loop = transform.structured.tile_reduction_using_for %norm by tile_sizes = [0, 256] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}
