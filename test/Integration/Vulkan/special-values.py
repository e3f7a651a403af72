# REQUIRES: vulkan
# RUN: %python %s rms-run %t | FileCheck %s
# inf, -inf and NaN anywhere in a row, and rows of zeros with epsilon 0,
# give what the float64 reference gives (NaN where it is NaN, signed zeros
# beside an infinity), for every element type, in short rows, rows long
# enough for the blocked compensated sums, on the first Vulkan device.

# CHECK-NOT: FAIL
# CHECK: 8 of 8 cases within tolerance

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
rmsref.report(results)
