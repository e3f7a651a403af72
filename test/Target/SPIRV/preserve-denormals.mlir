// RUN: rms-opt %s --rms-spirv-pipeline=preserve-denormals=true | rms-translate --serialize-spirv -o %t.spv
// RUN: spirv-val --target-env vulkan1.1 %t.spv
// RUN: rms-opt %s --rms-spirv-pipeline=preserve-denormals=true | FileCheck %s
// RUN: rms-opt %s --rms-spirv-pipeline | FileCheck %s --check-prefix=DEFAULT

// With preserve-denormals every kernel declares that it keeps f32
// denormals, which a bf16 result below 2^-126 is before its rounding: the
// module then requires the DenormPreserve capability and, at SPIR-V 1.3,
// SPV_KHR_float_controls, and is valid for Vulkan 1.1 with it. By default no
// kernel declares it and the module requires neither.

// CHECK: spirv.module @__spv__rms_kernels Logical GLSL450 requires #spirv.vce<v1.3, [{{.*}}DenormPreserve{{.*}}], [{{.*}}SPV_KHR_float_controls{{.*}}]>
// CHECK-DAG: spirv.ExecutionMode @rms_norm_bf16_w_v4_reg_16_eps0x3727c5ac "DenormPreserve", 32
// CHECK-DAG: spirv.ExecutionMode @rms_norm_f32_nw_row_eps0x3727c5ac "DenormPreserve", 32

// DEFAULT: spirv.module @__spv__rms_kernels Logical GLSL450 requires #spirv.vce<v1.3, [
// DEFAULT-NOT: DenormPreserve
// DEFAULT-SAME: ], [
// DEFAULT-NOT: SPV_KHR_float_controls
// DEFAULT-SAME: ]>
// DEFAULT-NOT: "DenormPreserve"

func.func @bf16_w(%x: tensor<?x4096xbf16>, %w: tensor<4096xbf16>) -> tensor<?x4096xbf16> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?x4096xbf16>
  %init = tensor.empty(%d) : tensor<?x4096xbf16>
  %y = rms.norm ins(%x, %w : tensor<?x4096xbf16>, tensor<4096xbf16>) outs(%init : tensor<?x4096xbf16>) epsilon(1.0e-05) -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}

func.func @f32_nw(%x: tensor<3x4099xf32>) -> tensor<3x4099xf32> {
  %init = tensor.empty() : tensor<3x4099xf32>
  %y = rms.norm ins(%x : tensor<3x4099xf32>) outs(%init : tensor<3x4099xf32>) epsilon(1.0e-05) -> tensor<3x4099xf32>
  return %y : tensor<3x4099xf32>
}
