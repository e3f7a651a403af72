// Transform library used by split-rows.py: splits the normalized dimension
// of every rms.norm across 4 parallel partial sums (PartialReductionOpInterface).
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %norms = transform.structured.match ops{["rms.norm"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.foreach %norms : !transform.any_op {
    ^bb0(%norm: !transform.any_op):
      %fill, %split, %merge, %loop = transform.structured.tile_reduction_using_forall %norm by num_threads = [0, 4] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    }
    transform.yield
  }
}
