# RUN: %python %s rms-run %t | FileCheck %s
# f16 and bf16 results are rounded once, to the nearest (ties to even):
# inputs built so that everything before the final rounding is exact in f32
# (rmsref.exact_rounding_inputs) must come out bit for bit as the float64
# value rounded, including f16 subnormals and overflow to infinity; vector
# and masked columns, fused and two-sweep rows, streaming stores (in both),
# and rows split across threads.

# CHECK-NOT: FAIL
# CHECK: 16 of 16 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

OPTIONS = ["", "fuse-rows=0 nontemporal-bytes=1", "split-bytes=512", "nontemporal-bytes=1"]
results = []
for dtype in ("f16", "bf16"):
    for n in (1024, 1021):
        for seed, options in enumerate(OPTIONS):
            rows = 1 if "split" in options else 8
            name = f"exact_{dtype}_{rows}x{n}_{seed}"
            extra = [f"--pipeline-options={options}"] if options else []
            ok, figure = rmsref.run_exact_rounding(
                sys.argv[1], sys.argv[2], name, rows, n, dtype, seed=seed,
                extra=extra)
            results.append((f"{name} [{options or 'defaults'}]", ok, figure))
rmsref.report(results)
