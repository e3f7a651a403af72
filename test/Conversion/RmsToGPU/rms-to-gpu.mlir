// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32" -canonicalize -cse -split-input-file | FileCheck %s
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 rows-per-workgroup=1 vector-width=1 row-registers=0" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=ONE
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 rows-per-workgroup=1 row-registers=2" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=REG
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 invocation-row-limit=64 denormal-fixup=0" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=TINY
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 invocation-row-limit=256 row-lanes=8" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=SHARED
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 split-row-limit=65536 split-chunk=4096" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=SPLIT
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 rows-per-workgroup=1 vector-width=1 row-registers=0 integer-f16-rounding=true" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=INTF16

// The host picks a kernel by the row length n (at run time here): vec4
// kernels when 4 divides n, scalar ones otherwise; then short rows (n <=
// 1024, 8 rows per workgroup, one subgroup per row), long rows that fit in
// registers (n <= 32 invocations x 16 registers x 4 = 2048), other long
// rows. Each kernel holds only its path. Rows and row length travel as
// scalars (uniform buffers), buffers flattened; for Vulkan, f16 and bf16
// vec4s travel as pairs of 32-bit words.

// CHECK-LABEL: func @norm_f16
// CHECK-SAME: (%[[X:.*]]: memref<?x?xf16>, %[[W:.*]]: memref<?xf16>, %[[Y:.*]]: memref<?x?xf16>)
// CHECK-DAG: %[[ROWS:.*]] = memref.dim %[[X]], %c0
// CHECK-DAG: %[[N:.*]] = memref.dim %[[X]], %c1
// CHECK: %[[REM:.*]] = arith.remui %[[N]], %c4
// CHECK: %[[ALIGNED:.*]] = arith.cmpi eq, %[[REM]], %c0
// CHECK: scf.if %[[ALIGNED]] {
// CHECK:   %[[SHORT:.*]] = arith.cmpi ule, %[[N]], %c1024
// CHECK:   scf.if %[[SHORT]] {
// CHECK:     %[[GROUPS:.*]] = arith.ceildivui %[[ROWS]], %c8
// CHECK:     %[[XF:.*]] = memref.collapse_shape %[[X]] {{\[}}[0, 1]] : memref<?x?xf16> into memref<?xf16>
// CHECK:     %[[XV:.*]] = builtin.unrealized_conversion_cast %[[XF]] : memref<?xf16> to memref<?xvector<2xi32>>
// CHECK:     %[[WV:.*]] = builtin.unrealized_conversion_cast %[[W]] : memref<?xf16> to memref<?xvector<2xi32>>
// CHECK:     %[[YV:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?xf16> to memref<?xvector<2xi32>>
// CHECK:     %[[GXMIN:.*]] = arith.minui %[[GROUPS]], %c65535
// CHECK:     %[[GX:.*]] = arith.maxui %[[GXMIN]], %c1
// CHECK:     %[[GY:.*]] = arith.ceildivui %[[GROUPS]], %[[GX]]
// CHECK:     gpu.launch_func @rms_kernels::@[[SHORTK:rms_norm_f16_w_v4_rows_eps0x3727c5ac]] blocks in (%[[GX]], %[[GY]], %c1) threads in (%c32, %c1, %c1) args(%[[XV]] : memref<?xvector<2xi32>>, %[[WV]] : memref<?xvector<2xi32>>, %[[YV]] : memref<?xvector<2xi32>>, %[[ROWS]] : index, %[[N]] : index)
// CHECK:   } else {
// CHECK:     %[[FITS:.*]] = arith.cmpi ule, %[[N]], %c2048
// CHECK:     scf.if %[[FITS]] {
// CHECK:       arith.minui %[[ROWS]], %c65535
// CHECK:       gpu.launch_func @rms_kernels::@[[REGK:rms_norm_f16_w_v4_reg_eps0x3727c5ac]]
// CHECK:     } else {
// CHECK:       gpu.launch_func @rms_kernels::@[[ROWK:rms_norm_f16_w_v4_row_eps0x3727c5ac]]
// CHECK: } else {
// CHECK:   scf.if %{{.*}} {
// CHECK:     %[[XS:.*]] = memref.collapse_shape %[[X]] {{\[}}[0, 1]] : memref<?x?xf16> into memref<?xf16>
// CHECK:     %[[YS:.*]] = memref.collapse_shape %[[Y]] {{\[}}[0, 1]] : memref<?x?xf16> into memref<?xf16>
// CHECK:     gpu.launch_func @rms_kernels::@rms_norm_f16_w_rows_eps0x3727c5ac {{.*}} args(%[[XS]] : memref<?xf16>, %[[W]] : memref<?xf16>, %[[YS]] : memref<?xf16>, %[[ROWS]] : index, %[[N]] : index)
// CHECK:   } else {
//            32 x 16 scalar registers hold no more than a short row: no
//            registers kernel.
// CHECK-NOT: scf.if
// CHECK:     gpu.launch_func @rms_kernels::@rms_norm_f16_w_row_eps0x3727c5ac

