// Transform library used by split-rows.py: accumulates the sum of squares of
// every rms.norm in 1000-wide partial rows (PartialReductionOpInterface).
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %norms = transform.structured.match ops{["rms.norm"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.foreach %norms : !transform.any_op {
    ^bb0(%norm: !transform.any_op):
      %fill, %split, %merge, %loop = transform.structured.tile_reduction_using_for %norm by tile_sizes = [0, 1000] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    }
    transform.yield
  }
}
