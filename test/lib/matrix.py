"""The integration case matrix of one element type.

Every combination of weight (with/without) x shapes (static/dynamic) x row
length (1, 31, 33, 64, 4099) runs, with the rank cycling through 1..4 and epsilon
through 0, 1e-5 and 10, so each value of each axis is covered for the type.
"""

import itertools

import rmsref

ROW_LENGTHS = (1, 31, 33, 64, 4099)
LEADING = {1: (), 2: (5,), 3: (2, 3), 4: (2, 1, 3)}
EPSILONS = (0.0, 1e-5, 10.0)


def cases(dtype):
    combos = itertools.product((True, False), (False, True), ROW_LENGTHS)
    for i, (weight, dynamic, n) in enumerate(combos):
        rank = 1 + i % 4
        shape = LEADING[rank] + (n,)
        eps = EPSILONS[i % 3]
        # Dynamic cases mark every dimension `?`, except that every third one
        # keeps the row length static to mix both kinds in one type.
        dyn = tuple(True for _ in shape)
        if dynamic and i % 3 == 0:
            dyn = dyn[:-1] + (False,)
        if not dynamic:
            dyn = tuple(False for _ in shape)
        name = (f"{dtype}_r{rank}_n{n}_{'w' if weight else 'nw'}_"
                f"{'dyn' if dynamic else 'static'}_e{i % 3}")
        yield name, shape, weight, eps, dyn


def run_matrix(rms_run, workdir, dtype, target="cpu"):
    results = []
    for seed, (name, shape, weight, eps, dyn) in enumerate(cases(dtype)):
        ok, figure = rmsref.run_case(rms_run, workdir, name, shape, dtype,
                                     weight, eps, dyn, target=target,
                                     seed=seed)
        results.append((name, ok, figure))
    rmsref.report(results)
