# REQUIRES: vulkan
# RUN: %python %s rms-run %t | FileCheck %s
# Rows of 1, 8192, 65536 and 2^20 elements (lavapipe stops loops after 65535
# iterations of one invocation: a 2^20 row takes 2x16384 per invocation) and
# more rows than one grid dimension holds (65536 and 65537), on the first
# Vulkan device, against the float64 reference.

# CHECK-NOT: FAIL
# CHECK: 8 of 8 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

rms_run, workdir = sys.argv[1], sys.argv[2]
CASES = [
    ("f32_1x1", (1, 1), "f32", True, 1e-5, (False, False)),
    ("f16_1x8192_dyn", (1, 8192), "f16", True, 1e-5, (True, True)),
    ("f32_1x65536", (1, 65536), "f32", True, 1e-5, (False, False)),
    ("bf16_2x65537", (2, 65537), "bf16", True, 1e-5, (False, False)),
    ("f32_1x1048576", (1, 1 << 20), "f32", True, 1e-5, (False, False)),
    ("f64_1048573", ((1 << 20) - 3,), "f64", False, 0.0, (True,)),
    ("f32_65536x64", (65536, 64), "f32", True, 1e-5, (False, False)),
    ("f16_65537x8_dyn", (65537, 8), "f16", True, 10.0, (True, True)),
]
results = []
for seed, (name, shape, dtype, weight, eps, dyn) in enumerate(CASES):
    ok, figure = rmsref.run_case(rms_run, workdir, name, shape, dtype, weight,
                                 eps, dyn, target="vulkan", seed=seed)
    results.append((name, ok, figure))
rmsref.report(results)
