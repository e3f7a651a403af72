# REQUIRES: vulkan
# RUN: %python %s rms-run %t | FileCheck %s
# The Metal kernels cannot run here (no Metal compiler or device); their
# SPIR-V can. --rms-metal-pipeline builds the kernels of the Vulkan path
# with 256 threads per threadgroup and without f64, so the f16, bf16 and f32
# matrices run here with workgroup-size=256 check that exact kernel IR
# against the float64 reference (contract section 4) before SPIRV-Cross
# turns it into MSL (test/Target/MSL checks that text).

# CHECK-NOT: FAIL
# CHECK: 48 of 48 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import matrix
import rmsref

results = []
for dtype in ("f16", "bf16", "f32"):
    for seed, (name, shape, weight, eps, dyn) in enumerate(matrix.cases(dtype)):
        ok, figure = rmsref.run_case(
            sys.argv[1], sys.argv[2], name, shape, dtype, weight, eps, dyn,
            target="vulkan", seed=seed,
            extra=["--pipeline-options=workgroup-size=256 rows-per-workgroup=8 "
                   "short-row-limit=1024 row-registers=16 vector-width=4"])
        results.append((name, ok, figure))
rmsref.report(results)
