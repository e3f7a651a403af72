"""`make demo`: compile examples/ for every target and run them.

For each example: lowers it with `rms-opt --rms-cpu-pipeline`,
`--rms-spirv-pipeline` and `--rms-metal-pipeline`, writes the LLVM IR, the
SPIR-V binary and the Metal source with its dispatch manifest to
build/demo/, runs it with `rms-run --target=cpu` and `--target=vulkan` (the
first Vulkan device: Mesa's lavapipe where there is no GPU) on random data,
and prints for each target the max error against a float64 reference and the
GB/s of `--benchmark` (wall time on the CPU, GPU timestamps on Vulkan).
"""

import argparse
import glob
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "lib"))
import rmsref  # noqa: E402

SIGNATURE = re.compile(
    r"func\.func @(\w+)\(%x: tensor<([0-9x]+)x(f16|bf16|f32|f64)>(, %w: tensor<\d+x\w+>)?\)")
EPSILON = re.compile(r"epsilon\(([^)]*)\)")


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def demo(build, path, out):
    text = open(path).read()
    m = SIGNATURE.search(text)
    name, dims, dtype, has_weight = m.group(1), m.group(2), m.group(3), bool(m.group(4))
    shape = tuple(int(d) for d in dims.split("x"))
    eps = float(EPSILON.search(text).group(1))
    stem = os.path.join(out, os.path.splitext(os.path.basename(path))[0])
    bin_dir = os.path.join(build, "bin")

    # Compile: rms -> LLVM dialect -> LLVM IR.
    llvm_dialect = sh(f"{bin_dir}/rms-opt", path, "--rms-cpu-pipeline")
    with open(stem + ".llvm.mlir", "w") as f:
        f.write(llvm_dialect)
    sh(f"{bin_dir}/rms-translate", "--mlir-to-llvmir", stem + ".llvm.mlir", "-o", stem + ".ll")
    print(f"{os.path.basename(path)}: {name} {dims}x{dtype}{' with weight' if has_weight else ''}")
    print(f"  LLVM IR      {os.path.relpath(stem + '.ll')}")

    # SPIR-V: the kernels of --rms-spirv-pipeline, serialized.
    spirv_ir = sh(f"{bin_dir}/rms-opt", path, "--rms-spirv-pipeline")
    sh(f"{bin_dir}/rms-translate", "--serialize-spirv", "-o", stem + ".spv", input=spirv_ir)
    print(f"  SPIR-V       {os.path.relpath(stem + '.spv')}")

    # Metal: the same kernels through SPIRV-Cross, and their manifest.
    metal_ir = sh(f"{bin_dir}/rms-opt", path, "--rms-metal-pipeline")
    sh(f"{bin_dir}/rms-translate", "--mlir-to-msl", f"--msl-manifest={stem}.metal.json",
       "-o", stem + ".metal", input=metal_ir)
    print(f"  Metal        {os.path.relpath(stem + '.metal')} "
          f"(+ {os.path.basename(stem)}.metal.json)")

    # Run on each target and check against float64.
    rng = np.random.default_rng(0)
    xs, x = rmsref.random_input(rng, shape, dtype)
    inputs = [stem + ".x.npy"]
    np.save(inputs[0], xs)
    w = None
    if has_weight:
        ws, w = rmsref.random_input(rng, shape[-1:], dtype, -2.0, 2.0)
        inputs.append(stem + ".w.npy")
        np.save(inputs[1], ws)
    unit = "ulp" if dtype in ("f16", "bf16") else "relative"
    all_ok = True
    for target in ("cpu", "vulkan"):
        y_path = stem + f".{target}.y.npy"
        try:
            stdout = rmsref.run(f"{bin_dir}/rms-run", path, name, inputs, [y_path],
                                target=target, extra=["--benchmark=50"])
        except RuntimeError as e:
            print(f"  {target:<12} FAIL: {str(e).strip().splitlines()[-1]}")
            all_ok = False
            continue
        ok, figure = rmsref.check(np.load(y_path), rmsref.reference(x, w, eps), dtype)
        gbs = re.search(r"([0-9.]+) GB/s", stdout).group(1)
        device = ""
        if target == "vulkan":
            device = " on " + sh(f"{bin_dir}/rms-run", "--list-devices").splitlines()[0][3:]
        print(f"  {target:<12} max error {figure} {unit} ({'ok' if ok else 'FAIL'}), "
              f"{gbs} GB/s{device}")
        all_ok = all_ok and ok
    print("  metal        source only (no Metal compiler or device here); make "
          "check runs these kernels at 256 threads per group on vulkan")
    return all_ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    args = parser.parse_args()
    out = os.path.join(args.build, "demo")
    os.makedirs(out, exist_ok=True)
    ok = all(demo(args.build, p, out) for p in sorted(glob.glob(os.path.join(HERE, "*.mlir"))))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
