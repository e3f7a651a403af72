//===- RmsVectorize.cpp - vectorize rms.norm on memrefs -------------------===//
//
// Implements `rms-vectorize`: lowers a memref `rms.norm` to scf loops over its
// rows with vector code for each row. Each row is swept twice: once for the
// sum of squares (several independent vector accumulators of fused
// multiply-adds, blocked and added into a compensated running sum so that
// very long rows stay exact), once for the scaling. Row tails are handled with
// masked loads and stores, so any row length works without a scalar loop.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/IR/Rms.h"
#include "rms/Dialect/Rms/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/TargetParser/Host.h"

namespace mlir::rms {
#define GEN_PASS_DEF_RMSVECTORIZE
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;
using namespace mlir::rms;

int64_t mlir::rms::getHostVectorBits() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 512;
  if (features.lookup("avx"))
    return 256;
  return 128;
}

/// Whether the innermost dimension of `type` is contiguous.
static bool hasUnitInnerStride(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.empty() || strides.back() == 1;
}

namespace {
/// Emits the vector code of one row of one `rms.norm`.
class RowEmitter {
public:
  RowEmitter(ImplicitLocOpBuilder &b, NormOp op, const VectorizeOptions &opts)
      : b(b), op(op), unroll(std::max<int64_t>(opts.unroll, 1)),
        block(std::max<int64_t>(opts.block, 1)) {
    elementType = op.getElementType();
    accType = op.getAccumulatorType();
    int64_t bits = opts.vectorBits > 0 ? opts.vectorBits : getHostVectorBits();
    lanes = std::max<int64_t>(bits / accType.getWidth(), 1);
    accVecType = VectorType::get({lanes}, accType);
    elemVecType = VectorType::get({lanes}, elementType);
    maskType = VectorType::get({lanes}, b.getI1Type());
  }

  /// Emits the row at leading indices `rowIndices`, of length `rowSize`.
  void emitRow(ValueRange rowIndices, Value rowSize);

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value zeroAccVector() {
    return arith::ConstantOp::create(
        b, accVecType, DenseElementsAttr::get(accVecType, b.getFloatAttr(accType, 0.0)));
  }
  SmallVector<Value> indices(ValueRange rowIndices, Value column) {
    SmallVector<Value> result(rowIndices);
    result.push_back(column);
    return result;
  }
  /// Widens a vector of elements to the accumulator type.
  Value widen(Value v) {
    return elementType == accType ? v : arith::ExtFOp::create(b, accVecType, v);
  }
  /// Loads `lanes` elements of `memref` at `idx`, widened; masked if `mask`.
  Value load(Value memref, ArrayRef<Value> idx, Value mask) {
    if (!mask)
      return widen(vector::LoadOp::create(b, elemVecType, memref, idx));
    Value zero = arith::ConstantOp::create(
        b, elemVecType,
        DenseElementsAttr::get(elemVecType, b.getFloatAttr(elementType, 0.0)));
    return widen(
        vector::MaskedLoadOp::create(b, elemVecType, memref, idx, mask, zero));
  }
  /// Kahan-adds `value` into the compensated sum (`sum`, `compensation`).
  void compensatedAdd(Value &sum, Value &compensation, Value value) {
    Value y = arith::SubFOp::create(b, value, compensation);
    Value t = arith::AddFOp::create(b, sum, y);
    compensation =
        arith::SubFOp::create(b, arith::SubFOp::create(b, t, sum), y);
    sum = t;
  }
  Value sumOfSquares(ValueRange rowIndices, Value rowSize, Value mainEnd);
  void scaleRow(ValueRange rowIndices, Value rowSize, Value mainEnd,
                Value scale);

  ImplicitLocOpBuilder &b;
  NormOp op;
  int64_t unroll, block, lanes;
  Type elementType;
  FloatType accType;
  VectorType accVecType, elemVecType, maskType;
};
} // namespace

