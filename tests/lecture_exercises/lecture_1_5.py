"""Reference answers: lectures/1_representation/05_fusion_on_av_digits.ipynb, Exercises."""

from __future__ import annotations

import numpy as np
import torch

import mmlab.fusion.experiments as fx
from mmlab.data import corrupt_modality, load_av_digits
from mmlab.train import predict

NOTEBOOK = "lectures/1_representation/05_fusion_on_av_digits.ipynb"


def _accuracy(model, xs, y) -> float:
    return float((predict(model, [torch.as_tensor(x) for x in xs]).argmax(dim=1) == torch.as_tensor(y)).double().mean())


def exercise_1(sizes: dict) -> None:
    """A wrong word hurts most (it names another digit), a missing or misspelt one a little; clean text helps."""
    res = fx.av_digits_accuracies(["additive", "concat"], epochs=sizes["epochs"], unimodal=False)
    best = res[max(res, key=lambda op: res[op].score)]
    test = load_av_digits("test")
    xt, yt = best.test
    assert torch.equal(torch.as_tensor(yt), torch.as_tensor(test.y))  # same rows, same order
    correct = (predict(best.model, xt).argmax(dim=1) == torch.as_tensor(yt)).numpy()
    by_kind = {kind: correct[test.meta["text_kind"] == kind].mean() for kind in np.unique(test.meta["text_kind"])}
    assert by_kind["clean"] > max(by_kind["missing"], by_kind["typo"]) > by_kind["wrong"], by_kind
    assert by_kind["clean"] - by_kind["wrong"] > 0.1, by_kind


def exercise_2(sizes: dict) -> None:
    """Replacing every test image by noise costs each fused model a large part of its accuracy, and the gated model
    does not lose less: its gates were trained on clean images and have no reason to distrust them."""
    res = fx.av_digits_accuracies(["additive", "concat", "gated"], epochs=sizes["epochs"], unimodal=False)
    loss = {}
    for op, r in res.items():
        xs, y = r.test
        noisy, _ = corrupt_modality([x.numpy() for x in xs], 0, fraction=1.0, mode="replace", random_state=0)
        loss[op] = r.score - _accuracy(r.model, noisy, y)
    assert min(loss.values()) > 0.2, loss
    assert loss["gated"] >= min(loss["additive"], loss["concat"]) - 0.05, loss


def exercise_3(sizes: dict) -> None:
    """Neither weight decay nor a smaller encoding lets tensor fusion catch up with additive fusion here."""
    additive = fx.av_digits_accuracies(["additive"], epochs=sizes["epochs"], unimodal=False)["additive"].score
    tensor = {
        "weight_decay=1e-3": fx.av_digits_accuracies(
            ["tensor"], epochs=sizes["epochs"], unimodal=False, weight_decay=1e-3
        )["tensor"].score,
        "embed_dim=8": fx.av_digits_accuracies(["tensor"], epochs=sizes["epochs"], unimodal=False, embed_dim=8)[
            "tensor"
        ].score,
    }
    assert max(tensor.values()) < additive, (additive, tensor)


def exercise_4(sizes: dict) -> None:
    """log softmax(z / T)_y = z_y / T - logsumexp(z / T): the second term does not depend on y, so a common T only
    rescales the sum of logits and keeps its arg-max. A temperature on the text model alone changes the weight of
    the text evidence against the other two (T = 3 divides it by 3), so some predictions change."""
    res = fx.av_digits_accuracies([], epochs=sizes["epochs"])
    logits = {m: predict(r.model, r.test[0]) for m, r in res.items()}

    def combined(temperature):
        return sum(torch.log_softmax(z / temperature.get(m, 1.0), dim=1) for m, z in logits.items()).argmax(dim=1)

    base = combined({})
    assert torch.equal(combined({m: 2.0 for m in logits}), base)
    assert not torch.equal(combined({"text": 3.0}), base)
