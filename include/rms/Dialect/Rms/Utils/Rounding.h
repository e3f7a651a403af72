//===- Rounding.h - f32 to bf16 with integer operations ---------*- C++ -*-===//
//
// The rounding of f32 results to bf16 that the CPU and GPU lowerings share
// where no instruction rounds (or one flushes subnormals): with integer
// operations on the f32 bits, so that every result, subnormal ones included,
// is the nearest bf16.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_DIALECT_RMS_UTILS_ROUNDING_H
#define RMS_DIALECT_RMS_UTILS_ROUNDING_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::rms {

/// The i32 bits of `value` (an f32 or a vector of f32) whose high half is
/// `value` rounded to bf16: to nearest, ties to even (a bias of 0x7FFF plus
/// the lowest kept bit), a NaN made quiet instead (rounding its payload could
/// carry it into the exponent or the sign). The bf16 is `result >> 16`.
inline Value roundedBF16Bits(ImplicitLocOpBuilder &b, Value value) {
  Type bitsType = b.getI32Type();
  if (auto vectorType = dyn_cast<VectorType>(value.getType()))
    bitsType = vectorType.clone(b.getI32Type());
  auto constant = [&](int64_t v) -> Value {
    TypedAttr attr = b.getI32IntegerAttr(static_cast<int32_t>(v));
    if (auto vectorType = dyn_cast<VectorType>(bitsType))
      attr = DenseElementsAttr::get(vectorType, attr);
    return arith::ConstantOp::create(b, attr);
  };
  Value bits = arith::BitcastOp::create(b, bitsType, value);
  Value lsb = arith::AndIOp::create(
      b, arith::ShRUIOp::create(b, bits, constant(16)), constant(1));
  Value rounded = arith::AddIOp::create(
      b, bits, arith::AddIOp::create(b, lsb, constant(0x7FFF)));
  Value isNaN = arith::CmpIOp::create(
      b, arith::CmpIPredicate::ugt,
      arith::AndIOp::create(b, bits, constant(0x7FFFFFFF)),
      constant(0x7F800000));
  Value quietNaN = arith::OrIOp::create(b, bits, constant(0x00400000));
  return arith::SelectOp::create(b, isNaN, quietNaN, rounded);
}

} // namespace mlir::rms

#endif // RMS_DIALECT_RMS_UTILS_ROUNDING_H
