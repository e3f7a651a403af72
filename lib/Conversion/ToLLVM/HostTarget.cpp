//===- HostTarget.cpp - mark LLVM functions with the host target ---------===//
//
// Implements `rms-llvm-host-target`: the triple, CPU and features that the
// CPU pipeline's code was made for, on the module and every function that
// does not name its own, so that the LLVM IR says what it needs.
//
//===----------------------------------------------------------------------===//

#include "rms/Conversion/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

namespace mlir::rms {
#define GEN_PASS_DEF_LLVMHOSTTARGET
#include "rms/Conversion/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;

/// The host's features as LLVM spells them: `+name` for those it has,
/// `-name` for those it lacks, in name order (a stable attribute).
static SmallVector<std::string> hostFeatures() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  SmallVector<std::string> result;
  for (const auto &feature : features)
    result.push_back((feature.second ? "+" : "-") + feature.first().str());
  llvm::sort(result);
  return result;
}

namespace {
struct LLVMHostTargetPass
    : public rms::impl::LLVMHostTargetBase<LLVMHostTargetPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    StringRef tripleName = LLVM::LLVMDialect::getTargetTripleAttrName();
    if (!module->hasAttr(tripleName))
      module->setAttr(tripleName,
                      StringAttr::get(context, llvm::sys::getProcessTriple()));
    auto cpu = StringAttr::get(context, llvm::sys::getHostCPUName());
    LLVM::TargetFeaturesAttr features;
    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      if (func.isExternal())
        continue;
      if (!func.getTargetCpuAttr())
        func.setTargetCpuAttr(cpu);
      if (func.getTargetFeaturesAttr())
        continue;
      if (!features) {
        SmallVector<std::string> names = hostFeatures();
        features = LLVM::TargetFeaturesAttr::get(
            context, SmallVector<StringRef>(names.begin(), names.end()));
      }
      func.setTargetFeaturesAttr(features);
    }
  }
};
} // namespace