// CHECK: gpu.module @rms_kernels attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader, Float16, Float64, Int16, StorageBuffer16BitAccess, GroupNonUniform, GroupNonUniformArithmetic, GroupNonUniformShuffle, DenormPreserve], [SPV_KHR_storage_buffer_storage_class, SPV_KHR_16bit_storage, SPV_KHR_float_controls]>, api=Vulkan, #spirv.resource_limits<>>}

// Short rows: each subgroup normalizes whole rows, its lanes (the last
// subgroup may be partial) striding over the row, keeping it in registers
// when it fits (16 per lane) and reading it twice otherwise; one subgroup
// reduction, no workgroup memory, no barrier. The subgroup count is
// computed from the subgroup size (lavapipe rounds gpu.num_subgroups down).
// CHECK: gpu.func @[[SHORTK]](%[[KX:.*]]: memref<?xvector<2xi32>> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 0)>}, %[[KW:.*]]: memref<?xvector<2xi32>> {{.*}}, %[[KY:.*]]: memref<?xvector<2xi32>> {{.*}}, %[[KROWS:.*]]: index {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 3), Uniform>}, %[[KN:.*]]: index {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 4), Uniform>}) kernel attributes {rms.invocation_row_limit = 0 : i64, rms.path = "rows", rms.register_row_limit = 2048 : i64, rms.rows_per_workgroup = 8 : i64, rms.short_row_limit = 1024 : i64, spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [32, 1, 1]>}
// CHECK-NOT: memref.alloc
// CHECK:   %[[UNITS:.*]] = arith.divui %[[KN]], %c4
// CHECK:   %[[GROUP:.*]] = arith.addi
// CHECK:   %[[SG:.*]] = gpu.subgroup_id : index
// CHECK:   %[[SGSIZE:.*]] = gpu.subgroup_size : index
// CHECK:   %[[FIRSTLANE:.*]] = arith.muli %[[SG]], %[[SGSIZE]]
// CHECK:   %[[LEFT:.*]] = arith.subi %c32, %[[FIRSTLANE]]
// CHECK:   %[[LANES:.*]] = arith.minui %[[SGSIZE]], %[[LEFT]]
// CHECK:   %[[LANE:.*]] = gpu.lane_id
// CHECK:   %[[FIRSTROW:.*]] = arith.muli %[[GROUP]], %c8
// CHECK:   %[[SGROUND:.*]] = arith.addi %[[SGSIZE]], %c31
// CHECK:   %[[NSG:.*]] = arith.divui %[[SGROUND]], %[[SGSIZE]]
// CHECK:   scf.for %[[R:.*]] = %[[SG]] to %c8 step %[[NSG]] {
// CHECK:     %[[ROW:.*]] = arith.addi %[[FIRSTROW]], %[[R]]
// CHECK:     %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %[[KROWS]]
// CHECK:     scf.if %[[IN]] {
// CHECK:       %[[HELD:.*]] = arith.muli %[[LANES]], %c16
// CHECK:       %[[FITS:.*]] = arith.cmpi ule, %[[UNITS]], %[[HELD]]
// CHECK:       scf.if %[[FITS]] {
// CHECK:         scf.if %{{.*}} -> (vector<4xf32>) {
// CHECK:           %[[WORDS:.*]] = memref.load %[[KX]]
// CHECK:           %[[HALVES:.*]] = vector.bitcast %[[WORDS]] : vector<2xi32> to vector<4xf16>
// CHECK:           arith.extf %[[HALVES]] : vector<4xf16> to vector<4xf32>
// CHECK:         vector.extract %{{.*}}[0] : f32 from vector<4xf32>
// CHECK:         gpu.subgroup_reduce add %{{.*}} : (f32) -> f32
// CHECK:         math.sqrt
// CHECK:         vector.broadcast %{{.*}} : f32 to vector<4xf32>
// CHECK:         scf.if
// CHECK:           memref.load %[[KW]]
// CHECK:           %[[NARROW:.*]] = arith.truncf %{{.*}} : vector<4xf32> to vector<4xf16>
// CHECK:           %[[PACKED:.*]] = vector.bitcast %[[NARROW]] : vector<4xf16> to vector<2xi32>
// CHECK:           memref.store %[[PACKED]], %[[KY]]
// CHECK:       } else {
// CHECK:         scf.for %{{.*}} = %[[LANE]] to
// CHECK:           scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK-COUNT-4:     arith.extf %{{.*}} : vector<4xf16> to vector<4xf32>
// CHECK:         gpu.subgroup_reduce add %{{.*}} : (f32) -> f32
// CHECK:         scf.for %{{.*}} = %[[LANE]] to
// CHECK-NOT: gpu.barrier
// CHECK:   gpu.return

