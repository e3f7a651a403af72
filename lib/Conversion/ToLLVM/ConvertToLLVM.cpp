//===- ConvertToLLVM.cpp - the CPU pipeline's conversion to LLVM ----------===//
//
// Implements `rms-convert-to-llvm`: the upstream conversions of affine,
// vector, memref, arith, math, index, ub, cf, func and omp to the LLVM
// dialect, and the reconciliation of unrealized casts, in one pass instead
// of eleven: a conversion inside each function (in parallel), then one over
// the module.
//
//===----------------------------------------------------------------------===//

#include "rms/Conversion/Passes.h"

#include "mlir/Analysis/DataLayoutAnalysis.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Threading.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::rms {
#define GEN_PASS_DEF_CONVERTTOLLVM
#include "rms/Conversion/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;

/// Whether `op` is a vector operation that converts to LLVM as it is (a
/// mask once materialized): the 1-D operations rms-vectorize emits, splats
/// of scalars among them. Others need the progressive lowering of
/// `convert-vector-to-llvm` first.
static bool convertsDirectly(Operation *op) {
  if (auto broadcast = dyn_cast<vector::BroadcastOp>(op))
    if (isa<VectorType>(broadcast.getSourceType()))
      return false;
  if (!isa<vector::BitCastOp, vector::BroadcastOp, vector::CreateMaskOp,
           vector::FMAOp, vector::InterleaveOp, vector::LoadOp,
           vector::MaskedLoadOp, vector::MaskedStoreOp, vector::ReductionOp,
           vector::ShuffleOp, vector::StoreOp>(op))
    return false;
  auto oneDimensional = [](Type type) {
    auto vectorType = dyn_cast<VectorType>(type);
    return !vectorType ||
           (vectorType.getRank() <= 1 && !vectorType.isScalable());
  };
  return llvm::all_of(op->getOperandTypes(), oneDimensional) &&
         llvm::all_of(op->getResultTypes(), oneDimensional);
}

namespace {
struct ConvertToLLVM : public rms::impl::ConvertToLLVMBase<ConvertToLLVM> {
  using ConvertToLLVMBase::ConvertToLLVMBase;
  void runOnOperation() override;
};
} // namespace

