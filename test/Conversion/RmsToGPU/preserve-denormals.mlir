// RUN: rms-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(spirv.module(rms-spirv-preserve-denormals))' | FileCheck %s

// Every entry point declares DenormPreserve for 32-bit floats, once: a kernel
// that declares it already is left as it is, and functions that are not
// entry points get nothing.

// CHECK-LABEL: spirv.module @kernels
// CHECK: spirv.EntryPoint "GLCompute" @first
// CHECK: spirv.EntryPoint "GLCompute" @second
// CHECK: spirv.ExecutionMode @first "LocalSize", 64, 1, 1
// CHECK: spirv.ExecutionMode @second "DenormPreserve", 32
// CHECK: spirv.ExecutionMode @first "DenormPreserve", 32
// CHECK-NOT: spirv.ExecutionMode
module {
  spirv.module @kernels Logical GLSL450 attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader, DenormPreserve], [SPV_KHR_float_controls]>, #spirv.resource_limits<>>} {
    spirv.func @first() "None" {
      spirv.Return
    }
    spirv.func @second() "None" {
      spirv.Return
    }
    spirv.func @helper() "None" {
      spirv.Return
    }
    spirv.EntryPoint "GLCompute" @first
    spirv.EntryPoint "GLCompute" @second
    spirv.ExecutionMode @first "LocalSize", 64, 1, 1
    spirv.ExecutionMode @second "DenormPreserve", 32
  }
}

// -----

// SPIR-V 1.4 has the capability without the extension.

// CHECK-LABEL: spirv.module @v14
// CHECK: spirv.ExecutionMode @kernel "DenormPreserve", 32
module {
  spirv.module @v14 Logical GLSL450 attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.4, [Shader, DenormPreserve], []>, #spirv.resource_limits<>>} {
    spirv.func @kernel() "None" {
      spirv.Return
    }
    spirv.EntryPoint "GLCompute" @kernel
  }
}

// -----

module {
  // expected-error @below {{rms-spirv-preserve-denormals needs a target environment that allows the DenormPreserve capability and SPIR-V 1.4 or the SPV_KHR_float_controls extension}}
  spirv.module @no_capability Logical GLSL450 attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader], [SPV_KHR_float_controls]>, #spirv.resource_limits<>>} {
    spirv.func @kernel() "None" {
      spirv.Return
    }
    spirv.EntryPoint "GLCompute" @kernel
  }
}

// -----

module {
  // expected-error @below {{rms-spirv-preserve-denormals needs a target environment}}
  spirv.module @no_extension Logical GLSL450 attributes {spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader, DenormPreserve], []>, #spirv.resource_limits<>>} {
    spirv.func @kernel() "None" {
      spirv.Return
    }
    spirv.EntryPoint "GLCompute" @kernel
  }
}
