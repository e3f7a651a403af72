"""rms on the CPU of a larger machine, next to PyTorch's CPU F.rms_norm, over
thread counts.

    python3 bench/gpu/cpu_vs_torch.py RMS_RUN WORKDIR [--threads 1,2,4,8,16]

For each workload of the contract, section 5 (bench/bench.py's list), and
each thread count T (OMP_NUM_THREADS for rms, torch.set_num_threads for
torch):
  - rms:   `rms-run --target=cpu --benchmark=N`: compiled for the machine it
           runs on (its CPU, caches and threads), the median time of N calls;
  - torch: torch.nn.functional.rms_norm on CPU tensors holding the same
           values, the median wall time of N calls;
  - copy:  y.copy_(x) in torch, timed the same way: the bandwidth line.
GB/s counts x read + w read + y written (copy: x read + y written). Every
output is checked against the float64 reference of test/lib/rmsref.py with
the contract's tolerance; a failing rms output makes the script exit with
status 1. This is how the thread counts and cache sizes of a machine with
more cores than the 2-core development machine are checked. Writes
WORKDIR/cpu-results.md.
"""

import argparse
import os
import re
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import bench  # noqa: E402
import rmsref  # noqa: E402  (bench puts test/lib on the path)
from vulkan_vs_torch import describe_error  # noqa: E402

REPETITIONS = 20
EPSILON = 1e-5


def run_rms(rms_run, workdir, prepared, dtype, threads):
    """(GB/s, max error, within tolerance) of rms on `threads` threads."""
    mlir, name, inputs, ref = prepared
    output = os.path.join(workdir, name + ".y.npy")
    os.environ["OMP_NUM_THREADS"] = str(threads)
    stdout = rmsref.run(rms_run, mlir, name, inputs, [output], target="cpu",
                        extra=[f"--benchmark={REPETITIONS}"])
    gbs = float(re.search(r"([0-9.]+) GB/s", stdout).group(1))
    ok, err = rmsref.check(np.load(output), ref, dtype)
    os.remove(output)
    return gbs, err, ok


def torch_measure(n, dtype, xs, ws, ref, threads):
    """(torch GB/s, max error, within tolerance, copy GB/s) on `threads`."""
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    if dtype == "bf16":
        x = torch.from_numpy(xs.view(np.int16)).view(torch.bfloat16)
        w = torch.from_numpy(ws.view(np.int16)).view(torch.bfloat16)
    else:
        x, w = torch.from_numpy(xs), torch.from_numpy(ws)

    def seconds(call):
        for _ in range(2):
            call()
        times = []
        for _ in range(REPETITIONS):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    y = F.rms_norm(x, (n,), w, eps=EPSILON)
    stored = y.view(torch.int16).numpy().view(np.uint16) if dtype == "bf16" else y.numpy()
    ok, err = rmsref.check(stored, ref, dtype)
    nbytes = 2 * x.numel() * x.element_size() + w.numel() * w.element_size()
    gbs = nbytes / seconds(lambda: F.rms_norm(x, (n,), w, eps=EPSILON)) / 1e9
    copy_into = torch.empty_like(x)
    copy = 2 * x.numel() * x.element_size() / seconds(lambda: copy_into.copy_(x)) / 1e9
    return gbs, err, ok, copy


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rms_run")
    parser.add_argument("workdir")
    parser.add_argument("--threads", default="",
                        help="comma-separated thread counts (default: 1, 2, 4, ... up to the cores)")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    cores = os.cpu_count()
    counts = [int(t) for t in args.threads.split(",")] if args.threads else \
        sorted({min(1 << k, cores) for k in range(cores.bit_length() + 1)})
    try:
        import torch
        peer = f"PyTorch {torch.__version__}"
    except ImportError:
        peer = None
    cpu = "unknown CPU"
    if os.path.exists("/proc/cpuinfo"):
        names = re.findall(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
        cpu = names[0] if names else cpu
    print(f"{cpu}, {cores} cores; peer: {peer or 'none (torch not importable)'}", flush=True)

    header = ("| workload | threads | rms GB/s | torch F.rms_norm GB/s | rms/torch | "
              "copy GB/s | rms/copy | max error rms / torch |")
    rows = [header, "|" + " --- |" * 8]
    failed = 0
    for r, n, dtype, label in bench.selected_workloads(args.only):
        mlir, name, inputs = bench.prepare_vulkan_norm(args.workdir, r, n, dtype)
        xs, ws = np.load(inputs[0]), np.load(inputs[1])
        ref = rmsref.reference(rmsref.decode(xs, dtype), rmsref.decode(ws, dtype), EPSILON)
        for threads in counts:
            gbs, err, ok = run_rms(args.rms_run, args.workdir, (mlir, name, inputs, ref),
                                   dtype, threads)
            failed += not ok
            theirs = (float("nan"), "-", True, float("nan"))
            if peer:
                theirs = torch_measure(n, dtype, xs, ws, ref, threads)
            errors = " / ".join(describe_error(e, good)
                                for e, good in ((err, ok), (theirs[1], theirs[2])))
            row = (f"| {label} | {threads} | {gbs:.1f} | {theirs[0]:.1f} | {gbs / theirs[0]:.2f} | "
                   f"{theirs[3]:.1f} | {gbs / theirs[3]:.2f} | {errors} |")
            rows.append(re.sub(r"\bnan\b", "-", row))
            print(rows[-1], flush=True)
        for path in inputs:
            os.remove(path)
    table = "\n".join([f"{cpu}, {cores} cores; {peer or 'no PyTorch'}", ""] + rows)
    with open(os.path.join(args.workdir, "cpu-results.md"), "w") as f:
        f.write(table + "\n")
    if failed:
        print(f"{failed} rms outputs out of tolerance")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
