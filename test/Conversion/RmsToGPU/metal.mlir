// RUN: rms-opt %s --convert-rms-to-gpu="target=metal" -canonicalize -cse | FileCheck %s

// For Metal the kernels are those of Vulkan, but for the module's target
// environment (no f64) and 16-bit data: vec4s of f16 and bf16 stay half4
// and ushort4 (Metal loads them as they are; Vulkan packs them in 32-bit
// words for lavapipe).

// CHECK: builtin.unrealized_conversion_cast %{{.*}} : memref<?xf16> to memref<?xvector<4xf16>>
// CHECK: gpu.module @rms_kernels attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader, Float16, Int16, StorageBuffer16BitAccess, GroupNonUniform, GroupNonUniformArithmetic, GroupNonUniformShuffle, DenormPreserve]
// CHECK: gpu.func @rms_norm_f16_w_v4_rows_eps0x3727c5ac(%{{.*}}: memref<?xvector<4xf16>>
// CHECK-NOT: vector.bitcast
// CHECK: gpu.func @rms_norm_bf16_nw_v4_rows_eps0x3727c5ac(%{{.*}}: memref<?xvector<4xi16>>
// CHECK-NOT: vector.bitcast
func.func @norm_f16(%x: memref<?x?xf16>, %w: memref<?xf16>, %y: memref<?x?xf16>) {
  rms.norm ins(%x, %w : memref<?x?xf16>, memref<?xf16>) outs(%y : memref<?x?xf16>) epsilon(1.0e-05)
  return
}

func.func @norm_bf16(%x: memref<4x64xbf16>, %y: memref<4x64xbf16>) {
  rms.norm ins(%x : memref<4x64xbf16>) outs(%y : memref<4x64xbf16>) epsilon(1.0e-05)
  return
}
