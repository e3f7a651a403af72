// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 vector-width=1 row-registers=0" -canonicalize -cse -split-input-file | FileCheck %s
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 vector-width=1 row-registers=0 denormal-fixup=2" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=ALWAYS
// RUN: rms-opt %s --convert-rms-to-gpu="workgroup-size=32 vector-width=1 row-registers=0 denormal-fixup=0" -canonicalize -cse -split-input-file | FileCheck %s --check-prefix=NEVER

// denormal-fixup=1 (the default): GPUs flush f32 denormals, which turns
// every result they touch (a denormal input, intermediate or result; a bf16
// below 2^-126 is one before its rounding) into a zero, or times an
// infinite weight a NaN. The streamed row's loop scales its four units,
// and if one came out zero or NaN (magnitude - 1 >= 0x7F800000, unsigned)
// it reads the four again and computes them with the exponents in integers
// (significands of 1.0 to 2.0 multiplied, exponents added; a denormal's
// from its mantissa converted to f32), in a loop: one copy of
// that code per group. Nothing is stored before the choice, so y may be x.
// CHECK-LABEL: gpu.func @rms_norm_f32_w_row_eps0x3727c5ac(
// CHECK: %[[SCALE:.*]] = arith.divf
// CHECK: scf.for
// CHECK-COUNT-4: arith.cmpi uge, %{{.*}}, %c2139095040_i32 : i32
// CHECK: scf.if %{{.*}} {
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK: memref.load %arg1
// CHECK: memref.load %arg0
// CHECK: arith.ori %{{.*}}, %c1065353216_i32 : i32
// CHECK: memref.store
// CHECK: } else {
// CHECK-COUNT-4: memref.store
// The rest loop, one unit at a time.
// CHECK: scf.for
// CHECK: arith.cmpi uge, %{{.*}}, %c2139095040_i32 : i32
// CHECK: scf.if
// CHECK: arith.ori %{{.*}}, %c1065353216_i32 : i32
// CHECK: } else {
// CHECK: memref.store
// CHECK: gpu.return

// denormal-fixup=2, for tests on devices that keep denormals: every result
// takes that path, with no choice.
// ALWAYS-LABEL: gpu.func @rms_norm_f32_w_row_eps0x3727c5ac(
// ALWAYS-NOT: arith.cmpi uge, %{{.*}}, %c2139095040_i32
// ALWAYS: arith.ori %{{.*}}, %c1065353216_i32 : i32
// ALWAYS-NOT: arith.cmpi uge, %{{.*}}, %c2139095040_i32
// ALWAYS: gpu.return

// NEVER-LABEL: gpu.func @rms_norm_f32_w_row_eps0x3727c5ac(
// NEVER-NOT: arith.ori %{{.*}}, %c1065353216_i32 : i32
// NEVER: gpu.return
func.func @f32(%x: memref<3x4099xf32>, %w: memref<4099xf32>, %y: memref<3x4099xf32>) {
  rms.norm ins(%x, %w : memref<3x4099xf32>, memref<4099xf32>) outs(%y : memref<3x4099xf32>) epsilon(1.0e-05)
  return
}

// -----

// f16 results are rounded from f32 values of at least 2^-64 (f16 inputs and
// weights are f32 normals, and so is a scale from f16 data), and f64 is
// computed in f64: neither is computed again.
// CHECK-LABEL: gpu.func @rms_norm_f16_w_row_eps0x3727c5ac(
// CHECK-NOT: arith.ori %{{.*}}, %c1065353216_i32 : i32
// CHECK: gpu.return
// CHECK-LABEL: gpu.func @rms_norm_f64_w_row_eps0x3727c5ac(
// CHECK-NOT: %c1065353216_i32
// CHECK: gpu.return
func.func @f16_f64(%x: memref<3x4099xf16>, %w: memref<4099xf16>, %y: memref<3x4099xf16>,
                   %a: memref<3x4099xf64>, %b: memref<4099xf64>, %c: memref<3x4099xf64>) {
  rms.norm ins(%x, %w : memref<3x4099xf16>, memref<4099xf16>) outs(%y : memref<3x4099xf16>) epsilon(1.0e-05)
  rms.norm ins(%a, %b : memref<3x4099xf64>, memref<4099xf64>) outs(%c : memref<3x4099xf64>) epsilon(1.0e-05)
  return
}
