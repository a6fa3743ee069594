"""Benchmark: mmlab.align.dtw (NumPy, vectorised along anti-diagonals) against dtw-python's C core.

For each size n, one pair of random sequences of shape (n, 3) (fixed seed) is
aligned by ``mmlab.align.dtw`` and by ``dtw.dtw(x, y, step_pattern=symmetric1)``
of the ``dtw-python`` package, whose accumulated-cost loop is compiled C; both
compute the Euclidean local distances with SciPy and backtrack the path. The
costs must agree (relative 1e-10) and the paths must be equal. Reported: the
median CPU time of a few calls of each and their ratio (mmlab / dtw-python; the
target in issue 10 is at most 5 on the 1000 x 1000 pair), and, for scale, a
plain Python double loop on the smaller sizes.

Usage::

    python bench/bench_dtw.py [--out build/bench] [--sizes 100 300 1000] [--repeats 5]

Writes ``<out>/dtw.csv`` (nothing else) and prints the table. Timings are CPU
seconds (``time.process_time``) with one thread (``OMP_NUM_THREADS=1`` unless
set). Needs the test dependency ``dtw-python``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
try:
    from mmlab.align import dtw, local_distances
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(REPO))
    from mmlab.align import dtw, local_distances

SEED = 20250
TARGET_RATIO = 5.0


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.process_time()
        out = fn()
        times.append(time.process_time() - start)
    return float(np.median(times)), out


def python_loop(x: np.ndarray, y: np.ndarray) -> float:
    """The recurrence as a plain double loop (the lab's exercise), for scale."""
    d = local_distances(x, y)
    n, m = d.shape
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            acc[i, j] = d[i - 1, j - 1] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    return float(acc[n, m])


def main(argv: list[str] | None = None) -> int:
    import dtw as dtw_python

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    rows = []
    for n in args.sizes:
        x, y = rng.normal(size=(n, 3)), rng.normal(size=(n, 3))
        ours_s, ours = median_time(lambda x=x, y=y: dtw(x, y), args.repeats)
        ref_s, ref = median_time(
            lambda x=x, y=y: dtw_python.dtw(x, y, step_pattern=dtw_python.symmetric1), args.repeats
        )
        if not np.isclose(ours.cost, ref.distance, rtol=1e-10):
            raise SystemExit(f"n={n}: costs differ: mmlab {ours.cost!r}, dtw-python {ref.distance!r}")
        if not np.array_equal(ours.path, np.column_stack([ref.index1, ref.index2])):
            raise SystemExit(f"n={n}: the paths differ")
        loop_s = median_time(lambda x=x, y=y: python_loop(x, y), 1)[0] if n <= 300 else float("nan")
        rows.append(
            {
                "n": n,
                "mmlab_s": ours_s,
                "dtw_python_s": ref_s,
                "ratio": ours_s / ref_s,
                "python_loop_s": loop_s,
                "cost": ours.cost,
            }
        )
    with open(args.out / "dtw.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{'n x n':>11}  {'mmlab s':>9}  {'dtw-python s':>12}  {'ratio':>6}  {'python loop s':>13}")
    for r in rows:
        print(
            f"{r['n']:>5} x {r['n']:<5}  {r['mmlab_s']:9.4f}  {r['dtw_python_s']:12.4f}  {r['ratio']:6.2f}  "
            f"{r['python_loop_s']:13.3f}"
        )
    largest = max(rows, key=lambda r: r["n"])
    verdict = "within" if largest["ratio"] <= TARGET_RATIO else "NOT within"
    print(
        f"mmlab.align.dtw / dtw-python at {largest['n']} x {largest['n']}: {largest['ratio']:.2f} "
        f"({verdict} the {TARGET_RATIO:g}x target); costs and paths agree. Wrote {args.out / 'dtw.csv'}."
    )
    return 0 if largest["ratio"] <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
