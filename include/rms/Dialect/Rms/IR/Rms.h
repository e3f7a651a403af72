//===- Rms.h - rms dialect ---------------------------------------*- C++ -*-===//
//
// Declares the `rms` dialect and its operations.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_DIALECT_RMS_IR_RMS_H
#define RMS_DIALECT_RMS_IR_RMS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"

#include "rms/Dialect/Rms/IR/RmsOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "rms/Dialect/Rms/IR/RmsOps.h.inc"

#endif // RMS_DIALECT_RMS_IR_RMS_H
