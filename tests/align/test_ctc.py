"""CTC decoding and forced alignment against brute force over all alignments; the recogniser and its training."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from mmlab.align import (
    CTCRecognizer,
    alignment_segments,
    ctc_beam_decode,
    ctc_forced_align,
    ctc_greedy_decode,
    fit_ctc,
)


def _collapse(path, blank=0):
    out, prev = [], None
    for k in path:
        if k != prev and k != blank:
            out.append(k)
        prev = k
    return out


def _labelling_probs(lp):
    """Probability of every labelling, by summing all C^T alignments (brute force)."""
    t, c = lp.shape
    probs: dict = {}
    for path in itertools.product(range(c), repeat=t):
        key = tuple(_collapse(path))
        probs[key] = probs.get(key, 0.0) + float(np.exp(lp[np.arange(t), list(path)].sum()))
    return probs


def test_greedy_decode_collapses_the_best_path():
    lp = torch.log(
        torch.tensor([[0.1, 0.9, 0], [0.2, 0.8, 0], [0.9, 0.1, 0], [0.1, 0.8, 0.1], [0.1, 0, 0.9], [0.1, 0, 0.9]])
    )
    assert ctc_greedy_decode(lp) == [[1, 1, 2]]
    assert ctc_greedy_decode(lp.numpy(), blank=1) == [[0, 2]]
    batch = torch.stack([lp, lp.flip(0)])
    assert ctc_greedy_decode(batch, lengths=[6, 2]) == [[1, 1, 2], [2]]


@pytest.mark.parametrize("t, c", [(3, 3), (4, 3), (5, 2), (5, 3)])
def test_beam_search_finds_the_most_probable_labelling(t, c, seed):
    lp = torch.randn(t, c, generator=torch.Generator().manual_seed(seed)).log_softmax(-1)
    probs = _labelling_probs(lp.numpy())
    best = max(probs, key=probs.get)
    assert tuple(ctc_beam_decode(lp, beam_width=64, prune=-1e9)[0]) == best
    greedy = tuple(ctc_greedy_decode(lp)[0])
    assert probs[best] >= probs[greedy] - 1e-12


def test_beam_search_can_beat_greedy():
    """Two frames, label 1 at 0.45 each and blank at 0.55: greedy says "" but "1" has probability 0.6975."""
    lp = torch.log(torch.tensor([[0.55, 0.45], [0.55, 0.45]]))
    assert ctc_greedy_decode(lp) == [[]]
    assert ctc_beam_decode(lp) == [[1]]


@pytest.mark.parametrize("labels", [[1, 2], [1, 1], [2, 1, 2]])
def test_ctc_loss_is_minus_log_of_the_brute_force_sum(labels, seed):
    t, c = 5, 3
    lp = torch.randn(t, c, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).log_softmax(-1)
    probs = _labelling_probs(lp.numpy())
    loss = torch.nn.functional.ctc_loss(lp[:, None], torch.tensor([labels]), [t], [len(labels)], reduction="sum")
    assert float(loss) == pytest.approx(-np.log(probs[tuple(labels)]), rel=1e-9)


@pytest.mark.parametrize("labels", [[1, 2], [1, 1], [2, 1, 2], [1]])
def test_forced_alignment_is_the_most_probable_alignment(labels, seed):
    t, c = 5, 3
    lp = torch.randn(t, c, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).log_softmax(-1).numpy()
    best_score = max(
        lp[np.arange(t), list(path)].sum()
        for path in itertools.product(range(c), repeat=t)
        if _collapse(path) == labels
    )
    positions = ctc_forced_align(lp, labels)
    symbols = [0 if k < 0 else labels[k] for k in positions]
    assert _collapse(symbols) == labels
    assert lp[np.arange(t), symbols].sum() == pytest.approx(best_score, abs=1e-12)
    assert sorted(set(positions.tolist()) - {-1}) == list(range(len(labels)))


def test_forced_alignment_bad_inputs():
    lp = torch.zeros(3, 3)
    with pytest.raises(ValueError, match="at least 4 frames"):
        ctc_forced_align(lp, [1, 1, 2])
    with pytest.raises(ValueError, match="other than the blank"):
        ctc_forced_align(lp, [0, 1])
    with pytest.raises(ValueError, match="non-empty"):
        ctc_forced_align(lp, [])
    with pytest.raises(ValueError, match=r"\(T, C\)"):
        ctc_forced_align(torch.zeros(2, 3, 3), [1])


def test_alignment_segments():
    assert alignment_segments([-1, 0, 0, -1, 1, 1, -1], 2).tolist() == [[1, 3], [4, 6]]
    with pytest.raises(ValueError, match="never emitted"):
        alignment_segments([-1, 0, -1], 2)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ctc_greedy_decode(torch.zeros(3)), "shape"),
        (lambda: ctc_greedy_decode(torch.zeros(2, 3), blank=3), "blank"),
        (lambda: ctc_greedy_decode(torch.zeros(1, 2, 3), lengths=[3]), "lengths"),
        (lambda: ctc_beam_decode(torch.zeros(2, 3), beam_width=0), "beam_width"),
    ],
)
def test_decoding_bad_inputs(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def _toy_strings(n, seed):
    """Sequences whose label segments are distinct constant frames: a CTC model learns them in a few epochs."""
    rng = np.random.default_rng(seed)
    patterns = rng.normal(size=(4, 6)) * 2
    frames, lengths, labels = np.zeros((n, 24, 6), np.float32), [], np.full((n, 3), -1)
    for i in range(n):
        k = rng.integers(1, 4)
        digits = rng.choice(4, size=k, replace=False)
        t = 0
        for d in digits:
            t += rng.integers(1, 3)
            run = rng.integers(2, 5)
            frames[i, t : t + run] = patterns[d]
            t += run
        lengths.append(t + 1)
        labels[i, :k] = digits
    frames += 0.1 * rng.normal(size=frames.shape).astype(np.float32)
    return torch.from_numpy(frames), torch.tensor(lengths), torch.from_numpy(labels)


@pytest.mark.slow
def test_recognizer_learns_toy_strings():
    x, n, y = _toy_strings(300, 0)
    torch.manual_seed(0)
    model = CTCRecognizer(6, 4, hidden=16)
    history = fit_ctc(model, x[:240], n[:240], y[:240], epochs=15, batch_size=16, lr=1e-2, random_state=0, device="cpu")
    assert history.loss[-1] < history.loss[0]
    decoded = model.decode(x[240:], n[240:])
    truth = [row[row >= 0].tolist() for row in y[240:]]
    assert np.mean([d == t for d, t in zip(decoded, truth, strict=True)]) > 0.8
    assert model.decode(x[240:], n[240:], method="beam", beam_width=4)[:5] == decoded[:5]
    alignment = model.align(x[240], int(n[240]), truth[0])
    assert alignment.shape == (int(n[240]),)


def test_recognizer_shapes_and_trimming():
    model = CTCRecognizer(6, 4, hidden=8)
    out = model([torch.randn(3, 20, 6), torch.tensor([20, 9, 5])])
    assert out.shape == (3, 20, 5)
    assert torch.allclose(out.exp().sum(-1), torch.ones(3, 20))
    assert model([torch.randn(2, 20, 6), torch.tensor([7, 9])]).shape == (2, 9, 5)
    with pytest.raises(ValueError, match="greedy"):
        model.decode(torch.randn(1, 5, 6), torch.tensor([5]), method="viterbi")


@pytest.mark.parametrize(
    "change, err, match",
    [
        (lambda x, n, y: (x, n, y.float() + 9), ValueError, "labels must be 0 .. 3"),
        (lambda x, n, y: (x, n[:-1], y), ValueError, "same sequences"),
        (lambda x, n, y: (x, n * 0, y), ValueError, "lengths must lie"),
        (lambda x, n, y: (x, n, torch.full_like(y, -1)), ValueError, "at least one label"),
        (lambda x, n, y: (x.numpy(), n, y), TypeError, "frames must be a torch.Tensor"),
        (lambda x, n, y: (x[0], n, y), ValueError, "expected frames"),
    ],
)
def test_fit_ctc_bad_inputs(change, err, match):
    x, n, y = _toy_strings(4, 1)
    with pytest.raises(err, match=match):
        fit_ctc(CTCRecognizer(6, 4, hidden=8), *change(x, n, y), epochs=1, device="cpu")
    with pytest.raises(TypeError, match="CTCRecognizer"):
        fit_ctc(torch.nn.Linear(2, 2), x, n, y, epochs=1)
