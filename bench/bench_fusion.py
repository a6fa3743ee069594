"""Benchmark: low-rank fusion (LMF) vs tensor fusion (TFN) on three modalities.

Both fuse three 32-d modalities into ``out_dim`` features. Measured in one run:
parameter counts (checked against the closed forms) and the time of one
training step (forward, cross-entropy on a linear head, backward, Adam step) on
a batch of 256, as the median of repeats after warm-up. Goal: LMF has >= 10x
fewer parameters and a >= 3x faster step.

    python bench/bench_fusion.py [--out build/bench] [--device cpu] [--repeats 30]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from mmlab.fusion import (
    LowRankFusion,
    TensorFusion,
    low_rank_fusion_n_params,
    n_params,
    tensor_fusion_n_params,
)


def _step_time(
    fusion: nn.Module, xs: list[torch.Tensor], y: torch.Tensor, n_classes: int, warmup: int, repeats: int
) -> float:
    """Median seconds of one forward + backward + Adam step of fusion -> linear head."""
    head = nn.Linear(fusion.out_dim, n_classes).to(y.device)
    params = list(fusion.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(head(fusion(xs)), y)
        loss.backward()
        opt.step()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        if y.device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        step()
        if y.device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="build/bench")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dim", type=int, default=32, help="feature size of each of the three modalities")
    parser.add_argument("--out-dim", type=int, default=32, help="fused feature size")
    parser.add_argument("--rank", type=int, default=4)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    dev = torch.device(args.device)
    dims = [args.dim] * 3
    gen = torch.Generator().manual_seed(0)
    xs = [torch.randn(args.batch, d, generator=gen).to(dev) for d in dims]
    y = torch.randint(0, 2, (args.batch,), generator=gen).to(dev)
    torch.manual_seed(0)
    tfn = TensorFusion(dims, args.out_dim).to(dev)
    lmf = LowRankFusion(dims, args.out_dim, rank=args.rank).to(dev)

    p_tfn, p_lmf = n_params(tfn), n_params(lmf)
    if p_tfn != tensor_fusion_n_params(dims, args.out_dim) or p_lmf != low_rank_fusion_n_params(
        dims, args.out_dim, args.rank
    ):
        raise SystemExit("parameter counts disagree with the closed forms")
    t_tfn = _step_time(tfn, xs, y, 2, args.warmup, args.repeats)
    t_lmf = _step_time(lmf, xs, y, 2, args.warmup, args.repeats)
    param_ratio, time_ratio = p_tfn / p_lmf, t_tfn / t_lmf

    print(
        f"LMF vs TFN: 3 modalities x {args.dim}-d -> {args.out_dim}, rank {args.rank}, batch {args.batch}, "
        f"device {dev}, torch threads {torch.get_num_threads()}, median of {args.repeats}"
    )
    print(f"{'model':<6} {'parameters':>12} {'step (ms)':>10}")
    print(f"{'TFN':<6} {p_tfn:>12,} {t_tfn * 1e3:>10.3f}")
    print(f"{'LMF':<6} {p_lmf:>12,} {t_lmf * 1e3:>10.3f}")
    print(f"{'ratio':<6} {param_ratio:>11.1f}x {time_ratio:>9.1f}x")
    ok = param_ratio >= 10 and time_ratio >= 3
    print(f"goal: >= 10x fewer parameters and >= 3x faster step: {'met' if ok else 'NOT met'}")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "fusion.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["model", "parameters", "step_ms", "dim", "out_dim", "rank", "batch", "device", "threads"])
        for name, p, t in (("TFN", p_tfn, t_tfn), ("LMF", p_lmf, t_lmf)):
            w.writerow(
                [name, p, f"{t * 1e3:.4f}", args.dim, args.out_dim, args.rank, args.batch, dev, torch.get_num_threads()]
            )
        w.writerow(
            [
                "ratio_TFN_over_LMF",
                f"{param_ratio:.2f}",
                f"{time_ratio:.2f}",
                args.dim,
                args.out_dim,
                args.rank,
                args.batch,
                dev,
                torch.get_num_threads(),
            ]
        )


if __name__ == "__main__":
    main()