/// Sum of squares of one row, in the accumulator type.
///
/// The unrolled main part runs in blocks of `block` iterations; each block's
/// `unroll` accumulators are summed pairwise and Kahan-added into the row sum,
/// so the rounding error of the row sum does not grow with the row length.
Value RowEmitter::sumOfSquares(ValueRange rowIndices, Value rowSize,
                               Value mainEnd) {
  Value input = op.getInput();
  Value step = index(lanes * unroll);
  Value blockSpan = index(lanes * unroll * block);
  Value zero = zeroAccVector();

  auto blocks = scf::ForOp::create(
      b, index(0), mainEnd, blockSpan, ValueRange{zero, zero},
      [&](OpBuilder &, Location, Value blockStart, ValueRange sums) {
        Value blockEnd = arith::MinUIOp::create(
            b, arith::AddIOp::create(b, blockStart, blockSpan), mainEnd);
        SmallVector<Value> zeros(unroll, zero);
        auto inner = scf::ForOp::create(
            b, blockStart, blockEnd, step, zeros,
            [&](OpBuilder &, Location, Value column, ValueRange accs) {
              SmallVector<Value> next;
              for (int64_t u = 0; u < unroll; ++u) {
                Value at = arith::AddIOp::create(b, column, index(u * lanes));
                Value x = load(input, indices(rowIndices, at), Value());
                next.push_back(vector::FMAOp::create(b, x, x, accs[u]));
              }
              scf::YieldOp::create(b, next);
            });
        // Pairwise sum of the block's accumulators.
        SmallVector<Value> partial(inner.getResults());
        while (partial.size() > 1) {
          SmallVector<Value> halved;
          for (size_t i = 0; i + 1 < partial.size(); i += 2)
            halved.push_back(
                arith::AddFOp::create(b, partial[i], partial[i + 1]));
          if (partial.size() % 2)
            halved.push_back(partial.back());
          partial = std::move(halved);
        }
        Value sum = sums[0], compensation = sums[1];
        compensatedAdd(sum, compensation, partial.front());
        scf::YieldOp::create(b, ValueRange{sum, compensation});
      });

  // The tail: at most `unroll` vectors, the last one partial.
  auto tail = scf::ForOp::create(
      b, mainEnd, rowSize, index(lanes), ValueRange{zero},
      [&](OpBuilder &, Location, Value column, ValueRange accs) {
        Value remaining = arith::SubIOp::create(b, rowSize, column);
        Value mask = vector::CreateMaskOp::create(b, maskType, remaining);
        Value x = load(input, indices(rowIndices, column), mask);
        Value next = vector::FMAOp::create(b, x, x, accs[0]);
        scf::YieldOp::create(b, next);
      });

  Value sum = blocks.getResult(0), compensation = blocks.getResult(1);
  compensatedAdd(sum, compensation, tail.getResult(0));
  Value lanesSum = arith::SubFOp::create(b, sum, compensation);
  return vector::ReductionOp::create(b, vector::CombiningKind::ADD, lanesSum,
                                     arith::FastMathFlags::reassoc);
}

/// Writes `trunc(ext(x) * scale * ext(w))` for one row.
void RowEmitter::scaleRow(ValueRange rowIndices, Value rowSize, Value mainEnd,
                          Value scale) {
  Value input = op.getInput(), weight = op.getWeight(), out = op.getInit();
  Value scaleVector = vector::BroadcastOp::create(b, accVecType, scale);
  auto emitVector = [&](Value column, Value mask) {
    SmallVector<Value> xIdx = indices(rowIndices, column);
    Value y = arith::MulFOp::create(b, load(input, xIdx, mask), scaleVector);
    if (weight)
      y = arith::MulFOp::create(b, y, load(weight, {column}, mask));
    if (elementType != accType)
      y = arith::TruncFOp::create(b, elemVecType, y);
    if (mask)
      vector::MaskedStoreOp::create(b, out, xIdx, mask, y);
    else
      vector::StoreOp::create(b, y, out, xIdx);
  };

  // Builders passed to the loop bodies are `b` itself, positioned inside.
  scf::ForOp::create(
      b, index(0), mainEnd, index(lanes * unroll), ValueRange{},
      [&](OpBuilder &, Location, Value column, ValueRange) {
        for (int64_t u = 0; u < unroll; ++u)
          emitVector(arith::AddIOp::create(b, column, index(u * lanes)),
                     Value());
        scf::YieldOp::create(b);
      });
  scf::ForOp::create(
      b, mainEnd, rowSize, index(lanes), ValueRange{},
      [&](OpBuilder &, Location, Value column, ValueRange) {
        Value remaining = arith::SubIOp::create(b, rowSize, column);
        emitVector(column,
                   vector::CreateMaskOp::create(b, maskType, remaining));
        scf::YieldOp::create(b);
      });
}

