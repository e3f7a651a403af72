"""rms on a GPU through Vulkan, next to PyTorch's F.rms_norm on the same GPU.

    python3 bench/gpu/vulkan_vs_torch.py RMS_RUN WORKDIR [--compile]

For each workload of the contract, section 5 (bench/bench.py's list), on the
first Vulkan device and the first CUDA device (meant to be the same GPU; the
script prints both names):
  - rms:   `rms-run --target=vulkan --benchmark=N`: the median GPU time of one
           submission holding the norm's dispatch, from Vulkan timestamps;
  - torch: torch.nn.functional.rms_norm on CUDA tensors holding the same
           values, the median over N calls of the GPU time between CUDA events
           recorded around each call while the GPU is kept busy beforehand
           (torch.cuda._sleep), so that the CPU's launch cost stays out as it
           does for rms;
  - inductor (--compile): the same call through torch.compile, which fuses it
           into one generated Triton kernel, timed the same way;
  - copy:  y.copy_(x) in torch, timed the same way: the bandwidth line.
GB/s counts x read + w read + y written (copy: x read + y written). Every
output is checked against the float64 reference of test/lib/rmsref.py with
the contract's tolerance (f32 relative error, f16/bf16 units in the last
place); a failing rms output makes the script exit with status 1.
Writes WORKDIR/results.md.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import bench  # noqa: E402
import rmsref  # noqa: E402  (bench puts test/lib on the path)

REPETITIONS = 100
EPSILON = 1e-5


def run_rms(rms_run, workdir, r, n, dtype, options=""):
    """(GB/s, max error, within tolerance) of rms on the Vulkan device with
    pipeline `options`, and the inputs as stored and in float64."""
    mlir, name, inputs = bench.prepare_vulkan_norm(workdir, r, n, dtype)
    output = os.path.join(workdir, name + ".y.npy")
    stdout = rmsref.run(rms_run, mlir, name, inputs, [output], target="vulkan",
                        extra=[f"--benchmark={REPETITIONS}", f"--pipeline-options={options}"])
    gbs = float(re.search(r"([0-9.]+) GB/s", stdout).group(1))
    xs, ws = np.load(inputs[0]), np.load(inputs[1])
    x, w = rmsref.decode(xs, dtype), rmsref.decode(ws, dtype)
    ref = rmsref.reference(x, w, EPSILON)
    ok, err = rmsref.check(np.load(output), ref, dtype)
    for path in inputs + [output]:
        os.remove(path)
    return gbs, err, ok, (xs, ws, ref)


class Torch:
    def __init__(self, compile_large):
        import torch
        import torch.nn.functional as F
        self.torch, self.F = torch, F
        self.compile_large = compile_large
        self.device = torch.cuda.get_device_name(0)
        self.compiled = torch.compile(F.rms_norm, dynamic=False) if compile_large else None

    def tensor(self, stored, dtype):
        torch = self.torch
        if dtype == "bf16":
            t = torch.from_numpy(stored.view(np.int16)).view(torch.bfloat16)
        else:
            t = torch.from_numpy(stored)
        return t.cuda()

    def stored(self, t, dtype):
        if dtype == "bf16":
            return t.view(self.torch.int16).cpu().numpy().view(np.uint16)
        return t.cpu().numpy()

    def gpu_seconds(self, call):
        """Median GPU time of `call` between CUDA events, the GPU busy with a
        sleep kernel while the CPU records the events and launches `call`."""
        torch = self.torch
        for _ in range(3):
            call()
        starts = [torch.cuda.Event(enable_timing=True) for _ in range(REPETITIONS)]
        ends = [torch.cuda.Event(enable_timing=True) for _ in range(REPETITIONS)]
        for start, end in zip(starts, ends):
            torch.cuda._sleep(2_000_000)
            start.record()
            call()
            end.record()
        torch.cuda.synchronize()
        return statistics.median(s.elapsed_time(e) for s, e in zip(starts, ends)) * 1e-3

    def measure(self, n, dtype, xs, ws, ref):
        """{what: (GB/s, max error, within tolerance)} for torch's calls,
        and the copy's GB/s."""
        x, w = self.tensor(xs, dtype), self.tensor(ws, dtype)
        nbytes = 2 * x.numel() * x.element_size() + w.numel() * w.element_size()
        calls = {"torch": lambda: self.F.rms_norm(x, (n,), w, eps=EPSILON)}
        if self.compiled is not None and x.numel() * x.element_size() >= 4 << 20:
            calls["inductor"] = lambda: self.compiled(x, (n,), w, eps=EPSILON)
        results = {}
        for what, call in calls.items():
            ok, err = rmsref.check(self.stored(call(), dtype), ref, dtype)
            results[what] = (nbytes / self.gpu_seconds(call) / 1e9, err, ok)
        y = self.torch.empty_like(x)
        copy = 2 * x.numel() * x.element_size() / self.gpu_seconds(lambda: y.copy_(x)) / 1e9
        return results, copy


def rate(gbs):
    return f"{gbs:.0f}" if gbs >= 100 else f"{gbs:.2f}"


def describe_error(err, ok):
    """The max relative error (f32) or ulp distance (f16, bf16) of a check."""
    text = f"{err:.2g}" if isinstance(err, float) else str(err)
    return text + ("" if ok else " (out of tolerance)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rms_run")
    parser.add_argument("workdir")
    parser.add_argument("--compile", action="store_true",
                        help="also time torch.compile(F.rms_norm) on workloads of 4 MiB or more")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    vulkan = bench.sh(args.rms_run, "--list-devices").splitlines()[0]
    try:
        peer = Torch(args.compile)
        cuda = peer.device
    except Exception:
        traceback.print_exc()
        peer, cuda = None, "none (PyTorch with CUDA is not importable: torch columns empty)"
    print(f"Vulkan device {vulkan}; CUDA device: {cuda}", flush=True)

    header = ("| workload | rms Vulkan GB/s | torch F.rms_norm GB/s | rms/torch | "
              "inductor GB/s | rms/inductor | copy GB/s | rms/copy | max error rms / torch / inductor |")
    rows = [header, "|" + " --- |" * 9]
    failed = 0
    for r, n, dtype, label in bench.selected_workloads(args.only):
        gbs, err, ok, (xs, ws, ref) = run_rms(args.rms_run, args.workdir, r, n, dtype)
        failed += not ok
        theirs, copy = {}, float("nan")
        if peer is not None:
            try:
                theirs, copy = peer.measure(n, dtype, xs, ws, ref)
            except Exception:
                traceback.print_exc()
        t = theirs.get("torch", (float("nan"), "-", True))
        i = theirs.get("inductor", (float("nan"), "-", True))
        errors = " / ".join(describe_error(e, good) for e, good in ((err, ok), t[1:], i[1:]))
        row = (f"| {label} | {rate(gbs)} | {rate(t[0])} | {gbs / t[0]:.2f} | {rate(i[0])} | "
               f"{gbs / i[0]:.2f} | {rate(copy)} | {gbs / copy:.2f} | {errors} |")
        rows.append(re.sub(r"\bnan\b", "-", row))
        print(rows[-1], flush=True)
    table = "\n".join([f"Vulkan: {vulkan}; CUDA: {cuda}", ""] + rows)
    with open(os.path.join(args.workdir, "results.md"), "w") as f:
        f.write(table + "\n")
    print("\n" + table)
    if failed:
        print(f"{failed} rms outputs out of tolerance")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
