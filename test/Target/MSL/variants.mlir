// RUN: rms-opt %s --rms-metal-pipeline | rms-translate --mlir-to-msl --msl-manifest=%t.json | FileCheck %s
// RUN: rms-opt %s --rms-metal-pipeline | rms-translate --mlir-to-msl -o %t.metal
// RUN: %msl_syntax_check %t.metal
// RUN: %python %S/../../lib/check-msl-manifest.py %t.metal %t.json | FileCheck %s --check-prefix=MANIFEST

// Every Metal variant (f32/f16/bf16 x weight or not, static and dynamic
// shapes) in one MSL 2.1 source: the shared header and types once, then
// each kernel with explicit [[buffer(i)]] in the order x, [weight,] y, rows,
// n (rows and n in `constant` buffers). A variant has float4/half4/ushort4
// kernels for rows whose length 4 divides and scalar ones, each for short
// rows (`_rows`: a simdgroup per row, simd_sum, no threadgroup memory, no
// barrier), long rows kept in registers (`_reg`: x read once) and other
// long rows (`_row`: x read twice); for long rows simd_sum over each
// simdgroup, whose first lane publishes the sum in threadgroup memory, one
// barrier, every thread adds the simdgroups' sums. bf16 travels as ushort
// bits. Static rows of 4096 need only the registers kernel, of 4099 only
// the scalar long-row kernel. The source passes a syntax and type check
// (clang, C++ for OpenCL, test/lib/metal-shim). The manifest agrees with
// the source (test/lib/check-msl-manifest.py). Apple GPUs may flush f32
// denormals: if a result of an invocation's units comes out zero or NaN in
// any lane, they are computed again with the exponents in integers
// (denormal-fixup), in a loop that reads x again, before anything is stored.

// CHECK: #include <metal_stdlib>
// CHECK: using namespace metal;
// CHECK: struct rms_partials_256
// CHECK-NEXT: {
// CHECK-NEXT:     spvUnsafeArray<float, 256> _m0;
// CHECK: struct rms_buffer_float4
// CHECK-NEXT: {
// CHECK-NEXT:     float4 data[1];
// CHECK: struct rms_scalar_uint
// CHECK-NEXT: {
// CHECK-NEXT:     uint value;

// CHECK-LABEL: kernel void rms_norm_f32_w_v4_reg_eps0x3727c5ac(device rms_buffer_float4& x {{\[\[}}buffer(0)]], device rms_buffer_float4& weight {{\[\[}}buffer(1)]], device rms_buffer_float4& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],
// CHECK:     threadgroup rms_partials_256 partials;
// CHECK-COUNT-16: = x.data[
// CHECK:     float [[SUM:_[0-9]+]] = simd_sum(({{_[0-9]+}}.x + {{_[0-9]+}}.y) + ({{_[0-9]+}}.z + {{_[0-9]+}}.w));
// CHECK:     if (gl_SubgroupInvocationID == 0u)
// CHECK:       partials._m0[gl_SubgroupID] = [[SUM]];
// CHECK:     threadgroup_barrier(mem_flags::mem_threadgroup);
// CHECK:     uint [[NSG:_[0-9]+]] = (gl_SubgroupSize + 255u) / gl_SubgroupSize;
// CHECK:     for (; int({{_[0-9]+}}) < int([[NSG]]); )
// CHECK:       partials._m0[
// CHECK:     float4 [[SCALE:_[0-9]+]] = float4(1.0 / sqrt(({{_[0-9]+}} / float(n.value)) + 9.99999974737875{{[0-9]*}}e-06));
// CHECK:     float4 [[FAST:_[0-9]+]] = ({{_[0-9]+}} * [[SCALE]]) * weight.data[
// CHECK:     bool4 [[LANES:_[0-9]+]] = ((as_type<uint4>([[FAST]]) & uint4(2147483647u)) - uint4(1u)) >= uint4(2139095040u);
// CHECK:     [[RESULT:_[0-9]+]] = [[FAST]];
// CHECK:     [[REDO:_[0-9]+]] = (([[LANES]].x || [[LANES]].y) || [[LANES]].z) || [[LANES]].w;
// CHECK:     if ({{.*}}[[REDO]]{{.*}})
// CHECK:       for (;;)
// CHECK:         as_type<uint4>(x.data[
// CHECK:         y.data[{{.*}}] = as_type<float4>(select(
// CHECK:     else
// CHECK:       y.data[{{.*}}] = [[RESULT]];
// CHECK-NOT: threadgroup_barrier
// CHECK-NOT: x.data[

// CHECK-LABEL: kernel void rms_norm_f32_w_v4_rows_eps0x3727c5ac(device rms_buffer_float4& x {{\[\[}}buffer(0)]], device rms_buffer_float4& weight {{\[\[}}buffer(1)]], device rms_buffer_float4& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],
// CHECK-NOT: threadgroup rms_partials
// CHECK:     uint {{_[0-9]+}} = min(gl_SubgroupSize, (256u - (gl_SubgroupID * gl_SubgroupSize)));
// CHECK:     float {{_[0-9]+}} = simd_sum(
// CHECK:     float {{_[0-9]+}} = simd_sum(
// CHECK-NOT: threadgroup_barrier

