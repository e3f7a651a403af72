# run-norms.py RMS_RUN WORKDIR: runs an 8x4096 norm of each element type with
# the given rms-run (on the CPU) and checks it against the float64 reference.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "lib"))
import rmsref

rms_run, workdir = sys.argv[1:3]
os.makedirs(workdir, exist_ok=True)
results = []
for dtype in ("f16", "bf16", "f32", "f64"):
    name = f"installed_{dtype}"
    ok, figure = rmsref.run_case(rms_run, workdir, name, (8, 4096), dtype, True,
                                 1e-5, (True, False))
    results.append((name, ok, figure))
rmsref.report(results)