// Long rows in registers: the workgroup's invocations hold the row (16
// units each, zero past its end), reduce, and scale the registers: x is
// read once.
// CHECK: gpu.func @[[REGK]](
// CHECK-SAME: rms.path = "reg"
// CHECK:   %[[PARTIALS:.*]] = memref.alloc() : memref<32xf32, 3>
// CHECK:   %[[TID:.*]] = gpu.thread_id x
// CHECK-NOT: scf.for
// CHECK:   gpu.subgroup_reduce add
// CHECK:   gpu.barrier
// CHECK:   scf.for %{{.*}} = %c0 to %{{.*}} step %c1 iter_args
// CHECK:     memref.load %[[PARTIALS]]
// CHECK-NOT: gpu.barrier
// CHECK:   gpu.return

// Other long rows: one workgroup per row; blocked partial sums of squares
// per invocation in f32 (4 vec4 accumulators over blocks, then the block
// sums; loops that may run no iteration are guarded), a tail loop, a
// subgroup reduction whose first lane publishes the subgroup's sum in
// workgroup memory, one barrier, every invocation adds the subgroups' sums
// in the same order, then the scaling stride (x read again).
// CHECK: gpu.func @[[ROWK]](%[[LX:.*]]: memref<?xvector<2xi32>> {{.*}}, %[[LW:.*]]: memref<?xvector<2xi32>> {{.*}}, %[[LY:.*]]: memref<?xvector<2xi32>> {{.*}}, %[[LROWS:.*]]: index {{.*}}, %[[LN:.*]]: index {{.*}}) kernel attributes {rms.invocation_row_limit = 0 : i64, rms.path = "row", rms.register_row_limit = 2048 : i64, rms.rows_per_workgroup = 1 : i64, rms.short_row_limit = 1024 : i64, spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [32, 1, 1]>}
// CHECK:   %[[LUNITS:.*]] = arith.divui %[[LN]], %c4
// CHECK:   %[[LPARTIALS:.*]] = memref.alloc() : memref<32xf32, 3>
// CHECK:   %[[LIN:.*]] = arith.cmpi ult, %{{.*}}, %[[LROWS]]
// CHECK:   scf.if %[[LIN]] {
// CHECK:     %[[LTID:.*]] = gpu.thread_id x
// CHECK:     scf.for %{{.*}} = %[[LTID]] to %{{.*}} step %c8192 iter_args(%{{.*}}) -> (vector<4xf32>)
// CHECK:       scf.for %{{.*}} step %c128 iter_args(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK:     scf.for %{{.*}} step %c32 iter_args
// CHECK:     %[[SUBGROUP:.*]] = gpu.subgroup_reduce add %{{.*}} : (f32) -> f32
// CHECK:     %[[LLANE:.*]] = gpu.lane_id
// CHECK:     %[[FIRST:.*]] = arith.cmpi eq, %[[LLANE]], %c0
// CHECK:     scf.if %[[FIRST]] {
// CHECK:       %[[LSG:.*]] = gpu.subgroup_id : index
// CHECK:       memref.store %[[SUBGROUP]], %[[LPARTIALS]][%[[LSG]]] : memref<32xf32, 3>
// CHECK:     gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK:     %[[LSGSIZE:.*]] = gpu.subgroup_size : index
// CHECK:     %[[LSGROUND:.*]] = arith.addi %[[LSGSIZE]], %c31
// CHECK:     %[[LNSG:.*]] = arith.divui %[[LSGROUND]], %[[LSGSIZE]]
// CHECK:     scf.for %{{.*}} = %c0 to %[[LNSG]] step %c1 iter_args
// CHECK:       memref.load %[[LPARTIALS]]
// CHECK:     math.sqrt
// CHECK:     scf.for %{{.*}} = %[[LTID]] to %{{.*}} step %c128 {
// CHECK:       memref.load %[[LW]]
// CHECK:       memref.store %{{.*}}, %[[LY]]
// CHECK:     scf.for %{{.*}} to %[[LUNITS]] step %c32 {
// CHECK:   gpu.return

// With row-registers=2 and one workgroup per row: the registers kernel for
// n <= 32 x 2 x 4 = 256 (2 guarded loads per invocation, 2 guarded stores).
// REG-LABEL: func @norm_f16
// REG: arith.cmpi ule, %{{.*}}, %c256
// REG: gpu.launch_func @rms_kernels::@rms_norm_f16_w_v4_reg_eps0x3727c5ac
// REG: gpu.launch_func @rms_kernels::@rms_norm_f16_w_v4_row_eps0x3727c5ac
// REG: arith.cmpi ule, %{{.*}}, %c64
// REG: gpu.launch_func @rms_kernels::@rms_norm_f16_w_reg_eps0x3727c5ac
// REG: gpu.launch_func @rms_kernels::@rms_norm_f16_w_row_eps0x3727c5ac
// REG-LABEL: gpu.func @rms_norm_f16_w_v4_reg_eps0x3727c5ac(
// REG:   %[[UNITS:.*]] = arith.divui %{{.*}}, %c4
// REG:   %[[TID:.*]] = gpu.thread_id x
// REG-NOT: scf.for
// REG:   %[[IN0:.*]] = arith.cmpi ult, %[[TID]], %[[UNITS]]
// REG:   %[[U0:.*]] = scf.if %[[IN0]] -> (vector<4xf32>) {
// REG:     memref.load
// REG:   } else {
// REG:     scf.yield %{{.*}} : vector<4xf32>
// REG:   %[[J1:.*]] = arith.addi %[[TID]], %c32
// REG:   %[[IN1:.*]] = arith.cmpi ult, %[[J1]], %[[UNITS]]
// REG:   %[[U1:.*]] = scf.if %[[IN1]] -> (vector<4xf32>) {
// REG:     memref.load
// REG:   gpu.subgroup_reduce add
// REG:   gpu.barrier
// REG:   math.sqrt
// REG:   scf.if %[[IN0]] {
// REG:     arith.mulf %[[U0]]
// REG:     memref.store
// REG:   scf.if %[[IN1]] {
// REG:     arith.mulf %[[U1]]
// REG:     memref.store
// REG:   gpu.return

