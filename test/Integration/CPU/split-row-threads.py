# RUN: %python %s rms-run %t | FileCheck %s
# Rows split into slices across threads (split-bytes), where each thread sums
# a run of slices and scales them back from the last one summed: one to seven
# OpenMP threads for 25 slices (runs of uneven length), 13 and 16 threads
# (slices of at most 64 KiB, so that a row longer than split-bytes has some
# for each of many threads), the count fixed at compile time (num-threads),
# and no threads at all, against the float64 reference (contract section 4).

# CHECK-NOT: FAIL
# CHECK: 11 of 11 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

rms_run, workdir = sys.argv[1], sys.argv[2]
CASES = [
    # OMP_NUM_THREADS, pipeline options, name, shape, dtype
    ("1", "split-bytes=16384", "f32_1x100003_1t", (1, 100003), "f32"),
    ("2", "split-bytes=16384", "f32_1x100003_2t", (1, 100003), "f32"),
    ("3", "split-bytes=16384", "f32_1x100003_3t", (1, 100003), "f32"),
    ("7", "split-bytes=16384", "f32_1x100003_7t", (1, 100003), "f32"),
    ("3", "split-bytes=8192", "bf16_3x50001_3t", (3, 50001), "bf16"),
    ("2", "split-bytes=8192 num-threads=3", "f16_2x50000_fixed3", (2, 50000), "f16"),
    ("2", "split-bytes=8192 threads=false", "f64_1x40000_nothreads", (1, 40000), "f64"),
    ("1", "split-bytes=65536", "f32_1x1048576_1t", (1, 1 << 20), "f32"),
    ("16", "split-bytes=131072", "f32_1x100003_16t", (1, 100003), "f32"),
    ("13", "", "f32_1x1048576_13t", (1, 1 << 20), "f32"),
    ("5", "split-bytes=65536 num-threads=9", "bf16_2x70001_fixed9", (2, 70001), "bf16"),
]
rmsref.run_thread_cases(rms_run, workdir, CASES)
