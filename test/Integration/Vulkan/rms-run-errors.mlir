// REQUIRES: vulkan
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.ones((2, 8), np.float32)); np.save('%t.w.npy', np.ones(8, np.float32))"
// RUN: env RMS_VULKAN_DEVICE=99 not rms-run %s --function=norm --target=vulkan --input=@%t.x.npy --input=@%t.w.npy 2>&1 | FileCheck %s --check-prefix=DEVICE
// RUN: env RMS_VULKAN_DEVICE=first not rms-run %s --function=norm --target=vulkan --input=@%t.x.npy --input=@%t.w.npy 2>&1 | FileCheck %s --check-prefix=DEVICE
// RUN: env RMS_VULKAN_STAGING=yes not rms-run %s --function=norm --target=vulkan --input=@%t.x.npy --input=@%t.w.npy 2>&1 | FileCheck %s --check-prefix=STAGING
// RUN: not rms-run %s --function=norm --target=vulkan --input=@%t.x.npy --input=@%t.w.npy --pipeline-options="row-lanes=64 workgroup-size=64" 2>&1 | FileCheck %s --check-prefix=LANES
// RUN: rms-run %s --function=norm --target=vulkan --input=@%t.x.npy --input=@%t.w.npy --print-pipeline --pipeline-options="row-lanes=2" 2>&1 >/dev/null | FileCheck %s --check-prefix=PIPE
// RUN: rms-run --list-devices | FileCheck %s --check-prefix=LIST
// RUN: rms-run %s --function=norm --target=vulkan --input=@%t.x.npy --input=@%t.w.npy --benchmark=3 | FileCheck %s --check-prefix=BENCH

// DEVICE: rms-run: error: RMS_VULKAN_DEVICE={{99|first}} is not a device index (0 to {{[0-9]+}})
// STAGING: rms-run: error: RMS_VULKAN_STAGING=yes is not 0 or 1
// LANES: rms-run: error: --pipeline-options: row-lanes=64 exceeds the subgroup size of Vulkan device '{{.+}}' ({{[0-9]+}})
// The pipeline with the options rms-run chose for the device (lavapipe, a
// CPU device: 2 subgroups per workgroup, 32 short rows per workgroup, ...)
// and those given.
// PIPE: convert-rms-to-gpu{{{.*}}row-lanes=2{{.*}}split-row-limit=65536 target=vulkan vector-width=4 workgroup-size={{[0-9]+}}}
// LIST: 0: {{.+}}
// BENCH: norm: median {{[0-9.]+}} us over 3 runs, {{[0-9.]+}} GB/s (160 bytes moved, GPU time)

func.func @norm(%x: tensor<2x8xf32>, %w: tensor<8xf32>) -> tensor<2x8xf32> {
  %init = tensor.empty() : tensor<2x8xf32>
  %y = rms.norm ins(%x, %w : tensor<2x8xf32>, tensor<8xf32>) outs(%init : tensor<2x8xf32>) epsilon(1.0e-05) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
