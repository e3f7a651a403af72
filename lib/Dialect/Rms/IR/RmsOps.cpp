//===- RmsOps.cpp - rms dialect operations --------------------------------===//
//
// Implements `rms.norm`: its verifier and the interfaces that let upstream
// transformations work on it without glue code. Memory effects, shape
// reification and bufferization mirror `linalg.softmax`; the decomposition
// into `linalg` spells out the contract's numerics (accumulate in f32, or f64
// for f64 data, round once at the end); the tiling interface exposes the
// leading dimensions as parallel loops and the normalized dimension as a
// reduction that is always kept whole in a tile.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/IR/Rms.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

using namespace mlir;
using namespace mlir::rms;

#define GET_OP_CLASSES
#include "rms/Dialect/Rms/IR/RmsOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Returns `dim` of `shaped` (a tensor or a memref) as an OpFoldResult.
static OpFoldResult getDim(OpBuilder &b, Location loc, Value shaped,
                           int64_t dim) {
  auto type = cast<ShapedType>(shaped.getType());
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  if (isa<MemRefType>(type))
    return memref::DimOp::create(b, loc, shaped, dim).getResult();
  return tensor::DimOp::create(b, loc, shaped, dim).getResult();
}

/// Takes a unit-stride slice of a tensor or a memref.
static Value getSlice(OpBuilder &b, Location loc, Value source,
                      ArrayRef<OpFoldResult> offsets,
                      ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  if (isa<MemRefType>(source.getType()))
    return memref::SubViewOp::create(b, loc, source, offsets, sizes, strides);
  return tensor::ExtractSliceOp::create(b, loc, source, offsets, sizes,
                                        strides);
}

//===----------------------------------------------------------------------===//
// NormOp: construction and verification
//===----------------------------------------------------------------------===//

void NormOp::build(OpBuilder &builder, OperationState &state, Value input,
                   Value weight, Value init, float epsilon) {
  Type resultType =
      isa<RankedTensorType>(init.getType()) ? init.getType() : Type();
  build(builder, state, resultType, input, weight, init,
        builder.getF32FloatAttr(epsilon));
}

FloatType NormOp::getAccumulatorType() {
  Builder b(getContext());
  return getElementType().isF64() ? b.getF64Type() : b.getF32Type();
}

LogicalResult NormOp::verify() {
  ShapedType inputType = getInputType();
  Type elementType = inputType.getElementType();
  if (!isa<Float16Type, BFloat16Type, Float32Type, Float64Type>(elementType))
    return emitOpError("input element type must be f16, bf16, f32 or f64, "
                       "but got ")
           << elementType;
  if (inputType.getRank() < 1)
    return emitOpError("input must have rank >= 1, but got ") << inputType;

  bool onTensors = isa<RankedTensorType>(inputType);
  StringRef kind = onTensors ? "tensor" : "memref";

  // `init` must look exactly like `input`, up to dynamic dimensions.
  auto initType = cast<ShapedType>(getInit().getType());
  if (isa<RankedTensorType>(initType) != onTensors)
    return emitOpError("init must be a ")
           << kind << " like input " << inputType << ", but got " << initType;
  if (initType.getElementType() != elementType)
    return emitOpError("init must have element type ")
           << elementType << " like input, but got " << initType;
  if (initType.getRank() != inputType.getRank() ||
      failed(verifyCompatibleShape(initType.getShape(), inputType.getShape())))
    return emitOpError("init must have the shape of input ")
           << inputType << ", but got " << initType;

  // `weight` is one value per element of a row.
  if (Value weight = getWeight()) {
    auto weightType = cast<ShapedType>(weight.getType());
    if (isa<RankedTensorType>(weightType) != onTensors)
      return emitOpError("weight must be a ")
             << kind << " like input " << inputType << ", but got "
             << weightType;
    if (weightType.getElementType() != elementType)
      return emitOpError("weight must have element type ")
             << elementType << " like input, but got " << weightType;
    int64_t rowSize = inputType.getShape().back();
    if (weightType.getRank() != 1)
      return emitOpError("weight must have rank 1 and size ")
             << (ShapedType::isDynamic(rowSize) ? std::string("?")
                                                : std::to_string(rowSize))
             << " (the last dimension of input), but got " << weightType;
    int64_t weightSize = weightType.getDimSize(0);
    if (!ShapedType::isDynamic(rowSize) &&
        !ShapedType::isDynamic(weightSize) && weightSize != rowSize)
      return emitOpError("weight must have size ")
             << rowSize << " (the last dimension of input), but got "
             << weightType;
  }

  APFloat epsilon = getEpsilon();
  if (!epsilon.isFinite() || epsilon.isNegative())
    return emitOpError("epsilon must be finite and >= 0, but got ")
           << epsilon.convertToDouble();
  return success();
}

