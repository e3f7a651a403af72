# REQUIRES: vulkan
# RUN: %python %s rms-run %t | FileCheck %s
# inf, -inf and NaN anywhere in a row, and rows of zeros with epsilon 0,
# give what the float64 reference gives (NaN where it is NaN, signed zeros
# beside an infinity), for every element type, in short rows, rows long
# enough for the blocked compensated sums, on the first Vulkan device.

# CHECK-NOT: FAIL
# CHECK: 10 of 10 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

results = []
for dtype in rmsref.DTYPES:
    for shape in ((6, 40), (6, 70000)):
        ok, figure = rmsref.run_special_values(sys.argv[1], sys.argv[2], dtype,
                                               shape, target="vulkan")
        results.append((f"{dtype}_{shape[0]}x{shape[1]}", ok, figure))
# Every result computed again with the exponents in integers (the path of
# results that come out zero or NaN where a device flushes f32 denormals).
for dtype in ("f32", "bf16"):
    shape = (6, 40)
    ok, figure = rmsref.run_special_values(
        sys.argv[1], sys.argv[2], dtype, shape, target="vulkan",
        extra=["--pipeline-options=denormal-fixup=2"],
        name=f"special_{dtype}_fixup")
    results.append((f"{dtype}_{shape[0]}x{shape[1]} [denormal-fixup=2]", ok, figure))
rmsref.report(results)
