# RUN: %python %s rms-run rms-opt %S/Inputs %t | FileCheck %s
# PartialReductionOpInterface, end to end: upstream
# transform.structured.tile_reduction_using_forall / _using_for split the
# normalized dimension of rms.norm into partial sums of squares and a merge;
# the result, compiled by --rms-cpu-pipeline, matches the float64 reference
# within contract section 4.

# CHECK-NOT: FAIL
# CHECK: 8 of 8 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

rms_run, rms_opt, inputs, workdir = sys.argv[1:5]
CASES = [
    # name, shape, dtype, weight, dynamic
    ("f32_3x4099", (3, 4099), "f32", True, (False, False)),
    ("f16_3x4099", (3, 4099), "f16", True, (False, False)),
    ("bf16_2x65536", (2, 65536), "bf16", False, (False, False)),
    ("f64_5x1023_dyn", (5, 1023), "f64", True, (True, True)),
]
results = []
for strategy in ("forall", "for"):
    library = os.path.join(inputs, f"split-rows-{strategy}.mlir")
    rewrite = [rms_opt, f"--transform-preload-library=transform-library-paths={library}",
               "--transform-interpreter"]
    for seed, (name, shape, dtype, weight, dyn) in enumerate(CASES):
        case = f"{strategy}_{name}"
        ok, figure = rmsref.run_case(rms_run, workdir, case, shape, dtype, weight,
                                     1e-5, dyn, seed=seed, rewrite=rewrite)
        results.append((case, ok, figure))
rmsref.report(results)