/// Folds the `memref.cast`s that only erase static information (shapes,
/// strides, offsets) from the operands, as upstream memref consumers do
/// (memref::foldMemRefCast): the lowering then sees static row counts and
/// lengths. Not where the static shapes disagree, which the dynamic ones
/// leave to the run-time checks: the fold would produce an op that does not
/// verify.
LogicalResult NormOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  if (!hasPureBufferSemantics())
    return failure();
  auto sourceOf = [](Value operand) {
    auto cast = operand.getDefiningOp<memref::CastOp>();
    return cast && memref::CastOp::canFoldIntoConsumerOp(cast)
               ? cast.getSource()
               : operand;
  };
  Value input = sourceOf(getInput()), init = sourceOf(getInit());
  Value weight = getWeight() ? sourceOf(getWeight()) : Value();
  if (input == getInput() && init == getInit() && weight == getWeight())
    return failure();
  ArrayRef<int64_t> shape = cast<MemRefType>(input.getType()).getShape();
  if (failed(verifyCompatibleShape(
          shape, cast<MemRefType>(init.getType()).getShape())))
    return failure();
  if (weight && failed(verifyCompatibleShape(
                    shape.take_back(),
                    cast<MemRefType>(weight.getType()).getShape())))
    return failure();
  getInputMutable().assign(input);
  getInitMutable().assign(init);
  if (weight)
    getWeightMutable().assign(weight);
  return success();
}

//===----------------------------------------------------------------------===//
// NormOp: memory effects and shapes
//===----------------------------------------------------------------------===//

void NormOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (!hasPureBufferSemantics())
    return;
  for (OpOperand *operand : getDpsInputOperands())
    effects.emplace_back(MemoryEffects::Read::get(), operand, /*stage=*/0,
                         /*effectOnFullRegion=*/true,
                         SideEffects::DefaultResource::get());
  // Every element of `init` is overwritten and none is read.
  for (OpOperand &operand : getDpsInitsMutable())
    effects.emplace_back(MemoryEffects::Write::get(), &operand, /*stage=*/0,
                         /*effectOnFullRegion=*/true,
                         SideEffects::DefaultResource::get());
}

LogicalResult
NormOp::reifyResultShapes(OpBuilder &b,
                          ReifiedRankedShapedTypeDims &reifiedReturnShapes) {
  SmallVector<OpFoldResult> shape;
  for (int64_t dim = 0, rank = getInputType().getRank(); dim < rank; ++dim)
    shape.push_back(getDim(b, getLoc(), getInit(), dim));
  reifiedReturnShapes.assign(getOperation()->getNumResults(), shape);
  return success();
}

//===----------------------------------------------------------------------===//
// NormOp: decomposition into linalg (AggregatedOpInterface)
//===----------------------------------------------------------------------===//

/// Widens `v` to the accumulator type of `op` (f32, or f64 for f64 data).
static Value toAccumulator(OpBuilder &b, Location loc, NormOp op, Value v) {
  FloatType accType = op.getAccumulatorType();
  return v.getType() == accType ? v
                                : arith::ExtFOp::create(b, loc, accType, v);
}

/// A tensor of zeros in the accumulator type with the leading dimensions of
/// `source` followed by `trailing` (one accumulator per row when empty).
static Value zeroRowAccumulators(OpBuilder &b, Location loc, NormOp op,
                                 Value source, ArrayRef<OpFoldResult> trailing) {
  SmallVector<OpFoldResult> shape;
  for (int64_t dim = 0, rank = op.getInputType().getRank(); dim + 1 < rank;
       ++dim)
    shape.push_back(getDim(b, loc, source, dim));
  llvm::append_range(shape, trailing);
  FloatType accType = op.getAccumulatorType();
  Value empty = tensor::EmptyOp::create(b, loc, shape, accType);
  Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(accType, 0.0));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// `sum_i ext(x[r..., i])^2` added into `acc` (one accumulator per row).
