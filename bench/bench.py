"""`make bench`: the benchmark workloads of the contract, section 5.

For each workload (rows x hidden, element type, with a weight, epsilon 1e-5)
the norm is compiled with `rms-opt --rms-cpu-pipeline` and
`rms-translate --mlir-to-llvmir` into a shared object, and bench/harness.cpp
measures, in one process and interleaved round by round:
  - rms:   our kernel, called through its C interface;
  - copy:  memcpy of the same bytes, the bandwidth line;
  - naive: a two-pass C++ loop built with clang -O3 -march=native -ffast-math.
at 1 thread and at all threads (OMP_NUM_THREADS). GB/s counts x read +
y written + w read over the median time of the repetitions; the table gives
the median over rounds of each figure and of each ratio. Writes
build/bench/results.md, results.csv and results.png (with gnuplot), and
times `rms-opt --rms-cpu-pipeline` on a module of 100 norms.

On the first Vulkan device it measures each workload with
`rms-run --benchmark`, round by round, and right after it: for f32, a
hand-written GLSL baseline (bench/glsl: vec4, or scalar where 4 does not
divide the row length; run by bench/vk_glsl.cpp in the best of several
workgroup shapes); for f16 and bf16, the f32 norm of the same shape (its
GB/s halved: the same elements per second).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np

HERE_LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "lib")
sys.path.insert(0, HERE_LIB)
import rmsref  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

WORKLOADS = [
    (1, 4096, "f32"), (1, 8192, "f16"), (64, 4096, "f32"), (2048, 4096, "f32"),
    (2048, 4096, "f16"), (2048, 4096, "bf16"), (8192, 8192, "f32"),
    (65536, 64, "f32"), (3, 4099, "f32"), (1000, 1023, "f32"),
    (1, 1048576, "f32"),
]
ELEMENT_BYTES = {"f16": 2, "bf16": 2, "f32": 4, "f64": 8}


def selected_workloads(only=""):
    """(rows, n, dtype, label) of each workload whose label ("RxN dtype")
    contains `only`."""
    for r, n, dtype in WORKLOADS:
        label = f"{r}x{n} {dtype}"
        if only in label:
            yield r, n, dtype, label
LLVM = "/usr/lib/llvm-22"


def reps_for(nbytes):
    """Repetitions per measurement: about 0.1 s of traffic, 5 to 2000."""
    return int(min(2000, max(5, 1e9 / max(nbytes, 1))))


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def memref_function(name, rows, n, dtype):
    x = f"memref<{rows}x{n}x{dtype}>"
    w = f"memref<{n}x{dtype}>"
    return (f"func.func @{name}(%x: {x}, %w: {w}, %y: {x}) {{\n"
            f"  rms.norm ins(%x, %w : {x}, {w}) outs(%y : {x}) epsilon(1.0e-05)\n"
            f"  return\n}}\n")


def compile_kernel(build, out, name, rows, n, dtype, options):
    mlir = os.path.join(out, name + ".mlir")
    with open(mlir, "w") as f:
        f.write(memref_function(name, rows, n, dtype))
    bin_dir = os.path.join(build, "bin")
    llvm_dialect = sh(f"{bin_dir}/rms-opt", mlir, f"--rms-cpu-pipeline={options}")
    ll = os.path.join(out, name + ".ll")
    sh(f"{bin_dir}/rms-translate", "--mlir-to-llvmir", "-o", ll, input=llvm_dialect)
    so = os.path.join(out, name + ".so")
    sh(f"{LLVM}/bin/clang", "-O3", "-march=native", "-shared", "-fPIC", ll, "-o", so,
       f"-L{LLVM}/lib", "-lomp", f"-Wl,-rpath,{LLVM}/lib")
    return so


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=6,
                        help="rounds (six take each order of the three measurements once)")
    parser.add_argument("--pipeline-options", default="",
                        help="options of --rms-cpu-pipeline, e.g. 'unroll=8'")
    parser.add_argument("--only", default="",
                        help="run only workloads whose label contains this")
    parser.add_argument("--no-vulkan", action="store_true",
                        help="skip the Vulkan measurements")
    args = parser.parse_args()
    out = os.path.join(args.build, "bench")
    os.makedirs(out, exist_ok=True)
    harness = os.path.join(out, "harness")
    sh(f"{LLVM}/bin/clang++", "-O3", "-march=native", "-ffast-math", "-fopenmp",
       f"-I{LLVM}/include", f"-I{os.path.join(HERE, '..', 'include')}",
       os.path.join(HERE, "harness.cpp"), "-o", harness,
       f"-L{LLVM}/lib", f"-Wl,-rpath,{LLVM}/lib", "-ldl")
    thread_counts = sorted({1, args.threads})

    rows_out = []
    print(f"{'workload':>18} {'thr':>3} {'rms':>7} {'copy':>7} {'naive':>7} "
          f"{'rms/copy':>8} {'rms/naive':>9}")
    for r, n, dtype, _ in selected_workloads(args.only):
        name = f"norm_{r}x{n}_{dtype}"
        so = compile_kernel(args.build, out, name, r, n, dtype, args.pipeline_options)
        nbytes = (2 * r * n + n) * ELEMENT_BYTES[dtype]
        for threads in thread_counts:
            env = dict(os.environ, OMP_NUM_THREADS=str(threads))
            lines = sh(harness, so, name, str(r), str(n), dtype,
                       str(reps_for(nbytes)), str(args.rounds), env=env).splitlines()
            rounds = [dict(zip(l.split()[2::2], map(float, l.split()[3::2]))) for l in lines]
            med = {k: statistics.median(x[k] for x in rounds) for k in ("rms", "copy", "naive")}
            vs_copy = statistics.median(x["rms"] / x["copy"] for x in rounds)
            vs_naive = statistics.median(x["rms"] / x["naive"] for x in rounds)
            label = f"{r}x{n} {dtype}"
            rows_out.append((label, nbytes, threads, med, vs_copy, vs_naive))
            print(f"{label:>18} {threads:>3} {med['rms']:7.2f} {med['copy']:7.2f} "
                  f"{med['naive']:7.2f} {vs_copy:8.2f} {vs_naive:9.2f}", flush=True)

    vulkan = [] if args.no_vulkan else measure_vulkan(args.build, out, args.only)

    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("| workload | MiB moved | threads | rms GB/s | copy GB/s | naive GB/s "
                "| rms/copy | rms/naive |\n")
        f.write("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
        for label, nbytes, threads, med, vs_copy, vs_naive in rows_out:
            f.write(f"| {label} | {nbytes / 2**20:.2f} | {threads} | {med['rms']:.2f} | "
                    f"{med['copy']:.2f} | {med['naive']:.2f} | {vs_copy:.2f} | "
                    f"{vs_naive:.2f} |\n")
        if vulkan:
            f.write(f"\nVulkan on {vulkan[0][2]} (GPU timestamps; medians of rounds "
                    "that measure rms, then what it is compared with):\n\n")
            f.write("| workload | rms GB/s | compared with | its GB/s | ratio |\n"
                    "| --- | ---: | --- | ---: | ---: |\n")
            for label, gbs, _, (other, what, ratio) in vulkan:
                f.write(f"| {label} | {gbs} | {what} | {other:.2f} | {ratio:.2f} |\n")
    with open(os.path.join(out, "results.csv"), "w") as f:
        f.write("workload,threads,rms,copy,naive,rms_over_copy,rms_over_naive\n")
        for label, _, threads, med, vs_copy, vs_naive in rows_out:
            f.write(f"{label},{threads},{med['rms']},{med['copy']},{med['naive']},"
                    f"{vs_copy},{vs_naive}\n")
    plot(out, rows_out, thread_counts)
    compile_seconds = time_hundred_norms(args.build, out)
    with open(os.path.join(out, "results.md"), "a") as f:
        f.write(f"\n`rms-opt --rms-cpu-pipeline` on a module of 100 norms: "
                f"{compile_seconds:.2f} s\n")
    print(f"rms-opt --rms-cpu-pipeline on 100 norms: {compile_seconds:.2f} s")
    print(f"wrote {os.path.join(out, 'results.md')}")


# Configurations of the hand-written GLSL baseline tried on each workload:
# shader (bench/glsl), workgroup size, rows per workgroup (0: one row per
# workgroup; the short-row shader only for rows of at most 1024 elements).
GLSL_CONFIGS = [("row", 16, 0), ("row", 32, 0), ("row", 64, 0),
                ("rows", 16, 32), ("rows", 32, 32), ("rows", 64, 8)]


def build_glsl_baseline(out):
    """Compiles bench/vk_glsl.cpp and the GLSL shaders; the harness path."""
    harness = os.path.join(out, "vk_glsl")
    sh(f"{LLVM}/bin/clang++", "-O2", "-std=c++17", os.path.join(HERE, "vk_glsl.cpp"),
       "-o", harness, "-lvulkan")
    for shader in ("row", "rows"):
        for suffix, define in (("", []), ("_scalar", ["-DSCALAR"])):
            sh("glslangValidator", "-V", "--target-env", "vulkan1.1", *define,
               os.path.join(HERE, "glsl", shader + ".comp"), "-o",
               os.path.join(out, shader + suffix + ".spv"))
    return harness


def glsl_baseline(harness, out, r, n, config):
    """GB/s of the GLSL baseline in `config` (one of GLSL_CONFIGS; its
    scalar build for rows whose length 4 does not divide), checked against a
    float64 loop."""
    shader, workgroup, rows_per_group = config
    if n % 4:
        shader += "_scalar"
    line = sh(harness, os.path.join(out, shader + ".spv"), str(r), str(n),
              str(workgroup), str(rows_per_group), "5")
    gbs, error = float(line.split()[1]), float(line.split()[3])
    if error > 1e-5:
        raise RuntimeError(f"GLSL baseline {shader} is wrong: {line}")
    return gbs


def describe(config, n):
    shader, workgroup, rows_per_group = config
    return f"{shader}.comp{' -DSCALAR' if n % 4 else ''}, {workgroup} invocations" + (
        f", {rows_per_group} rows per workgroup" if rows_per_group else "")


def prepare_vulkan_norm(out, r, n, dtype):
    """Writes the norm and its inputs for rms-run: (mlir, function, inputs)."""
    name = f"vk_{r}x{n}_{dtype}"
    mlir = os.path.join(out, name + ".mlir")
    with open(mlir, "w") as f:
        f.write(rmsref.norm_function(name, (r, n), dtype, True, 1e-5, (False, False)))
    rng = np.random.default_rng(0)
    xs, _ = rmsref.random_input(rng, (r, n), dtype)
    ws, _ = rmsref.random_input(rng, (n,), dtype, -2.0, 2.0)
    inputs = [os.path.join(out, name + ".x.npy"), os.path.join(out, name + ".w.npy")]
    np.save(inputs[0], xs)
    np.save(inputs[1], ws)
    return mlir, name, inputs


def measure_vulkan(build, out, only, rounds=5):
    """GB/s of each workload on the first Vulkan device (GPU time), the
    median of `rounds` rounds, each of which also measures, right after rms,
    what it is compared with: for f32, the GLSL baseline in its best
    workgroup shape; for f16 and bf16, the f32 norm of the same shape (to
    compare elements per second). Ratios are medians of the rounds' ratios:
    lavapipe's speed moves a lot between moments on a shared machine, less
    between neighbours."""
    rms_run = os.path.join(build, "bin", "rms-run")
    try:
        device = sh(rms_run, "--list-devices").splitlines()[0].split(": ", 1)[1]
    except subprocess.CalledProcessError:
        print("no Vulkan device: no Vulkan figures")
        return []
    harness = build_glsl_baseline(out)

    def rms_gbs(prepared):
        mlir, name, inputs = prepared
        stdout = rmsref.run(rms_run, mlir, name, inputs, [], target="vulkan",
                            extra=["--benchmark=5"])
        return float(re.search(r"([0-9.]+) GB/s", stdout).group(1))

    results = []
    for r, n, dtype, label in selected_workloads(only):
        prepared = prepare_vulkan_norm(out, r, n, dtype)
        # What this workload is compared with, measured right after it.
        if dtype == "f32":
            configs = [c for c in GLSL_CONFIGS if not c[2] or n <= 1024]
            config = max(configs, key=lambda c: glsl_baseline(harness, out, r, n, c))
            other = lambda: glsl_baseline(harness, out, r, n, config)
            what = f"GLSL ({describe(config, n)})"
        else:
            f32 = prepare_vulkan_norm(out, r, n, "f32")
            bytes_ratio = 4 / ELEMENT_BYTES[dtype]
            other = lambda: rms_gbs(f32) / bytes_ratio
            what = "f32 norm of the same shape (its elements/s, as GB/s of this type)"
        ours, theirs = [], []
        for _ in range(rounds):
            ours.append(rms_gbs(prepared))
            theirs.append(other())
        ratio = statistics.median(a / b for a, b in zip(ours, theirs))
        gbs = f"{statistics.median(ours):.2f}"
        baseline = (statistics.median(theirs), what, ratio)
        if dtype == "f32":
            comparison = f"{what} {baseline[0]:6.2f} GB/s, rms/GLSL {ratio:.2f}"
        else:
            comparison = f"elements per second over f32's: {ratio:.2f}"
        results.append((label, gbs, device, baseline))
        print(f"{label:>18} vulkan {gbs:>8} GB/s   {comparison}", flush=True)
        for path in prepared[2] + ([] if dtype == "f32" else f32[2]):
            os.remove(path)
    return results


def time_hundred_norms(build, out):
    """Seconds `rms-opt --rms-cpu-pipeline` takes on a module of 100 norms of
    every element type, with and without weights, static and dynamic."""
    funcs = []
    dtypes = ("f16", "bf16", "f32", "f64")
    for i in range(100):
        dims = ("?" if i % 2 else "64") + "x" + ("?" if i % 3 == 0 else str(4096 + i))
        t = f"tensor<{dims}x{dtypes[i % 4]}>"
        w = f"tensor<{'?' if i % 3 == 0 else 4096 + i}x{dtypes[i % 4]}>"
        funcs.append(
            f"func.func @n{i}(%x: {t}, %w: {w}, %init: {t}) -> {t} {{\n"
            f"  %y = rms.norm ins(%x, %w : {t}, {w}) outs(%init : {t}) epsilon(1.0e-05) -> {t}\n"
            f"  return %y : {t}\n}}\n")
    path = os.path.join(out, "hundred_norms.mlir")
    with open(path, "w") as f:
        f.write("".join(funcs))
    start = time.perf_counter()
    sh(os.path.join(build, "bin", "rms-opt"), path, "--rms-cpu-pipeline", "-o", os.devnull)
    return time.perf_counter() - start


def plot(out, rows, thread_counts):
    """results.png: rms and naive GB/s as a fraction of the copy bandwidth
    measured in the same round (the copy line is 1.0), per thread count."""
    gnuplot = "/usr/bin/gnuplot"
    if not os.path.exists(gnuplot):
        print("gnuplot not installed: no chart (apt-get install gnuplot-nox)")
        return
    data = os.path.join(out, "plot.dat")
    with open(data, "w") as f:
        for threads in thread_counts:
            f.write(f"# threads {threads}\n")
            for label, _, t, med, vs_copy, vs_naive in rows:
                if t == threads:
                    f.write(f"\"{label}\" {vs_copy} {vs_copy / vs_naive}\n")
            f.write("\n\n")
    script = [
        f"set terminal pngcairo size 1400,{450 * len(thread_counts)} font ',10'",
        f"set output '{os.path.join(out, 'results.png')}'",
        f"set multiplot layout {len(thread_counts)},1",
        "set style data histograms", "set style histogram clustered gap 1",
        "set style fill solid 0.8 border -1", "set ylabel 'fraction of copy bandwidth'",
        "set xtics rotate by -25", "set key top right", "set grid ytics",
        "set yrange [0:2]",
    ]
    for i, threads in enumerate(thread_counts):
        script.append(f"set title 'RMS norm, {threads} thread(s): GB/s over the memcpy GB/s "
                      f"of the same bytes (line: copy = 1.0; bars above 2 clipped)'")
        script.append(f"plot '{data}' index {i} using 2:xtic(1) title 'rms' lc rgb '#1f77b4', "
                      f"'' index {i} using 3 title 'naive C++ -O3 -march=native -ffast-math' "
                      f"lc rgb '#ff7f0e', 1 with lines lw 2 lc rgb '#444444' title 'copy'")
    script.append("unset multiplot")
    subprocess.run([gnuplot], input="\n".join(script), text=True, check=True)


if __name__ == "__main__":
    main()
