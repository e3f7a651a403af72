// RUN: rms-opt %s --convert-rms-to-gpu -split-input-file -verify-diagnostics
// RUN: not rms-opt %s --convert-rms-to-gpu="vector-width=3" -split-input-file 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not rms-opt %s --convert-rms-to-gpu="rows-per-workgroup=0" -split-input-file 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: not rms-opt %s --convert-rms-to-gpu="short-row-limit=-1" -split-input-file 2>&1 | FileCheck %s --check-prefix=LIMIT
// RUN: not rms-opt %s --convert-rms-to-gpu="workgroup-size=0" -split-input-file 2>&1 | FileCheck %s --check-prefix=SIZE
// RUN: not rms-opt %s --convert-rms-to-gpu="row-registers=65" -split-input-file 2>&1 | FileCheck %s --check-prefix=REGS
// RUN: not rms-opt %s --convert-rms-to-gpu="invocation-row-limit=-1" -split-input-file 2>&1 | FileCheck %s --check-prefix=TINY
// RUN: not rms-opt %s --convert-rms-to-gpu="row-lanes=6" -split-input-file 2>&1 | FileCheck %s --check-prefix=LANES
// RUN: not rms-opt %s --convert-rms-to-gpu="row-lanes=128" -split-input-file 2>&1 | FileCheck %s --check-prefix=LANES
// RUN: not rms-opt %s --convert-rms-to-gpu="row-lanes=8 workgroup-size=12" -split-input-file 2>&1 | FileCheck %s --check-prefix=LANES-WG
// RUN: not rms-opt %s --convert-rms-to-gpu="split-row-limit=-1" -split-input-file 2>&1 | FileCheck %s --check-prefix=SPLIT
// RUN: not rms-opt %s --convert-rms-to-gpu="split-row-limit=1024 split-chunk=0" -split-input-file 2>&1 | FileCheck %s --check-prefix=CHUNK
// RUN: not rms-opt %s --convert-rms-to-gpu="target=metal split-row-limit=1024" -split-input-file 2>&1 | FileCheck %s --check-prefix=SPLIT-METAL
// RUN: not rms-opt %s --convert-rms-to-gpu="target=cuda" -split-input-file 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not rms-opt %s --convert-rms-to-gpu="denormal-fixup=3" -split-input-file 2>&1 | FileCheck %s --check-prefix=FIXUP

// WIDTH: error: convert-rms-to-gpu: vector-width must be 1, 2 or 4
// ROWS: error: convert-rms-to-gpu: rows-per-workgroup must be >= 1
// LIMIT: error: convert-rms-to-gpu: short-row-limit must be >= 0
// SIZE: error: convert-rms-to-gpu: workgroup-size must be >= 1
// REGS: error: convert-rms-to-gpu: row-registers must be in [0, 64]
// TINY: error: convert-rms-to-gpu: invocation-row-limit must be >= 0
// LANES: error: convert-rms-to-gpu: row-lanes must be a power of two in [1, 64]
// LANES-WG: error: convert-rms-to-gpu: workgroup-size must be a multiple of row-lanes
// SPLIT: error: convert-rms-to-gpu: split-row-limit must be >= 0
// CHUNK: error: convert-rms-to-gpu: split-chunk must be >= 1
// SPLIT-METAL: error: convert-rms-to-gpu: split-row-limit is not supported on Metal (its manifest describes one dispatch per norm)
// TARGET: error: convert-rms-to-gpu: target must be vulkan or metal, not 'cuda'
// FIXUP: error: convert-rms-to-gpu: denormal-fixup must be 0, 1 or 2

func.func @strided(%x: memref<2x8xf32, strided<[16, 1]>>, %y: memref<2x8xf32>) {
  // expected-error @+1 {{needs operands with identity layouts on the GPU}}
  rms.norm ins(%x : memref<2x8xf32, strided<[16, 1]>>) outs(%y : memref<2x8xf32>) epsilon(1.0e-05)
  return
}

// -----

func.func @tensors(%x: tensor<2x8xf32>, %i: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{must be bufferized before convert-rms-to-gpu}}
  %y = rms.norm ins(%x : tensor<2x8xf32>) outs(%i : tensor<2x8xf32>) epsilon(1.0e-05) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
