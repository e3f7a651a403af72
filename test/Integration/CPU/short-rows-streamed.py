# RUN: %python %s rms-run %t | FileCheck %s
# Short f32 and f64 rows of an output larger than the L2 cache are written
# with streaming stores where every row starts on a cache line (checked at
# run time), with ordinary stores otherwise: static and dynamic shapes, rows
# on cache lines (64 f32, 16 f32, 32 f64) and not (100 f32, 48 f64: 384
# bytes, 127 f32), rank 3, at one and two threads, against the float64
# reference within contract section 4.

# CHECK-NOT: FAIL
# CHECK: 14 of 14 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

rms_run, workdir = sys.argv[1:3]
CASES = [
    # shape, dtype, dynamic
    ((16384, 64), "f32", (False, False)),
    ((16384, 64), "f32", (True, True)),
    ((8192, 100), "f32", (True, False)),
    ((40000, 16), "f32", (True, True)),
    ((16384, 32), "f64", (False, False)),
    ((16384, 48), "f64", (True, True)),
    ((4, 4096, 64), "f32", (True, False, False)),
]
results = []
for threads in ("1", "2"):
    os.environ["OMP_NUM_THREADS"] = threads
    for seed, (shape, dtype, dyn) in enumerate(CASES):
        name = f"t{threads}_{dtype}_{'x'.join(map(str, shape))}_{seed}"
        ok, figure = rmsref.run_case(rms_run, workdir, name, shape, dtype,
                                     seed % 2 == 0, 1e-5, dyn, seed=seed)
        results.append((name, ok, figure))
rmsref.report(results)
