# REQUIRES: vulkan
# RUN: %python %s rms-run %t | FileCheck %s
# The options rms-run picks on a GPU (tools/rms-run/rms-run.cpp: eight
# subgroups per workgroup, up to 8 units in registers, tiny rows shared by
# up to 32 lanes, short rows up to 512, rows past 65536 split in chunks of
# 4096), spelled out for lavapipe's 8-wide subgroups, on the f32/f16/bf16/f64
# case matrices and on static row lengths that take each specialized
# kernel: rows filling 1, 2, 4 or 8 lanes (vec4 and scalar, up to 8 units
# a lane),
# rows held in registers by 1 to 8 units per invocation, streamed rows, and
# split rows; checked against the float64 reference.

# CHECK-NOT: FAIL
# CHECK: 96 of 96 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import matrix
import rmsref

GPU = ["--pipeline-options=workgroup-size=64 row-registers=8 row-lanes=8 "
       "invocation-row-limit=256 short-row-limit=512 split-row-limit=65536 "
       "split-chunk=4096"]
STATIC = (False, False)
SHAPES = [
    # name, shape, dtype: `_lane` (4 .. 64 units), `_rows`, `_reg` (1 .. 8
    # units per invocation), `_row`, split
    ("lane_1x1", (33, 4), "f32"), ("lane_2x1", (17, 8), "f16"),
    ("lane_8x1", (65, 32), "bf16"), ("lane_8x2", (40, 64), "f32"),
    ("lane_8x8", (9, 256), "f32"), ("lane_scalar_8x3", (10, 19), "f32"),
    ("lane_scalar_4x1", (7, 3), "f16"), ("rows", (12, 300), "f32"),
    ("reg_3", (5, 520), "f32"), ("row_scalar_1023", (6, 1023), "f32"),
    ("reg_8", (3, 2048), "bf16"), ("row", (2, 4096), "f32"),
    ("row_scalar", (2, 4099), "f16"), ("split", (2, 65540), "f32"),
    ("split_scalar", (1, 65537), "bf16"), ("f64_reg_4", (3, 1024), "f64"),
]
results = []
for dtype in ("f32", "f16", "bf16", "f64"):
    for seed, (name, shape, weight, eps, dyn) in enumerate(matrix.cases(dtype)):
        ok, figure = rmsref.run_case(sys.argv[1], sys.argv[2], name, shape, dtype, weight,
                                     eps, dyn, target="vulkan", seed=seed, extra=GPU)
        results.append((name, ok, figure))
for seed, (name, shape, dtype) in enumerate(SHAPES):
    name = f"{dtype}_{name}"
    ok, figure = rmsref.run_case(sys.argv[1], sys.argv[2], name, shape, dtype, True, 1e-5,
                                 STATIC, target="vulkan", seed=seed, extra=GPU)
    results.append((name, ok, figure))
rmsref.report(results)
