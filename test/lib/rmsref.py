"""Float64 reference and checks for the rms integration tests.

The reference is computed here from the inputs alone, in float64, with
NumPy; nothing in it comes from the compiler under test. Tolerances are
those of the contract (docs/CONTRACT.md, section 4):
  f32: max relative error <= 1e-6; f64: <= 1e-14;
  f16, bf16: every output within 1 ulp of the float64 reference rounded to
  that type.
"""

import os
import subprocess
import sys

import numpy as np

DTYPES = ("f16", "bf16", "f32", "f64")
NPY_DTYPE = {"f16": np.float16, "bf16": np.uint16, "f32": np.float32, "f64": np.float64}


def bf16_from_f64(values):
    """Round float64 values to the nearest bf16 (ties to even), as raw bits."""
    values = np.asarray(values, dtype=np.float64)
    # float32 is within one float32 ulp of the value, so the nearest bf16 is
    # the truncation of that float32 or one of its neighbours.
    bits = (values.astype(np.float32).view(np.uint32) >> 16).astype(np.int64)
    candidates = np.stack([bits - 1, bits, bits + 1])
    candidates = np.clip(candidates, 0, 0xFFFF)
    decoded = bf16_to_f64(candidates.astype(np.uint16))
    distance = np.abs(decoded - values)
    distance = np.where(np.isnan(distance), np.inf, distance)
    best = np.argmin(distance, axis=0)
    chosen = np.take_along_axis(candidates, best[None], axis=0)[0]
    # Ties go to the even bit pattern.
    lowest = np.take_along_axis(distance, best[None], axis=0)[0]
    tie = np.sum(distance == lowest, axis=0) > 1
    chosen = np.where(tie & (chosen % 2 == 1), chosen + 1, chosen)
    chosen = np.where(np.isnan(values), 0x7FC0, chosen)
    return chosen.astype(np.uint16)


def bf16_to_f64(bits):
    return (np.asarray(bits, dtype=np.uint32) << 16).view(np.float32).astype(np.float64)


def encode(values, dtype):
    """float64 values -> the array stored in .npy for `dtype`."""
    if dtype == "bf16":
        return bf16_from_f64(values)
    return np.asarray(values, dtype=np.float64).astype(NPY_DTYPE[dtype])


def decode(stored, dtype):
    """Array read from .npy -> float64 values."""
    if dtype == "bf16":
        return bf16_to_f64(stored)
    return np.asarray(stored).astype(np.float64)


def random_input(rng, shape, dtype, low=-10.0, high=10.0):
    """Uniform inputs, exactly representable in `dtype`: (stored, float64)."""
    stored = encode(rng.uniform(low, high, size=shape), dtype)
    return stored, decode(stored, dtype)


def reference(x, w, epsilon):
    """y = x * rsqrt(mean(x^2) + eps) * w over the last axis, in float64.

    `epsilon` is taken as the f32 the op holds.
    """
    if x.shape[-1] == 0:
        return x.copy()
    eps = np.float64(np.float32(epsilon))
    scale = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    y = x * scale
    if w is not None:
        y = y * w
    return y


def ulp_distance_16(a_bits, b_bits):
    """Distance in units in the last place between 16-bit float patterns."""
    def ordered(bits):
        bits = np.asarray(bits).astype(np.int64)
        return np.where(bits & 0x8000, -(bits & 0x7FFF), bits)
    return np.abs(ordered(a_bits) - ordered(b_bits))


