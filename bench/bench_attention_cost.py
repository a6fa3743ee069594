"""Benchmark: the cost of one fusion layer against the sequence length, counted and timed.

For each kind of layer of ``mmlab.fusion.COST_KINDS`` (full joint attention,
the attention bottleneck with and without windows, the Perceiver latents) and
each length L (tokens per modality), reports the FLOPs counted by torch's
``FlopCounterMode`` on the ``meta`` device (checked against the closed form of
``mmlab.fusion.attention_flops``), and the CPU time of one forward pass (the
minimum of a few runs, ``time.process_time``, batch 2, one thread) for the
lengths that fit in memory; then the log-log slope of each curve (1 = linear,
2 = quadratic). Lecture 1.9 states the FLOP slopes as claims; this benchmark
extends the timed range.

Usage::

    python bench/bench_attention_cost.py [--out build/bench] [--dim 32] [--max-time-length 2048]

Writes ``<out>/attention_cost.csv`` (nothing else) and prints the table.
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

import torch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
try:
    from mmlab.fusion import COST_KINDS, attention_flops, build_cost_module, count_flops, loglog_slope, time_forward
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(REPO))
    from mmlab.fusion import COST_KINDS, attention_flops, build_cost_module, count_flops, loglog_slope, time_forward


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="build/bench")
    parser.add_argument("--dim", type=int, default=32)
    parser.add_argument("--lengths", type=int, nargs="+", default=[128, 256, 512, 1024, 2048, 4096, 8192])
    parser.add_argument("--max-time-length", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    rows = []
    for kind in COST_KINDS:
        meta = build_cost_module(kind, args.dim, device="meta")
        torch.manual_seed(0)
        real = build_cost_module(kind, args.dim).eval()
        for n in args.lengths:
            flops = count_flops(meta, [torch.empty(1, n, args.dim, device="meta")] * 2)
            if flops != attention_flops(kind, n, args.dim):
                print(f"FLOP count of {kind} at L={n} differs from the closed form", file=sys.stderr)
                return 1
            seconds = float("nan")
            if n <= args.max_time_length:
                xs = [torch.randn(2, n, args.dim) for _ in range(2)]
                seconds = time_forward(real, xs, repeats=args.repeats, clock=time.process_time) / 2
            rows.append({"kind": kind, "length": n, "flops": flops, "cpu_seconds": seconds})
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "attention_cost.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{'kind':22s} {'L':>6s} {'FLOPs':>16s} {'CPU s':>10s}")
    for r in rows:
        print(f"{r['kind']:22s} {r['length']:6d} {r['flops']:16,d} {r['cpu_seconds']:10.5f}")
    for kind in COST_KINDS:
        mine = [r for r in rows if r["kind"] == kind]
        timed = [r for r in mine if r["cpu_seconds"] == r["cpu_seconds"]]
        t_slope = (
            loglog_slope([r["length"] for r in timed], [r["cpu_seconds"] for r in timed])
            if len(timed) > 1
            else float("nan")
        )
        print(
            f"{kind:22s} slope FLOPs {loglog_slope([r['length'] for r in mine], [r['flops'] for r in mine]):.2f}"
            f"   slope CPU time {t_slope:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
