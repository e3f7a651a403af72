// RUN: not rms-translate %s --mlir-to-msl --msl-manifest=%t.json 2>&1 | FileCheck %s

// The manifest's threadgroup counts and kernel choice depend on what the
// kernel was built for (rows per threadgroup for short rows), which the
// gpu.func beside the spirv.module records; without it there is no
// manifest, rather than a wrong one.

// CHECK: error: the manifest needs the gpu.func of kernel 'rms_norm_f32_nw_row_eps0x0' with its rms.path, rms.rows_per_workgroup, rms.invocation_row_limit, rms.short_row_limit and rms.register_row_limit (the whole output of --rms-metal-pipeline)
spirv.module Logical GLSL450 requires #spirv.vce<v1.3, [Shader], [SPV_KHR_storage_buffer_storage_class]> {
  spirv.GlobalVariable @x bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
  spirv.GlobalVariable @y bind(0, 1) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
  spirv.GlobalVariable @rows bind(0, 2) : !spirv.ptr<!spirv.struct<(i32 [0])>, Uniform>
  spirv.GlobalVariable @n bind(0, 3) : !spirv.ptr<!spirv.struct<(i32 [0])>, Uniform>
  spirv.func @rms_norm_f32_nw_row_eps0x0() "None" {
    %x = spirv.mlir.addressof @x : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
    %y = spirv.mlir.addressof @y : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
    %r = spirv.mlir.addressof @rows : !spirv.ptr<!spirv.struct<(i32 [0])>, Uniform>
    %n = spirv.mlir.addressof @n : !spirv.ptr<!spirv.struct<(i32 [0])>, Uniform>
    spirv.Return
  }
  spirv.EntryPoint "GLCompute" @rms_norm_f32_nw_row_eps0x0
  spirv.ExecutionMode @rms_norm_f32_nw_row_eps0x0 "LocalSize", 64, 1, 1
}
