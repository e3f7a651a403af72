# RUN: %python %s rms-run %t | FileCheck %s
# A split row's sum does not depend on the thread count: its slices are the
# same whatever the number of threads (at most split-bytes and 64 KiB each),
# and their partial sums are added in order. The same inputs, run at 1, 2, 5
# and 16 OpenMP threads, give the same bits, within the contract's tolerance
# (section 4).

# CHECK-NOT: FAIL
# CHECK: 2 of 2 cases within tolerance

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

rms_run, workdir = sys.argv[1], sys.argv[2]
THREADS = ["1", "2", "5", "16"]
CASES = [
    # name, shape, dtype
    ("f32_1x1048576", (1, 1 << 20), "f32"),
    ("bf16_2x300007", (2, 300007), "bf16"),
]
results = []
for seed, (name, shape, dtype) in enumerate(CASES):
    rng = np.random.default_rng(seed)
    xs, x = rmsref.random_input(rng, shape, dtype)
    ws, w = rmsref.random_input(rng, shape[-1:], dtype, -2.0, 2.0)
    text = rmsref.norm_function(name, shape, dtype, True, 1e-5, (False, False))
    outputs = []
    for threads in THREADS:
        os.environ["OMP_NUM_THREADS"] = threads
        outputs.append(rmsref.run_norm(rms_run, workdir, name, text, [xs, ws]))
    same = all(np.array_equal(outputs[0].view(np.uint8), y.view(np.uint8))
               for y in outputs[1:])
    ok, figure = rmsref.check(outputs[0], rmsref.reference(x, w, 1e-5), dtype)
    results.append((f"{name} [OMP_NUM_THREADS={','.join(THREADS)}]", ok and same,
                    f"{figure}, {'the same bits' if same else 'bits differ'}"))
rmsref.report(results)
