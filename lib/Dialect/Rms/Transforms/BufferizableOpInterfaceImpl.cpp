//===- BufferizableOpInterfaceImpl.cpp - rms.norm bufferization -----------===//
//
// The bufferization model of `rms.norm`: one-shot-bufferize turns the tensor
// form into the memref form, writing into the buffer of `init`. `init` is only
// written, never read, so a `tensor.empty` destination needs no copy.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/IR/Rms.h"
#include "rms/Dialect/Rms/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::bufferization;

namespace {
struct NormOpInterface
    : public DstBufferizableOpInterfaceExternalModel<NormOpInterface,
                                                     rms::NormOp> {
  /// Inputs are read; `init` is overwritten without being read.
  bool bufferizesToMemoryRead(Operation *op, OpOperand &opOperand,
                              const AnalysisState &state) const {
    return !cast<rms::NormOp>(op).isDpsInit(&opOperand);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto normOp = cast<rms::NormOp>(op);
    FailureOr<Value> input =
        getBuffer(rewriter, normOp.getInput(), options, state);
    if (failed(input))
      return failure();
    Value weight;
    if (normOp.getWeight()) {
      FailureOr<Value> buffer =
          getBuffer(rewriter, normOp.getWeight(), options, state);
      if (failed(buffer))
        return failure();
      weight = *buffer;
    }
    FailureOr<Value> init =
        getBuffer(rewriter, normOp.getInit(), options, state);
    if (failed(init))
      return failure();
    rewriter.setInsertionPoint(op);
    rms::NormOp::create(rewriter, op->getLoc(), TypeRange(), *input, weight,
                        *init, normOp.getEpsilonAttr());
    replaceOpWithBufferizedValues(rewriter, op, *init);
    return success();
  }
};
} // namespace

void mlir::rms::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, rms::RmsDialect *dialect) {
    rms::NormOp::attachInterface<NormOpInterface>(*ctx);
  });
}