void ConvertToLLVM::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *context = &getContext();

  // Vector code of other kinds takes the upstream route first.
  bool otherVectors =
      module
          ->walk([](Operation *op) {
            if (op->getName().getDialectNamespace() ==
                    vector::VectorDialect::getDialectNamespace() &&
                !convertsDirectly(op))
              return WalkResult::interrupt();
            return WalkResult::advance();
          })
          .wasInterrupted();
  if (otherVectors) {
    OpPassManager vectors(ModuleOp::getOperationName());
    ConvertVectorToLLVMPassOptions vectorOptions;
    vectorOptions.reassociateFPReductions = reassociateFPReductions;
    vectorOptions.force32BitVectorIndices = force32BitVectorIndices;
    vectors.addNestedPass<func::FuncOp>(
        createConvertVectorToLLVMPass(vectorOptions));
    if (failed(runPipeline(vectors, module)))
      return signalPassFailure();
  }

  const auto &dataLayout = getAnalysis<DataLayoutAnalysis>();
  LowerToLLVMOptions options(context, dataLayout.getAtOrAbove(module));
  LLVMTypeConverter converter(context, options, &dataLayout);

  // The patterns (and options) of the upstream passes this one stands for.
  RewritePatternSet patterns(context);
  vector::populateVectorMaskMaterializationPatterns(patterns,
                                                    force32BitVectorIndices);
  populateVectorToLLVMConversionPatterns(converter, patterns,
                                         reassociateFPReductions,
                                         force32BitVectorIndices);
  populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
  // arith's ceiling and floor divisions have no LLVM counterpart: they
  // become the plain divisions and selects that then convert.
  arith::populateCeilFloorDivExpandOpsPatterns(patterns);
  // Affine maps (the tile bounds) become the arith operations they stand
  // for, which then convert.
  populateAffineToStdConversionPatterns(patterns);
  arith::populateArithToLLVMConversionPatterns(converter, patterns);
  populateMathToLLVMConversionPatterns(converter, patterns,
                                       /*approximateLog1p=*/true);
  index::populateIndexToLLVMConversionPatterns(converter, patterns);
  ub::populateUBToLLVMConversionPatterns(converter, patterns);
  cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
  cf::populateAssertToLLVMConversionPattern(converter, patterns);
  populateFuncToLLVMConversionPatterns(converter, patterns);
  populateOpenMPToLLVMConversionPatterns(converter, patterns);

  FrozenRewritePatternSet frozen(std::move(patterns));

  // 1. Inside each function, in parallel: the operations whose conversion
  //    stays inside the function (nine in ten of the 100-norm module, which
  //    took 0.59 s in one conversion on one thread). Their conversions add
  //    no symbols to the module, which functions converted side by side
  //    must not do; values that cross to the rest pass through unrealized
  //    casts, reconciled at the end.
  ConversionTarget local(*context);
  local.addLegalDialect<LLVM::LLVMDialect>();
  local.addIllegalDialect<affine::AffineDialect, arith::ArithDialect,
                          index::IndexDialect, math::MathDialect,
                          ub::UBDialect>();
  local.addDynamicallyLegalDialect<vector::VectorDialect>(
      [](Operation *op) { return !convertsDirectly(op); });
  // Branches convert the signatures of the blocks they jump to, which are
  // not entry blocks; `cf.assert` declares `abort` and stays for step 2.
  local.addIllegalOp<cf::BranchOp, cf::CondBranchOp, cf::SwitchOp>();
  // Memref operations that become address arithmetic and memory accesses;
  // allocation, deallocation and copies call functions of the C library.
  local.addIllegalOp<memref::AllocaOp, memref::AssumeAlignmentOp,
                     memref::CastOp, memref::DimOp,
                     memref::ExtractAlignedPointerAsIndexOp,
                     memref::ExtractStridedMetadataOp, memref::LoadOp,
                     memref::PrefetchOp, memref::ReinterpretCastOp,
                     memref::StoreOp>();
  // A partial conversion converts what it can of operations of unknown
  // legality too: here they stay for step 2 (`memref.alloc` would declare
  // `malloc` from several functions at once).
  local.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  SmallVector<Operation *> functions;
  for (Operation &op : module.getBody()->getOperations())
    if (isa<func::FuncOp>(op))
      functions.push_back(&op);
  if (failed(failableParallelForEach(
          context, functions, [&](Operation *function) {
            return applyPartialConversion(function, local, frozen);
          })))
    return signalPassFailure();

  // 2. The rest over the module: functions and their signatures (and the
  //    C-interface wrappers), calls, allocations, assertions, OpenMP. What
  //    is left of these dialects is an error, not a cast for later.
  LLVMConversionTarget target(*context);
  target.addIllegalDialect<affine::AffineDialect, arith::ArithDialect,
                           cf::ControlFlowDialect,
                           func::FuncDialect, index::IndexDialect,
                           math::MathDialect, memref::MemRefDialect,
                           ub::UBDialect, vector::VectorDialect>();
  target.addLegalOp<omp::BarrierOp, omp::FlushOp, omp::TaskwaitOp,
                    omp::TaskyieldOp, omp::TerminatorOp>();
  configureOpenMPToLLVMConversionLegality(target, converter);
  if (failed(applyPartialConversion(module, target, frozen)))
    return signalPassFailure();

  // The casts the two steps leave between each other fold, as do those of
  // the input that `reconcile-unrealized-casts` would fold: that pass after
  // this one would verify the whole module again for nothing (0.1 s of the
  // 100-norm module's 3 s of CPU time).
  SmallVector<UnrealizedConversionCastOp> casts;
  module->walk(
      [&](UnrealizedConversionCastOp cast) { casts.push_back(cast); });
  reconcileUnrealizedCasts(casts);
}
