// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32" -canonicalize -cse -split-input-file | FileCheck %s

// One workgroup per row: rows and row length travel as scalars, buffers
// flattened; a second grid dimension takes rows beyond 65535.

// CHECK-LABEL: func @norm_f16
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf16>, %[[W:.*]]: memref<?xf16>, %[[Y:.*]]: memref<?x?xf16>)
// CHECK-DAG: %[[ROWS:.*]] = memref.dim %[[X]], %c0
// CHECK-DAG: %[[N:.*]] = memref.dim %[[X]], %c1
// CHECK-DAG: %[[XF:.*]] = memref.collapse_shape %[[X]] {{\[}}[0, 1]] : memref<?x?xf16> into memref<?xf16>
// CHECK-DAG: %[[YF:.*]] = memref.collapse_shape %[[Y]] {{\[}}[0, 1]] : memref<?x?xf16> into memref<?xf16>
// CHECK: %[[GXMIN:.*]] = arith.minui %[[ROWS]], %c65535
// CHECK: %[[GX:.*]] = arith.maxui %[[GXMIN]], %c1
// CHECK: %[[GY:.*]] = arith.ceildivui %[[ROWS]], %[[GX]]
// CHECK: gpu.launch_func @rms_kernels::@[[KERNEL:rms_norm_f16_w_eps0x3727c5ac]] blocks in (%[[GX]], %[[GY]], %c1) threads in (%c32, %c1, %c1) args(%[[XF]] : memref<?xf16>, %[[W]] : memref<?xf16>, %[[YF]] : memref<?xf16>, %[[ROWS]] : index, %[[N]] : index)

// The kernel: blocked partial sums of squares per invocation in f32 (4
// accumulators over blocks, then the block sums; loops that may run no
// iteration are guarded), a tail loop, a subgroup reduction whose first
// lane publishes the subgroup's sum in workgroup memory, one barrier, every
// invocation adds the subgroups' sums in the same order, then the scaling
// stride.
// CHECK: gpu.module @rms_kernels attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader, Float16, Float64, Int16, StorageBuffer16BitAccess, GroupNonUniform, GroupNonUniformArithmetic], [SPV_KHR_storage_buffer_storage_class, SPV_KHR_16bit_storage]>, api=Vulkan, #spirv.resource_limits<>>}
// CHECK: gpu.func @[[KERNEL]](%[[KX:.*]]: memref<?xf16>, %[[KW:.*]]: memref<?xf16>, %[[KY:.*]]: memref<?xf16>, %[[KROWS:.*]]: index, %[[KN:.*]]: index) kernel attributes {spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [32, 1, 1]>}
// CHECK:   %[[SHARED:.*]] = memref.alloc() : memref<32xf32, 3>
// CHECK:   %[[TID:.*]] = gpu.thread_id x
// CHECK:   %[[ROW:.*]] = arith.addi
// CHECK:   %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %[[KROWS]]
// CHECK:   scf.if %[[IN]] {
// CHECK:     %[[BLOCKS:.*]] = scf.if %{{.*}} -> (f32) {
// CHECK:       scf.for %{{.*}} = %[[TID]] to %{{.*}} step %c8192 iter_args(%{{.*}}) -> (f32)
// CHECK:         scf.for %{{.*}} step %c128 iter_args(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) -> (f32, f32, f32, f32)
// CHECK-COUNT-4:   arith.extf %{{.*}} : f16 to f32
// CHECK:     %[[TAIL:.*]] = scf.if %{{.*}} -> (f32) {
// CHECK:       scf.for %{{.*}} step %c32 iter_args
// CHECK:     %[[PARTIAL:.*]] = arith.addf %[[BLOCKS]], %[[TAIL]] : f32
// CHECK:     %[[SUBGROUP:.*]] = gpu.subgroup_reduce add %[[PARTIAL]] : (f32) -> f32
// CHECK:     %[[LANE:.*]] = gpu.lane_id
// CHECK:     %[[FIRST:.*]] = arith.cmpi eq, %[[LANE]], %c0
// CHECK:     scf.if %[[FIRST]] {
// CHECK:       %[[SG:.*]] = gpu.subgroup_id : index
// CHECK:       memref.store %[[SUBGROUP]], %[[SHARED]][%[[SG]]] : memref<32xf32, 3>
// CHECK:     gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK:     %[[NSG:.*]] = gpu.num_subgroups : index
// CHECK:     scf.for %{{.*}} = %c0 to %[[NSG]] step %c1 iter_args
// CHECK:       memref.load %[[SHARED]]
// CHECK:     math.sqrt
// CHECK:     scf.for %{{.*}} = %[[TID]] to %{{.*}} step %c128 {
// CHECK:       memref.load %[[KW]]
// CHECK:       arith.truncf %{{.*}} : f32 to f16
// CHECK:       memref.store %{{.*}}, %[[KY]]
// CHECK:     scf.for %{{.*}} to %[[KN]] step %c32 {
func.func @norm_f16(%x: memref<?x?xf16>, %w: memref<?xf16>, %y: memref<?x?xf16>) {
  rms.norm ins(%x, %w : memref<?x?xf16>, memref<?xf16>) outs(%y : memref<?x?xf16>) epsilon(1.0e-05)
  return
}

