// RUN: rms-opt %s --rms-spirv-pipeline | rms-translate --serialize-spirv -o %t.spv
// RUN: spirv-val --target-env vulkan1.1 %t.spv
// RUN: rms-opt %s --rms-spirv-pipeline | FileCheck %s
// RUN: rms-opt %s --rms-spirv-pipeline="invocation-row-limit=256 row-lanes=8 split-row-limit=65536" | rms-translate --serialize-spirv -o %t.all.spv
// RUN: spirv-val --target-env vulkan1.1 %t.all.spv
// RUN: rms-opt %s --rms-spirv-pipeline="invocation-row-limit=256 row-lanes=8 split-row-limit=65536" | FileCheck %s --check-prefix=ALL

// Every kernel variant (f32/f16/bf16/f64 x weight or not, static and dynamic
// shapes) serializes into one SPIR-V module that spirv-val accepts for
// Vulkan 1.1. Whatever the shapes, a variant has at most five kernels: vec4
// (for rows whose length 4 divides) and scalar, each for short rows (several
// per workgroup), long rows kept in registers (vec4 only: 64 x 16 scalars
// hold no more than a short row) and other long rows. f16 and bf16 vec4s
// travel as pairs of 32-bit words; the sizes are uniform buffers.

// CHECK: spirv.module @__spv__rms_kernels Logical GLSL450 requires #spirv.vce<v1.3, [{{.*}}GroupNonUniformArithmetic{{.*}}StorageBuffer16BitAccess{{.*}}GroupNonUniform], [{{.*}}SPV_KHR_16bit_storage{{.*}}]>
// CHECK-DAG: spirv.GlobalVariable @__workgroup_mem__{{.*}} : !spirv.ptr<!spirv.struct<(!spirv.array<64 x f32>)>, Workgroup>
// CHECK-DAG: spirv.GlobalVariable @__workgroup_mem__{{.*}} : !spirv.ptr<!spirv.struct<(!spirv.array<64 x f64>)>, Workgroup>
// CHECK-DAG: spirv.GlobalVariable @rms_norm_f16_w_v4_rows_eps0x3727c5ac_arg_0 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<vector<2xi32>, stride=8> [0])>, StorageBuffer>
// CHECK-DAG: spirv.GlobalVariable @rms_norm_bf16_nw_v4_row_eps0x3727c5ac_arg_1 bind(0, 1) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<vector<2xi32>, stride=8> [0])>, StorageBuffer>
// CHECK-DAG: spirv.GlobalVariable @rms_norm_f32_w_v4_reg_eps0x3727c5ac_arg_0 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<vector<4xf32>, stride=16> [0])>, StorageBuffer>
// CHECK-DAG: spirv.GlobalVariable @rms_norm_f16_w_rows_eps0x3727c5ac_arg_0 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f16, stride=2> [0])>, StorageBuffer>
// CHECK-DAG: spirv.GlobalVariable @rms_norm_f16_w_v4_rows_eps0x3727c5ac_arg_3 bind(0, 3) : !spirv.ptr<!spirv.struct<(i32 [0])>, Uniform>
// CHECK-DAG: spirv.GlobalVariable @rms_norm_f16_w_v4_rows_eps0x3727c5ac_arg_4 bind(0, 4) : !spirv.ptr<!spirv.struct<(i32 [0])>, Uniform>
// CHECK-COUNT-40: spirv.ExecutionMode @rms_norm_{{(f16|bf16|f32|f64)_(w|nw)(_v4_rows|_v4_reg|_v4_row|_rows|_row)}}_eps0x3727c5ac "LocalSize", 64, 1, 1
// CHECK-NOT: spirv.EntryPoint

// With the paths rms-run adds on GPUs, tiny rows shared by 8 lanes (their
// sums meet in xor shuffles) and rows split across workgroups, every
// variant has 9 kernels (the `_part` kernels, which only sum, are shared
// by a type's weighted and unweighted variants), all valid SPIR-V.
// ALL: spirv.module @__spv__rms_kernels Logical GLSL450 requires #spirv.vce<v1.3, [{{.*}}GroupNonUniformShuffle{{.*}}]
// ALL: spirv.GroupNonUniformShuffleXor <Subgroup>
// ALL-COUNT-80: spirv.ExecutionMode @rms_norm_{{(f16|bf16|f32|f64)_(w|nw)(_v4)?_(lane|rows|reg|row|part|split)}}_eps0x3727c5ac "LocalSize", 64, 1, 1
// ALL-NOT: spirv.ExecutionMode

func.func @f32_w_static(%x: tensor<8x4096xf32>, %w: tensor<4096xf32>) -> tensor<8x4096xf32> {
  %i = tensor.empty() : tensor<8x4096xf32>
  %y = rms.norm ins(%x, %w : tensor<8x4096xf32>, tensor<4096xf32>) outs(%i : tensor<8x4096xf32>) epsilon(1.0e-05) -> tensor<8x4096xf32>
  return %y : tensor<8x4096xf32>
}