static Value sumSquaresInto(OpBuilder &b, Location loc, NormOp op, Value x,
                            Value acc) {
  int64_t rank = cast<ShapedType>(x.getType()).getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, acc.getType(), ValueRange{x}, ValueRange{acc},
             ArrayRef<AffineMap>{identity, identity.dropResult(rank - 1)},
             iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value v = toAccumulator(nb, nloc, op, args[0]);
               Value square = arith::MulFOp::create(nb, nloc, v, v);
               Value sum = arith::AddFOp::create(nb, nloc, args[1], square);
               linalg::YieldOp::create(nb, nloc, sum);
             })
      .getResult(0);
}

/// Given the sum of squares of every row, computes the op's result:
///
///   scale[r] = 1 / sqrt(sumsq[r] / N + epsilon)      (per row, acc type)
///   y[r, i]  = trunc(ext(x[r, i]) * scale[r] * ext(w[i]))
static Value scaleRows(OpBuilder &b, Location loc, NormOp op,
                       Value sumOfSquares) {
  MLIRContext *ctx = op.getContext();
  Value input = op.getInput();
  Type elementType = op.getElementType();
  FloatType accType = op.getAccumulatorType();
  int64_t rank = op.getInputType().getRank();

  // N as an accumulator-typed value; dynamic row lengths are read at runtime.
  OpFoldResult rowSize = getDim(b, loc, input, rank - 1);
  Value count;
  if (auto size = getConstantIntValue(rowSize)) {
    count = arith::ConstantOp::create(
        b, loc, b.getFloatAttr(accType, static_cast<double>(*size)));
  } else {
    Value asInt = arith::IndexCastUIOp::create(b, loc, b.getI64Type(),
                                               cast<Value>(rowSize));
    count = arith::UIToFPOp::create(b, loc, accType, asInt);
  }
  Value epsilon = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(accType, op.getEpsilon().convertToFloat()));

  SmallVector<AffineMap> rowMaps(2, b.getMultiDimIdentityMap(rank - 1));
  SmallVector<utils::IteratorType> rowIterators(rank - 1,
                                                utils::IteratorType::parallel);
  SmallVector<OpFoldResult> rowShape;
  for (int64_t dim = 0; dim + 1 < rank; ++dim)
    rowShape.push_back(getDim(b, loc, input, dim));
  Value rowsEmpty = tensor::EmptyOp::create(b, loc, rowShape, accType);
  Value scale =
      linalg::GenericOp::create(
          b, loc, rowsEmpty.getType(), ValueRange{sumOfSquares},
          ValueRange{rowsEmpty}, rowMaps, rowIterators,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value mean = arith::DivFOp::create(nb, nloc, args[0], count);
            Value shifted = arith::AddFOp::create(nb, nloc, mean, epsilon);
            Value root = math::SqrtOp::create(nb, nloc, shifted);
            Value one = arith::ConstantOp::create(
                nb, nloc, nb.getFloatAttr(accType, 1.0));
            Value inverse = arith::DivFOp::create(nb, nloc, one, root);
            linalg::YieldOp::create(nb, nloc, inverse);
          })
          .getResult(0);

  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<Value> inputs = {input, scale};
  SmallVector<AffineMap> maps = {identity, identity.dropResult(rank - 1)};
  Value weight = op.getWeight();
  if (weight) {
    inputs.push_back(weight);
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(rank - 1), ctx));
  }
  maps.push_back(identity);
  return linalg::GenericOp::create(
             b, loc, op.getInit().getType(), inputs, ValueRange{op.getInit()},
             maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value y = arith::MulFOp::create(
                   nb, nloc, toAccumulator(nb, nloc, op, args[0]), args[1]);
               if (weight)
                 y = arith::MulFOp::create(
                     nb, nloc, y, toAccumulator(nb, nloc, op, args[2]));
               if (elementType != accType)
                 y = arith::TruncFOp::create(nb, nloc, elementType, y);
               linalg::YieldOp::create(nb, nloc, y);
             })
      .getResult(0);
}

