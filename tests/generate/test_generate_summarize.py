"""Extractive summarisation (mmlab/generate/_summarize.py): unit layout, masking, greedy selection."""

import itertools

import pytest
import torch

from mmlab.generate import UnitDropoutClassifier, av_digits_units, greedy_selection, subset_accuracy


def test_units_follow_the_av_digits_layout():
    image, audio, text = torch.arange(64.0)[None], torch.arange(480.0)[None], torch.arange(64.0)[None]
    units, names = av_digits_units(image, audio, text)
    assert torch.equal(units[0][0, 2], image[0, 16:24])  # row 2 of the 8x8 image
    frame = audio.reshape(1, 20, 24)[0, :, 5]  # frame 5: every mel band at time step 5 (band-major storage)
    assert torch.equal(units[1][0, 5], frame)
    assert names[0] == "image row 0" and names[8 + 5] == "audio frame 5" and names[-1] == "text word"


def test_a_dropped_unit_cannot_change_the_output():
    model = UnitDropoutClassifier([(3, 2), (2, 4)], 3).eval()
    g = torch.Generator().manual_seed(0)
    xs = [torch.randn(5, 3, 2, generator=g), torch.randn(5, 2, 4, generator=g)]
    mask = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0])
    changed = [xs[0].clone(), xs[1].clone()]
    changed[0][:, 1] += 10.0  # unit 1 (dropped)
    changed[1][:, 0] += 10.0  # unit 3 (dropped)
    assert torch.allclose(model(xs, mask), model(changed, mask))
    changed[1][:, 1] += 10.0  # unit 4 (kept)
    assert not torch.allclose(model(xs, mask), model(changed, mask))


def test_training_mode_drops_units_at_random():
    model = UnitDropoutClassifier([(10, 1)], 2, drop=0.5).train()
    torch.manual_seed(0)
    x = [torch.ones(4, 10, 1)]
    assert not torch.allclose(model(x), model(x))


def test_subset_accuracy_uses_only_the_selected_units():
    model = UnitDropoutClassifier([(2, 1)], 2, hidden=4).eval()
    x = [torch.randn(6, 2, 1)]
    y = torch.zeros(6, dtype=torch.long)
    none = subset_accuracy(model, x, y, [])
    assert none in (0.0, 1.0)  # with no unit, every sample gets the same prediction
    assert 0.0 <= subset_accuracy(model, x, y, [0, 1]) <= 1.0


def test_greedy_selection_is_exact_for_a_modular_score_and_breaks_ties_by_order():
    values = {0: 0.1, 1: 0.5, 2: 0.3, 3: 0.5}

    def score(chosen):
        return sum(values[c] for c in chosen)

    best = max(itertools.combinations(values, 2), key=score)
    assert set(greedy_selection(score, list(values), 2)) == set(best)
    assert greedy_selection(score, list(values), 1) == [1]


@pytest.mark.parametrize(
    "call, err, match",
    [
        (
            lambda: av_digits_units(torch.zeros(2, 63), torch.zeros(2, 480), torch.zeros(2, 64)),
            ValueError,
            "64 columns",
        ),
        (lambda: av_digits_units(torch.zeros(2, 64), torch.zeros(3, 480), torch.zeros(2, 64)), ValueError, "paired"),
        (lambda: UnitDropoutClassifier([], 2), ValueError, "unit_shapes"),
        (lambda: UnitDropoutClassifier([(2,)], 2), ValueError, "pair"),
        (lambda: UnitDropoutClassifier([(2, 1)], 2, drop=1.0), ValueError, "drop"),
        (lambda: UnitDropoutClassifier([(2, 1)], 2)([torch.zeros(3, 3, 1)]), ValueError, r"\(n, 2, 1\)"),
        (lambda: UnitDropoutClassifier([(2, 1)], 2)([torch.zeros(3, 2, 1)], torch.ones(5)), ValueError, "mask"),
        (
            lambda: subset_accuracy(torch.nn.Linear(2, 2), [torch.zeros(1, 2)], torch.zeros(1), [0]),
            TypeError,
            "UnitDropoutClassifier",
        ),
        (
            lambda: subset_accuracy(UnitDropoutClassifier([(2, 1)], 2), [torch.zeros(1, 2, 1)], torch.zeros(1), [0, 0]),
            ValueError,
            "distinct",
        ),
        (lambda: greedy_selection(0, [1, 2], 1), TypeError, "callable"),
        (lambda: greedy_selection(len, [], 1), ValueError, "non-empty"),
        (lambda: greedy_selection(len, [1, 2], 3), ValueError, "at most"),
    ],
)
def test_bad_inputs_are_refused(call, err, match):
    with pytest.raises(err, match=match):
        call()
