// RUN: rms-opt %s --rms-metal-pipeline="invocation-row-limit=128 row-lanes=4" | rms-translate --mlir-to-msl --msl-manifest=%t.json -o %t.metal
// RUN: %msl_syntax_check %t.metal
// RUN: FileCheck %s < %t.metal
// RUN: FileCheck %s --check-prefix=MANIFEST < %t.json
// RUN: %python %S/../../lib/check-msl-manifest.py %t.metal %t.json | FileCheck %s --check-prefix=CHECKED

// Tiny rows shared by 4 threads of a simdgroup on Metal: their sums meet in
// simd_shuffle_xor (SPIRV-Cross's helper), and the manifest's `_lane`
// kernels take 256 / 4 = 64 rows per threadgroup.
// CHECK: simd_shuffle_xor
// CHECK: kernel void rms_norm_f32_w_v4_lane_eps0x3727c5ac(
// CHECK: spvSubgroupShuffleXor({{.*}}, 2u)
// CHECK: spvSubgroupShuffleXor({{.*}}, 1u)
// MANIFEST: "entry_point": "rms_norm_f32_w_v4_lane_eps0x3727c5ac",
// MANIFEST: "path": "lane",
// MANIFEST-NEXT: "requires": "n % 4 == 0 && n <= 128",
// MANIFEST: "rows_per_threadgroup": 64,
// MANIFEST: "max(min(ceildiv(rows, 64), 65535), 1)",
// CHECKED: {{[0-9]+}} kernels, manifest agrees with the source

func.func @norm(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf32>
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf32>
  %y = rms.norm ins(%x, %w : tensor<?x?xf32>, tensor<?xf32>) outs(%init : tensor<?x?xf32>) epsilon(1.000000e-05) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
