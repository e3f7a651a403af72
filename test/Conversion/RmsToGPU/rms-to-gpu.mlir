// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32" -canonicalize -cse -split-input-file | FileCheck %s
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 rows-per-workgroup=1 vector-width=1 row-registers=0" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=ONE
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 rows-per-workgroup=1 row-registers=2" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=REG

// Rows and row length travel as scalars (uniform buffers), buffers
// flattened. Short rows (n <= short-row-limit) share a workgroup, 8 per
// workgroup by default; a second grid dimension takes workgroups beyond
// 65535. A dynamic row length picks the vec4 kernel when 4 divides it, the
// scalar kernel otherwise; both share the grid.

// CHECK-LABEL: func @norm_f16
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf16>, %[[W:.*]]: memref<?xf16>, %[[Y:.*]]: memref<?x?xf16>)
// CHECK-DAG: %[[ROWS:.*]] = memref.dim %[[X]], %c0
// CHECK-DAG: %[[N:.*]] = memref.dim %[[X]], %c1
// CHECK: %[[SHORT:.*]] = arith.cmpi ule, %[[N]], %c1024
// CHECK: %[[SHARED:.*]] = arith.ceildivui %[[ROWS]], %c8
// CHECK: %[[GROUPS:.*]] = arith.select %[[SHORT]], %[[SHARED]], %[[ROWS]]
// CHECK: %[[GXMIN:.*]] = arith.minui %[[GROUPS]], %c65535
// CHECK: %[[GX:.*]] = arith.maxui %[[GXMIN]], %c1
// CHECK: %[[GY:.*]] = arith.ceildivui %[[GROUPS]], %[[GX]]
// CHECK: %[[REM:.*]] = arith.remui %[[N]], %c4
// CHECK: %[[ALIGNED:.*]] = arith.cmpi eq, %[[REM]], %c0
// CHECK: scf.if %[[ALIGNED]] {
// CHECK:   %[[XF:.*]] = memref.collapse_shape %[[X]] {{\[}}[0, 1]] : memref<?x?xf16> into memref<?xf16>
// CHECK:   %[[XV:.*]] = builtin.unrealized_conversion_cast %[[XF]] : memref<?xf16> to memref<?xvector<4xf16>>
// CHECK:   %[[WV:.*]] = builtin.unrealized_conversion_cast %[[W]] : memref<?xf16> to memref<?xvector<4xf16>>
// CHECK:   %[[YV:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?xf16> to memref<?xvector<4xf16>>
// CHECK:   gpu.launch_func @rms_kernels::@[[VKERNEL:rms_norm_f16_w_v4_eps0x3727c5ac]] blocks in (%[[GX]], %[[GY]], %c1) threads in (%c32, %c1, %c1) args(%[[XV]] : memref<?xvector<4xf16>>, %[[WV]] : memref<?xvector<4xf16>>, %[[YV]] : memref<?xvector<4xf16>>, %[[ROWS]] : index, %[[N]] : index)
// CHECK: } else {
// CHECK:   %[[XS:.*]] = memref.collapse_shape %[[X]] {{\[}}[0, 1]] : memref<?x?xf16> into memref<?xf16>
// CHECK:   %[[YS:.*]] = memref.collapse_shape %[[Y]] {{\[}}[0, 1]] : memref<?x?xf16> into memref<?xf16>
// CHECK:   gpu.launch_func @rms_kernels::@[[SKERNEL:rms_norm_f16_w_eps0x3727c5ac]] blocks in (%[[GX]], %[[GY]], %c1) threads in (%c32, %c1, %c1) args(%[[XS]] : memref<?xf16>, %[[W]] : memref<?xf16>, %[[YS]] : memref<?xf16>, %[[ROWS]] : index, %[[N]] : index)

