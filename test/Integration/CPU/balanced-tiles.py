# RUN: %python %s rms-run %t | FileCheck %s
# Inputs of balance-bytes or more run in about 8 tiles per thread that the
# threads claim as they finish (an atomic count of the tiles claimed): one to three
# threads, tiles of uneven length, a rank-3 input (a 2-D loop nest), every
# element type, the thread count fixed at compile time, and a 16 MiB input
# with the default threshold (twice the L2 caches of the host's cores), and
# dynamic shapes measured at run time, against the float64 reference
# (contract section 4).

# CHECK-NOT: FAIL
# CHECK: 12 of 12 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

rms_run, workdir = sys.argv[1], sys.argv[2]
CASES = [
    # OMP_NUM_THREADS, pipeline options, name, shape, dtype
    ("1", "balance-bytes=65536", "f32_300x1024_1t", (300, 1024), "f32"),
    ("2", "balance-bytes=65536", "f32_300x1024_2t", (300, 1024), "f32"),
    ("3", "balance-bytes=65536", "f16_257x2048_3t", (257, 2048), "f16"),
    ("2", "balance-bytes=65536", "bf16_130x4096_2t", (130, 4096), "bf16"),
    ("2", "balance-bytes=65536 num-threads=3", "f64_200x520_fixed3", (200, 520), "f64"),
    ("2", "balance-bytes=1", "f32_3x100x1024_2t", (3, 100, 1024), "f32"),
    ("2", "balance-bytes=1 threads=false", "f32_300x1024_nothreads", (300, 1024), "f32"),
    ("2", "", "f16_2048x4096_2t", (2048, 4096), "f16"),
    # Dynamic shapes, measured at run time: large enough (8 tiles per
    # thread, claimed), and not (a tile per thread, or one on the calling
    # thread).
    ("2", "balance-bytes=65536", "f32_300x1024_dyn_2t", (300, 1024), "f32", True),
    ("3", "balance-bytes=65536", "bf16_129x2048_dyn_3t", (129, 2048), "bf16", True),
    ("2", "balance-bytes=1073741824", "f16_300x1024_dyn_small_2t", (300, 1024), "f16", True),
    ("2", "balance-bytes=65536", "f32_1x1024_dyn_one_2t", (1, 1024), "f32", True),
]
rmsref.run_thread_cases(rms_run, workdir, CASES)
