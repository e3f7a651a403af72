//===- EmitCInterface.cpp - mark public functions for the C interface -----===//
//
// Implements `rms-emit-c-interface`: every public func.func gets the
// `llvm.emit_c_interface` attribute, so `convert-func-to-llvm` emits a
// `_mlir_ciface_<name>` wrapper for it.
//
//===----------------------------------------------------------------------===//

#include "rms/Dialect/Rms/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::rms {
#define GEN_PASS_DEF_RMSEMITCINTERFACE
#include "rms/Dialect/Rms/Transforms/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;

namespace {
struct RmsEmitCInterfacePass
    : public rms::impl::RmsEmitCInterfaceBase<RmsEmitCInterfacePass> {
  void runOnOperation() override {
    UnitAttr unit = UnitAttr::get(&getContext());
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), unit);
  }
};
} // namespace
