"""Writes the .npy files (good and malformed) used by rms-run-errors.mlir."""

import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
np.save(f"{out}/x.npy", rng.uniform(-10, 10, (2, 8)).astype(np.float32))
np.save(f"{out}/w.npy", rng.uniform(-2, 2, (8,)).astype(np.float32))
np.save(f"{out}/w7.npy", rng.uniform(-2, 2, (7,)).astype(np.float32))
np.save(f"{out}/x_f64.npy", rng.uniform(-10, 10, (2, 8)))
np.save(f"{out}/x_3d.npy", rng.uniform(-10, 10, (2, 2, 8)).astype(np.float32))
np.save(f"{out}/x_fortran.npy", np.asfortranarray(rng.uniform(-10, 10, (2, 8)).astype(np.float32)))
with open(f"{out}/not_npy.npy", "wb") as f:
    f.write(b"hello, this is not numpy")
good = open(f"{out}/x.npy", "rb").read()
with open(f"{out}/truncated.npy", "wb") as f:
    f.write(good[:-5])
with open(f"{out}/big_endian.npy", "wb") as f:
    f.write(good.replace(b"'<f4'", b"'>f4'"))
with open(f"{out}/bad_header.npy", "wb") as f:
    f.write(good.replace(b"'shape': (2, 8)", b"'shape': [2, 8]"))
