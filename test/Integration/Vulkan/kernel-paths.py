# REQUIRES: vulkan
# RUN: %python %s rms-run %t | FileCheck %s
# Every path of the GPU kernels and every pipeline option that shapes them,
# on the first Vulkan device, against the float64 reference: short rows
# (a subgroup per row, several rows per workgroup, rows not a multiple of
# rows-per-workgroup) and long rows (a workgroup per row) on both sides of
# short-row-limit; vec4, vec2 and scalar kernels (the row length decides at
# run time for dynamic shapes); a workgroup whose last subgroup is partial
# (12 invocations on lavapipe's 8-wide subgroups); rows-per-workgroup=1 and
# vector-width=1 (the one-row-per-workgroup scalar kernel of before); rows
# kept in registers (row-registers, which rms-run turns off on CPU devices)
# on both sides of the fit: short rows (8 lanes x 4 units) and long rows
# (16 invocations x 4 units), vec4 and scalar, bf16 rounding from registers;
# tiny rows one per invocation (rms-run's default on CPU devices up to 64
# elements), far shorter than the registers they are given (clamped),
# empty, and up to the 64 units an invocation holds (a higher limit stops
# there), and the same rows with that turned off; tiny rows shared by 2, 4
# or 8 lanes (row-lanes, rms-run's default on GPUs): rows filling the
# lanes' registers, rows of fewer units than lanes, of units the lanes do
# not divide, empty rows, f64 sums, vec2, and a workgroup whose partial
# last subgroup holds one row; rows split across workgroups
# (split-row-limit): on both sides of the limit, chunks the row does not
# divide, chunks of one unit, a partial subgroup, f16/bf16/f64, more than
# 65535 chunks in all, the default chunk.

# CHECK-NOT: FAIL
# CHECK: 63 of 63 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

