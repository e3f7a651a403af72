//===- SPIRVPipeline.cpp - the rms SPIR-V pipeline ------------------------===//
//
// Builds `--rms-spirv-pipeline`: tensor-level rms down to SPIR-V compute
// kernels (one spirv.module) plus the host code that dispatches them
// (buffer allocations and gpu.launch_func ops), which `rms-run
// --target=vulkan` executes through Vulkan; and `--rms-metal-pipeline`, the
// same kernels without f64, which `rms-translate --mlir-to-msl` turns into
// Metal source through SPIRV-Cross.
//
//===----------------------------------------------------------------------===//

#include "rms/Conversion/Passes.h"
#include "rms/Pipelines/Pipelines.h"

#include "mlir/Conversion/GPUToSPIRV/GPUToSPIRVPass.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

template <typename Options>
static void buildKernelPipeline(OpPassManager &pm, const Options &options,
                                StringRef target,
                                bool preserveDenormals = false) {
  // 1. Bufferize the whole module with identity layouts at function
  //    boundaries: kernels take plain contiguous buffers.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));

  // 2. Each rms.norm becomes a launch of kernels in gpu.module @rms_kernels,
  //    which carries the Vulkan target environment: a vectorized kernel for
  //    rows the vector width divides, a scalar one for the others.
  rms::ConvertRmsToGPUOptions gpu;
  gpu.workgroupSize = options.workgroupSize;
  gpu.rowsPerWorkgroup = options.rowsPerWorkgroup;
  gpu.shortRowLimit = options.shortRowLimit;
  gpu.invocationRowLimit = options.invocationRowLimit;
  gpu.rowLanes = options.rowLanes;
  gpu.splitRowLimit = options.splitRowLimit;
  gpu.splitChunk = options.splitChunk;
  gpu.rowRegisters = options.rowRegisters;
  gpu.vectorWidth = options.vectorWidth;
  gpu.packHalves = options.packHalves;
  gpu.integerF16Rounding = options.integerF16Rounding;
  gpu.denormalFixup = options.denormalFixup;
  gpu.target = target.str();
  pm.addPass(rms::createConvertRmsToGPU(gpu));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // 3. Kernels to SPIR-V. Math first: convert-gpu-to-spirv does not lower
  //    math.sqrt itself. Then the ABI attributes become interface variables
  //    (descriptor set 0, one binding per kernel argument, the sizes in
  //    uniform buffers), the kernels declare that they keep f32 denormals
  //    if asked, and the module requires exactly the version, capabilities
  //    and extensions it uses.
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertMathToSPIRVPass());
  pm.addPass(createConvertGPUToSPIRVPass());
  OpPassManager &spirvModule = pm.nest<spirv::ModuleOp>();
  spirvModule.addPass(spirv::createSPIRVLowerABIAttributesPass());
  if (preserveDenormals)
    spirvModule.addPass(rms::createSPIRVPreserveDenormals());
  spirvModule.addPass(spirv::createSPIRVUpdateVCEPass());
}

void mlir::rms::buildSPIRVPipeline(OpPassManager &pm,
                                   const SPIRVPipelineOptions &options) {
  buildKernelPipeline(pm, options, "vulkan", options.preserveDenormals);
}

void mlir::rms::buildMetalPipeline(OpPassManager &pm,
                                   const MetalPipelineOptions &options) {
  buildKernelPipeline(pm, options, "metal");
}
