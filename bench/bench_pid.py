"""Benchmark: time per PID of mmlab.quantify.exact_pid against dit's BROJA PID.

For each alphabet size k, one random k x k x k table (fixed seed) is decomposed
by ``mmlab.quantify.exact_pid``, by ``dit.pid.PID_BROJA(d, method="cone")`` (the
exponential-cone program of Makkeh et al. 2018, solved by ECOS) and by
``dit.pid.PID_BROJA(d)`` with dit's default method (SLSQP on small alphabets,
admUI on larger ones). Reported: the median time of a few calls, the speed-up
of mmlab over each dit method, and the largest difference of any atom from the
cone solution. A dit method is skipped at a size where its time, extrapolated
from the smaller sizes, would pass ``--max-dit-seconds``.

A second part decomposes random tables with alphabet sizes 2..6 by both dit
methods and records how far the default method lands from the cone solution.

A third part decomposes near-degenerate tables (Dirichlet concentration
0.01-0.05 with up to half the cells zeroed, up to 6 x 6 x 4; issue 8) by
``exact_pid`` and by dit's cone method: the largest atom difference, how many
tables ``exact_pid`` refused with ``SolverError``, and the median speed-up.

Usage::

    python bench/bench_pid.py [--out build/bench] [--sizes 2 3 4 6 8 12 16]
                              [--repeats 5] [--max-dit-seconds 60] [--default-cases 20]
                              [--near-degenerate 50]

Writes ``<out>/pid.csv``, ``<out>/pid_dit_default.csv`` and
``<out>/pid_near_degenerate.csv`` (nothing else). Timings are CPU seconds
(``time.process_time``, so other processes on a shared machine do not inflate
them) with one thread (``OMP_NUM_THREADS=1`` unless set), and include each
library's input handling: for dit, building the ``dit.Distribution`` from the
table (through :func:`mmlab.quantify.dit_pid`), which is a small part of its time.
Needs the test dependency ``dit`` (with ``ecos``).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
try:
    from mmlab.exceptions import SolverError
    from mmlab.quantify import dit_pid, exact_pid, random_table
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(REPO))
    from mmlab.exceptions import SolverError
    from mmlab.quantify import dit_pid, exact_pid, random_table

SEED = 20240


def dit_atoms(p: np.ndarray, method: str | None) -> tuple[np.ndarray, float]:
    """Atoms of ``p`` from dit (``method=None``: dit's default) and the seconds the call took."""
    start = time.process_time()
    atoms = dit_pid(p, method=method)
    return atoms, time.process_time() - start


def mmlab_atoms(p: np.ndarray) -> tuple[np.ndarray, float, object]:
    start = time.process_time()
    r = exact_pid(p)
    seconds = time.process_time() - start
    return r.as_array(), seconds, r


def timed(fn, p, repeats: int, budget: float) -> tuple[np.ndarray, float]:
    """Median time of up to ``repeats`` calls (fewer when one call takes over ``budget`` s)."""
    atoms, first = fn(p)[:2]
    times = [first]
    while len(times) < repeats and sum(times) < budget:
        times.append(fn(p)[1])
    return atoms, float(np.median(times))


def projected(history: list[tuple[int, float]], k: int) -> float:
    """Extrapolate a method's time to size k by a power law through its last two sizes."""
    if not history:
        return 0.0
    if len(history) == 1:
        (k0, t0), slope = history[0], 6.0
    else:
        (k1, t1), (k0, t0) = history[-2], history[-1]
        slope = max(math.log(max(t0, 1e-6) / max(t1, 1e-6)) / math.log(k0 / k1), 1.0)
    return t0 * (k / k0) ** slope


def fmt(x: float | None, spec: str) -> str:
    """Format a number, or "-" for a skipped measurement, right-aligned like ``spec``."""
    width = "".join(ch for ch in spec.split(".")[0] if ch.isdigit())
    return format("-", f">{width or 1}") if x is None else format(x, spec)


def bench_sizes(sizes: list[int], repeats: int, max_dit: float) -> list[dict]:
    rng = np.random.default_rng(SEED)
    rows: list[dict] = []
    history: dict[str, list[tuple[int, float]]] = {"cone": [], "default": []}
    skipped: dict[str, bool] = {"cone": False, "default": False}
    for k in sizes:
        p = rng.random((k, k, k))
        p /= p.sum()
        ours, t_ours = timed(lambda t: mmlab_atoms(t)[:2], p, max(repeats, 3), 2.0)
        result = exact_pid(p)
        row = {
            "k": k,
            "cells": k**3,
            "mmlab_ms": 1e3 * t_ours,
            "mmlab_iterations": result.n_iter,
            "mmlab_duality_gap_bits": result.duality_gap,
        }
        refs = {}
        for name, method in (("cone", "cone"), ("default", None)):
            guess = projected(history[name], k)
            if skipped[name] or guess > max_dit:
                skipped[name] = True
                row[f"dit_{name}_ms"] = None
                row[f"speedup_vs_{name}"] = None
                row[f"dit_{name}_note"] = f"skipped: about {guess:.0f} s projected per call (> {max_dit:g} s)"
                continue
            atoms, seconds = timed(lambda t, m=method: dit_atoms(t, m), p, repeats, 5.0)
            history[name].append((k, seconds))
            refs[name] = atoms
            row[f"dit_{name}_ms"] = 1e3 * seconds
            row[f"speedup_vs_{name}"] = seconds / t_ours
            row[f"dit_{name}_note"] = ""
        cone = refs.get("cone")
        row["max_diff_mmlab_vs_cone_bits"] = None if cone is None else float(np.abs(ours - cone).max())
        row["max_diff_default_vs_cone_bits"] = (
            None if cone is None or "default" not in refs else float(np.abs(refs["default"] - cone).max())
        )
        rows.append(row)
        print(
            f"  k={k:2d}: mmlab {t_ours * 1e3:8.2f} ms | dit cone {fmt(row['dit_cone_ms'], '10.1f')}"
            f" ms | dit default {fmt(row['dit_default_ms'], '10.1f')} ms",
            flush=True,
        )
    return rows


def bench_default_method(n_cases: int) -> list[dict]:
    """dit's default method against its cone method on random tables with sizes 2..6."""
    rng = np.random.default_rng(SEED + 1)
    rows = []
    for case in range(n_cases):
        shape = tuple(int(v) for v in rng.integers(2, 7, size=3))
        p = rng.random(shape)
        p /= p.sum()
        cone, _ = dit_atoms(p, "cone")
        default, seconds = dit_atoms(p, None)
        ours = mmlab_atoms(p)[0]
        rows.append(
            {
                "case": case,
                "shape": "x".join(map(str, shape)),
                "max_diff_default_vs_cone_bits": float(np.abs(default - cone).max()),
                "default_redundancy_bits": float(default[0]),
                "min_default_atom_bits": float(default.min()),
                "max_diff_mmlab_vs_cone_bits": float(np.abs(ours - cone).max()),
                "dit_default_s": seconds,
            }
        )
    return rows


def near_degenerate_table(case: int) -> np.ndarray:
    """The fuzz tables of tests/quantify/test_pid_fuzz.py (same seeds)."""
    rng = np.random.default_rng([8, case])
    shape = (int(rng.integers(2, 7)), int(rng.integers(2, 7)), int(rng.integers(2, 5)))
    return random_table(
        shape,
        random_state=rng,
        concentration=float(rng.uniform(0.01, 0.05)),
        zero_fraction=float(rng.uniform(0.0, 0.5)),
    )


def bench_near_degenerate(n_cases: int) -> list[dict]:
    """exact_pid against dit's cone method on near-degenerate tables (issue 8)."""
    rows = []
    for case in range(n_cases):
        p = near_degenerate_table(case)
        cone, t_cone = dit_atoms(p, "cone")
        start = time.process_time()
        try:
            r = exact_pid(p)
            ours, gap, n_iter, error = r.as_array(), r.duality_gap, r.n_iter, ""
        except SolverError as err:
            ours, gap, n_iter, error = None, None, None, str(err).split(":")[0]
        t_ours = time.process_time() - start
        nz = p[p > 0]
        rows.append(
            {
                "case": case,
                "shape": "x".join(map(str, p.shape)),
                "smallest_cell": float(nz.min()),
                "max_diff_mmlab_vs_cone_bits": None if ours is None else float(np.abs(ours - cone).max()),
                "mmlab_duality_gap_bits": gap,
                "mmlab_iterations": n_iter,
                "solver_error": error,
                "mmlab_ms": 1e3 * t_ours,
                "dit_cone_ms": 1e3 * t_cone,
                "speedup_vs_cone": t_cone / max(t_ours, 1e-9),
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "build" / "bench",
        help="folder for pid.csv and pid_dit_default.csv (default: build/bench)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 3, 4, 6, 8, 12, 16])
    parser.add_argument("--repeats", type=int, default=5, help="calls per timing (median)")
    parser.add_argument(
        "--max-dit-seconds",
        type=float,
        default=60.0,
        help="skip a dit method at sizes where one call would take longer",
    )
    parser.add_argument(
        "--default-cases", type=int, default=20, help="random tables for the default-versus-cone comparison (0: skip)"
    )
    parser.add_argument(
        "--near-degenerate", type=int, default=50, help="near-degenerate tables compared with the cone method (0: skip)"
    )
    args = parser.parse_args(argv)
    logging.getLogger("dit").setLevel(logging.ERROR)  # dit logs solver disagreements
    warnings.filterwarnings("ignore", category=RuntimeWarning)

    print(f"PID timing, one random k x k x k table per k (seed {SEED}), median of up to {args.repeats} calls")
    rows = bench_sizes(args.sizes, args.repeats, args.max_dit_seconds)
    header = (
        f"{'k':>3} {'cells':>6} {'mmlab ms':>9} {'iters':>5} {'cone ms':>10} {'x cone':>8} "
        f"{'default ms':>11} {'x default':>9} {'|d| vs cone':>12} {'default |d|':>12}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for r in rows:
        print(
            f"{r['k']:>3} {r['cells']:>6} {r['mmlab_ms']:>9.2f} {r['mmlab_iterations']:>5} "
            f"{fmt(r['dit_cone_ms'], '>10.1f')} {fmt(r['speedup_vs_cone'], '>8.0f')} "
            f"{fmt(r['dit_default_ms'], '>11.1f')} {fmt(r['speedup_vs_default'], '>9.0f')} "
            f"{fmt(r['max_diff_mmlab_vs_cone_bits'], '>12.1e')} "
            f"{fmt(r['max_diff_default_vs_cone_bits'], '>12.1e')}"
        )
    for r in rows:
        for name in ("cone", "default"):
            if r[f"dit_{name}_note"]:
                print(f"  k={r['k']}: dit {name} {r[f'dit_{name}_note']}")
    write_csv(args.out / "pid.csv", rows)
    print(f"wrote {args.out / 'pid.csv'}")

    if args.default_cases > 0:
        cases = bench_default_method(args.default_cases)
        diffs = np.array([c["max_diff_default_vs_cone_bits"] for c in cases])
        ours = np.array([c["max_diff_mmlab_vs_cone_bits"] for c in cases])
        reds = np.array([c["default_redundancy_bits"] for c in cases])
        print(
            f"\ndit default vs cone on {len(cases)} random tables (sizes 2..6): largest atom "
            f"difference {diffs.max():.2e} bits (median {np.median(diffs):.1e}); "
            f"{int((diffs > 1e-6).sum())} tables off by more than 1e-6 bits; "
            f"{int((reds < -1e-9).sum())} with negative redundancy (min {reds.min():.2e}). "
            f"mmlab vs cone on the same tables: largest difference {ours.max():.1e} bits."
        )
        write_csv(args.out / "pid_dit_default.csv", cases)
        print(f"wrote {args.out / 'pid_dit_default.csv'}")

    if args.near_degenerate > 0:
        cases = bench_near_degenerate(args.near_degenerate)
        solved = [c for c in cases if not c["solver_error"]]
        diffs = np.array([c["max_diff_mmlab_vs_cone_bits"] for c in solved])
        speed = np.array([c["speedup_vs_cone"] for c in cases])
        print(
            f"\nnear-degenerate tables (Dirichlet 0.01-0.05, zeroed cells, up to 6x6x4): {len(cases)} tables, "
            f"{len(cases) - len(solved)} SolverError(s); mmlab vs cone: largest atom difference "
            f"{diffs.max():.1e} bits (median {np.median(diffs):.1e}; the cone method's own accuracy is about "
            f"1e-4 here); median speed-up {np.median(speed):.0f}x."
        )
        write_csv(args.out / "pid_near_degenerate.csv", cases)
        print(f"wrote {args.out / 'pid_near_degenerate.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
