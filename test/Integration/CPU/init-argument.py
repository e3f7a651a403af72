# RUN: %python %s rms-run %t | FileCheck %s
# A function that takes the destination of rms.norm as an argument and
# returns the result: bufferized in place into the argument's buffer, the
# result is returned as a copy (the caller owns what a function returns), for
# every element type, static and dynamic shapes, with and without a weight.

# CHECK-NOT: FAIL
# CHECK: 8 of 8 cases within tolerance

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref


def destination_argument(text):
    """Rewrites norm_function's text so that %init is the last argument
    instead of a tensor.empty."""
    header, body = text.split("\n", 1)
    xt = header[header.index("%x: ") + 4:header.index(")")].split(",")[0]
    header = header.replace(") ->", f", %init: {xt}) ->", 1)
    body = "\n".join(line for line in body.split("\n")
                     if "tensor.empty" not in line and "tensor.dim" not in line
                     and "arith.constant" not in line)
    return header + "\n" + body


results = []
rng = np.random.default_rng(7)
workdir = sys.argv[2]
for dtype in rmsref.DTYPES:
    for dynamic, weight in (((False, False), True), ((True, True), False)):
        shape = (5, 1000)
        name = f"{dtype}_{'dynamic' if dynamic[0] else 'static'}"
        text = destination_argument(
            rmsref.norm_function(name, shape, dtype, weight, 1e-5, dynamic))
        xs, x = rmsref.random_input(rng, shape, dtype)
        arrays = [xs]
        w = None
        if weight:
            ws, w = rmsref.random_input(rng, shape[-1:], dtype, -2.0, 2.0)
            arrays.append(ws)
        # The destination's contents must not matter.
        arrays.append(rmsref.random_input(rng, shape, dtype)[0])
        y = rmsref.run_norm(sys.argv[1], workdir, name, text, arrays)
        ok, figure = rmsref.check(y, rmsref.reference(x, w, 1e-5), dtype)
        results.append((name, ok, figure))
rmsref.report(results)
