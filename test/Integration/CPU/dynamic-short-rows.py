# RUN: %python %s rms-run %t | FileCheck %s
# Rows of a dynamic length choose at run time between the long-row code and
# the short-row loops (under 512 bytes; 1 KiB for f16 and bf16): lengths
# around each type's boundary and around whole pairs of 512-bit vectors (the
# loops' unit; the rest is two masked vectors, either one possibly empty),
# at one thread (and for f32 and bf16 at two), against the float64 reference within contract
# section 4.

# CHECK-NOT: FAIL
# CHECK: 59 of 59 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

rms_run, workdir = sys.argv[1:3]
LENGTHS = {
    "f32": (1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128),
    "f64": (7, 8, 9, 15, 16, 17, 63, 64),
    "f16": (31, 32, 33, 63, 64, 65, 255, 511, 512),
    "bf16": (31, 32, 33, 63, 64, 65, 255, 511, 512),
}
results = []
seed = 0
for threads, dtypes in (("1", LENGTHS), ("2", ("f32", "bf16"))):
    os.environ["OMP_NUM_THREADS"] = threads
    for dtype in dtypes:
        lengths = LENGTHS[dtype]
        for n in lengths:
            # Every other case without a weight, and a static row count.
            weight = seed % 2 == 0
            dyn = (seed % 4 != 1, True)
            name = f"t{threads}_{dtype}_n{n}"
            ok, figure = rmsref.run_case(rms_run, workdir, name, (37, n), dtype,
                                         weight, 1e-5, dyn, seed=seed)
            results.append((name, ok, figure))
            seed += 1
rmsref.report(results)