void RowEmitter::emitRow(ValueRange rowIndices, Value rowSize) {
  // The unrolled part covers whole multiples of `lanes * unroll` elements.
  Value step = index(lanes * unroll);
  Value mainEnd = arith::SubIOp::create(
      b, rowSize, arith::RemUIOp::create(b, rowSize, step));
  Value sum = sumOfSquares(rowIndices, rowSize, mainEnd);

  Value count = arith::UIToFPOp::create(
      b, accType, arith::IndexCastUIOp::create(b, b.getI64Type(), rowSize));
  Value epsilon = arith::ConstantOp::create(
      b, b.getFloatAttr(accType, op.getEpsilon().convertToFloat()));
  Value one = arith::ConstantOp::create(b, b.getFloatAttr(accType, 1.0));
  Value mean = arith::DivFOp::create(b, sum, count);
  Value root = math::SqrtOp::create(b, arith::AddFOp::create(b, mean, epsilon));
  Value scale = arith::DivFOp::create(b, one, root);
  scaleRow(rowIndices, rowSize, mainEnd, scale);
}

namespace {
/// Lowers one memref `rms.norm` to a loop nest over its rows.
struct VectorizeNorm : public OpRewritePattern<NormOp> {
  VectorizeNorm(MLIRContext *ctx, VectorizeOptions options)
      : OpRewritePattern(ctx), options(options) {}

  LogicalResult matchAndRewrite(NormOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "expected memref operands");
    for (Value operand : op->getOperands())
      if (!hasUnitInnerStride(cast<MemRefType>(operand.getType())))
        return rewriter.notifyMatchFailure(
            op, "expected a unit stride in the innermost dimension");

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Value input = op.getInput();
    int64_t rank = op.getInputType().getRank();
    Value rowSize = memref::DimOp::create(b, input, rank - 1);
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t dim = 0; dim + 1 < rank; ++dim) {
      lbs.push_back(arith::ConstantIndexOp::create(b, 0));
      ubs.push_back(memref::DimOp::create(b, input, dim));
      steps.push_back(arith::ConstantIndexOp::create(b, 1));
    }
    scf::buildLoopNest(rewriter, op.getLoc(), lbs, ubs, steps,
                       [&](OpBuilder &nb, Location loc, ValueRange rows) {
                         ImplicitLocOpBuilder ib(loc, nb);
                         RowEmitter(ib, op, options).emitRow(rows, rowSize);
                       });
    rewriter.eraseOp(op);
    return success();
  }

  VectorizeOptions options;
};

struct RmsVectorizePass
    : public rms::impl::RmsVectorizeBase<RmsVectorizePass> {
  using RmsVectorizeBase::RmsVectorizeBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRmsVectorizePatterns(patterns,
                                 VectorizeOptions{vectorBits, unroll, block});
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    WalkResult left = getOperation()->walk([](NormOp op) {
      if (!op.hasPureBufferSemantics())
        return WalkResult::advance();
      op.emitOpError("cannot be vectorized: every operand needs a unit stride "
                     "in its innermost dimension");
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

void mlir::rms::populateRmsVectorizePatterns(RewritePatternSet &patterns,
                                             const VectorizeOptions &options) {
  patterns.add<VectorizeNorm>(patterns.getContext(), options);
}
