//===- PreserveDenormals.cpp - kernels that keep f32 denormals ------------===//
//
// Implements `rms-spirv-preserve-denormals`: every entry point of a
// spirv.module declares the DenormPreserve execution mode for 32-bit floats.
//
//===----------------------------------------------------------------------===//

#include "rms/Conversion/Passes.h"

#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"

namespace mlir::rms {
#define GEN_PASS_DEF_SPIRVPRESERVEDENORMALS
#include "rms/Conversion/Passes.h.inc"
} // namespace mlir::rms

using namespace mlir;

namespace {
struct SPIRVPreserveDenormals
    : public rms::impl::SPIRVPreserveDenormalsBase<SPIRVPreserveDenormals> {
  void runOnOperation() override;
};
} // namespace

void SPIRVPreserveDenormals::runOnOperation() {
  spirv::ModuleOp module = getOperation();
  // The mode needs the DenormPreserve capability, which SPIR-V 1.4 has and
  // earlier versions have through SPV_KHR_float_controls.
  spirv::TargetEnv env(spirv::lookupTargetEnvOrDefault(module));
  if (!env.allows(spirv::Capability::DenormPreserve) ||
      (env.getVersion() < spirv::Version::V_1_4 &&
       !env.allows(spirv::Extension::SPV_KHR_float_controls))) {
    module.emitError("rms-spirv-preserve-denormals needs a target environment "
                     "that allows the DenormPreserve capability and SPIR-V "
                     "1.4 or the SPV_KHR_float_controls extension");
    return signalPassFailure();
  }

  auto declares = [&](StringRef kernel) {
    return llvm::any_of(
        module.getOps<spirv::ExecutionModeOp>(), [&](spirv::ExecutionModeOp m) {
          return m.getFn() == kernel &&
                 m.getExecutionMode() == spirv::ExecutionMode::DenormPreserve &&
                 m.getValues().size() == 1 &&
                 cast<IntegerAttr>(m.getValues()[0]).getInt() == 32;
        });
  };
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  for (auto entry : llvm::to_vector(module.getOps<spirv::EntryPointOp>())) {
    StringRef kernel = entry.getFn();
    if (declares(kernel))
      continue;
    auto function = module.lookupSymbol<spirv::FuncOp>(kernel);
    spirv::ExecutionModeOp::create(b, entry.getLoc(), function,
                                   spirv::ExecutionMode::DenormPreserve, {32});
  }
}