// With invocation-row-limit=64 (what rms-run uses on CPU devices): rows of
// at most 64 elements are normalized one per invocation, 32 rows per
// workgroup, each invocation holding its own row in 16 vec4 registers (read
// once, no loop, no cross-invocation step); longer rows as before.
// TINY-LABEL: func @norm_f16
// TINY:   %[[SMALL:.*]] = arith.cmpi ule, %[[N:.*]], %c64
// TINY:   scf.if %[[SMALL]] {
// TINY:     %[[GROUPS:.*]] = arith.ceildivui %{{.*}}, %c32
// TINY:     gpu.launch_func @rms_kernels::@rms_norm_f16_w_v4_lane_eps0x3727c5ac
// TINY:   } else {
// TINY:     arith.cmpi ule, %[[N]], %c1024
// TINY:     gpu.launch_func @rms_kernels::@rms_norm_f16_w_v4_rows_eps0x3727c5ac
// TINY-LABEL: gpu.func @rms_norm_f16_w_v4_lane_eps0x3727c5ac(
// TINY-SAME: rms.invocation_row_limit = 64 : i64, rms.path = "lane", rms.register_row_limit = 2048 : i64, rms.rows_per_workgroup = 32 : i64
// TINY:   %[[UNITS:.*]] = arith.divui %{{.*}}, %c4
// TINY:   %[[FIRST:.*]] = arith.muli %{{.*}}, %c32
// TINY:   %[[TID:.*]] = gpu.thread_id x
// TINY:   %[[ROW:.*]] = arith.addi %[[FIRST]], %[[TID]]
// TINY:   %[[IN_RANGE:.*]] = arith.cmpi ult, %[[ROW]]
// TINY:   %[[NOT_EMPTY:.*]] = arith.cmpi ne, %[[UNITS]], %c0
// TINY:   %[[GUARD:.*]] = arith.andi %[[IN_RANGE]], %[[NOT_EMPTY]]
// TINY:   scf.if %[[GUARD]] {
// TINY:     %[[BASE:.*]] = arith.muli %[[ROW]], %[[UNITS]]
// TINY:     %[[LAST:.*]] = arith.subi %[[UNITS]], %c1
// Branch-free past the row's end: units clamped to the last one, their
// squares selected away, then stored again.
// TINY-NOT: scf.if
// TINY-NOT: scf.for
// TINY:     %[[AT1:.*]] = arith.minui %[[LAST]], %c1
// TINY:     %[[AT1B:.*]] = arith.addi %[[BASE]], %[[AT1]]
// TINY:     memref.load %{{.*}}[%[[AT1B]]] : memref<?xvector<2xi32>>
// TINY:     arith.select %{{.*}} : vector<4xi1>, vector<4xf32>
// TINY-NOT: scf.if
// TINY-NOT: scf.for
// TINY:     math.sqrt
// TINY-NOT: gpu.subgroup_reduce
// TINY-NOT: gpu.barrier
// TINY-NOT: scf.if
// TINY-COUNT-16: memref.store
// TINY-NOT: scf.if
// TINY:   gpu.return

