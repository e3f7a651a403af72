// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 invocation-row-limit=256 row-lanes=32 row-registers=16 short-row-limit=512" -canonicalize -cse | FileCheck %s
// RUN: rms-opt %s --convert-rms-to-gpu="target=metal workgroup-size=32 invocation-row-limit=256 row-lanes=32 row-registers=16 short-row-limit=512" -canonicalize -cse | FileCheck %s --check-prefix=METAL

// A static row length gets kernels made for it on Vulkan: a `_lane` kernel
// whose rows take the lanes they fill (a power of two up to row-lanes) and
// hold the units they need, named `_lane_<lanes>x<units>`; a `_reg` kernel
// whose invocations hold the units the row needs, `_reg_<units>`. Dynamic
// lengths keep the general kernels (row-lanes lanes, as many units as the
// limits allow); so does Metal, whose manifest picks kernels by the row
// length at run time. A specialized kernel records the longest row it holds
// (rms.invocation_row_limit, rms.register_row_limit).

// 64 elements = 16 vec4 units: 16 lanes of one unit each, 2 rows per
// workgroup of 32, 50 workgroups for 100 rows.
// CHECK-LABEL: func.func @tiny
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f32_w_v4_lane_16x1_eps0x3727c5ac blocks in (%c50, %c1, %c1) threads in (%c32, %c1, %c1)
// 3 scalars: 4 lanes (one idle), 8 rows per workgroup.
// CHECK-LABEL: func.func @tiny_scalar
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f16_nw_lane_4x1_eps0x3727c5ac blocks in (%c1, %c1, %c1)
// 1536 elements = 384 units over 32 invocations: 12 units each.
// CHECK-LABEL: func.func @long
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f32_nw_v4_reg_12_eps0x3727c5ac blocks in (%c3, %c1, %c1)
// CHECK-LABEL: func.func @long_dyn
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f32_nw_v4_lane_eps0x3727c5ac
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f32_nw_v4_reg_eps0x3727c5ac

// CHECK-LABEL: gpu.func @rms_norm_f32_w_v4_lane_16x1_eps0x3727c5ac(
// CHECK-SAME: rms.invocation_row_limit = 64 : i64, rms.path = "lane"{{.*}}rms.rows_per_workgroup = 2 : i64
// CHECK: %[[LANE:.*]] = arith.remui %{{.*}}, %c16
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[LANE]]
// CHECK: scf.if %[[IN]] -> (vector<4xf32>)
// CHECK-NOT: scf.if %{{.*}} -> (vector<4xf32>)
// CHECK-COUNT-4: gpu.shuffle xor
// CHECK-NOT: gpu.shuffle
// CHECK: gpu.return
// CHECK-LABEL: gpu.func @rms_norm_f32_nw_v4_reg_12_eps0x3727c5ac(
// CHECK-SAME: rms.path = "reg", rms.register_row_limit = 1536 : i64
// CHECK-COUNT-12: memref.load
// CHECK-NOT: memref.load %arg0
// x is read again only where a result came out zero or NaN (denormal-fixup,
// for devices that flush f32 denormals), in one loop over the 12 units.
// CHECK: scf.for %{{.*}} = %c0 to %c12 step %c1 {
// CHECK: memref.load %arg0
// CHECK: arith.uitofp
// CHECK: } else {
// CHECK-NOT: memref.load %arg0
// CHECK: gpu.return
// CHECK-LABEL: gpu.func @rms_norm_f32_nw_v4_lane_eps0x3727c5ac(
// CHECK-SAME: rms.rows_per_workgroup = 1 : i64
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK-LABEL: gpu.func @rms_norm_f32_nw_v4_reg_eps0x3727c5ac(
// CHECK-COUNT-16: memref.load %arg0

// METAL-NOT: _lane_{{[0-9]}}
// METAL-NOT: _reg_{{[0-9]}}
// METAL: gpu.launch_func @rms_kernels::@rms_norm_f32_w_v4_lane_eps0x3727c5ac
// METAL-NOT: _lane_{{[0-9]}}
// METAL-NOT: _reg_{{[0-9]}}

func.func @tiny(%x: memref<100x64xf32>, %w: memref<64xf32>, %y: memref<100x64xf32>) {
  rms.norm ins(%x, %w : memref<100x64xf32>, memref<64xf32>) outs(%y : memref<100x64xf32>) epsilon(1.0e-05)
  return
}
func.func @tiny_scalar(%x: memref<7x3xf16>, %y: memref<7x3xf16>) {
  rms.norm ins(%x : memref<7x3xf16>) outs(%y : memref<7x3xf16>) epsilon(1.0e-05)
  return
}
func.func @long(%x: memref<3x1536xf32>, %y: memref<3x1536xf32>) {
  rms.norm ins(%x : memref<3x1536xf32>) outs(%y : memref<3x1536xf32>) epsilon(1.0e-05)
  return
}
func.func @long_dyn(%x: memref<?x?xf32>, %y: memref<?x?xf32>) {
  rms.norm ins(%x : memref<?x?xf32>) outs(%y : memref<?x?xf32>) epsilon(1.0e-05)
  return
}