STATIC, DYNAMIC = (False, False), (True, True)
CASES = [
    # options, name, shape, dtype, weight, epsilon, dynamic dims
    ("", "f32_64x1024_short_v4", (64, 1024), "f32", True, 1e-5, DYNAMIC),
    ("", "f32_5x1028_long_v4", (5, 1028), "f32", True, 1e-5, DYNAMIC),
    ("", "f32_17x1026_long_scalar", (17, 1026), "f32", False, 1e-5, DYNAMIC),
    ("", "f32_33x1022_short_scalar", (33, 1022), "f32", True, 0.0, DYNAMIC),
    ("", "f16_9x4_short_v4", (9, 4), "f16", True, 10.0, STATIC),
    ("", "f16_3x2_short_scalar", (3, 2), "f16", False, 1e-5, DYNAMIC),
    ("", "bf16_1001x64_short_v4", (1001, 64), "bf16", True, 1e-5, STATIC),
    ("", "f64_13x260_short_v4", (13, 260), "f64", True, 1e-5, DYNAMIC),
    ("workgroup-size=12", "f32_20x100_partial_short", (20, 100), "f32", True, 1e-5, DYNAMIC),
    ("workgroup-size=12", "f32_3x4096_partial_long", (3, 4096), "f32", True, 1e-5, STATIC),
    ("workgroup-size=12", "bf16_11x37_partial_scalar", (11, 37), "bf16", True, 1e-5, DYNAMIC),
    ("rows-per-workgroup=3 vector-width=2", "f16_10x66_v2", (10, 66), "f16", True, 1e-5, DYNAMIC),
    ("rows-per-workgroup=3 vector-width=2", "f32_7x2001_scalar", (7, 2001), "f32", False, 1e-5, DYNAMIC),
    ("rows-per-workgroup=3 vector-width=2", "bf16_4x2000_long_v2", (4, 2000), "bf16", True, 1e-5, STATIC),
    ("rows-per-workgroup=1 vector-width=1", "f32_4x64_row", (4, 64), "f32", True, 1e-5, DYNAMIC),
    ("rows-per-workgroup=1 vector-width=1", "f16_2x4099_row", (2, 4099), "f16", True, 1e-5, STATIC),
    ("short-row-limit=0", "f32_40x8_all_long", (40, 8), "f32", True, 1e-5, DYNAMIC),
    ("short-row-limit=100000", "f32_9x8192_all_short", (9, 8192), "f32", True, 1e-5, DYNAMIC),
    ("short-row-limit=100000", "f16_3x8191_all_short", (3, 8191), "f16", True, 1e-5, DYNAMIC),
    ("workgroup-size=256 rows-per-workgroup=16", "f32_70000x16_grid_y", (70000, 16), "f32", True, 1e-5, DYNAMIC),
    ("workgroup-size=256 rows-per-workgroup=16", "bf16_2x8196_long", (2, 8196), "bf16", False, 1e-5, DYNAMIC),
    ("workgroup-size=32 rows-per-workgroup=2", "f16_5x1_short", (5, 1), "f16", True, 1e-5, DYNAMIC),
    ("row-registers=4", "f32_9x128_short_fits", (9, 128), "f32", True, 1e-5, DYNAMIC),
    ("row-registers=4", "f32_9x132_short_streams", (9, 132), "f32", True, 1e-5, DYNAMIC),
    ("row-registers=4", "f16_5x31_short_scalar_fits", (5, 31), "f16", True, 1e-5, DYNAMIC),
    ("row-registers=4 workgroup-size=16", "f32_3x1100_long_streams", (3, 1100), "f32", True, 0.0, DYNAMIC),
    ("row-registers=4 workgroup-size=16 short-row-limit=0", "bf16_4x256_long_fits", (4, 256), "bf16", True, 1e-5, STATIC),
    ("row-registers=4 workgroup-size=16 short-row-limit=0", "bf16_4x255_long_scalar", (4, 255), "bf16", False, 1e-5, DYNAMIC),
    ("row-registers=64 workgroup-size=64", "f32_2x4096_long_fits", (2, 4096), "f32", True, 1e-5, STATIC),
    ("row-registers=64 workgroup-size=12", "f16_6x2000_partial_fits", (6, 2000), "f16", True, 10.0, DYNAMIC),
    ("invocation-row-limit=64", "f32_37x64_lane", (37, 64), "f32", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=64", "f32_37x65_rows", (37, 65), "f32", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=64 workgroup-size=12", "bf16_70001x3_lane_grid_y", (70001, 3), "bf16", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=64", "f16_5x3x8_lane_v4", (5, 3, 8), "f16", False, 10.0, (False, False, False)),
    ("invocation-row-limit=64", "f32_7x4_lane_clamped", (7, 4), "f32", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=64", "f16_6x5_lane_scalar_clamped", (6, 5), "f16", True, 1e-5, STATIC),
    ("invocation-row-limit=64", "bf16_3x0_lane_empty", (3, 0), "bf16", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=1024", "f32_9x256_lane_64_units", (9, 256), "f32", True, 0.0, DYNAMIC),
    ("invocation-row-limit=1024", "f32_9x260_rows_past_lane", (9, 260), "f32", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=1024", "f16_5x65_scalar_past_lane", (5, 65), "f16", True, 1e-5, STATIC),
    ("invocation-row-limit=0", "f32_40x64_rows", (40, 64), "f32", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=0", "bf16_17x31_rows", (17, 31), "bf16", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=256 row-lanes=8", "f32_37x64_lanes", (37, 64), "f32", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=256 row-lanes=8", "f32_9x256_lanes_full", (9, 256), "f32", True, 0.0, STATIC),
    ("invocation-row-limit=256 row-lanes=8", "f32_9x260_rows_past_lanes", (9, 260), "f32", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=256 row-lanes=8", "f16_6x5_lanes_scalar_few_units", (6, 5), "f16", True, 1e-5, STATIC),
    ("invocation-row-limit=64 row-lanes=4", "f32_7x44_lanes_uneven", (7, 44), "f32", False, 1e-5, DYNAMIC),
    ("invocation-row-limit=64 row-lanes=2", "bf16_3x0_lanes_empty", (3, 0), "bf16", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=64 row-lanes=4", "f64_13x20_lanes", (13, 20), "f64", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=128 row-lanes=8 vector-width=2", "f16_10x66_lanes_v2", (10, 66), "f16", True, 10.0, DYNAMIC),
    ("invocation-row-limit=64 row-lanes=4 workgroup-size=12", "bf16_70001x3_lanes_partial_grid_y", (70001, 3), "bf16", True, 1e-5, DYNAMIC),
    ("invocation-row-limit=64 row-lanes=4 workgroup-size=12", "f32_25x64_lanes_partial", (25, 64), "f32", True, 1e-5, STATIC),
    ("split-row-limit=64 split-chunk=16", "f32_5x1000_split_v4", (5, 1000), "f32", True, 1e-5, DYNAMIC),
    ("split-row-limit=64 split-chunk=16", "f32_3x1001_split_scalar", (3, 1001), "f32", False, 0.0, DYNAMIC),
    ("split-row-limit=64 split-chunk=16", "f32_6x64_not_split", (6, 64), "f32", True, 1e-5, DYNAMIC),
    ("split-row-limit=64 split-chunk=16", "f32_6x68_split_uneven", (6, 68), "f32", True, 1e-5, STATIC),
    ("split-row-limit=64 split-chunk=16", "bf16_2x4099_split", (2, 4099), "bf16", True, 1e-5, DYNAMIC),
    ("split-row-limit=64 split-chunk=16", "f16_4x200_split", (4, 200), "f16", False, 10.0, STATIC),
    ("split-row-limit=64 split-chunk=16", "f64_3x300_split", (3, 300), "f64", True, 1e-5, DYNAMIC),
    ("split-row-limit=64 split-chunk=96 workgroup-size=12", "f32_2x999_split_partial", (2, 999), "f32", True, 1e-5, DYNAMIC),
    ("split-row-limit=8 split-chunk=4", "f32_3x100_split_tiny_chunks", (3, 100), "f32", True, 1e-5, DYNAMIC),
    ("split-row-limit=16 split-chunk=8", "f32_70000x20_split_grid_y", (70000, 20), "f32", True, 1e-5, DYNAMIC),
    ("split-row-limit=1000", "f32_1x65536_split_default_chunk", (1, 65536), "f32", True, 1e-5, STATIC),
]
results = []
for seed, (options, name, shape, dtype, weight, eps, dyn) in enumerate(CASES):
    extra = [f"--pipeline-options={options}"] if options else []
    ok, figure = rmsref.run_case(sys.argv[1], sys.argv[2], name, shape, dtype,
                                 weight, eps, dyn, target="vulkan", seed=seed,
                                 extra=extra)
    results.append((f"{name} [{options or 'defaults'}]", ok, figure))
rmsref.report(results)
