# REQUIRES: vulkan
# RUN: %python %s rms-run %t | FileCheck %s
# The Metal kernels cannot run here (no Metal compiler or device); their
# SPIR-V can. --rms-metal-pipeline builds the kernels of the Vulkan path
# with 256 threads per threadgroup, without f64 and with half4/ushort4
# vectors, so the f16, bf16 and f32 matrices run here with the Metal
# pipeline's options (workgroup-size=256, pack-halves=false, ...) check that
# exact kernel IR
# against the float64 reference (contract section 4) before SPIRV-Cross
# turns it into MSL (test/Target/MSL checks that text); rows whose length 4
# divides add the float4/half4/ushort4 kernels of each path (short rows,
# long rows in registers, other long rows).

# CHECK-NOT: FAIL
# CHECK: 72 of 72 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import matrix
import rmsref

METAL = ["--pipeline-options=workgroup-size=256 rows-per-workgroup=8 "
         "short-row-limit=1024 row-registers=16 vector-width=4 "
         "pack-halves=false invocation-row-limit=0 integer-f16-rounding=false"]
ALIGNED = [((9, 64), True, (True, True)), ((3, 2048), True, (False, False)),
           ((2, 4096), False, (True, True)), ((2, 20000), True, (True, True))]

results = []
for dtype in ("f16", "bf16", "f32"):
    cases = list(matrix.cases(dtype))
    for shape, weight, dyn in ALIGNED:
        name = f"{dtype}_{'x'.join(map(str, shape))}_v4"
        cases.append((name, shape, weight, 1e-5, dyn))
    for seed, (name, shape, weight, eps, dyn) in enumerate(cases):
        ok, figure = rmsref.run_case(
            sys.argv[1], sys.argv[2], name, shape, dtype, weight, eps, dyn,
            target="vulkan", seed=seed, extra=METAL)
        results.append((name, ok, figure))
rmsref.report(results)