/// Decomposes a tensor `rms.norm` into three `linalg.generic` ops:
///
///   sumsq[r] = sum_i ext(x[r, i])^2                  (reduction, acc type)
///   scale[r] = rsqrt(sumsq[r] / N + epsilon)         (per row, acc type)
///   y[r, i]  = trunc(ext(x[r, i]) * scale[r] * ext(w[i]))
///
/// where `ext`/`trunc` convert between the element type and the accumulator
/// type (f32, or f64 for f64 data), so the result is rounded exactly once.
FailureOr<SmallVector<Value>> NormOp::decomposeOperation(OpBuilder &b) {
  if (!hasPureTensorSemantics())
    return failure();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(*this);
  Location loc = getLoc();
  Value zeros = zeroRowAccumulators(b, loc, *this, getInput(), {});
  Value sumOfSquares = sumSquaresInto(b, loc, *this, getInput(), zeros);
  return SmallVector<Value>{scaleRows(b, loc, *this, sumOfSquares)};
}

//===----------------------------------------------------------------------===//
// NormOp: TilingInterface
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType> NormOp::getLoopIteratorTypes() {
  SmallVector<utils::IteratorType> iterators(getInputType().getRank(),
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  return iterators;
}

SmallVector<Range> NormOp::getIterationDomain(OpBuilder &b) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(*this);
  Location loc = getLoc();
  SmallVector<Range> domain;
  for (int64_t dim = 0, rank = getInputType().getRank(); dim < rank; ++dim)
    domain.push_back(Range{b.getIndexAttr(0), getDim(b, loc, getInput(), dim),
                           b.getIndexAttr(1)});
  return domain;
}

/// A tile always spans whole rows: the normalized dimension is a reduction
/// whose result every element of the row needs, so a tile of it would be
/// wrong. The requested offset/size of the last dimension are replaced by
/// the full row.
static void wholeRows(OpBuilder &b, NormOp op, ArrayRef<OpFoldResult> offsets,
                      ArrayRef<OpFoldResult> sizes,
                      SmallVectorImpl<OpFoldResult> &rowOffsets,
                      SmallVectorImpl<OpFoldResult> &rowSizes) {
  int64_t last = op.getInputType().getRank() - 1;
  rowOffsets.assign(offsets.begin(), offsets.end());
  rowSizes.assign(sizes.begin(), sizes.end());
  rowOffsets[last] = b.getIndexAttr(0);
  rowSizes[last] = getDim(b, op.getLoc(), op.getInput(), last);
}

FailureOr<TilingResult>
NormOp::getTiledImplementation(OpBuilder &b, ArrayRef<OpFoldResult> offsets,
                               ArrayRef<OpFoldResult> sizes) {
  Location loc = getLoc();
  SmallVector<OpFoldResult> tileOffsets, tileSizes;
  wholeRows(b, *this, offsets, sizes, tileOffsets, tileSizes);

  Value input = getSlice(b, loc, getInput(), tileOffsets, tileSizes);
  Value init = getSlice(b, loc, getInit(), tileOffsets, tileSizes);
  SmallVector<Operation *> slices = {input.getDefiningOp(),
                                     init.getDefiningOp()};
  SmallVector<Value> operands = {input};
  if (Value weight = getWeight())
    operands.push_back(weight);
  operands.push_back(init);

  SmallVector<Type> resultTypes;
  if (hasPureTensorSemantics())
    resultTypes.push_back(init.getType());
  Operation *tiled = mlir::clone(b, getOperation(), resultTypes, operands);
  return TilingResult{{tiled}, SmallVector<Value>(tiled->getResults()),
                      slices};
}

LogicalResult NormOp::getResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  if (resultNumber != 0)
    return failure();
  wholeRows(b, *this, offsets, sizes, resultOffsets, resultSizes);
  return success();
}

LogicalResult NormOp::getIterationDomainTileFromResultTile(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes,
    SmallVectorImpl<OpFoldResult> &iterDomainOffsets,
    SmallVectorImpl<OpFoldResult> &iterDomainSizes) {
  if (resultNumber != 0)
    return failure();
  wholeRows(b, *this, offsets, sizes, iterDomainOffsets, iterDomainSizes);
  return success();
}