// With row-lanes=8 (what rms-run uses on GPUs): a tiny row is shared by 8
// lanes of a subgroup, 4 rows per workgroup of 32; lane l holds units l,
// l + 8, ... (up to 256 / (4 x 8) = 8 units), skipping those past the row's
// end, and the lanes add their sums in a butterfly of xor shuffles (offsets
// 4, 2, 1), after which all of them hold the same sum.
// SHARED-LABEL: func @norm_f16
// SHARED:   %[[SMALL:.*]] = arith.cmpi ule, %{{.*}}, %c256
// SHARED:   scf.if %[[SMALL]] {
// SHARED:     %[[GROUPS:.*]] = arith.ceildivui %{{.*}}, %c4
// SHARED:     gpu.launch_func @rms_kernels::@rms_norm_f16_w_v4_lane_eps0x3727c5ac
// SHARED-LABEL: gpu.func @rms_norm_f16_w_v4_lane_eps0x3727c5ac(
// SHARED-SAME: rms.invocation_row_limit = 256 : i64, rms.path = "lane", rms.register_row_limit = 2048 : i64, rms.rows_per_workgroup = 4 : i64
// SHARED:   %[[UNITS:.*]] = arith.divui %{{.*}}, %c4
// SHARED:   %[[SG:.*]] = gpu.subgroup_id
// SHARED:   %[[SGSIZE:.*]] = gpu.subgroup_size
// SHARED:   %[[SGFIRST:.*]] = arith.muli %[[SG]], %[[SGSIZE]]
// SHARED:   %[[LANEID:.*]] = gpu.lane_id
// SHARED:   %[[INV:.*]] = arith.addi %[[SGFIRST]], %[[LANEID]]
// SHARED:   %[[FIRST:.*]] = arith.muli %{{.*}}, %c4
// SHARED:   %[[LOCAL:.*]] = arith.divui %[[INV]], %c8
// SHARED:   %[[ROW:.*]] = arith.addi %[[FIRST]], %[[LOCAL]]
// SHARED:   scf.if %{{.*}} {
// SHARED:     %[[BASE:.*]] = arith.muli %[[ROW]], %[[UNITS]]
// SHARED:     %[[LANE:.*]] = arith.remui %[[INV]], %c8
// SHARED:     %[[IN0:.*]] = arith.cmpi ult, %[[LANE]], %[[UNITS]]
// SHARED:     scf.if %[[IN0]] -> (vector<4xf32>) {
// SHARED:       memref.load
// SHARED:     %[[J1:.*]] = arith.addi %[[LANE]], %c8
// SHARED:     %[[IN1:.*]] = arith.cmpi ult, %[[J1]], %[[UNITS]]
// SHARED-COUNT-7: scf.if %{{.*}} -> (vector<4xf32>)
// SHARED-NOT: gpu.subgroup_reduce
// SHARED:     %[[S4:.*]], %{{.*}} = gpu.shuffle xor %[[P0:.*]], %c4_i32, %c32_i32 : f32
// SHARED:     %[[P1:.*]] = arith.addf %[[P0]], %[[S4]]
// SHARED:     %[[S2:.*]], %{{.*}} = gpu.shuffle xor %[[P1]], %c2_i32, %c32_i32 : f32
// SHARED:     %[[P2:.*]] = arith.addf %[[P1]], %[[S2]]
// SHARED:     %[[S1:.*]], %{{.*}} = gpu.shuffle xor %[[P2]], %c1_i32, %c32_i32 : f32
// SHARED:     %[[P3:.*]] = arith.addf %[[P2]], %[[S1]]
// SHARED:     arith.divf %[[P3]]
// SHARED:     math.sqrt
// SHARED-NOT: gpu.barrier
// SHARED:     scf.if %[[IN0]] {
// SHARED:       memref.store
// SHARED:     scf.if %[[IN1]] {
// SHARED:       memref.store
// SHARED:   gpu.return

