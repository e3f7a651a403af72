// RUN: rms-opt %s -one-shot-bufferize="bufferize-function-boundaries" -split-input-file | FileCheck %s

// The tensor form becomes the memref form writing into the buffer of `init`;
// a tensor.empty destination is allocated, never copied (init is not read).

// CHECK-LABEL: func @empty_init
// CHECK-SAME: (%[[X:.*]]: memref<?x4096xf16, strided<[?, ?], offset: ?>>, %[[W:.*]]: memref<4096xf16, strided<[?], offset: ?>>) -> memref<?x4096xf16>
// CHECK: %[[D:.*]] = memref.dim %[[X]]
// CHECK: %[[A:.*]] = memref.alloc(%[[D]]) {{.*}} : memref<?x4096xf16>
// CHECK-NOT: memref.copy
// CHECK: rms.norm ins(%[[X]], %[[W]] : memref<?x4096xf16, strided<[?, ?], offset: ?>>, memref<4096xf16, strided<[?], offset: ?>>) outs(%[[A]] : memref<?x4096xf16>) epsilon(9.99999974E-6){{$}}
// CHECK: return %[[A]]
func.func @empty_init(%x: tensor<?x4096xf16>, %w: tensor<4096xf16>) -> tensor<?x4096xf16> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?x4096xf16>
  %init = tensor.empty(%d) : tensor<?x4096xf16>
  %y = rms.norm ins(%x, %w : tensor<?x4096xf16>, tensor<4096xf16>) outs(%init : tensor<?x4096xf16>) epsilon(1.0e-05) -> tensor<?x4096xf16>
  return %y : tensor<?x4096xf16>
}

// -----

// The input is also the destination. Function arguments are not writable,
// so a new buffer is allocated; since init is never read, nothing is copied.

// CHECK-LABEL: func @in_place
// CHECK-SAME: (%[[X:.*]]: memref<4x8xf32, strided<[?, ?], offset: ?>>)
// CHECK: %[[A:.*]] = memref.alloc() {{.*}} : memref<4x8xf32>
// CHECK-NOT: memref.copy
// CHECK: rms.norm ins(%[[X]] : memref<4x8xf32, strided<[?, ?], offset: ?>>) outs(%[[A]] : memref<4x8xf32>)
func.func @in_place(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = rms.norm ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) epsilon(1.0e-05) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