/// Whether `offset`/`size` provably cover the whole normalized dimension.
static bool isWholeRow(NormOp op, OpFoldResult offset, OpFoldResult size) {
  if (!isConstantIntValue(offset, 0))
    return false;
  int64_t last = op.getInputType().getRank() - 1;
  int64_t staticSize = op.getInputType().getDimSize(last);
  if (!ShapedType::isDynamic(staticSize))
    return isConstantIntValue(size, staticSize);
  // A dynamic row length is whole when it is read off input or init, or
  // when the value-bounds analysis proves it equal to the input's (a tile of
  // a producer loop measures the producer's operands, not the norm's).
  auto value = dyn_cast<Value>(size);
  if (!value)
    return false;
  Operation *def = value.getDefiningOp();
  if (def && isa<tensor::DimOp, memref::DimOp>(def) &&
      getConstantIntValue(def->getOperand(1)) == last &&
      (def->getOperand(0) == op.getInput() ||
       def->getOperand(0) == op.getInit()))
    return true;
  FailureOr<bool> equal = ValueBoundsConstraintSet::areEqual(
      value, ValueBoundsConstraintSet::Variable(op.getInput(), last));
  return succeeded(equal) && *equal;
}

FailureOr<TilingResult>
NormOp::generateResultTileValue(OpBuilder &b, unsigned resultNumber,
                                ArrayRef<OpFoldResult> offsets,
                                ArrayRef<OpFoldResult> sizes) {
  // A consumer may only ask for whole rows: a part of a row cannot be
  // produced without the rest of it.
  if (resultNumber != 0 || !isWholeRow(*this, offsets.back(), sizes.back()))
    return failure();
  return getTiledImplementation(b, offsets, sizes);
}

/// The rows that tiles of the input or init, made by a producer already
/// tiled into a loop, stand for: consumer fusion (`scf::tileAndFuseConsumer`)
/// computes the norm of those rows in the producer's loop. The tiles must
/// span whole rows and agree with each other; a tile of the weight would
/// need every row of the norm, so it is not fused.
LogicalResult NormOp::getIterationDomainTileFromOperandTiles(
    OpBuilder &b, ArrayRef<unsigned> operandNumbers,
    ArrayRef<SmallVector<OpFoldResult>> allOffsets,
    ArrayRef<SmallVector<OpFoldResult>> allSizes,
    SmallVectorImpl<OpFoldResult> &iterDomainOffsets,
    SmallVectorImpl<OpFoldResult> &iterDomainSizes) {
  unsigned inputNumber = getInputMutable().getOperandNumber();
  unsigned initNumber = getInitMutable().getOperandNumber();
  iterDomainOffsets.clear();
  iterDomainSizes.clear();
  for (auto [number, offsets, sizes] :
       llvm::zip_equal(operandNumbers, allOffsets, allSizes)) {
    if ((number != inputNumber && number != initNumber) ||
        !isWholeRow(*this, offsets.back(), sizes.back()))
      return failure();
    if (iterDomainOffsets.empty()) {
      iterDomainOffsets.assign(offsets.begin(), offsets.end());
      iterDomainSizes.assign(sizes.begin(), sizes.end());
      continue;
    }
    if (!isEqualConstantIntOrValueArray(offsets, iterDomainOffsets) ||
        !isEqualConstantIntOrValueArray(sizes, iterDomainSizes))
      return failure();
  }
  return success(!iterDomainOffsets.empty());
}

FailureOr<TilingResult> NormOp::getTiledImplementationFromOperandTiles(
    OpBuilder &b, ArrayRef<unsigned> operandNumbers,
    ArrayRef<SmallVector<OpFoldResult>> allOffsets,
    ArrayRef<SmallVector<OpFoldResult>> allSizes) {
  SmallVector<OpFoldResult> offsets, sizes;
  if (failed(getIterationDomainTileFromOperandTiles(
          b, operandNumbers, allOffsets, allSizes, offsets, sizes)))
    return failure();
  return getTiledImplementation(b, offsets, sizes);
}

//===----------------------------------------------------------------------===//
// NormOp: PartialReductionOpInterface
//===----------------------------------------------------------------------===//
//
// The reduction of rms.norm is the sum of squares of each row; its result is
// not that sum but a second sweep over the row. Splitting the normalized
// dimension therefore produces partial sums of squares, one per split
// (`[leading dims..., splits]` in the accumulator type), and the merge sums
// them and computes the result from x, the total and w (`scaleRows`).

FailureOr<SmallVector<Value>> NormOp::generateInitialTensorForPartialReduction(
    OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
    const SetVector<unsigned> &reductionDims) {
  int64_t last = getInputType().getRank() - 1;
  if (!hasPureTensorSemantics() || reductionDims.size() != 1 ||
      reductionDims.front() != static_cast<unsigned>(last))
    return failure();
  return SmallVector<Value>{
      zeroRowAccumulators(b, loc, *this, getInput(), {sizes[last]})};
}

