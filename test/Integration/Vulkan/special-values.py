# REQUIRES: vulkan
# RUN: %python %s rms-run %t | FileCheck %s
# inf, -inf and NaN anywhere in a row, and rows of zeros with epsilon 0,
# give what the float64 reference gives (NaN where it is NaN, signed zeros
# beside an infinity), for every element type, in short rows, rows long
# enough for the blocked compensated sums, on the first Vulkan device.

# CHECK-NOT: FAIL
# CHECK: 16 of 16 cases within tolerance

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
# The path of results that come out zero or NaN where a device flushes f32
# denormals (denormal-fixup=1, rms-run's default on GPUs): zero rows and
# rows with an infinity come out zero or NaN, so their groups are read
# again and computed with the exponents in integers, on the tiny-row,
# register, streamed and split-row kernels; and that computation for every
# result (denormal-fixup=2).
for fixup, shapes in ((1, ((6, 40), (6, 2050), (6, 70000))), (2, ((6, 40),))):
    for dtype in ("f32", "bf16"):
        for shape in shapes:
            options = f"denormal-fixup={fixup}"
            if shape[1] == 2050:
                options += " row-registers=0"
            ok, figure = rmsref.run_special_values(
                sys.argv[1], sys.argv[2], dtype, shape, target="vulkan",
                extra=[f"--pipeline-options={options}"],
                name=f"special_{dtype}_{shape[1]}_fixup{fixup}")
            results.append((f"{dtype}_{shape[0]}x{shape[1]} [{options}]", ok, figure))
rmsref.report(results)
