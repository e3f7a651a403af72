//===- DynamicTilesToOpenMP.cpp - balanced row tiles to OpenMP ------------===//
//
// Implements `rms-dynamic-tiles-to-openmp`: every bufferized `scf.forall`
// that `rms-tile` marked `rms.dynamic_schedule` becomes an OpenMP
// worksharing loop whose iterations the threads claim as they finish
// (`schedule(dynamic)`), the loop `convert-scf-to-openmp` would make of it
// but for the schedule, which that pass cannot express.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::rms {
#define GEN_PASS_DEF_RMSDYNAMICTILESTOOPENMP
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;

/// Replaces `forall` (without outputs) by
///   omp.parallel { omp.wsloop schedule(dynamic) { omp.loop_nest ... {
///     memref.alloca_scope { <body> } } } }
/// The alloca scope bounds the stack allocations of an iteration, as
/// convert-scf-to-openmp's does.
LogicalResult rms::lowerToDynamicOpenMPLoop(RewriterBase &rewriter,
                                            scf::ForallOp forall,
                                            unsigned numThreads) {
  if (!forall.getOutputs().empty())
    return rewriter.notifyMatchFailure(
        forall, "has shared outputs: not bufferized");
  Location loc = forall.getLoc();
  rewriter.setInsertionPoint(forall);
  omp::LoopNestOperands bounds;
  bounds.loopLowerBounds = forall.getLowerBound(rewriter);
  bounds.loopUpperBounds = forall.getUpperBound(rewriter);
  bounds.loopSteps = forall.getStep(rewriter);

  omp::ParallelOperands parallelClauses;
  if (numThreads > 0)
    parallelClauses.numThreads = LLVM::ConstantOp::create(
        rewriter, loc, rewriter.getI32IntegerAttr(numThreads));
  auto parallel = omp::ParallelOp::create(rewriter, loc, parallelClauses);
  rewriter.createBlock(&parallel.getRegion());
  omp::WsloopOperands loopClauses;
  loopClauses.scheduleKind = omp::ClauseScheduleKindAttr::get(
      rewriter.getContext(), omp::ClauseScheduleKind::Dynamic);
  auto wsloop = omp::WsloopOp::create(rewriter, loc, loopClauses);
  omp::TerminatorOp::create(rewriter, loc);

  rewriter.createBlock(&wsloop.getRegion());
  auto nest = omp::LoopNestOp::create(rewriter, loc, bounds);
  int64_t rank = forall.getRank();
  Block *iteration = rewriter.createBlock(
      &nest.getRegion(), {}, SmallVector<Type>(rank, rewriter.getIndexType()),
      SmallVector<Location>(rank, loc));
  auto scope = memref::AllocaScopeOp::create(rewriter, loc, TypeRange());
  omp::YieldOp::create(rewriter, loc, ValueRange());

  Block *body = forall.getBody();
  rewriter.eraseOp(body->getTerminator());
  Block *scopeBody = rewriter.createBlock(&scope.getBodyRegion());
  rewriter.mergeBlocks(body, scopeBody, iteration->getArguments());
  memref::AllocaScopeReturnOp::create(rewriter, loc, ValueRange());
  rewriter.eraseOp(forall);
  return success();
}

namespace {
struct RmsDynamicTilesToOpenMPPass
    : public rms::impl::RmsDynamicTilesToOpenMPBase<
          RmsDynamicTilesToOpenMPPass> {
  using RmsDynamicTilesToOpenMPBase::RmsDynamicTilesToOpenMPBase;

  void runOnOperation() override {
    SmallVector<scf::ForallOp> marked;
    getOperation()->walk([&](scf::ForallOp forall) {
      if (forall->hasAttr(rms::kDynamicScheduleAttrName))
        marked.push_back(forall);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp forall : marked) {
      if (failed(rms::lowerToDynamicOpenMPLoop(rewriter, forall, numThreads))) {
        forall.emitOpError("marked ")
            << rms::kDynamicScheduleAttrName
            << " must be bufferized (have no shared outputs) before "
               "rms-dynamic-tiles-to-openmp";
        return signalPassFailure();
      }
    }
  }
};
} // namespace
