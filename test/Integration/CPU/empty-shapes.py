# RUN: %python %s rms-run %t cpu | FileCheck %s
# Tensors without elements, static, dynamic and mixed (dynamic leading
# dimensions, a static 0 innermost): no rows, empty rows, both, and an empty
# innermost dimension of rank 3; they compile and run, and give an empty
# output of the input's shape.

# CHECK-NOT: FAIL
# CHECK: 36 of 36 cases within tolerance

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import rmsref

rms_run, workdir, target = sys.argv[1:4]
results = []
for shape in ((0, 5), (2, 0), (0, 0), (3, 2, 0)):
    for dtype in ("f16", "bf16", "f32"):
        for kind in ("static", "dynamic", "mixed"):
            dynamic = tuple(kind == "dynamic" or (kind == "mixed" and d + 1 < len(shape))
                            for d in range(len(shape)))
            name = f"empty_{dtype}_{'x'.join(map(str, shape))}_{kind}"
            ok, figure = rmsref.run_case(rms_run, workdir, name, shape, dtype, True,
                                         1e-5, dynamic, target=target)
            results.append((name, ok, figure))
rmsref.report(results)
