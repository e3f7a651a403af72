// RUN: rms-opt %s --rms-cpu-pipeline="vector-bits=512 nontemporal-bytes=1 avx512-bf16=1" | rms-translate --mlir-to-llvmir | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mattr=+avx512f,+avx512bw,+avx512dq,+avx512vl,+avx512bf16 | FileCheck %s
// RUN: rms-opt %s --rms-cpu-pipeline="vector-bits=128 unroll=3 nontemporal-bytes=1" | rms-translate --mlir-to-llvmir | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mattr=+avx512f,+avx512bw,+avx512dq,+avx512vl,+avx512bf16 | FileCheck %s --check-prefix=NARROW

// Streaming stores reach the machine code for every element type. LLVM 22's
// x86 backend selects an ordinary store for a non-temporal store of f16 or
// bf16 vectors (and folds a bitcast to integers into it), so rms-vectorize
// stores 16-bit results as 32-bit words behind an empty inline asm: the
// stores of the unrolled loops must come out as vmovnt*, a whole 64-byte
// line each, and bf16 pairs are rounded by one vcvtne2ps2bf16. (16-bit rows
// of 1 KiB: shorter ones are emitted whole, with ordinary stores.)

// With 128-bit vectors and an odd unroll, 16-bit results of one vector are
// 8 bytes, less than a register: they are stored as they are (no inline asm,
// which could not hold them), and the code still compiles.
// NARROW-LABEL: norm_f16:
// NARROW: sfence
// NARROW-LABEL: norm_bf16:
// NARROW: sfence

// The fence after a tile's stores may be laid out before them.
// CHECK-LABEL: norm_f32:
// CHECK-DAG: vmovntps %zmm
// CHECK-DAG: sfence
// CHECK-LABEL: norm_f16:
// CHECK-DAG: vcvtps2ph
// CHECK-DAG: vmovnt{{ps|dq}} %zmm
// CHECK-DAG: sfence
// CHECK-LABEL: norm_bf16:
// CHECK-DAG: vcvtne2ps2bf16
// CHECK-DAG: vmovnt{{ps|dq}} %zmm
// CHECK-DAG: sfence

func.func @norm_f32(%x: memref<64x256xf32>, %w: memref<256xf32>, %y: memref<64x256xf32>) {
  rms.norm ins(%x, %w : memref<64x256xf32>, memref<256xf32>) outs(%y : memref<64x256xf32>) epsilon(1.0e-05)
  return
}
func.func @norm_f16(%x: memref<64x512xf16>, %w: memref<512xf16>, %y: memref<64x512xf16>) {
  rms.norm ins(%x, %w : memref<64x512xf16>, memref<512xf16>) outs(%y : memref<64x512xf16>) epsilon(1.0e-05)
  return
}
func.func @norm_bf16(%x: memref<64x512xbf16>, %w: memref<512xbf16>, %y: memref<64x512xbf16>) {
  rms.norm ins(%x, %w : memref<64x512xbf16>, memref<512xbf16>) outs(%y : memref<64x512xbf16>) epsilon(1.0e-05)
  return
}
