"""Reference answers: lectures/1_representation/09_intermediate_fusion.ipynb, Exercises."""

from __future__ import annotations

from mmlab.fusion import attention_flops, sequence_fusion_accuracies

NOTEBOOK = "lectures/1_representation/09_intermediate_fusion.ipynb"


def exercise_1(sizes: dict) -> None:
    """Without the l1 penalty no batch-norm scale shrinks below the threshold, no channel is exchanged, and the two
    streams never meet: channel exchanging stays at chance."""
    acc = sequence_fusion_accuracies(
        ["exchange"], n=sizes["n"], epochs=sizes["dense_epochs"], n_markers=8, amplitude=1.5, noise=1.0, sparsity=0.0
    )
    assert acc["exchange"] < 0.65, acc


def exercise_2(sizes: dict) -> None:
    """Alignment does not rescue MMTM on the sparse task: the squeeze still averages one marker with 7 noise
    tokens; the bottleneck solves it either way."""
    acc = sequence_fusion_accuracies(
        ["mmtm", "bottleneck"], n=sizes["n"], epochs=sizes["epochs"], aligned=True, window=4
    )
    assert acc["mmtm"] < 0.65 and acc["bottleneck"] > 0.9, acc


def exercise_3(sizes: dict) -> None:
    """With 64 latents of size 32 the Perceiver's layer becomes cheaper than joint attention from L = 64 tokens per
    modality on (the first multiple of 16 where it is)."""
    crossing = next(
        n
        for n in range(16, 4096, 16)
        if attention_flops("perceiver", n, 32, n_latents=64) < attention_flops("joint", n, 32)
    )
    assert crossing == 64, crossing
