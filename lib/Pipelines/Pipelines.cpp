//===- Pipelines.cpp - registration of the rms pipelines ------------------===//
//
// Registers every named pipeline of rms, so that `rms-opt` (or any tool that
// calls `registerPipelines`) can run it by name with its options, and what a
// tool that loads rms registers: the dialect, the passes, the pipelines.
//
//===----------------------------------------------------------------------===//

#include "rms/Pipelines/Pipelines.h"
#include "rms/Conversion/Passes.h"
#include "rms/Dialect/Rms/IR/Rms.h"
#include "rms/Dialect/Rms/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"

void mlir::rms::registerPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "rms-cpu-pipeline",
      "Lower rms and the tensor code around it to the LLVM dialect for CPUs: "
      "tiled over threads (OpenMP), vectorized, with C interfaces",
      buildCPUPipeline);
  PassPipelineRegistration<SPIRVPipelineOptions>(
      "rms-spirv-pipeline",
      "Lower rms and the tensor code around it to SPIR-V compute kernels "
      "(one spirv.module) and the host code that dispatches them",
      buildSPIRVPipeline);
  PassPipelineRegistration<MetalPipelineOptions>(
      "rms-metal-pipeline",
      "Lower rms and the tensor code around it to kernels for Metal (SPIR-V "
      "that rms-translate --mlir-to-msl turns into Metal Shading Language) "
      "and the host code that dispatches them",
      buildMetalPipeline);
}

void mlir::rms::registerRmsDialect(DialectRegistry &registry) {
  registry.insert<RmsDialect>();
  registerBufferizableOpInterfaceExternalModels(registry);
}

void mlir::rms::registerRmsPassesAndPipelines() {
  registerRmsPasses();
  registerRmsConversionPasses();
  registerPipelines();
}
