# RUN: %python %s rms-run %t | FileCheck %s
# bf16 results that are subnormal (below 2^-126 in magnitude), from weights
# in the lowest binades: with avx512-bf16=0 the results are rounded with
# integer operations and come out bit for bit as the float64 value rounded,
# subnormals, ties and zeros included, in vector and masked columns, fused
# and two-sweep rows, with streaming stores. By default on a host with
# AVX512-BF16, vcvtne2ps2bf16 (and vcvtneps2bf16, what arith.truncf becomes
# there) treat f32 subnormals as zero: every output has the expected bits
# except subnormal ones, which are zeros of their sign (on other hosts the
# default is the exact rounding, and these cases are exact too).

# CHECK-NOT: FAIL
# CHECK: 8 of 8 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

results = []
for options, flushed in (("avx512-bf16=0", False), ("", True)):
    for n in (1024, 1021):
        for seed, more in enumerate(("", " fuse-rows=0 nontemporal-bytes=1")):
            pipeline = (options + more).strip()
            name = f"subnormal_bf16_8x{n}_{seed}_{'exact' if not flushed else 'default'}"
            extra = [f"--pipeline-options={pipeline}"] if pipeline else []
            ok, figure = rmsref.run_exact_rounding(
                sys.argv[1], sys.argv[2], name, 8, n, "bf16", seed=seed,
                extra=extra, subnormal=True, flushed=flushed)
            results.append((f"{name} [{pipeline or 'defaults'}]", ok, figure))
rmsref.report(results)
