# RUN: %python %s rms-run %t | FileCheck %s
# bf16 results that are subnormal (below 2^-126 in magnitude), from weights
# in the lowest binades, come out bit for bit as the float64 value rounded,
# subnormals, ties and zeros included, in vector and masked columns, fused
# and two-sweep rows, with streaming stores: with avx512-bf16=0 rounded with
# integer operations; by default on a host with AVX512-BF16 by
# vcvtne2ps2bf16 (and vcvtneps2bf16, what arith.truncf becomes there),
# which treat f32 subnormals as zero, and where a lane came out zero the
# group again with integer operations (on other hosts the default is the
# integer rounding). 256-bit vectors take the one-vector instruction. Short
# rows (256, and 129 with a masked tail) are scaled as words, their halves
# rounded and interleaved back.

# CHECK-NOT: FAIL
# CHECK: 24 of 24 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

results = []
for options in ("avx512-bf16=0", ""):
    for n in (1024, 1021, 256, 129):
        for seed, more in enumerate(("", " fuse-rows=0 nontemporal-bytes=1",
                                     " vector-bits=256")):
            pipeline = (options + more).strip()
            name = f"subnormal_bf16_8x{n}_{seed}_{'integer' if options else 'default'}"
            extra = [f"--pipeline-options={pipeline}"] if pipeline else []
            ok, figure = rmsref.run_exact_rounding(
                sys.argv[1], sys.argv[2], name, 8, n, "bf16", seed=seed,
                extra=extra, subnormal=True)
            results.append((f"{name} [{pipeline or 'defaults'}]", ok, figure))
rmsref.report(results)
