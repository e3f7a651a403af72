//===- TestFuseConsumer.cpp - consumer fusion of rms.norm -----------------===//
//
// Exercises the operand-tile methods of rms.norm's TilingInterface the way a
// compiler that tiles a producer and then fuses its consumers does: every
// `rms.norm` with an operand that is a result of an `scf.forall` or `scf.for`
// is fused into that loop with upstream `scf::tileAndFuseConsumer`, so that
// the loop computes each tile's norm right after the tile itself. A norm
// that cannot be fused gets a remark saying so and is left as it was.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/IR/Rms.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace {
struct TestFuseConsumerPass
    : public PassWrapper<TestFuseConsumerPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestFuseConsumerPass)

  StringRef getArgument() const final { return "test-rms-fuse-consumer"; }
  StringRef getDescription() const final {
    return "Fuse each rms.norm into the scf.forall/scf.for loop that produces "
           "one of its operands (scf::tileAndFuseConsumer)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<scf::SCFDialect, tensor::TensorDialect>();
  }

  void runOnOperation() override {
    SmallVector<rms::NormOp> norms;
    getOperation().walk([&](rms::NormOp op) { norms.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (rms::NormOp norm : norms) {
      OpOperand *fromLoop = nullptr;
      for (OpOperand &operand : norm->getOpOperands()) {
        if (isa_and_nonnull<scf::ForallOp, scf::ForOp>(
                operand.get().getDefiningOp())) {
          fromLoop = &operand;
          break;
        }
      }
      if (!fromLoop)
        continue;
      SmallVector<LoopLikeOpInterface> loops = {
          cast<LoopLikeOpInterface>(fromLoop->get().getDefiningOp())};
      rewriter.setInsertionPoint(norm);
      FailureOr<scf::SCFFuseConsumerOfSliceResult> fused =
          scf::tileAndFuseConsumer(rewriter, norm, loops);
      if (failed(fused) || fused->tiledOps.empty()) {
        norm.emitRemark("not fused into the loop that produces operand #")
            << fromLoop->getOperandNumber();
        continue;
      }
      if (norm->use_empty())
        rewriter.eraseOp(norm);
    }
  }
};
} // namespace

namespace mlir::rms::test {
void registerTestFuseConsumerPass() {
  PassRegistration<TestFuseConsumerPass>();
}
} // namespace mlir::rms::test
