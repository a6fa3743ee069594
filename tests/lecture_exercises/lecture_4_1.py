"""Reference answers: lectures/4_generation/01_translation_cvae.ipynb, Exercises."""

from __future__ import annotations

import difflib
import unicodedata
from functools import cache

import numpy as np
import torch

import mmlab
from mmlab.generate import CVAE, av_digits_for_generation, diversity, fit_generator, fit_judge, recognition_rate

NOTEBOOK = "lectures/4_generation/01_translation_cvae.ipynb"

_CONDITIONS = {
    "text": lambda split: split.text_std,
    "audio": lambda split: split.audio_std,
    "both": lambda split: torch.cat([split.text_std, split.audio_std], dim=1),
}


@cache
def _data():
    data = av_digits_for_generation()
    return data, fit_judge(data["train"].image, data["train"].y)


@cache
def _cvae(condition: str, beta: float, conditional_prior: bool, epochs: int, latent_dim: int, hidden: int):
    """The notebook's CVAE (keep_best on the validation split), trained once per setting."""
    data, _ = _data()
    cond = _CONDITIONS[condition]
    mmlab.seed_everything(0)
    model = CVAE(
        64,
        cond_dim=cond(data["train"]).shape[1],
        latent_dim=latent_dim,
        hidden=hidden,
        beta=beta,
        conditional_prior=conditional_prior,
    )
    history = fit_generator(
        model,
        [data["train"].image, cond(data["train"])],
        val=[data["val"].image, cond(data["val"])],
        keep_best=True,
        epochs=epochs,
        random_state=0,
        progress=False,
        device="cpu",
    )
    return model, history


def _fit(sizes: dict, condition: str = "text", *, beta: float = 1.0, conditional_prior: bool = False):
    return _cvae(condition, beta, conditional_prior, sizes["epochs"], sizes["latent_dim"], sizes["hidden"])


def _kept(history, term: str) -> float:
    """A validation series at the epoch that keep_best kept."""
    return history.metrics[term][int(np.argmin(history.val_loss))]


def exercise_1(sizes: dict) -> None:
    """beta = 4 switches the latent off (its KL term falls to about 0: posterior collapse), so the decoder draws
    one image per word: samples of one word look alike (a fraction of the beta = 1 diversity), and they are
    recognised at least as often. beta = 0.25 lets the latent hold more (KL up), varies the samples more, and
    draws the named digit less often: the latent starts to override the word."""
    data, judge = _data()
    test = data["test"]
    named = torch.from_numpy(test.said >= 0)
    rows = [int(np.flatnonzero((test.said == k) & (test.kind == "clean"))[0]) for k in range(10)]
    kl, rate, spread = {}, {}, {}
    for beta in (0.25, 1.0, 4.0):
        model, history = _fit(sizes, beta=beta)
        kl[beta] = _kept(history, "val_kl")
        drawn = model.sample(test.text_std[named], random_state=2)
        rate[beta] = recognition_rate(judge, drawn, test.said[named.numpy()])
        grid = model.sample(test.text_std[rows].repeat_interleave(sizes["per_row"], dim=0), random_state=1)
        spread[beta] = diversity(grid, np.repeat(np.arange(10), sizes["per_row"]))
    assert kl[4.0] < 0.2 < kl[1.0] < kl[0.25], kl
    assert spread[4.0] < 0.3 * spread[1.0] and spread[1.0] < spread[0.25], spread
    assert rate[4.0] > rate[1.0] - 0.03 and 0.4 < rate[0.25] < rate[1.0], rate


