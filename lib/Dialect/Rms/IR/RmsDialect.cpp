//===- RmsDialect.cpp - rms dialect registration --------------------------===//
//
// Registers the `rms` dialect and its operations with MLIR.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/IR/Rms.h"

using namespace mlir;
using namespace mlir::rms;

#include "rms/Dialect/Rms/IR/RmsOpsDialect.cpp.inc"

void RmsDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "rms/Dialect/Rms/IR/RmsOps.cpp.inc"
      >();
}