// CHECK: gpu.module @rms_kernels attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader, Float16, Float64, Int16, StorageBuffer16BitAccess, GroupNonUniform, GroupNonUniformArithmetic], [SPV_KHR_storage_buffer_storage_class, SPV_KHR_16bit_storage]>, api=Vulkan, #spirv.resource_limits<>>}
// CHECK: gpu.func @[[SKERNEL]](%{{.*}}: memref<?xf16> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 0)>}, %{{.*}}: memref<?xf16> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 1)>}, %{{.*}}: memref<?xf16> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 2)>}, %{{.*}}: index {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 3), Uniform>}, %{{.*}}: index {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 4), Uniform>})

// The vec4 kernel: the row in units of 4 elements.
// CHECK: gpu.func @[[VKERNEL]](%[[KX:.*]]: memref<?xvector<4xf16>> {{.*}}, %[[KW:.*]]: memref<?xvector<4xf16>> {{.*}}, %[[KY:.*]]: memref<?xvector<4xf16>> {{.*}}, %[[KROWS:.*]]: index {{.*}}, %[[KN:.*]]: index {{.*}}) kernel attributes {rms.rows_per_workgroup = 8 : i64, rms.short_row_limit = 1024 : i64, spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [32, 1, 1]>}
// CHECK:   %[[UNITS:.*]] = arith.divui %[[KN]], %c4
// CHECK:   %[[PARTIALS:.*]] = memref.alloc() : memref<32xf32, 3>
// CHECK:   %[[GROUP:.*]] = arith.addi
// CHECK:   %[[KSHORT:.*]] = arith.cmpi ule, %[[KN]], %c1024
// CHECK:   scf.if %[[KSHORT]] {

// Short rows: each subgroup normalizes whole rows, its lanes (the last
// subgroup may be partial) striding over the row; one subgroup reduction, no
// workgroup memory, no barrier. The subgroup count is computed from the
// subgroup size (lavapipe rounds gpu.num_subgroups down).
// CHECK:     %[[SG:.*]] = gpu.subgroup_id : index
// CHECK:     %[[SGSIZE:.*]] = gpu.subgroup_size : index
// CHECK:     %[[FIRSTLANE:.*]] = arith.muli %[[SG]], %[[SGSIZE]]
// CHECK:     %[[LEFT:.*]] = arith.subi %c32, %[[FIRSTLANE]]
// CHECK:     %[[LANES:.*]] = arith.minui %[[SGSIZE]], %[[LEFT]]
// CHECK:     %[[LANE:.*]] = gpu.lane_id
// CHECK:     %[[FIRSTROW:.*]] = arith.muli %[[GROUP]], %c8
// CHECK:     %[[SGROUND:.*]] = arith.addi %[[SGSIZE]], %c31
// CHECK:     %[[NSG:.*]] = arith.divui %[[SGROUND]], %[[SGSIZE]]
// CHECK:     scf.for %[[R:.*]] = %[[SG]] to %c8 step %[[NSG]] {
// CHECK:       %[[ROW:.*]] = arith.addi %[[FIRSTROW]], %[[R]]
// CHECK:       %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %[[KROWS]]
// CHECK:       scf.if %[[IN]] {
// CHECK:         scf.for %{{.*}} = %[[LANE]] to
// CHECK:           scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK-COUNT-4:     arith.extf %{{.*}} : vector<4xf16> to vector<4xf32>
// CHECK:         vector.extract %{{.*}}[0] : f32 from vector<4xf32>
// CHECK:         %[[ROWSUM:.*]] = gpu.subgroup_reduce add %{{.*}} : (f32) -> f32
// CHECK-NOT:     gpu.barrier
// CHECK:         arith.divf %[[ROWSUM]]
// CHECK:         %[[SCALE:.*]] = vector.broadcast %{{.*}} : f32 to vector<4xf32>
// CHECK:         scf.for %{{.*}} = %[[LANE]] to
// CHECK:           memref.load %[[KW]]
// CHECK:           arith.truncf %{{.*}} : vector<4xf32> to vector<4xf16>
// CHECK:           memref.store %{{.*}}, %[[KY]]
// CHECK:   } else {

