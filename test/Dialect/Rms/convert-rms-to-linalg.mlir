// RUN: rms-opt %s -convert-rms-to-linalg -split-input-file | FileCheck %s

// f16 with a weight and a dynamic row count: f32 accumulation, one truncf.

// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$ID1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func @f16_weight
// CHECK-SAME: (%[[X:.*]]: tensor<?x4096xf16>, %[[W:.*]]: tensor<4096xf16>, %[[I:.*]]: tensor<?x4096xf16>)
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK-DAG: %[[N:.*]] = arith.constant 4.096000e+03 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<?xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<?x4096xf16>) outs(%[[Z]] : tensor<?xf32>)
// CHECK: ^bb0(%[[A:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK:   %[[AE:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK:   %[[SQ:.*]] = arith.mulf %[[AE]], %[[AE]] : f32
// CHECK:   %[[S:.*]] = arith.addf %[[ACC]], %[[SQ]] : f32
// CHECK:   linalg.yield %[[S]] : f32
// CHECK: %[[SCALE:.*]] = linalg.generic {indexing_maps = [#[[$ID1]], #[[$ID1]]], iterator_types = ["parallel"]} ins(%[[SUM]] : tensor<?xf32>) outs(%{{.*}} : tensor<?xf32>)
// CHECK: ^bb0(%[[T:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[MEAN:.*]] = arith.divf %[[T]], %[[N]] : f32
// CHECK:   %[[SH:.*]] = arith.addf %[[MEAN]], %[[EPS]] : f32
// CHECK:   %[[R:.*]] = math.sqrt %[[SH]] : f32
// CHECK:   %[[INV:.*]] = arith.divf %[[ONE]], %[[R]] : f32
// CHECK:   linalg.yield %[[INV]] : f32
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$COL]], #[[$ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[SCALE]], %[[W]] : tensor<?x4096xf16>, tensor<?xf32>, tensor<4096xf16>) outs(%[[I]] : tensor<?x4096xf16>)
// CHECK: ^bb0(%[[XV:.*]]: f16, %[[SV:.*]]: f32, %[[WV:.*]]: f16, %{{.*}}: f16):
// CHECK:   %[[XE:.*]] = arith.extf %[[XV]] : f16 to f32
// CHECK:   %[[P:.*]] = arith.mulf %[[XE]], %[[SV]] : f32
// CHECK:   %[[WE:.*]] = arith.extf %[[WV]] : f16 to f32
// CHECK:   %[[PW:.*]] = arith.mulf %[[P]], %[[WE]] : f32
// CHECK:   %[[OUT:.*]] = arith.truncf %[[PW]] : f32 to f16
// CHECK:   linalg.yield %[[OUT]] : f16
// CHECK: return %[[Y]]
func.func @f16_weight(%x: tensor<?x4096xf16>, %w: tensor<4096xf16>, %init: tensor<?x4096xf16>) -> tensor<?x4096xf16> {
  %y = rms.norm ins(%x, %w : tensor<?x4096xf16>, tensor<4096xf16>) outs(%init : tensor<?x4096xf16>) epsilon(1.0e-05) -> tensor<?x4096xf16>
  return %y : tensor<?x4096xf16>
}

// -----

// f64 accumulates in f64; a dynamic row length is read at run time; rank 1
// reduces into a 0-d tensor. No extf/truncf anywhere.

// CHECK-LABEL: func @f64_rank1_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?xf64>, %[[I:.*]]: tensor<?xf64>)
// CHECK-NOT: arith.extf
// CHECK: linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<f64>)
// CHECK: iterator_types = ["reduction"]
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?xf64>
// CHECK: %[[DI:.*]] = arith.index_castui %[[D]] : index to i64
// CHECK: %[[N:.*]] = arith.uitofp %[[DI]] : i64 to f64
// CHECK: arith.divf %{{.*}}, %[[N]] : f64
// CHECK-NOT: arith.truncf
// CHECK: return
func.func @f64_rank1_dynamic(%x: tensor<?xf64>, %init: tensor<?xf64>) -> tensor<?xf64> {
  %y = rms.norm ins(%x : tensor<?xf64>) outs(%init : tensor<?xf64>) epsilon(0.0) -> tensor<?xf64>
  return %y : tensor<?xf64>
}

// -----

// The memref form is left alone: the decomposition needs tensors.

// CHECK-LABEL: func @memref_untouched
// CHECK: rms.norm
// CHECK-NOT: linalg.generic
func.func @memref_untouched(%x: memref<2x8xf32>, %y: memref<2x8xf32>) {
  rms.norm ins(%x : memref<2x8xf32>) outs(%y : memref<2x8xf32>) epsilon(1.0e-05)
  return
}
