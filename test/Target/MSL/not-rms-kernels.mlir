// RUN: not rms-translate %s --mlir-to-msl --split-input-file 2>&1 | FileCheck %s

// --mlir-to-msl takes the kernels of --rms-metal-pipeline only: anything
// else is a diagnostic, not a guess.

// CHECK: error: not an rms kernel: 1 buffers, expected 4 or 5
spirv.module Logical GLSL450 requires #spirv.vce<v1.3, [Shader], [SPV_KHR_storage_buffer_storage_class]> {
  spirv.GlobalVariable @buf bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
  spirv.func @k() "None" {
    %p = spirv.mlir.addressof @buf : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
    spirv.Return
  }
  spirv.EntryPoint "GLCompute" @k
  spirv.ExecutionMode @k "LocalSize", 64, 1, 1
}

// -----

// CHECK: error: the spirv.module has no entry point
spirv.module Logical GLSL450 requires #spirv.vce<v1.3, [Shader], []> {
}

// -----

// The sizes of an rms kernel are uniform buffers; a scalar in a storage
// buffer is someone else's ABI.
// CHECK: error: not an rms kernel: binding 2 of type 'i32'
spirv.module Logical GLSL450 requires #spirv.vce<v1.3, [Shader], [SPV_KHR_storage_buffer_storage_class]> {
  spirv.GlobalVariable @x bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
  spirv.GlobalVariable @y bind(0, 1) : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
  spirv.GlobalVariable @rows bind(0, 2) : !spirv.ptr<!spirv.struct<(i32 [0])>, StorageBuffer>
  spirv.GlobalVariable @n bind(0, 3) : !spirv.ptr<!spirv.struct<(i32 [0])>, Uniform>
  spirv.func @k() "None" {
    %x = spirv.mlir.addressof @x : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
    %y = spirv.mlir.addressof @y : !spirv.ptr<!spirv.struct<(!spirv.rtarray<f32, stride=4> [0])>, StorageBuffer>
    %r = spirv.mlir.addressof @rows : !spirv.ptr<!spirv.struct<(i32 [0])>, StorageBuffer>
    %n = spirv.mlir.addressof @n : !spirv.ptr<!spirv.struct<(i32 [0])>, Uniform>
    spirv.Return
  }
  spirv.EntryPoint "GLCompute" @k
  spirv.ExecutionMode @k "LocalSize", 64, 1, 1
}
