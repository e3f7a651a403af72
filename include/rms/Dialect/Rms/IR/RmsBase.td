//===- RmsBase.td - rms dialect definition -----------------*- tablegen -*-===//
//
// The `rms` dialect: RMS normalization as one first-class operation, so that
// compilers can lower it with a schedule that generic fusion does not find.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_DIALECT_RMS_IR_RMSBASE_TD
#define RMS_DIALECT_RMS_IR_RMSBASE_TD

include "mlir/IR/OpBase.td"

def Rms_Dialect : Dialect {
  let name = "rms";
  let cppNamespace = "::mlir::rms";
  let summary = "RMS normalization as a first-class operation";
  let description = [{
    The `rms` dialect holds `rms.norm`, the root-mean-square normalization
    that every modern transformer layer runs twice. Keeping the norm as one
    operation until late in the pipeline lets the compiler pick a schedule
    that reads each row once for the sum of squares and once for the scaling,
    accumulates in f32 (f64 for f64 data) and rounds once at the end.

    The op is destination-style and implements the upstream interfaces that
    transformations rely on (tiling, bufferization, decomposition into
    `linalg`), so it composes with upstream passes without glue code.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

class Rms_Op<string mnemonic, list<Trait> traits = []>
    : Op<Rms_Dialect, mnemonic, traits>;

#endif // RMS_DIALECT_RMS_IR_RMSBASE_TD