def exercise_2(sizes: dict) -> None:
    """Scored against the sample's digit (which the voice always says), text and speech together beat each alone:
    the word fixes the noisy recordings of correctly spelt words and the voice fills in for missing words, the
    complementary fusion of lecture 1.5. Where the two disagree (a deliberately wrong word) the joint model
    follows one or the other."""
    data, judge = _data()
    test = data["test"]
    hits = {}
    for condition in ("text", "audio", "both"):
        model, _ = _fit(sizes, condition)
        drawn = model.sample(_CONDITIONS[condition](test).repeat_interleave(3, dim=0), random_state=2)
        hits[condition] = (judge.predict(drawn.numpy()) == np.repeat(test.y.numpy(), 3)).reshape(-1, 3).mean(1)
    rate = {c: float(h.mean()) for c, h in hits.items()}
    kind = {c: {k: float(h[test.kind == k].mean()) for k in ("clean", "missing")} for c, h in hits.items()}
    assert rate["both"] > max(rate["text"], rate["audio"]) and min(rate.values()) > 0.4, rate
    assert kind["both"]["clean"] > kind["audio"]["clean"] + 0.15, kind  # the word fixes the speech
    assert kind["both"]["missing"] > kind["text"]["missing"] + 0.25, kind  # the voice fills in the word


def exercise_3(sizes: dict) -> None:
    """The learned prior p(z | c) changes little: the KL term moves by less than a nat, the held-out bound by less
    than half a nat, and the samples are recognised as often (within 0.05). The word already reaches the decoder,
    and what the latent holds (style) is what the word cannot predict, so a prior that reads the word has little
    to add."""
    data, judge = _data()
    test = data["test"]
    named = torch.from_numpy(test.said >= 0)
    kl, bound, rate = {}, {}, {}
    for learned in (False, True):
        model, history = _fit(sizes, conditional_prior=learned)
        kl[learned], bound[learned] = _kept(history, "val_kl"), min(history.val_loss)
        drawn = model.sample(test.text_std[named], random_state=2)
        rate[learned] = recognition_rate(judge, drawn, test.said[named.numpy()])
    assert abs(kl[True] - kl[False]) < 1.0 and abs(bound[True] - bound[False]) < 0.5, (kl, bound)
    assert abs(rate[True] - rate[False]) < 0.05 and min(rate.values()) > 0.6, rate


def _fold(word) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", str(word).casefold()) if "a" <= ch <= "z")


def _trigrams(word) -> set[str]:
    padded = f"<{_fold(word)}>"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def exercise_4(sizes: dict) -> None:
    """About half of the typo words are drawn as their digit in fewer than half of 20 samples. One edit destroys
    the two or three trigrams around it, most of a short word's: on average a typo keeps about 40 % of its
    correct spelling's trigrams. The missed typos keep fewer than the recognised ones, and more often lose the
    word's first trigram ("<tw" of "two"): an edit in the first two letters."""
    data, judge = _data()
    test = data["test"]
    spellings: dict[int, set[str]] = {}
    for split in data.values():
        for word, said, kind in zip(split.words, split.said, split.kind, strict=True):
            if kind == "clean":
                spellings.setdefault(int(said), set()).add(_fold(word))
    typo = np.flatnonzero(test.kind == "typo")
    model, _ = _fit(sizes)
    drawn = model.sample(test.text_std[typo].repeat_interleave(20, dim=0), random_state=3)
    hit = (judge.predict(drawn.numpy()) == np.repeat(test.said[typo], 20)).reshape(-1, 20).mean(1)
    kept, lost_start = [], []
    for i in typo:
        typed = _fold(test.words[i])
        right = difflib.get_close_matches(typed, sorted(spellings[int(test.said[i])]), n=1, cutoff=0)[0]
        kept.append(len(_trigrams(right) & _trigrams(typed)) / len(_trigrams(right)))
        lost_start.append(f"<{right}"[:3] not in _trigrams(typed))
    kept, lost_start, missed = np.array(kept), np.array(lost_start), hit < 0.5
    assert 0.2 < missed.mean() < 0.8 and kept.mean() < 0.5, (missed.mean(), kept.mean())
    assert kept[missed].mean() < kept[~missed].mean() - 0.03, (kept[missed].mean(), kept[~missed].mean())
    assert lost_start[missed].mean() > lost_start[~missed].mean(), (lost_start[missed].mean(), lost_start.mean())
