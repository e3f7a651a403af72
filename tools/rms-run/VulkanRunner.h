//===- VulkanRunner.h - run rms SPIR-V kernels through Vulkan ---*- C++ -*-===//
//
// The Vulkan host of `rms-run --target=vulkan`: executes the host code that
// `--rms-spirv-pipeline` leaves around its kernels (buffer allocations, shape
// arithmetic, gpu.launch_func) on one Vulkan device. Kept apart from the
// compiler libraries: it only needs the IR it is handed.
//
//===----------------------------------------------------------------------===//

#ifndef RMS_TOOLS_RMS_RUN_VULKANRUNNER_H
#define RMS_TOOLS_RMS_RUN_VULKANRUNNER_H

#include "Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::rms {

/// The outputs of one run and, with benchmarking, the median GPU time.
struct VulkanRunResult {
  std::vector<NpyArray> outputs;
  double medianSeconds = 0;
};

/// The names of the Vulkan devices, in RMS_VULKAN_DEVICE order.
llvm::Expected<std::vector<std::string>> listVulkanDevices();

class VulkanRunner {
public:
  /// Opens device `RMS_VULKAN_DEVICE` (default 0).
  static llvm::Expected<std::unique_ptr<VulkanRunner>> create();
  ~VulkanRunner();

  /// The name and subgroup size of the device.
  std::string getDeviceName() const;
  unsigned getSubgroupSize() const;
  /// Whether the device is a CPU (lavapipe, SwiftShader).
  bool isCPU() const;
  /// Whether kernels may declare that they keep f32 denormals
  /// (`preserve-denormals`): the device has shaderDenormPreserveFloat32.
  bool preservesDenormals() const;

  /// Runs `func` on `inputs` with the kernels of `kernels`. With
  /// `repetitions` > 0, the dispatches are submitted that many more times
  /// and timed with GPU timestamps.
  llvm::Expected<VulkanRunResult> run(func::FuncOp func,
                                      spirv::ModuleOp kernels,
                                      const std::vector<NpyArray> &inputs,
                                      unsigned repetitions);

  struct Impl;

private:
  explicit VulkanRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace mlir::rms

#endif // RMS_TOOLS_RMS_RUN_VULKANRUNNER_H