// -----

// Static shapes are cast to the kernel's dynamic buffers; two norms of the
// same variant share one kernel; f64 accumulates in f64.

// CHECK-LABEL: func @two_f64
// CHECK: memref.cast %{{.*}} : memref<12297xf64> to memref<?xf64>
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f64_nw_eps0x0
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f64_nw_eps0x0
// CHECK: gpu.func @rms_norm_f64_nw_eps0x0(
// CHECK:   memref.alloc() : memref<32xf64, 3>
// CHECK-NOT: gpu.func
func.func @two_f64(%x: memref<3x4099xf64>, %y: memref<3x4099xf64>, %z: memref<3x4099xf64>) {
  rms.norm ins(%x : memref<3x4099xf64>) outs(%y : memref<3x4099xf64>) epsilon(0.0)
  rms.norm ins(%y : memref<3x4099xf64>) outs(%z : memref<3x4099xf64>) epsilon(0.0)
  return
}

// -----

// bf16 travels as its bits (SPIR-V has no bf16): the host reinterprets the
// buffers as i16, the kernel widens by a shift into the high half of an f32
// and narrows by rounding the f32 bits to nearest even, keeping NaN quiet.

// CHECK-LABEL: func @norm_bf16
// CHECK: %[[XB:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?xbf16> to memref<?xi16>
// CHECK: %[[YB:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?xbf16> to memref<?xi16>
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_bf16_nw_eps0x3727c5ac {{.*}} args(%[[XB]] : memref<?xi16>, %[[YB]] : memref<?xi16>,
// CHECK: gpu.func @rms_norm_bf16_nw_eps0x3727c5ac(%{{.*}}: memref<?xi16>, %{{.*}}: memref<?xi16>, %{{.*}}: index, %{{.*}}: index)
// CHECK:   %[[WIDE:.*]] = arith.extui %{{.*}} : i16 to i32
// CHECK:   %[[HIGH:.*]] = arith.shli %[[WIDE]], %c16_i32 : i32
// CHECK:   arith.bitcast %[[HIGH]] : i32 to f32
// CHECK:   %[[BITS:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK:   %[[LSB:.*]] = arith.andi %{{.*}}, %c1_i32 : i32
// CHECK:   %[[BIAS:.*]] = arith.addi %[[LSB]], %c32767_i32 : i32
// CHECK:   arith.addi %[[BITS]], %[[BIAS]] : i32
// CHECK:   arith.cmpi ugt, %{{.*}}, %c2139095040_i32 : i32
// CHECK:   arith.select
// CHECK:   arith.trunci %{{.*}} : i32 to i16
func.func @norm_bf16(%x: memref<4x64xbf16>, %y: memref<4x64xbf16>) {
  rms.norm ins(%x : memref<4x64xbf16>) outs(%y : memref<4x64xbf16>) epsilon(1.0e-05)
  return
}