func.func @f32_w_dyn(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf32>
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf32>
  %y = rms.norm ins(%x, %w : tensor<?x?xf32>, tensor<?xf32>) outs(%init : tensor<?x?xf32>) epsilon(1.000000e-05) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

func.func @f32_nw_static(%x: tensor<3x4099xf32>) -> tensor<3x4099xf32> {
  %init = tensor.empty() : tensor<3x4099xf32>
  %y = rms.norm ins(%x : tensor<3x4099xf32>) outs(%init : tensor<3x4099xf32>) epsilon(1.000000e-05) -> tensor<3x4099xf32>
  return %y : tensor<3x4099xf32>
}

func.func @f32_nw_dyn(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf32>
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf32>
  %y = rms.norm ins(%x : tensor<?x?xf32>) outs(%init : tensor<?x?xf32>) epsilon(1.000000e-05) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

func.func @f16_w_static(%x: tensor<3x4099xf16>, %w: tensor<4099xf16>) -> tensor<3x4099xf16> {
  %init = tensor.empty() : tensor<3x4099xf16>
  %y = rms.norm ins(%x, %w : tensor<3x4099xf16>, tensor<4099xf16>) outs(%init : tensor<3x4099xf16>) epsilon(1.000000e-05) -> tensor<3x4099xf16>
  return %y : tensor<3x4099xf16>
}

func.func @f16_w_dyn(%x: tensor<?x?xf16>, %w: tensor<?xf16>) -> tensor<?x?xf16> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf16>
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf16>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf16>
  %y = rms.norm ins(%x, %w : tensor<?x?xf16>, tensor<?xf16>) outs(%init : tensor<?x?xf16>) epsilon(1.000000e-05) -> tensor<?x?xf16>
  return %y : tensor<?x?xf16>
}

func.func @f16_nw_static(%x: tensor<3x4099xf16>) -> tensor<3x4099xf16> {
  %init = tensor.empty() : tensor<3x4099xf16>
  %y = rms.norm ins(%x : tensor<3x4099xf16>) outs(%init : tensor<3x4099xf16>) epsilon(1.000000e-05) -> tensor<3x4099xf16>
  return %y : tensor<3x4099xf16>
}

func.func @f16_nw_dyn(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf16>
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf16>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf16>
  %y = rms.norm ins(%x : tensor<?x?xf16>) outs(%init : tensor<?x?xf16>) epsilon(1.000000e-05) -> tensor<?x?xf16>
  return %y : tensor<?x?xf16>
}

func.func @bf16_w_static(%x: tensor<3x4099xbf16>, %w: tensor<4099xbf16>) -> tensor<3x4099xbf16> {
  %init = tensor.empty() : tensor<3x4099xbf16>
  %y = rms.norm ins(%x, %w : tensor<3x4099xbf16>, tensor<4099xbf16>) outs(%init : tensor<3x4099xbf16>) epsilon(1.000000e-05) -> tensor<3x4099xbf16>
  return %y : tensor<3x4099xbf16>
}

func.func @bf16_w_dyn(%x: tensor<?x?xbf16>, %w: tensor<?xbf16>) -> tensor<?x?xbf16> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xbf16>
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xbf16>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xbf16>
  %y = rms.norm ins(%x, %w : tensor<?x?xbf16>, tensor<?xbf16>) outs(%init : tensor<?x?xbf16>) epsilon(1.000000e-05) -> tensor<?x?xbf16>
  return %y : tensor<?x?xbf16>
}

func.func @bf16_nw_static(%x: tensor<3x4099xbf16>) -> tensor<3x4099xbf16> {
  %init = tensor.empty() : tensor<3x4099xbf16>
  %y = rms.norm ins(%x : tensor<3x4099xbf16>) outs(%init : tensor<3x4099xbf16>) epsilon(1.000000e-05) -> tensor<3x4099xbf16>
  return %y : tensor<3x4099xbf16>
}

func.func @bf16_nw_dyn(%x: tensor<?x?xbf16>) -> tensor<?x?xbf16> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xbf16>
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xbf16>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xbf16>
  %y = rms.norm ins(%x : tensor<?x?xbf16>) outs(%init : tensor<?x?xbf16>) epsilon(1.000000e-05) -> tensor<?x?xbf16>
  return %y : tensor<?x?xbf16>
}

func.func @f64_w_static(%x: tensor<3x4099xf64>, %w: tensor<4099xf64>) -> tensor<3x4099xf64> {
  %init = tensor.empty() : tensor<3x4099xf64>
  %y = rms.norm ins(%x, %w : tensor<3x4099xf64>, tensor<4099xf64>) outs(%init : tensor<3x4099xf64>) epsilon(1.000000e-05) -> tensor<3x4099xf64>
  return %y : tensor<3x4099xf64>
}

func.func @f64_w_dyn(%x: tensor<?x?xf64>, %w: tensor<?xf64>) -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf64>
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf64>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf64>
  %y = rms.norm ins(%x, %w : tensor<?x?xf64>, tensor<?xf64>) outs(%init : tensor<?x?xf64>) epsilon(1.000000e-05) -> tensor<?x?xf64>
  return %y : tensor<?x?xf64>
}

func.func @f64_nw_static(%x: tensor<3x4099xf64>) -> tensor<3x4099xf64> {
  %init = tensor.empty() : tensor<3x4099xf64>
  %y = rms.norm ins(%x : tensor<3x4099xf64>) outs(%init : tensor<3x4099xf64>) epsilon(1.000000e-05) -> tensor<3x4099xf64>
  return %y : tensor<3x4099xf64>
}

func.func @f64_nw_dyn(%x: tensor<?x?xf64>) -> tensor<?x?xf64> {
  %c0 = arith.constant 0 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf64>
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf64>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf64>
  %y = rms.norm ins(%x : tensor<?x?xf64>) outs(%init : tensor<?x?xf64>) epsilon(1.000000e-05) -> tensor<?x?xf64>
  return %y : tensor<?x?xf64>
}
