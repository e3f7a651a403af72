// RUN: not rms-opt %s --rms-tile="tile-rows=-1" 2>&1 | FileCheck %s --check-prefix=TILE
// RUN: not rms-opt %s --rms-tile="threads=-2" 2>&1 | FileCheck %s --check-prefix=TILE-THREADS
// RUN: not rms-opt %s --rms-tile="balance-bytes=-2" 2>&1 | FileCheck %s --check-prefix=BALANCE
// RUN: not rms-opt %s --rms-cpu-pipeline="balance-bytes=-2" 2>&1 | FileCheck %s --check-prefix=BALANCE
// RUN: not rms-opt %s --rms-vectorize="vector-bits=7" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not rms-opt %s --rms-vectorize="vector-bits=8192" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not rms-opt %s --rms-vectorize="unroll=0" 2>&1 | FileCheck %s --check-prefix=UNROLL
// RUN: not rms-opt %s --rms-vectorize="unroll=65" 2>&1 | FileCheck %s --check-prefix=UNROLL
// RUN: not rms-opt %s --rms-vectorize="block=0" 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not rms-opt %s --rms-vectorize="nontemporal-bytes=-2" 2>&1 | FileCheck %s --check-prefix=NT
// RUN: not rms-opt %s --rms-vectorize="split-bytes=-2" 2>&1 | FileCheck %s --check-prefix=SPLIT
// RUN: not rms-opt %s --rms-vectorize="split-threads=-2" 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not rms-opt %s --rms-vectorize="fuse-rows=2" 2>&1 | FileCheck %s --check-prefix=FUSE
// RUN: not rms-opt %s --rms-vectorize="avx512-bf16=2" 2>&1 | FileCheck %s --check-prefix=BF16
// RUN: not rms-opt %s --rms-cpu-pipeline="unroll=0" 2>&1 | FileCheck %s --check-prefix=UNROLL

// The CPU passes' options are checked, each with one error: none is
// clamped or read as another value in silence.
// TILE: error: rms-tile: tile-rows must be >= 0
// TILE-THREADS: error: rms-tile: threads must be >= -1
// BALANCE: error: rms-tile: balance-bytes must be >= -1
// BITS: error: rms-vectorize: vector-bits must be 0 or a power of two in [8, 4096]
// UNROLL: error: rms-vectorize: unroll must be in [1, 64]
// BLOCK: error: rms-vectorize: block must be >= 1
// NT: error: rms-vectorize: nontemporal-bytes must be >= -1
// SPLIT: error: rms-vectorize: split-bytes must be >= -1
// THREADS: error: rms-vectorize: split-threads must be >= -1
// FUSE: error: rms-vectorize: fuse-rows must be -1, 0 or 1
// BF16: error: rms-vectorize: avx512-bf16 must be -1, 0 or 1

func.func @norm(%x: memref<2x8xf32>, %y: memref<2x8xf32>) {
  rms.norm ins(%x : memref<2x8xf32>) outs(%y : memref<2x8xf32>) epsilon(1.0e-05)
  return
}