// With split-row-limit=65536 split-chunk=4096: rows longer than 65536
// elements are split in chunks of 4096 (1024 vec4 units), a workgroup per
// chunk. The host allocates one partial sum per chunk and launches two
// kernels over rows x chunks workgroups: `_part` (x only, shared by the
// weighted and unweighted variants) writes each chunk's sum of squares,
// `_split` adds its row's partial sums and scales its chunk.
// SPLIT-LABEL: func @norm_f16
// SPLIT:   %[[ALIGNED:.*]] = arith.cmpi eq
// SPLIT:   scf.if %[[ALIGNED]] {
// SPLIT:     %[[SHORT:.*]] = arith.cmpi ule, %[[N:.*]], %c65536
// SPLIT:     scf.if %[[SHORT]] {
// SPLIT:     } else {
// SPLIT:       %[[UNITS:.*]] = arith.divui %[[N]], %c4
// SPLIT:       %[[CHUNKS:.*]] = arith.ceildivui %[[UNITS]], %c1024
// SPLIT:       %[[GROUPS:.*]] = arith.muli %[[ROWS:.*]], %[[CHUNKS]]
// SPLIT:       %[[PARTIALS:.*]] = memref.alloc(%[[GROUPS]]) : memref<?xf32>
// SPLIT:       gpu.launch_func @rms_kernels::@rms_norm_f16_nw_v4_part_eps0x3727c5ac blocks in (%[[GX:.*]], %[[GY:.*]], %c1) threads in (%c32, %c1, %c1) args(%[[XV:.*]] : memref<?xvector<2xi32>>, %[[PARTIALS]] : memref<?xf32>, %[[ROWS]] : index, %[[N]] : index)
// SPLIT:       gpu.launch_func @rms_kernels::@rms_norm_f16_w_v4_split_eps0x3727c5ac blocks in (%[[GX]], %[[GY]], %c1) threads in (%c32, %c1, %c1) args(%[[XV]] : memref<?xvector<2xi32>>, %{{.*}} : memref<?xvector<2xi32>>, %{{.*}} : memref<?xvector<2xi32>>, %[[PARTIALS]] : memref<?xf32>, %[[ROWS]] : index, %[[N]] : index)
// SPLIT:       memref.dealloc %[[PARTIALS]]
// SPLIT-LABEL: gpu.func @rms_norm_f16_nw_v4_part_eps0x3727c5ac(
// SPLIT-SAME: %[[PX:.*]]: memref<?xvector<2xi32>> {{.*}}, %[[PP:.*]]: memref<?xf32> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 1)>}, %[[PROWS:.*]]: index {{.*}}, %[[PN:.*]]: index {{.*}}) kernel attributes {{{.*}}rms.path = "part"
// SPLIT:   %[[PUNITS:.*]] = arith.divui %[[PN]], %c4
// SPLIT:   %[[PGROUP:.*]] = arith.addi
// SPLIT:   memref.alloc() : memref<32xf32, 3>
// SPLIT:   %[[PCHUNKS:.*]] = arith.divui %{{.*}}, %c1024
// SPLIT:   %[[PALL:.*]] = arith.muli %[[PROWS]], %[[PCHUNKS]]
// SPLIT:   %[[PIN:.*]] = arith.cmpi ult, %[[PGROUP]], %[[PALL]]
// SPLIT:   scf.if %[[PIN]] {
// SPLIT:     %[[PROW:.*]] = arith.divui %[[PGROUP]], %[[PCHUNKS]]
// SPLIT:     %[[PCHUNK:.*]] = arith.remui %[[PGROUP]], %[[PCHUNKS]]
// SPLIT:     %[[PSTART:.*]] = arith.muli %[[PCHUNK]], %c1024
// SPLIT:     %[[PNEXT:.*]] = arith.addi %[[PSTART]], %c1024
// SPLIT:     %[[PEND:.*]] = arith.minui %[[PNEXT]], %[[PUNITS]]
// SPLIT:     %[[PTID:.*]] = gpu.thread_id x
// SPLIT:     %[[PLANE:.*]] = arith.addi %[[PSTART]], %[[PTID]]
// SPLIT:     scf.for %{{.*}} = %[[PLANE]] to
// SPLIT:       memref.load %[[PX]]
// SPLIT:     gpu.subgroup_reduce add
// SPLIT:     gpu.barrier
// SPLIT:     %[[PFIRST:.*]] = arith.cmpi eq, %[[PTID]], %c0
// SPLIT:     scf.if %[[PFIRST]] {
// SPLIT:       memref.store %{{.*}}, %[[PP]][%[[PGROUP]]] : memref<?xf32>
// SPLIT-NOT: memref.store
// SPLIT:   gpu.return
// SPLIT-LABEL: gpu.func @rms_norm_f16_w_v4_split_eps0x3727c5ac(
// SPLIT-SAME: %[[SP:[^:]*]]: memref<?xf32> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 3)>}, %{{.*}}: index {{.*}}, %{{.*}}: index {{.*}}) kernel attributes {{{.*}}rms.path = "split"
// SPLIT:   %[[SCHUNKS:.*]] = arith.divui %{{.*}}, %c1024
// SPLIT:   scf.if %{{.*}} {
// SPLIT:     %[[SROW:.*]] = arith.divui %{{.*}}, %[[SCHUNKS]]
// SPLIT:     %[[STID:.*]] = gpu.thread_id x
// SPLIT:     %[[SFIRST:.*]] = arith.muli %[[SROW]], %[[SCHUNKS]]
// The row's partial sums, strided over by the workgroup, then added.
// SPLIT:     scf.for %[[K:.*]] = %[[STID]] to %[[SCHUNKS]] step %c32
// SPLIT:       %[[AT:.*]] = arith.addi %[[SFIRST]], %[[K]]
// SPLIT:       memref.load %[[SP]][%[[AT]]] : memref<?xf32>
// SPLIT:     gpu.subgroup_reduce add
// SPLIT:     gpu.barrier
// SPLIT:     math.sqrt
// SPLIT:     scf.for
// SPLIT:       memref.store
// SPLIT:   gpu.return

// With rows-per-workgroup=1, vector-width=1 and row-registers=0: one scalar
// kernel, one workgroup per row whatever its length, x read twice.
// ONE-LABEL: func @norm_f16
// ONE-NOT: scf.if
// ONE: %[[GX:.*]] = arith.maxui
// ONE: gpu.launch_func @rms_kernels::@rms_norm_f16_w_row_eps0x3727c5ac blocks in (%[[GX]], %{{.*}}, %c1) threads in (%c32, %c1, %c1) args(%{{.*}} : memref<?xf16>, %{{.*}} : memref<?xf16>, %{{.*}} : memref<?xf16>, %{{.*}} : index, %{{.*}} : index)
// ONE: gpu.func @rms_norm_f16_w_row_eps0x3727c5ac(
// ONE-NOT: gpu.subgroup_size : index
// ONE: gpu.barrier
// ONE: gpu.return
// ONE-NEXT: }
// ONE-NEXT: }