// CHECK-LABEL: kernel void rms_norm_f32_w_v4_row_eps0x3727c5ac(device rms_buffer_float4& x {{\[\[}}buffer(0)]], device rms_buffer_float4& weight {{\[\[}}buffer(1)]], device rms_buffer_float4& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],
// CHECK:     threadgroup rms_partials_256 partials;
// CHECK:     float4 {{_[0-9]+}} = {{_[0-9]+}} + (x.data[{{_[0-9]+}}] * x.data[{{_[0-9]+}}]);
// CHECK:     simd_sum(
// CHECK:     threadgroup_barrier(mem_flags::mem_threadgroup);
// CHECK-NOT: threadgroup_barrier
// CHECK:     {{_[0-9]+}} = (x.data[{{.*}}] * {{.*}}) * weight.data[
// CHECK:     y.data[{{.*}}] = {{_[0-9]+}};

// CHECK-LABEL: kernel void rms_norm_f32_w_rows_eps0x3727c5ac(device rms_buffer_float& x {{\[\[}}buffer(0)]], device rms_buffer_float& weight {{\[\[}}buffer(1)]], device rms_buffer_float& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_f32_w_reg_eps0x3727c5ac(device rms_buffer_float& x {{\[\[}}buffer(0)]], device rms_buffer_float& weight {{\[\[}}buffer(1)]], device rms_buffer_float& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_f32_w_row_eps0x3727c5ac(device rms_buffer_float& x {{\[\[}}buffer(0)]], device rms_buffer_float& weight {{\[\[}}buffer(1)]], device rms_buffer_float& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_f32_nw_row_eps0x3727c5ac(device rms_buffer_float& x {{\[\[}}buffer(0)]], device rms_buffer_float& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f32_nw_v4_rows_eps0x3727c5ac(device rms_buffer_float4& x {{\[\[}}buffer(0)]], device rms_buffer_float4& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f32_nw_v4_reg_eps0x3727c5ac(device rms_buffer_float4& x {{\[\[}}buffer(0)]], device rms_buffer_float4& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f32_nw_v4_row_eps0x3727c5ac(device rms_buffer_float4& x {{\[\[}}buffer(0)]], device rms_buffer_float4& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f32_nw_rows_eps0x3727c5ac(device rms_buffer_float& x {{\[\[}}buffer(0)]], device rms_buffer_float& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f32_nw_reg_eps0x3727c5ac(device rms_buffer_float& x {{\[\[}}buffer(0)]], device rms_buffer_float& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f16_w_row_eps0x3727c5ac(device rms_buffer_half& x {{\[\[}}buffer(0)]], device rms_buffer_half& weight {{\[\[}}buffer(1)]], device rms_buffer_half& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],
// CHECK:     float(x.data[
// CHECK:     simd_sum(
// CHECK:     threadgroup_barrier(mem_flags::mem_threadgroup);
// CHECK:     y.data[{{.*}}] = half((float(x.data[{{.*}}]) * {{.*}}) * float(weight.data[

// CHECK-LABEL: kernel void rms_norm_f16_w_v4_rows_eps0x3727c5ac(device rms_buffer_half4& x {{\[\[}}buffer(0)]], device rms_buffer_half4& weight {{\[\[}}buffer(1)]], device rms_buffer_half4& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],
// CHECK:     = float4(x.data[
// CHECK:     simd_sum(
// CHECK:     y.data[{{.*}}] = half4(({{_[0-9]+}} * {{_[0-9]+}}) * float4(weight.data[

// CHECK-LABEL: kernel void rms_norm_f16_w_v4_reg_eps0x3727c5ac(device rms_buffer_half4& x {{\[\[}}buffer(0)]], device rms_buffer_half4& weight {{\[\[}}buffer(1)]], device rms_buffer_half4& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_f16_w_v4_row_eps0x3727c5ac(device rms_buffer_half4& x {{\[\[}}buffer(0)]], device rms_buffer_half4& weight {{\[\[}}buffer(1)]], device rms_buffer_half4& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_f16_w_rows_eps0x3727c5ac(device rms_buffer_half& x {{\[\[}}buffer(0)]], device rms_buffer_half& weight {{\[\[}}buffer(1)]], device rms_buffer_half& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_f16_w_reg_eps0x3727c5ac(device rms_buffer_half& x {{\[\[}}buffer(0)]], device rms_buffer_half& weight {{\[\[}}buffer(1)]], device rms_buffer_half& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_f16_nw_row_eps0x3727c5ac(device rms_buffer_half& x {{\[\[}}buffer(0)]], device rms_buffer_half& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f16_nw_v4_rows_eps0x3727c5ac(device rms_buffer_half4& x {{\[\[}}buffer(0)]], device rms_buffer_half4& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f16_nw_v4_reg_eps0x3727c5ac(device rms_buffer_half4& x {{\[\[}}buffer(0)]], device rms_buffer_half4& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f16_nw_v4_row_eps0x3727c5ac(device rms_buffer_half4& x {{\[\[}}buffer(0)]], device rms_buffer_half4& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f16_nw_rows_eps0x3727c5ac(device rms_buffer_half& x {{\[\[}}buffer(0)]], device rms_buffer_half& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_f16_nw_reg_eps0x3727c5ac(device rms_buffer_half& x {{\[\[}}buffer(0)]], device rms_buffer_half& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_bf16_w_row_eps0x3727c5ac(device rms_buffer_ushort& x {{\[\[}}buffer(0)]], device rms_buffer_ushort& weight {{\[\[}}buffer(1)]], device rms_buffer_ushort& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],
// CHECK:     as_type<float>(uint(x.data[{{.*}}]) << 16u)
// CHECK:     simd_sum(
// CHECK:     threadgroup_barrier(mem_flags::mem_threadgroup);
// CHECK:     y.data[{{.*}}] = ushort(

