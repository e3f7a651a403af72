//===- ConvertRmsToLinalg.cpp - decompose rms.norm into linalg ------------===//
//
// Implements `convert-rms-to-linalg`: rewrites tensor `rms.norm` ops through
// their AggregatedOpInterface decomposition (see RmsOps.cpp).
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/IR/Rms.h"
#include "rms/Dialect/Rms/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::rms {
#define GEN_PASS_DEF_CONVERTRMSTOLINALG
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;
using namespace mlir::rms;

namespace {
/// Replaces a tensor `rms.norm` with its linalg decomposition.
struct DecomposeNorm : public OpRewritePattern<NormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NormOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "only tensors are decomposed");
    FailureOr<SmallVector<Value>> results = op.decomposeOperation(rewriter);
    if (failed(results))
      return failure();
    rewriter.replaceOp(op, *results);
    return success();
  }
};

struct ConvertRmsToLinalgPass
    : public rms::impl::ConvertRmsToLinalgBase<ConvertRmsToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRmsToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

void mlir::rms::populateRmsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeNorm>(patterns.getContext());
}