// integer-f16-rounding: the scaled f32 is rounded to f16 bits in integers:
// rebiased and rounded to nearest even, subnormals through an f32 addition
// of 0.5, infinity from 65520 on (0x477FF000), NaN quiet (0x7E00).
// INTF16-LABEL: gpu.func @rms_norm_f16_w_row_eps0x3727c5ac(
// INTF16-NOT:   arith.truncf
// INTF16:       memref.load %arg1
// INTF16-NEXT:  arith.extf
// INTF16-NEXT:  %[[Y:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// INTF16-NEXT:  %[[BITS:.*]] = arith.bitcast %[[Y]] : f32 to i32
// INTF16-NEXT:  %[[MAG:.*]] = arith.andi %[[BITS]], %c2147483647_i32
// INTF16-NEXT:  %[[HIGH:.*]] = arith.shrui %[[BITS]], %c16_i32
// INTF16-NEXT:  %[[SIGN:.*]] = arith.andi %[[HIGH]], %c32768_i32
// INTF16-NEXT:  %[[KEPT:.*]] = arith.shrui %[[MAG]], %c13_i32
// INTF16-NEXT:  %[[LSB:.*]] = arith.andi %[[KEPT]], %c1_i32
// INTF16-NEXT:  %[[REBIASED:.*]] = arith.addi %[[MAG]], %c-939520001_i32
// INTF16-NEXT:  %[[ROUNDED:.*]] = arith.addi %[[REBIASED]], %[[LSB]]
// INTF16-NEXT:  %[[NORMAL:.*]] = arith.shrui %[[ROUNDED]], %c13_i32
// INTF16-NEXT:  %[[MAGF:.*]] = arith.bitcast %[[MAG]] : i32 to f32
// INTF16-NEXT:  %[[PLUS:.*]] = arith.addf %[[MAGF]], %cst
// INTF16-NEXT:  %[[PLUSBITS:.*]] = arith.bitcast %[[PLUS]] : f32 to i32
// INTF16-NEXT:  %[[SUB:.*]] = arith.subi %[[PLUSBITS]], %c1056964608_i32
// INTF16-NEXT:  %[[BELOW:.*]] = arith.cmpi ult, %[[MAG]], %c947912704_i32
// INTF16-NEXT:  %[[R1:.*]] = arith.select %[[BELOW]], %[[SUB]], %[[NORMAL]]
// INTF16-NEXT:  %[[FINITE:.*]] = arith.cmpi ult, %[[MAG]], %c1199566848_i32
// INTF16-NEXT:  %[[R2:.*]] = arith.select %[[FINITE]], %[[R1]], %c31744_i32
// INTF16-NEXT:  %[[NAN:.*]] = arith.cmpi ugt, %[[MAG]], %c2139095040_i32
// INTF16-NEXT:  %[[R3:.*]] = arith.select %[[NAN]], %c32256_i32, %[[R2]]
// INTF16-NEXT:  %[[R4:.*]] = arith.ori %[[R3]], %[[SIGN]]
// INTF16-NEXT:  %[[H:.*]] = arith.trunci %[[R4]] : i32 to i16
// INTF16-NEXT:  %[[F:.*]] = arith.bitcast %[[H]] : i16 to f16
// INTF16-NEXT:  memref.store %[[F]]
// INTF16-LABEL: gpu.func @rms_norm_bf16_
func.func @norm_f16(%x: memref<?x?xf16>, %w: memref<?xf16>, %y: memref<?x?xf16>) {
  rms.norm ins(%x, %w : memref<?x?xf16>, memref<?xf16>) outs(%y : memref<?x?xf16>) epsilon(1.0e-05)
  return
}

// -----

// Static shapes are decided at compile time and cast to the kernel's
// dynamic buffers: rows of 4099 take the long scalar kernel only; two norms
// of the same variant share it; f64 accumulates in f64.

// CHECK-LABEL: func @two_f64
// CHECK-NOT: scf.if
// CHECK: memref.cast %{{.*}} : memref<12297xf64> to memref<?xf64>
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f64_nw_row_eps0x0
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_f64_nw_row_eps0x0
// CHECK: gpu.func @rms_norm_f64_nw_row_eps0x0(
// CHECK:   memref.alloc() : memref<32xf64, 3>
// CHECK-NOT: gpu.func
func.func @two_f64(%x: memref<3x4099xf64>, %y: memref<3x4099xf64>, %z: memref<3x4099xf64>) {
  rms.norm ins(%x : memref<3x4099xf64>) outs(%y : memref<3x4099xf64>) epsilon(0.0)
  rms.norm ins(%y : memref<3x4099xf64>) outs(%z : memref<3x4099xf64>) epsilon(0.0)
  return
}

// -----