// Long rows: one workgroup per row: blocked partial sums of squares per
// invocation in f32 (4 vec4 accumulators over blocks, then the block sums;
// loops that may run no iteration are guarded), a tail loop, a subgroup
// reduction whose first lane publishes the subgroup's sum in workgroup
// memory, one barrier, every invocation adds the subgroups' sums in the
// same order, then the scaling stride.
// CHECK:     %[[LIN:.*]] = arith.cmpi ult, %[[GROUP]], %[[KROWS]]
// CHECK:     scf.if %[[LIN]] {
// CHECK:       %[[TID:.*]] = gpu.thread_id x
// CHECK:       scf.for %{{.*}} = %[[TID]] to %{{.*}} step %c8192 iter_args(%{{.*}}) -> (vector<4xf32>)
// CHECK:         scf.for %{{.*}} step %c128 iter_args(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK:       scf.for %{{.*}} step %c32 iter_args
// CHECK:       %[[SUBGROUP:.*]] = gpu.subgroup_reduce add %{{.*}} : (f32) -> f32
// CHECK:       %[[LLANE:.*]] = gpu.lane_id
// CHECK:       %[[FIRST:.*]] = arith.cmpi eq, %[[LLANE]], %c0
// CHECK:       scf.if %[[FIRST]] {
// CHECK:         %[[LSG:.*]] = gpu.subgroup_id : index
// CHECK:         memref.store %[[SUBGROUP]], %[[PARTIALS]][%[[LSG]]] : memref<32xf32, 3>
// CHECK:       gpu.barrier
// CHECK-NOT:   gpu.barrier
// CHECK:       %[[LSGSIZE:.*]] = gpu.subgroup_size : index
// CHECK:       %[[LSGROUND:.*]] = arith.addi %[[LSGSIZE]], %c31
// CHECK:       %[[LNSG:.*]] = arith.divui %[[LSGROUND]], %[[LSGSIZE]]
// CHECK:       scf.for %{{.*}} = %c0 to %[[LNSG]] step %c1 iter_args
// CHECK:         memref.load %[[PARTIALS]]
// CHECK:       math.sqrt
// CHECK:       scf.for %{{.*}} = %[[TID]] to %{{.*}} step %c128 {
// CHECK:         memref.load %[[KW]]
// CHECK:         memref.store %{{.*}}, %[[KY]]
// CHECK:       scf.for %{{.*}} to %[[UNITS]] step %c32 {
// CHECK:   gpu.return

// Rows of at most row-registers units per invocation (here 2 x 32 vec4s)
// are read once: each invocation loads its units into registers (zero past
// the row's end), reduces, and scales the registers; longer rows take the
// streamed path, which reads x twice.
// REG-LABEL: gpu.func @rms_norm_f16_w_v4_eps0x3727c5ac(
// REG:   %[[UNITS:.*]] = arith.divui %{{.*}}, %c4
// REG:   %[[TID:.*]] = gpu.thread_id x
// REG:   %[[FITS:.*]] = arith.cmpi ule, %[[UNITS]], %c64
// REG:   scf.if %[[FITS]] {
// REG:     %[[IN0:.*]] = arith.cmpi ult, %[[TID]], %[[UNITS]]
// REG:     %[[U0:.*]] = scf.if %[[IN0]] -> (vector<4xf32>) {
// REG:       memref.load
// REG:     } else {
// REG:       scf.yield %{{.*}} : vector<4xf32>
// REG:     %[[J1:.*]] = arith.addi %[[TID]], %c32
// REG:     %[[IN1:.*]] = arith.cmpi ult, %[[J1]], %[[UNITS]]
// REG:     %[[U1:.*]] = scf.if %[[IN1]] -> (vector<4xf32>) {
// REG:       memref.load
// REG:     gpu.subgroup_reduce add
// REG:     gpu.barrier
// REG:     math.sqrt
// REG:     scf.if %[[IN0]] {
// REG:       arith.mulf %[[U0]]
// REG:       memref.store
// REG:     scf.if %[[IN1]] {
// REG:       arith.mulf %[[U1]]
// REG:       memref.store
// REG:   } else {
// REG:     scf.for
// REG:     gpu.barrier
// REG:     scf.for

