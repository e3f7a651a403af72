# RUN: %python %s rms-run %t | FileCheck %s
# Random combinations (fixed seed) of element type, rank, row length,
# static or dynamic dimensions, weight, epsilon and the options of the CPU
# pipeline (streaming stores, vector width, unroll, block, fused sweeps,
# bf16 rounding, tile rows, split rows), each checked against the float64
# reference: the code paths meet in combinations no hand-written case has.

# CHECK-NOT: FAIL
# CHECK: 60 of 60 cases within tolerance

import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

CHOICES = [
    ("nontemporal-bytes", 0.7, [1, 1024, 0]),
    ("vector-bits", 0.5, [128, 256, 512]),
    ("unroll", 0.5, [1, 2, 3, 4, 8]),
    ("block", 0.3, [1, 2, 8]),
    ("fuse-rows", 0.5, [-1, 0, 1]),
    ("avx512-bf16", 0.5, [-1, 0, 1]),
    ("tile-rows", 0.3, [1, 2, 3]),
    ("split-bytes", 0.2, [1024]),
]
rng = random.Random(7)
results = []
for case in range(60):
    dtype = rng.choice(rmsref.DTYPES)
    n = rng.choice([1, 7, 31, 33, 64, 127, 128, 129, 255, 256, 1000, 1023, 1024, 2049, 4099])
    shape = tuple(rng.choice([1, 2, 3, 5, 9]) for _ in range(rng.choice([0, 1, 1, 2]))) + (n,)
    options = " ".join(f"{name}={rng.choice(values)}" for name, chance, values in CHOICES
                       if rng.random() < chance)
    dynamic = tuple(rng.random() < 0.5 for _ in shape)
    weight = rng.random() < 0.7
    epsilon = rng.choice([0.0, 1e-5, 1.0])
    name = f"random_{case}"
    ok, figure = rmsref.run_case(
        sys.argv[1], sys.argv[2], name, shape, dtype, weight, epsilon, dynamic,
        seed=case, extra=[f"--pipeline-options={options}"] if options else [])
    results.append((f"{name} {dtype}{list(shape)} [{options or 'defaults'}]", ok, figure))
rmsref.report(results)
