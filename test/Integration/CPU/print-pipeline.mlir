// RUN: %python %S/Inputs/make_npy.py %t
// RUN: rms-run %s --function=norm --input=@%t/x.npy --input=@%t/w.npy --print-pipeline 2>&1 >/dev/null | FileCheck %s
// RUN: rms-run %s --function=norm --input=@%t/x.npy --input=@%t/w.npy --print-pipeline --pipeline-options="tile-rows=4 threads=false" 2>&1 >/dev/null | FileCheck %s --check-prefix=SET

// --print-pipeline prints, on stderr, the pass pipeline rms-run compiles
// with, each pass with its options: the defaults, or what
// --pipeline-options set.
// CHECK: rms-tile{balance-bytes=-1 threads=0 tile-rows=0}
// CHECK: rms-vectorize{avx512-bf16=-1 block=8 fuse-rows=-1 nontemporal-bytes=-1 split-bytes=-1 split-threads=0 unroll=4 vector-bits=0}
// CHECK: rms-tiles-to-openmp{num-threads=0}
// CHECK: convert-scf-to-openmp
// SET: rms-tile{balance-bytes=-1 threads=1 tile-rows=4}
// SET: rms-vectorize{{{.*}}split-threads=1{{.*}}}
// SET-NOT: openmp

func.func @norm(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x8xf32>
  %init = tensor.empty(%d0) : tensor<?x8xf32>
  %y = rms.norm ins(%x, %w : tensor<?x8xf32>, tensor<8xf32>) outs(%init : tensor<?x8xf32>) epsilon(1.0e-05) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