// bf16 travels as its bits (SPIR-V has no bf16; here in 32-bit words of two
// elements, as 4 divides the static row length): the kernel widens in the
// words, the low halves shifted up and the high halves masked, and narrows
// by rounding the f32 bits to nearest even in the high half (NaN kept
// quiet), then shifting the even elements down into the low halves. (A
// result that comes out zero or NaN is computed again first: see
// denormal-fixup.mlir.)

// CHECK-LABEL: func @norm_bf16
// CHECK-NOT: scf.if
// CHECK: %[[XB:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?xbf16> to memref<?xvector<2xi32>>
// CHECK: %[[YB:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?xbf16> to memref<?xvector<2xi32>>
// CHECK: gpu.launch_func @rms_kernels::@rms_norm_bf16_nw_v4_rows_eps0x3727c5ac blocks in (%c1, %c1, %c1) {{.*}} args(%[[XB]] : memref<?xvector<2xi32>>, %[[YB]] : memref<?xvector<2xi32>>, %c4 : index, %c64 : index)
// CHECK-NOT: gpu.func @rms_norm_bf16_nw_{{row|reg}}
// CHECK: gpu.func @rms_norm_bf16_nw_v4_rows_eps0x3727c5ac(
// CHECK:   %[[WORDS:.*]] = memref.load %{{.*}} : memref<?xvector<2xi32>>
// CHECK:   %[[LOW:.*]] = arith.shli %[[WORDS]], %{{.*}} : vector<2xi32>
// CHECK:   %[[HIGH:.*]] = arith.andi %[[WORDS]], %{{.*}} : vector<2xi32>
// CHECK:   %[[ORDER:.*]] = vector.interleave %[[LOW]], %[[HIGH]] : vector<2xi32> -> vector<4xi32>
// CHECK:   arith.bitcast %[[ORDER]] : vector<4xi32> to vector<4xf32>
// CHECK:   %[[SCALE:.*]] = vector.broadcast %{{.*}} : f32 to vector<4xf32>
// CHECK:   %[[FAST:.*]] = arith.mulf %{{.*}}, %[[SCALE]] : vector<4xf32>
// CHECK:   %[[FIRST:.*]]:2 = scf.if %{{.*}} -> (vector<4xf32>, i1) {
// CHECK:     scf.yield %[[FAST]], %{{.*}} : vector<4xf32>, i1
// CHECK:   } else {
// CHECK:   scf.if %{{.*}} {
// CHECK:     scf.for
// CHECK:   } else {
// CHECK:   %[[BITS:.*]] = arith.bitcast %[[FIRST]]#0 : vector<4xf32> to vector<4xi32>
// CHECK:   %[[KEPT:.*]] = arith.shrui %[[BITS]], %{{.*}} : vector<4xi32>
// CHECK:   %[[LSB:.*]] = arith.andi %[[KEPT]], %{{.*}} : vector<4xi32>
// CHECK:   %[[BIAS:.*]] = arith.addi %[[LSB]], %{{.*}} : vector<4xi32>
// CHECK:   %[[ROUNDED:.*]] = arith.addi %[[BITS]], %[[BIAS]] : vector<4xi32>
// CHECK:   %[[MAGNITUDE:.*]] = arith.andi %[[BITS]], %{{.*}} : vector<4xi32>
// CHECK:   %[[NAN:.*]] = arith.cmpi ugt, %[[MAGNITUDE]], %{{.*}} : vector<4xi32>
// CHECK:   %[[QUIET:.*]] = arith.ori %[[BITS]], %{{.*}} : vector<4xi32>
// CHECK:   %[[RESULT:.*]] = arith.select %[[NAN]], %[[QUIET]], %[[ROUNDED]]
// CHECK:   %[[EVEN:.*]] = vector.shuffle %[[RESULT]], %[[RESULT]] [0, 2]
// CHECK:   %[[ODD:.*]] = vector.shuffle %[[RESULT]], %[[RESULT]] [1, 3]
// CHECK:   %[[DOWN:.*]] = arith.shrui %[[EVEN]], %{{.*}} : vector<2xi32>
// CHECK:   %[[UP:.*]] = arith.andi %[[ODD]], %{{.*}} : vector<2xi32>
// CHECK:   %[[PACKED:.*]] = arith.ori %[[DOWN]], %[[UP]] : vector<2xi32>
// CHECK:   memref.store %[[PACKED]], %{{.*}} : memref<?xvector<2xi32>>
func.func @norm_bf16(%x: memref<4x64xbf16>, %y: memref<4x64xbf16>) {
  rms.norm ins(%x : memref<4x64xbf16>) outs(%y : memref<4x64xbf16>) epsilon(1.0e-05)
  return
}

// -----

// A static dimension of 0: no element, no launch.

// CHECK-LABEL: func @no_elements
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @no_elements(%x: memref<?x0xf16>, %w: memref<0xf16>, %y: memref<?x0xf16>) {
  rms.norm ins(%x, %w : memref<?x0xf16>, memref<0xf16>) outs(%y : memref<?x0xf16>) epsilon(1.0e-05)
  return
}