FailureOr<TilingResult> NormOp::tileToPartialReduction(
    OpBuilder &b, Location loc, ReductionTilingStrategy tilingStrategy,
    ValueRange init, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, const SetVector<unsigned> &reductionDims,
    ArrayRef<OpFoldResult> splitReductionIvs) {
  int64_t rank = getInputType().getRank();
  Value x = getSlice(b, loc, getInput(), offsets, sizes);
  SmallVector<OpFoldResult> partialOffsets, partialSizes;
  if (failed(getPartialResultTilePosition(b, 0, tilingStrategy, offsets, sizes,
                                          reductionDims, splitReductionIvs,
                                          partialOffsets, partialSizes)))
    return failure();
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));

  if (tilingStrategy == ReductionTilingStrategy::PartialReductionOuterParallel) {
    // One partial sum per split: reduce the chunk into a rank-reduced slice.
    // The slice drops the (unit) split dimension, which is the last one.
    SmallVector<int64_t> shape;
    for (OpFoldResult size : ArrayRef(partialSizes).drop_back())
      shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
    auto partialType = RankedTensorType::get(shape, getAccumulatorType());
    auto slice = tensor::ExtractSliceOp::create(
        b, loc, partialType, init[0], partialOffsets, partialSizes, strides);
    Value sum = sumSquaresInto(b, loc, *this, x, slice);
    return TilingResult{{sum.getDefiningOp()},
                        {sum},
                        {x.getDefiningOp(), slice}};
  }
  if (tilingStrategy != ReductionTilingStrategy::PartialReductionOuterReduction)
    return failure();
  // The chunk is added elementwise into a tile-sized row of partial sums.
  auto slice = tensor::ExtractSliceOp::create(b, loc, init[0], partialOffsets,
                                              partialSizes, strides);
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  Value sum =
      linalg::GenericOp::create(
          b, loc, slice.getType(), ValueRange{x}, ValueRange{slice},
          ArrayRef<AffineMap>{identity, identity},
          SmallVector<utils::IteratorType>(rank,
                                           utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value v = toAccumulator(nb, nloc, *this, args[0]);
            Value square = arith::MulFOp::create(nb, nloc, v, v);
            linalg::YieldOp::create(
                nb, nloc, arith::AddFOp::create(nb, nloc, args[1], square)
                              .getResult());
          })
          .getResult(0);
  return TilingResult{{sum.getDefiningOp()}, {sum}, {x.getDefiningOp(), slice}};
}

LogicalResult NormOp::getPartialResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ReductionTilingStrategy tilingStrategy,
    ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
    const SetVector<unsigned> &reductionDims,
    ArrayRef<OpFoldResult> splitReductionIvs,
    SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  if (resultNumber != 0)
    return failure();
  int64_t last = getInputType().getRank() - 1;
  resultOffsets.assign(offsets.begin(), offsets.end());
  resultSizes.assign(sizes.begin(), sizes.end());
  if (tilingStrategy == ReductionTilingStrategy::PartialReductionOuterParallel) {
    // Split `k` owns column `k` of the partial sums.
    resultOffsets[last] = splitReductionIvs.front();
    resultSizes[last] = b.getIndexAttr(1);
  } else {
    // Every chunk adds into the same tile-sized row of partial sums.
    resultOffsets[last] = b.getIndexAttr(0);
  }
  return success();
}

FailureOr<MergeResult>
NormOp::mergeReductions(OpBuilder &b, Location loc, ValueRange partialReduce,
                        const SetVector<unsigned> &reductionDims) {
  int64_t rank = getInputType().getRank();
  Value zeros = zeroRowAccumulators(b, loc, *this, getInput(), {});
  auto total = linalg::ReduceOp::create(
      b, loc, ValueRange{partialReduce[0]}, ValueRange{zeros},
      SmallVector<int64_t>{rank - 1},
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, arith::AddFOp::create(nb, nloc, args[0], args[1])
                          .getResult());
      });
  Value result = scaleRows(b, loc, *this, total.getResult(0));
  // The combining op is the sum of the partial sums (transforms expect one);
  // the sweep that scales the rows follows it.
  return MergeResult{{total}, {result}};
}