// CHECK-LABEL: kernel void rms_norm_bf16_w_v4_rows_eps0x3727c5ac(device rms_buffer_ushort4& x {{\[\[}}buffer(0)]], device rms_buffer_ushort4& weight {{\[\[}}buffer(1)]], device rms_buffer_ushort4& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_bf16_w_v4_reg_eps0x3727c5ac(device rms_buffer_ushort4& x {{\[\[}}buffer(0)]], device rms_buffer_ushort4& weight {{\[\[}}buffer(1)]], device rms_buffer_ushort4& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_bf16_w_v4_row_eps0x3727c5ac(device rms_buffer_ushort4& x {{\[\[}}buffer(0)]], device rms_buffer_ushort4& weight {{\[\[}}buffer(1)]], device rms_buffer_ushort4& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],
// CHECK:     as_type<float4>(uint4(x.data[{{.*}}]) << uint4(16u))
// CHECK:     y.data[{{.*}}] = ushort4(

// CHECK-LABEL: kernel void rms_norm_bf16_w_rows_eps0x3727c5ac(device rms_buffer_ushort& x {{\[\[}}buffer(0)]], device rms_buffer_ushort& weight {{\[\[}}buffer(1)]], device rms_buffer_ushort& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_bf16_w_reg_eps0x3727c5ac(device rms_buffer_ushort& x {{\[\[}}buffer(0)]], device rms_buffer_ushort& weight {{\[\[}}buffer(1)]], device rms_buffer_ushort& y {{\[\[}}buffer(2)]], constant rms_scalar_uint& rows {{\[\[}}buffer(3)]], constant rms_scalar_uint& n {{\[\[}}buffer(4)]],

// CHECK-LABEL: kernel void rms_norm_bf16_nw_row_eps0x3727c5ac(device rms_buffer_ushort& x {{\[\[}}buffer(0)]], device rms_buffer_ushort& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_bf16_nw_v4_rows_eps0x3727c5ac(device rms_buffer_ushort4& x {{\[\[}}buffer(0)]], device rms_buffer_ushort4& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_bf16_nw_v4_reg_eps0x3727c5ac(device rms_buffer_ushort4& x {{\[\[}}buffer(0)]], device rms_buffer_ushort4& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_bf16_nw_v4_row_eps0x3727c5ac(device rms_buffer_ushort4& x {{\[\[}}buffer(0)]], device rms_buffer_ushort4& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_bf16_nw_rows_eps0x3727c5ac(device rms_buffer_ushort& x {{\[\[}}buffer(0)]], device rms_buffer_ushort& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-LABEL: kernel void rms_norm_bf16_nw_reg_eps0x3727c5ac(device rms_buffer_ushort& x {{\[\[}}buffer(0)]], device rms_buffer_ushort& y {{\[\[}}buffer(1)]], constant rms_scalar_uint& rows {{\[\[}}buffer(2)]], constant rms_scalar_uint& n {{\[\[}}buffer(3)]],

// CHECK-NOT: kernel void
// CHECK-NOT: double

// MANIFEST: rms_norm_f32_w_v4_reg_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_w_v4_rows_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_w_v4_row_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_w_rows_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_w_reg_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_w_row_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_nw_row_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_nw_v4_rows_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_nw_v4_reg_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_nw_v4_row_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_nw_rows_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f32_nw_reg_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_w_row_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_w_v4_rows_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_w_v4_reg_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_w_v4_row_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_w_rows_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_w_reg_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_nw_row_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_nw_v4_rows_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_nw_v4_reg_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_nw_v4_row_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_nw_rows_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_f16_nw_reg_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_w_row_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_w_v4_rows_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_w_v4_reg_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_w_v4_row_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_w_rows_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_w_reg_eps0x3727c5ac: 5 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_nw_row_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_nw_v4_rows_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_nw_v4_reg_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_nw_v4_row_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_nw_rows_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: rms_norm_bf16_nw_reg_eps0x3727c5ac: 4 buffers, 256 threads, agrees
// MANIFEST: 36 kernels, manifest agrees with the source

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
