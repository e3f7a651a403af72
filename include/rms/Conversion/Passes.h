//===- Passes.h - rms conversion passes -------------------------*- C++ -*-===//
//
// Declares the conversions out of the `rms` dialect.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_CONVERSION_PASSES_H
#define RMS_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::rms {

#define GEN_PASS_DECL
#include "rms/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "rms/Conversion/Passes.h.inc"

} // namespace mlir::rms

#endif // RMS_CONVERSION_PASSES_H
