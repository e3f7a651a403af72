// RUN: %python %S/Inputs/make_npy.py %t
// Every wrong input gives one line on stderr and a non-zero exit, never a
// crash.
// RUN: not rms-run %s --function=norm --input=@%t/x.npy --input=@%t/w7.npy --output=@%t/y.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not rms-run %s --function=norm --input=@%t/x_f64.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not rms-run %s --function=norm --input=@%t/x_3d.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=RANK
// RUN: not rms-run %s --function=norm --input=@%t/missing.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not rms-run %s --function=norm --input=@%t/not_npy.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=MAGIC
// RUN: not rms-run %s --function=norm --input=@%t/truncated.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: not rms-run %s --function=norm --input=@%t/big_endian.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=ENDIAN
// RUN: not rms-run %s --function=norm --input=@%t/bad_header.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=HEADER
// RUN: not rms-run %s --function=norm --input=@%t/x_fortran.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=FORTRAN
// RUN: not rms-run %s --function=norm --input=@%t/x.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not rms-run %s --function=norm --input=%t/x.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=AT
// RUN: not rms-run %s --function=nope --input=@%t/x.npy 2>&1 | FileCheck %s --check-prefix=FUNC
// RUN: not rms-run %s --function=norm --target=tpu --input=@%t/x.npy --input=@%t/w.npy 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not rms-run %s --function=scalar 2>&1 | FileCheck %s --check-prefix=SCALAR
// RUN: not rms-run %S/Inputs/does-not-exist.mlir --function=norm 2>&1 | FileCheck %s --check-prefix=FILE
// RUN: not rms-run %s --function=norm --input=@%t/x.npy --input=@%t/w.npy --output=@%t/no-such-dir/y.npy 2>&1 | FileCheck %s --check-prefix=WRITE
// RUN: not rms-run %s --function=dynamic --input=@%t/x.npy --input=@%t/w7.npy 2>&1 | FileCheck %s --check-prefix=ROWLEN
// RUN: not rms-run %s --function=indirect --input=@%t/x.npy --input=@%t/w7.npy 2>&1 | FileCheck %s --check-prefix=RUNTIME
// RUN: not rms-run %s --function=norm --input=@%t/x.npy --input=@%t/w.npy --pipeline-options="unroll=0" 2>&1 | FileCheck %s --check-prefix=OPTION

// OPTION: error: rms-vectorize: unroll must be in [1, 64]
// OPTION-NOT: module
// OPTION: rms-run: error: compiling '{{.*}}' for the cpu failed
// SHAPE: rms-run: error: input 1: shape 7 does not match tensor<8xf32>
// DTYPE: rms-run: error: input 0: dtype '<f8' does not match tensor<?x8xf32> (expected '<f4')
// RANK: rms-run: error: input 0: shape 2x2x8 does not match tensor<?x8xf32>
// MISSING: rms-run: error: input 0: cannot read '{{.*}}missing.npy': {{.*}}
// MAGIC: rms-run: error: input 0: '{{.*}}not_npy.npy': not a .npy file (bad magic)
// TRUNCATED: rms-run: error: input 0: '{{.*}}truncated.npy': data holds 59 bytes, but shape and dtype need 64
// ENDIAN: rms-run: error: input 0: '{{.*}}big_endian.npy': unsupported dtype '>f4'
// HEADER: rms-run: error: input 0: '{{.*}}bad_header.npy': header: 'shape' must be a tuple
// FORTRAN: rms-run: error: input 0: '{{.*}}x_fortran.npy': Fortran-ordered arrays are not supported; save the array in C order
// COUNT: rms-run: error: 'norm' takes 2 arguments, but 1 --input were given
// AT: rms-run: error: --input={{.*}}x.npy: expected @FILE.npy
// FUNC: rms-run: error: no function 'nope' in
// TARGET: rms-run: error: unknown target 'tpu' (expected cpu or vulkan)
// SCALAR: rms-run: error: argument 0 of 'scalar' is 'f32'; only ranked tensors of f16, bf16, f32 or f64 are supported
// FILE: rms-run: error: cannot read '{{.*}}does-not-exist.mlir': No such file or directory
// WRITE: rms-run: error: output 0: cannot write '{{.*}}y.npy': No such file or directory
// ROWLEN: rms-run: error: input 1: shape 7 is not the row length of input 0 (2x8)
// RUNTIME: rms-run: error: a run-time check of the compiled code failed
// RUNTIME-NOT: PLEASE submit a bug report

func.func @norm(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?x8xf32>
  %init = tensor.empty(%d) : tensor<?x8xf32>
  %y = rms.norm ins(%x, %w : tensor<?x8xf32>, tensor<8xf32>) outs(%init : tensor<?x8xf32>) epsilon(1.0e-05) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

func.func @scalar(%s: f32) -> f32 {
  return %s : f32
}

func.func @dynamic(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf32>
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf32>
  %y = rms.norm ins(%x, %w : tensor<?x?xf32>, tensor<?xf32>) outs(%init : tensor<?x?xf32>) epsilon(1.0e-05) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// The weight reaches the norm through another op: only the compiled code's
// own check can see the mismatch.
func.func @indirect(%x: tensor<?x?xf32>, %w: tensor<?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf32>
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %n = tensor.dim %w, %c0 : tensor<?xf32>
  %we = tensor.empty(%n) : tensor<?xf32>
  %w2 = linalg.copy ins(%w : tensor<?xf32>) outs(%we : tensor<?xf32>) -> tensor<?xf32>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xf32>
  %y = rms.norm ins(%x, %w2 : tensor<?x?xf32>, tensor<?xf32>) outs(%init : tensor<?x?xf32>) epsilon(1.0e-05) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