def check(stored, ref, dtype):
    """Returns (ok, figure): the max relative error or the max ulp distance."""
    if dtype in ("f32", "f64"):
        y = decode(stored, dtype)
        if not np.array_equal(np.isnan(y), np.isnan(ref)):
            return False, float("nan")
        finite = ~np.isnan(ref)
        err = np.abs(y[finite] - ref[finite])
        denom = np.abs(ref[finite])
        rel = np.where(denom > 0, err / np.where(denom > 0, denom, 1), err)
        worst = float(rel.max()) if rel.size else 0.0
        tolerance = 1e-6 if dtype == "f32" else 1e-14
        return worst <= tolerance, worst
    expected = encode(ref, dtype)
    if dtype == "f16":
        got_bits, want_bits = np.asarray(stored).view(np.uint16), expected.view(np.uint16)
    else:
        got_bits, want_bits = np.asarray(stored), expected
    nan_ref = np.isnan(ref)
    nan_got = np.isnan(decode(stored, dtype))
    if not np.array_equal(nan_ref, nan_got):
        return False, float("inf")
    dist = ulp_distance_16(got_bits[~nan_ref], want_bits[~nan_ref])
    worst = int(dist.max()) if dist.size else 0
    return worst <= 1, worst


def tensor_type(shape, dtype, dynamic):
    dims = "x".join("?" if d else str(s) for s, d in zip(shape, dynamic))
    return f"tensor<{dims}x{dtype}>" if dims else f"tensor<{dtype}>"


def empty_like_x(names, xt, dynamic):
    """MLIR lines defining `tensor.empty`s named `names` (one name or a
    list) with the shape of the argument %x of type `xt`, reading its
    `dynamic` dimensions with tensor.dim."""
    lines, dims = [], []
    for i, dyn in enumerate(dynamic):
        if dyn:
            lines.append(f"  %c{i} = arith.constant {i} : index")
            lines.append(f"  %d{i} = tensor.dim %x, %c{i} : {xt}")
            dims.append(f"%d{i}")
    for name in [names] if isinstance(names, str) else names:
        lines.append(f"  {name} = tensor.empty({', '.join(dims)}) : {xt}")
    return lines


def norm_function(name, shape, dtype, weight, epsilon, dynamic):
    """MLIR text of `func.func @name` computing rms.norm on tensor arguments.

    `dynamic` marks which dimensions of x are `?`; the weight is dynamic when
    the last dimension is.
    """
    xt = tensor_type(shape, dtype, dynamic)
    lines = []
    args = [f"%x: {xt}"]
    ins, types = ["%x"], [xt]
    if weight:
        wt = tensor_type(shape[-1:], dtype, dynamic[-1:])
        args.append(f"%w: {wt}")
        ins.append("%w")
        types.append(wt)
    lines += empty_like_x("%init", xt, dynamic)
    lines.append(f"  %y = rms.norm ins({', '.join(ins)} : {', '.join(types)}) "
                 f"outs(%init : {xt}) epsilon({float(epsilon):.6e}) -> {xt}")
    lines.append(f"  return %y : {xt}")
    return (f"func.func @{name}({', '.join(args)}) -> {xt} {{\n"
            + "\n".join(lines) + "\n}\n")


def run(rms_run, mlir_path, function, inputs, outputs, target="cpu", extra=()):
    cmd = [rms_run, mlir_path, f"--function={function}", f"--target={target}"]
    cmd += [f"--input=@{p}" for p in inputs]
    cmd += [f"--output=@{p}" for p in outputs]
    cmd += list(extra)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return proc.stdout


def run_norm(rms_run, workdir, name, text, arrays, target="cpu", extra=()):
    """Writes the MLIR `text` and the input `arrays` (the function's
    arguments in order: x, then w if any, then any others) to `workdir`,
    runs function `name` with rms-run and returns its output."""
    os.makedirs(workdir, exist_ok=True)
    mlir = os.path.join(workdir, f"{name}.mlir")
    with open(mlir, "w") as f:
        f.write(text)
    inputs = []
    for i, array in enumerate(arrays):
        operand = "xw"[i] if i < 2 else f"in{i}"
        inputs.append(os.path.join(workdir, f"{name}.{operand}.npy"))
        np.save(inputs[-1], array)
    out = os.path.join(workdir, f"{name}.y.npy")
    run(rms_run, mlir, name, inputs, [out], target=target, extra=extra)
    return np.load(out)