// With rows-per-workgroup=1, vector-width=1 and row-registers=0: one scalar
// kernel, one workgroup per row whatever its length, x read twice.
// ONE-LABEL: func @norm_f16
// ONE-NOT: scf.if
// ONE: %[[GX:.*]] = arith.maxui
// ONE: gpu.launch_func @rms_kernels::@rms_norm_f16_w_eps0x3727c5ac blocks in (%[[GX]], %{{.*}}, %c1) threads in (%c32, %c1, %c1) args(%{{.*}} : memref<?xf16>, %{{.*}} : memref<?xf16>, %{{.*}} : memref<?xf16>, %{{.*}} : index, %{{.*}} : index)
// ONE: gpu.func @rms_norm_f16_w_eps0x3727c5ac(
// ONE-NOT: gpu.subgroup_size
// ONE: gpu.barrier
// ONE: gpu.return
// ONE-NEXT: }
// ONE-NEXT: }
func.func @norm_f16(%x: memref<?x?xf16>, %w: memref<?xf16>, %y: memref<?x?xf16>) {
  rms.norm ins(%x, %w : memref<?x?xf16>, memref<?xf16>) outs(%y : memref<?x?xf16>) epsilon(1.0e-05)
  return
}

// -----

// Static shapes are cast to the kernel's dynamic buffers; two norms of the
// same variant share one kernel; rows of 4099 take only the scalar kernel;
// f64 accumulates in f64.

// CHECK-LABEL: func @two_f64
// CHECK: memref.cast %{{.*}} : memref<12297xf64> to memref<?xf64>
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f64_nw_eps0x0
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f64_nw_eps0x0
// CHECK-NOT: scf.if
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
// buffers as i16 (here vectors of 4, as 4 divides the static row length),
// the kernel widens by a shift into the high half of an f32 and narrows by
// rounding the f32 bits to nearest even, keeping NaN quiet.

// CHECK-LABEL: func @norm_bf16
// CHECK-NOT: scf.if
// CHECK: %[[XB:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?xbf16> to memref<?xvector<4xi16>>
// CHECK: %[[YB:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?xbf16> to memref<?xvector<4xi16>>
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_bf16_nw_v4_eps0x3727c5ac {{.*}} args(%[[XB]] : memref<?xvector<4xi16>>, %[[YB]] : memref<?xvector<4xi16>>,
// CHECK-NOT: gpu.func @rms_norm_bf16_nw_eps
// CHECK: gpu.func @rms_norm_bf16_nw_v4_eps0x3727c5ac(%{{.*}}: memref<?xvector<4xi16>> {{.*}}, %{{.*}}: memref<?xvector<4xi16>> {{.*}}, %{{.*}}: index {{.*}}, %{{.*}}: index {{.*}})
// CHECK:   %[[WIDE:.*]] = arith.extui %{{.*}} : vector<4xi16> to vector<4xi32>
// CHECK:   %[[HIGH:.*]] = arith.shli %[[WIDE]], %cst{{.*}} : vector<4xi32>
// CHECK:   arith.bitcast %[[HIGH]] : vector<4xi32> to vector<4xf32>
// CHECK:   %[[BITS:.*]] = arith.bitcast %{{.*}} : vector<4xf32> to vector<4xi32>
// CHECK:   %[[LSB:.*]] = arith.andi %{{.*}}, %cst{{.*}} : vector<4xi32>
// CHECK:   %[[BIAS:.*]] = arith.addi %[[LSB]], %cst{{.*}} : vector<4xi32>
// CHECK:   arith.addi %[[BITS]], %[[BIAS]] : vector<4xi32>
// CHECK:   arith.cmpi ugt, %{{.*}}, %cst{{.*}} : vector<4xi32>
// CHECK:   arith.select
// CHECK:   arith.trunci %{{.*}} : vector<4xi32> to vector<4xi16>
func.func @norm_bf16(%x: memref<4x64xbf16>, %y: memref<4x64xbf16>) {
  rms.norm ins(%x : memref<4x64xbf16>) outs(%y : memref<4x64xbf16>) epsilon(1.0e-05)
  return
}
