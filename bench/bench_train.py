"""Benchmark: samples/s of mmlab.train.fit's in-memory path vs a plain DataLoader.

Trains the same small MLP for the same number of epochs, once by slicing
shuffled batches of tensors that sit on the device (mmlab.train.fit) and once
through ``torch.utils.data.DataLoader(TensorDataset(...), shuffle=True)``,
which gathers each batch sample by sample in Python. Goal: >= 5x.

    python bench/bench_train.py [--out build/bench]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

import torch
from torch import nn

from mmlab.train import fit


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def _time(run, repeats: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="build/bench")
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-sizes", default="64,128,256,512")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    gen = torch.Generator().manual_seed(0)
    x = torch.randn(args.n, 64, generator=gen)
    y = torch.randint(0, 10, (args.n,), generator=gen)
    rows = []
    for batch_size in [int(b) for b in args.batch_sizes.split(",")]:
        kw = dict(epochs=args.epochs, batch_size=batch_size, progress=False, device="cpu")
        in_memory = _time(lambda kw=kw: fit(_model(), x, y, **kw), args.repeats)
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=batch_size, shuffle=True)
        dataloader = _time(lambda loader=loader, kw=kw: fit(_model(), loader, **kw), args.repeats)
        samples = args.n * args.epochs
        rows.append((batch_size, samples / in_memory, samples / dataloader, dataloader / in_memory))
    print(f"{'batch':>6} {'in-memory/s':>12} {'DataLoader/s':>13} {'ratio':>7}")
    for b, fast, slow, ratio in rows:
        print(f"{b:>6} {fast:12.0f} {slow:13.0f} {ratio:6.1f}x")
    print(f"goal: ratio >= 5x; torch threads={torch.get_num_threads()}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "train.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["batch_size", "in_memory_samples_per_s", "dataloader_samples_per_s", "ratio", "n", "epochs"])
        for b, fast, slow, ratio in rows:
            w.writerow([b, f"{fast:.1f}", f"{slow:.1f}", f"{ratio:.2f}", args.n, args.epochs])


if __name__ == "__main__":
    main()
