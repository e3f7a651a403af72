//===- InlineAllocaScopes.cpp - inline alloca scopes without allocas ------===//
//
// Implements `rms-inline-alloca-scopes`: inlines every memref.alloca_scope
// that holds no memref.alloca, so that the scopes convert-scf-to-openmp puts
// around parallel bodies do not outlive into convert-scf-to-cf.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::rms {
#define GEN_PASS_DEF_RMSINLINEALLOCASCOPES
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;

/// Whether `scope` holds a stack allocation that it bounds.
static bool holdsAlloca(memref::AllocaScopeOp scope) {
  return scope
      ->walk<WalkOrder::PreOrder>([&](Operation *op) {
        if (op == scope)
          return WalkResult::advance();
        if (isa<memref::AllocaOp>(op))
          return WalkResult::interrupt();
        // Allocas in a nested allocation scope are bounded there.
        if (op->hasTrait<OpTrait::AutomaticAllocationScope>() ||
            isa<memref::AllocaScopeOp>(op))
          return WalkResult::skip();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

namespace {
struct RmsInlineAllocaScopesPass
    : public rms::impl::RmsInlineAllocaScopesBase<RmsInlineAllocaScopesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation()->walk([&](memref::AllocaScopeOp scope) {
      if (!holdsAlloca(scope))
        scopes.push_back(scope);
    });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes) {
      Block *body = &scope.getBodyRegion().front();
      Operation *terminator = body->getTerminator();
      SmallVector<Value> results(terminator->getOperands());
      rewriter.eraseOp(terminator);
      rewriter.inlineBlockBefore(body, scope);
      rewriter.replaceOp(scope, results);
    }
  }
};
} // namespace
