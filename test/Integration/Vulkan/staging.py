# REQUIRES: vulkan
# RUN: env RMS_VULKAN_STAGING=1 %python %s rms-run %t | FileCheck %s
# The path of discrete GPUs, whose memory the host cannot map: rms-run keeps
# the buffers in device memory and copies inputs in and results out through
# host-visible staging buffers. lavapipe's memory is host-visible, so
# RMS_VULKAN_STAGING=1 forces that path here; the f32, f16 and bf16 case
# matrices and two norms without elements must match the float64 reference.

# CHECK-NOT: FAIL
# CHECK: 62 of 62 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import matrix
import rmsref

assert os.environ.get("RMS_VULKAN_STAGING") == "1"
rms_run, workdir = sys.argv[1], sys.argv[2]
results = []
for dtype in ("f32", "f16", "bf16"):
    for seed, (name, shape, weight, eps, dyn) in enumerate(matrix.cases(dtype)):
        ok, figure = rmsref.run_case(rms_run, workdir, name, shape, dtype, weight, eps,
                                     dyn, target="vulkan", seed=seed)
        results.append((name, ok, figure))
for shape in ((2, 0), (0, 8)):
    name = f"empty_{shape[0]}x{shape[1]}"
    ok, figure = rmsref.run_case(rms_run, workdir, name, shape, "f32", True, 1e-5,
                                 (False, False), target="vulkan")
    results.append((name, ok, figure))
rmsref.report(results)
