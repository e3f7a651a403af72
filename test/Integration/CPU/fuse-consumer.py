# RUN: %python %s rms-opt rms-run %t | FileCheck %s
# rms.norm fused as a consumer into the loop of its tiled producer (the
# residual add of a transformer layer, tiled into scf.forall by 16 rows of
# 37, so the last tile is short) with upstream scf::tileAndFuseConsumer, then
# compiled by the CPU pipeline: y = rms.norm(x + r) * w against float64, for
# every 16/32-bit type, static and dynamic shapes.

# CHECK-NOT: FAIL
# CHECK: 6 of 6 cases within tolerance

import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

TILE_ADD = """module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %add = transform.structured.match ops{["linalg.add"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %add tile_sizes [16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
"""


def residual_norm(name, shape, dtype, dynamic):
    """func @name(%x, %w, %r) = rms.norm(linalg.add(%x, %r)) * %w."""
    xt = rmsref.tensor_type(shape, dtype, dynamic)
    wt = rmsref.tensor_type(shape[-1:], dtype, dynamic[-1:])
    lines = rmsref.empty_like_x(["%e", "%init"], xt, dynamic)
    lines.append(f"  %h = linalg.add ins(%x, %r : {xt}, {xt}) outs(%e : {xt}) -> {xt}")
    lines.append(f"  %y = rms.norm ins(%h, %w : {xt}, {wt}) outs(%init : {xt}) "
                 f"epsilon(1.0e-05) -> {xt}")
    lines.append(f"  return %y : {xt}")
    return (f"func.func @{name}(%x: {xt}, %w: {wt}, %r: {xt}) -> {xt} {{\n"
            + "\n".join(lines) + "\n}\n")


rms_opt, rms_run, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
transform = os.path.join(workdir, "tile-add.mlir")
with open(transform, "w") as f:
    f.write(TILE_ADD)

results = []
rng = np.random.default_rng(11)
shape = (37, 1000)
for dtype in ("f16", "bf16", "f32"):
    for dynamic in ((False, False), (True, True)):
        name = f"{dtype}_{'dynamic' if dynamic[0] else 'static'}"
        fused = subprocess.run(
            [rms_opt, "-", f"-transform-preload-library=transform-library-paths={transform}",
             "-transform-interpreter", "-test-rms-fuse-consumer", "-canonicalize"],
            input=residual_norm(name, shape, dtype, dynamic), capture_output=True,
            text=True, check=True)
        body = fused.stdout
        inside = body.find("scf.forall (") < body.find("rms.norm") < body.find("scf.forall.in_parallel")
        if fused.stderr or not inside:
            results.append((name, False, "not fused: " + fused.stderr.strip()))
            continue
        xs, x = rmsref.random_input(rng, shape, dtype)
        ws, w = rmsref.random_input(rng, shape[-1:], dtype, -2.0, 2.0)
        rs, r = rmsref.random_input(rng, shape, dtype)
        # The add rounds to the element type (through f32, as the CPU does).
        h = rmsref.decode(rmsref.encode((x + r).astype(np.float32), dtype), dtype)
        y = rmsref.run_norm(rms_run, workdir, name, body, [xs, ws, rs])
        ok, figure = rmsref.check(y, rmsref.reference(h, w, 1e-5), dtype)
        results.append((name, ok, figure))
rmsref.report(results)