def run_case(rms_run, workdir, name, shape, dtype, weight, epsilon, dynamic,
             target="cpu", seed=0, x_range=(-10.0, 10.0), rewrite=None,
             extra=(), x_values=None):
    """Compiles, runs and checks one norm. Returns (ok, figure).

    `rewrite`, if given, is a command (a list) that rewrites the MLIR file
    before it runs, reading it from stdin and writing it to stdout; `extra`
    holds more rms-run arguments; `x_values` (float64), if given, replaces
    the random input and may hold inf and NaN.
    """
    rng = np.random.default_rng(seed)
    text = norm_function(name, shape, dtype, weight, epsilon, dynamic)
    if rewrite:
        text = subprocess.run(rewrite, input=text, capture_output=True, text=True,
                              check=True).stdout
    if x_values is None:
        xs, x = random_input(rng, shape, dtype, *x_range)
    else:
        with np.errstate(invalid="ignore"):
            xs = encode(x_values, dtype)
            x = decode(xs, dtype)
    arrays = [xs]
    w = None
    if weight:
        ws, w = random_input(rng, shape[-1:], dtype, -2.0, 2.0)
        arrays.append(ws)
    y = run_norm(rms_run, workdir, name, text, arrays, target, extra)
    if y.shape != tuple(shape) or y.dtype != np.dtype(NPY_DTYPE[dtype]):
        return False, f"got {y.dtype}{y.shape}"
    with np.errstate(invalid="ignore", divide="ignore"):
        return check(y, reference(x, w, epsilon), dtype)


def run_thread_cases(rms_run, workdir, cases):
    """Runs and reports cases of (OMP_NUM_THREADS, --pipeline-options, name,
    shape, dtype[, dynamic]): with a weight, epsilon 1e-5, the seed the
    case's index, every dimension `?` where `dynamic`; exits as `report`
    does."""
    results = []
    for seed, (threads, options, name, shape, dtype, *dynamic) in enumerate(
            cases):
        os.environ["OMP_NUM_THREADS"] = threads
        dyn = (bool(dynamic and dynamic[0]),) * len(shape)
        ok, figure = run_case(rms_run, workdir, name, shape, dtype, True, 1e-5,
                              dyn, seed=seed,
                              extra=[f"--pipeline-options={options}"])
        results.append((f"{name} [OMP_NUM_THREADS={threads} {options}]", ok,
                        figure))
    report(results)


def report(results):
    """Prints one line per case and a summary; exits non-zero on failure."""
    failed = 0
    for name, ok, figure in results:
        print(f"{'PASS' if ok else 'FAIL'} {name}: {figure}")
        failed += not ok
    print(f"{len(results) - failed} of {len(results)} cases within tolerance")
    sys.exit(1 if failed else 0)


