// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.ones((64, 4096), np.float32)); np.save('%t.w.npy', np.ones(4096, np.float32))"
// RUN: rms-run %s --function=norm --input=@%t.x.npy --input=@%t.w.npy --output=@%t.y.npy --benchmark=5 | FileCheck %s
// RUN: %python -c "import numpy as np; y = np.load('%t.y.npy'); assert y.shape == (64, 4096) and np.allclose(y, 1 / np.sqrt(1 + np.float32(1e-5)), rtol=1e-6, atol=0), y"

// --benchmark prints the median of the timed runs and GB/s counted as the
// bytes of x read, y written and w read (64*4096*4 * 2 + 4096*4), and the
// results are still written.

// CHECK: norm: median {{[0-9.]+}} us over 5 runs, {{[0-9.]+}} GB/s (2113536 bytes moved)

func.func @norm(%x: tensor<64x4096xf32>, %w: tensor<4096xf32>) -> tensor<64x4096xf32> {
  %init = tensor.empty() : tensor<64x4096xf32>
  %y = rms.norm ins(%x, %w : tensor<64x4096xf32>, tensor<4096xf32>) outs(%init : tensor<64x4096xf32>) epsilon(1.0e-05) -> tensor<64x4096xf32>
  return %y : tensor<64x4096xf32>
}
