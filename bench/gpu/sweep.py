"""GB/s of rms on the first Vulkan device over a grid of --pipeline-options,
to choose a GPU's defaults (each output checked against float64 as in
vulkan_vs_torch.py). Prints one line per configuration and the best per
workload.

    python3 bench/gpu/sweep.py RMS_RUN WORKDIR [GRIDS]

GRIDS names a set below: `options` (workgroup shapes and registers, the
run that chose rms-run's first GPU defaults), `paths` (lanes per tiny
row, split rows' chunks, bf16 loads, registers for rows of 8192) or
`denormals` (what denormal-fixup costs: off and on, twice each).
"""

import itertools
import os
import sys

import vulkan_vs_torch as vt

LONG = {"workgroup-size": [64, 128, 256, 512, 1024], "row-registers": [0, 4, 16]}
SHORT = {"workgroup-size": [64, 128, 256], "rows-per-workgroup": [1, 4, 8, 16]}
OPTIONS = [
    ((2048, 4096, "f32"), LONG), ((2048, 4096, "bf16"), LONG),
    ((64, 4096, "f32"), LONG), ((1, 1048576, "f32"), LONG),
    ((65536, 64, "f32"), dict(SHORT, **{"invocation-row-limit": [0, 64]})),
    ((1000, 1023, "f32"), dict(SHORT, **{"short-row-limit": [512, 1024]})),
]
TINY = {"invocation-row-limit": [256]}
PATHS = [
    ((65536, 64, "f32"), dict(TINY, **{"row-lanes": [1, 2, 4, 8, 16]})),
    ((16384, 128, "f32"), {"invocation-row-limit": [0, 256], "row-lanes": [4, 8, 16, 32]}),
    ((16384, 128, "bf16"), dict(TINY, **{"row-lanes": [4, 8, 16]})),
    ((8192, 256, "f32"), {"invocation-row-limit": [0, 256], "row-lanes": [8, 32]}),
    ((1, 1048576, "f32"), {"split-chunk": [2048, 4096, 8192, 16384, 32768]}),
    ((2048, 4096, "bf16"), {"pack-halves": ["true", "false"], "vector-width": [2, 4]}),
    ((8192, 8192, "f32"), {"row-registers": [4, 8]}),
]
FIXUP = {"denormal-fixup": [0, 1, 0, 1]}
DENORMALS = [
    ((2048, 4096, "bf16"), FIXUP), ((2048, 4096, "f32"), FIXUP),
    ((8192, 8192, "f32"), FIXUP), ((65536, 64, "f32"), FIXUP),
    ((1, 1048576, "f32"), FIXUP), ((1000, 1023, "f32"), FIXUP),
]
GRIDS = {"options": OPTIONS, "paths": PATHS, "denormals": DENORMALS}


def main():
    rms_run, workdir = sys.argv[1], sys.argv[2]
    grids = GRIDS[sys.argv[3] if len(sys.argv) > 3 else "options"]
    os.makedirs(workdir, exist_ok=True)
    vt.REPETITIONS = 30
    for (r, n, dtype), grid in grids:
        results = []
        for values in itertools.product(*grid.values()):
            options = " ".join(f"{k}={v}" for k, v in zip(grid, values))
            try:
                gbs, err, ok, _ = vt.run_rms(rms_run, workdir, r, n, dtype, options)
            except Exception as e:  # a configuration the pipeline rejects
                print(f"{r}x{n} {dtype} [{options}]: {str(e).splitlines()[-1]}", flush=True)
                continue
            results.append((gbs, options))
            print(f"{r}x{n} {dtype} [{options}]: {gbs:.0f} GB/s"
                  f"{'' if ok else ' OUT OF TOLERANCE ' + str(err)}", flush=True)
        best = sorted(results, reverse=True)[:3]
        print(f"BEST {r}x{n} {dtype}: " + "; ".join(f"{g:.0f} [{o}]" for g, o in best), flush=True)


if __name__ == "__main__":
    main()
