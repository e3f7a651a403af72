# REQUIRES: vulkan
# RUN: %python %s rms-run %t | FileCheck %s
# f16 and bf16 results are rounded once, to the nearest (ties to even), on
# every kernel path: inputs built so that everything before the final
# rounding is exact in f32 (rmsref.exact_rounding_inputs) must come out bit
# for bit as the float64 value rounded, including f16 subnormals and
# overflow to infinity. f16 is rounded with integer operations by default
# on CPU devices (integer-f16-rounding) and with the device's conversion
# otherwise, as in the Metal kernels (their options). bf16 results are
# rounded with integer operations, so that subnormal ones come out too
# (weights in the lowest binades, rmsref's `subnormal` inputs): they are f32
# denormals before the rounding, which GPUs flush (an H100 did) unless the
# kernels declare DenormPreserve, as rms-run has them do on devices that
# report shaderDenormPreserveFloat32 (preserve-denormals). Asked for on a
# device without it (lavapipe, which keeps denormals anyway), rms-run stops
# with one line. Elsewhere (an H100), results that come out zero or NaN are
# computed again with the exponents in integers (denormal-fixup, which
# rms-run leaves off on CPU devices).

# CHECK-NOT: FAIL
# CHECK: 25 of 25 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

# Rows of 64 take the tiny-row kernel with rms-run's CPU-device defaults,
# 1021 (scalar) and 1024 (vec4) the short-row kernel, 2048 a workgroup.
OPTIONS = ["", "integer-f16-rounding=false",
           "workgroup-size=256 rows-per-workgroup=8 short-row-limit=1024 "
           "row-registers=16 vector-width=4 pack-halves=false "
           "invocation-row-limit=0 integer-f16-rounding=false"]
results = []
for dtype in ("f16", "bf16"):
    for n in (64, 1021, 2048):
        for seed, options in enumerate(OPTIONS):
            if dtype == "bf16" and options == "integer-f16-rounding=false":
                options = "row-registers=16"
            name = f"exact_{dtype}_{n}_{seed}"
            ok, figure = rmsref.run_exact_rounding(
                sys.argv[1], sys.argv[2], name, 8, n, dtype, target="vulkan",
                seed=seed, extra=[f"--pipeline-options={options}"])
            results.append((f"{name} [{options or 'defaults'}]", ok, figure))
for n in (64, 1021, 2048):
    name = f"subnormal_bf16_{n}"
    ok, figure = rmsref.run_exact_rounding(
        sys.argv[1], sys.argv[2], name, 8, n, "bf16", target="vulkan",
        subnormal=True)
    results.append((f"{name} [defaults]", ok, figure))
name = "subnormal_bf16_2048_preserve"
try:
    ok, figure = rmsref.run_exact_rounding(
        sys.argv[1], sys.argv[2], name, 8, 2048, "bf16", target="vulkan",
        subnormal=True, extra=["--pipeline-options=preserve-denormals=true"])
except RuntimeError as e:
    ok = "has no shaderDenormPreserveFloat32 (VK_KHR_shader_float_controls)" in str(e)
    figure = "the device cannot be asked to: " + str(e).splitlines()[-1]
results.append((f"{name} [preserve-denormals=true]", ok, figure))
# The GPU default where denormals cannot be kept on request (results that
# come out zero or NaN computed again with the exponents in integers), and
# that path for every result.
for n, fixup, subnormal in ((1021, 1, True), (2048, 2, True), (2048, 2, False)):
    name = f"fixup{fixup}_bf16_{n}_{'subnormal' if subnormal else 'exact'}"
    ok, figure = rmsref.run_exact_rounding(
        sys.argv[1], sys.argv[2], name, 8, n, "bf16", target="vulkan",
        seed=n, subnormal=subnormal,
        extra=[f"--pipeline-options=denormal-fixup={fixup}"])
    results.append((f"{name} [denormal-fixup={fixup}]", ok, figure))
rmsref.report(results)
