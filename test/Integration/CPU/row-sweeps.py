# RUN: %python %s rms-run %t | FileCheck %s
# Both row schedules for every element type, against the float64 reference:
# fused sweeps (scale row r while summing row r + 1; the default for f16 and
# bf16, forced here for f32 and f64) and two sweeps per row (the default for
# f32 and f64, forced here for f16 and bf16); with streaming stores forced on
# (nontemporal-bytes=1) and off, ragged and line-multiple row lengths, one
# row and several, rank 3, and a tile of 12 rows (f16 rows summed, then
# scaled, keep their x * w from 8 rows on).

# CHECK-NOT: FAIL
# CHECK: 32 of 32 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

# Shapes, and whether the row length is dynamic too where the shape is
# (x * w is kept for a static length only).
SHAPES = [((1, 33), True), ((7, 4099), True), ((2, 3, 1024), True),
          ((12, 1000), False)]
results = []
seed = 0
for dtype, fuse in (("f32", 1), ("f64", 1), ("f16", 0), ("bf16", 0)):
    for shape, dynamic_length in SHAPES:
        for stream in (0, 1):
            options = f"fuse-rows={fuse} nontemporal-bytes={stream}"
            name = f"{dtype}_{'x'.join(map(str, shape))}_fuse{fuse}_nt{stream}"
            dyn = tuple(seed % 2 == 0 for _ in shape[:-1]) + (
                seed % 2 == 0 and dynamic_length,)
            ok, figure = rmsref.run_case(
                sys.argv[1], sys.argv[2], name, shape, dtype, seed % 3 != 0,
                (0.0, 1e-5, 10.0)[seed % 3], dyn, target="cpu", seed=seed,
                extra=[f"--pipeline-options={options}"])
            results.append((f"{name}", ok, figure))
            seed += 1
rmsref.report(results)