def run_special_values(rms_run, workdir, dtype, shape, target="cpu", extra=(),
                       name=None):
    """Runs a norm over rows holding inf, -inf, NaN and only zeros.

    Row 0 is ordinary; the others carry one special value at a position that
    moves through the row (head, unrolled middle, tail), and the last row is
    all zeros. A single row instead holds an infinity a third of the way in.
    Epsilon is 0, so the zero row is 0 / 0 (NaN) in the reference; a row with
    an infinity has an infinite mean square, so its finite elements become
    (signed) zeros and the infinity NaN. Returns (ok, figure) against the
    float64 reference.
    """
    rows, n = shape
    values = np.random.default_rng(7).uniform(-10.0, 10.0, size=shape)
    specials = (np.inf, -np.inf, np.nan)
    for row in range(1, rows - 1):
        values[row, (row * 997) % n] = specials[(row - 1) % len(specials)]
    if rows == 1:
        values[0, n // 3] = np.inf
    else:
        values[rows - 1] = 0.0
    return run_case(rms_run, workdir, name or f"special_{dtype}_{rows}x{n}",
                    shape, dtype, True, 0.0, (False, False), target=target,
                    x_values=values, extra=extra)


def four_squares(value):
    """Four non-negative integers whose squares sum to `value` (Lagrange),
    the largest first."""
    for a in range(int(np.sqrt(value)), -1, -1):
        rest = value - a * a
        for b in range(min(a, int(np.sqrt(rest))), -1, -1):
            rest2 = rest - b * b
            for c in range(min(b, int(np.sqrt(rest2))), -1, -1):
                d = int(np.sqrt(rest2 - c * c))
                if d <= c and c * c + d * d == rest2:
                    return [a, b, c, d]
    raise ValueError(value)


def exact_rounding_inputs(rng, rows, n, dtype, subnormal=False):
    """Inputs whose norm is exact in f32 up to the final rounding.

    Each row holds integers whose squares sum to n * 4^m, so with epsilon 0
    the mean square is 4^m, its square root 2^m and the scale 2^-m, all
    exact, and every partial sum of squares is an integer below 2^24 (exact
    in f32 in any order). x * scale then has the integer's few bits, and its
    product with a weight of 11 (f16) or 8 (bf16) bits fits f32's 24: the
    only rounding left is the one to `dtype`, which must be to the nearest,
    ties to even. The weights' bit patterns are random over the finite
    values (f16, with subnormals; products reach f16 subnormals, ties and
    overflow to infinity) or over a range of normal exponents (bf16, whose
    products must stay normal f32s). With `subnormal` (bf16), the weights
    are the bf16 of the lowest eight binades instead (subnormal ones
    included): the products, exact in f32 as its subnormals, round to bf16
    subnormals, zeros and the smallest normals. Returns (x, w) as stored and
    the expected output bits.
    """
    limit, m = {"f16": (40, 5), "bf16": (12, 3)}[dtype]
    x = rng.integers(-limit, limit + 1, size=(rows, n)).astype(np.int64)
    for row in x:
        rest = n * 4 ** m - int(np.sum(row[:-4] ** 2))
        row[-4:] = np.array(four_squares(rest)) * rng.choice([-1, 1], size=4)
        rng.shuffle(row)
    assert np.all(np.sum(x * x, axis=1) == n * 4 ** m) and np.abs(x).max() <= 2048
    if dtype == "f16":
        bits = rng.integers(0, 0x7C00, size=n).astype(np.uint16)
        bits |= rng.choice([0, 0x8000], size=n).astype(np.uint16)
        w = bits.view(np.float16).astype(np.float64)
    elif subnormal:
        bits = rng.integers(1, 0x0400, size=n).astype(np.uint16)
        bits |= rng.choice([0, 0x8000], size=n).astype(np.uint16)
        w = bf16_to_f64(bits)
    else:
        exponents = rng.integers(-100, 100, size=n)
        mantissas = rng.integers(128, 256, size=n)
        w = mantissas * 2.0 ** (exponents - 7) * rng.choice([-1, 1], size=n)
    xs, ws = encode(x.astype(np.float64), dtype), encode(w, dtype)
    assert np.array_equal(decode(xs, dtype), x) and np.array_equal(decode(ws, dtype), w)
    with np.errstate(over="ignore"):
        expected = encode(x * 2.0 ** -m * w, dtype)
    return xs, ws, expected.view(np.uint16)


def run_exact_rounding(rms_run, workdir, name, rows, n, dtype, target="cpu",
                       seed=0, extra=(), subnormal=False):
    """Runs a norm of `exact_rounding_inputs` (static shape, weight, epsilon
    0); returns (ok, figure): ok when every output has the expected bits."""
    xs, ws, expected = exact_rounding_inputs(np.random.default_rng(seed), rows, n, dtype,
                                             subnormal)
    text = norm_function(name, (rows, n), dtype, True, 0.0, (False, False))
    got = run_norm(rms_run, workdir, name, text, [xs, ws], target,
                   extra).view(np.uint16)
    wrong = np.count_nonzero(got != expected)
    special = np.count_nonzero((expected & 0x7FFF) >= (0x7C00 if dtype == "f16" else 0x7F80))
    tiny = np.count_nonzero((expected & 0x7FFF) < (0x0400 if dtype == "f16" else 0x0080))
    return wrong == 0, (f"{wrong} of {got.size} outputs not the nearest {dtype} "
                        f"({special} infinite, {tiny} zero or subnormal)")
