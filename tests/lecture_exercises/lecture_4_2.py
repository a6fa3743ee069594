"""Reference answers: lectures/4_generation/02_discrete_tokens_and_prior.ipynb, Exercises."""

from __future__ import annotations

from functools import cache

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.neighbors import KNeighborsClassifier

import mmlab
from mmlab.generate import (
    VQVAE,
    TokenPrior,
    av_digits_for_generation,
    diversity,
    evaluate_terms,
    fit_generator,
    fit_judge,
    recognition_rate,
)

NOTEBOOK = "lectures/4_generation/02_discrete_tokens_and_prior.ipynb"


@cache
def _data():
    data = av_digits_for_generation()
    return data, fit_judge(data["train"].image, data["train"].y)


@cache
def _vq(codebook: int, epochs: int):
    """The notebook's VQ-VAE and the tokens of every split."""
    data, _ = _data()
    mmlab.seed_everything(0)
    vq = VQVAE(codebook_size=codebook)
    vq.init_codebook(data["train"].image[:256], random_state=0)
    fit_generator(vq, [data["train"].image], epochs=epochs, lr=2e-3, random_state=0, progress=False, device="cpu")
    return vq, {split: vq.encode(d.image) for split, d in data.items()}


@cache
def _prior(codebook: int, vq_epochs: int, epochs: int, hidden: int, condition: str = "characters"):
    """The notebook's conditional prior, on character tokens or (``text_features``) on trigram features."""
    data, _ = _data()
    vq, tokens = _vq(codebook, vq_epochs)
    text = (lambda s: s.text_tokens) if condition == "characters" else (lambda s: s.text_std)
    features = {} if condition == "characters" else {"text_features": 64}
    mmlab.seed_everything(0)
    prior = TokenPrior(codebook, vq.n_tokens, hidden=hidden, **features)
    fit_generator(
        prior,
        [text(data["train"]), tokens["train"]],
        val=[text(data["val"]), tokens["val"]],
        keep_best=True,
        epochs=epochs,
        lr=3e-3,
        random_state=0,
        progress=False,
        device="cpu",
    )
    with torch.no_grad():
        nll = prior.nll(text(data["test"]), tokens["test"])
    return prior, nll, text


def _notebook_prior(sizes: dict, condition: str = "characters"):
    """Half the notebook's prior epochs (with early stopping), to stay within the test budget."""
    return _prior(sizes["codebook"], sizes["vq_epochs"], sizes["prior_epochs"] // 2, sizes["prior_hidden"], condition)


def _draw(vq, prior, text, *, random_state: int) -> torch.Tensor:
    with torch.no_grad():
        return torch.sigmoid(vq.decode(prior.sample(text, random_state=random_state)))


def exercise_1(sizes: dict) -> None:
    """Four codes already keep the digit (the judge recognises > 80 % of reconstructions with 4 or 64), but
    reconstruct the strokes worse (a higher reconstruction NLL); of 64 codes some stay unused. The prior's NLL
    grows with the codebook (16 ln K nats is the uniform cost), so the smaller codebook "wins" on token NLL while
    its images are worse: the NLLs count nats of different alphabets. A comparable number adds the decoder's
    reconstruction NLL (a bound on the image's NLL); on it, here, the 4-code model does better still: 64 codes
    spend more nats on tokens than they save on pixels."""
    data, judge = _data()
    test = data["test"]
    vq_epochs, prior_epochs = sizes["vq_epochs"] // 2, sizes["prior_epochs"] // 2
    used, recognised, reconstruction, nll = {}, {}, {}, {}
    for k in (4, 64):
        vq, _ = _vq(k, vq_epochs)
        used[k] = vq.codes_used(data["train"].image)
        recognised[k] = recognition_rate(judge, vq.reconstruct(test.image), test.y)
        reconstruction[k] = evaluate_terms(vq, [test.image])["reconstruction"]
        nll[k] = float(_prior(k, vq_epochs, prior_epochs, sizes["prior_hidden"], "characters")[1].mean())
        assert nll[k] < 0.75 * vq.n_tokens * np.log(k), (k, nll[k])
    assert used[4] == 4 and 16 < used[64] < 64, used
    assert min(recognised.values()) > 0.8 and reconstruction[64] < reconstruction[4] - 1.0, (recognised, reconstruction)
    assert nll[4] < nll[64] and nll[4] + reconstruction[4] < nll[64] + reconstruction[64], (nll, reconstruction)


def exercise_2(sizes: dict) -> None:
    """Characters condition better: a lower held-out NLL and more samples that show the named digit than the
    trigram features through a linear layer (both above chance). A typo costs the trigram prior more NLL than a
    correct spelling, and the character prior almost nothing: an edit changes two or three of a short word's
    trigrams, most of its features, but leaves the other letters in order for the character GRU."""
    data, judge = _data()
    test = data["test"]
    vq, _ = _vq(sizes["codebook"], sizes["vq_epochs"])
    named = torch.from_numpy(test.said >= 0)
    nll, rate, typo_cost = {}, {}, {}
    for condition in ("characters", "trigrams"):
        prior, per_image, text = _notebook_prior(sizes, condition)
        nll[condition] = float(per_image.mean())
        typo_cost[condition] = float(per_image[test.kind == "typo"].mean() - per_image[test.kind == "clean"].mean())
        drawn = _draw(vq, prior, text(test)[named].repeat_interleave(3, dim=0), random_state=2)
        rate[condition] = recognition_rate(judge, drawn, np.repeat(test.said[named.numpy()], 3))
    assert nll["characters"] < nll["trigrams"] and rate["characters"] > rate["trigrams"] > 0.2, (nll, rate)
    assert typo_cost["characters"] < typo_cost["trigrams"], typo_cost


def exercise_3(sizes: dict) -> None:
    """Keeping, of 10 samples per word, the one to which the judge gives the requested digit the highest
    probability raises recognition to over 0.9 and lowers diversity. The judge then overstates the gain: an
    independent judge (5 nearest neighbours among the real training images) sees less of it, because reranking
    also picks the samples that exploit the judge's own errors. Evaluating with the reranker measures the
    reranker."""
    data, judge = _data()
    test = data["test"]
    vq, _ = _vq(sizes["codebook"], sizes["vq_epochs"])
    prior, _, _ = _notebook_prior(sizes)
    named = torch.from_numpy(test.said >= 0)
    requested, n = test.said[named.numpy()], int(named.sum())
    drawn = _draw(vq, prior, test.text_tokens[named].repeat_interleave(10, dim=0), random_state=2).numpy()
    drawn = drawn.reshape(n, 10, 64)
    confidence = judge.predict_proba(drawn.reshape(-1, 64)).reshape(n, 10, 10)[np.arange(n), :, requested]
    reranked, plain = drawn[np.arange(n), confidence.argmax(1)], drawn[:, 0]
    other = KNeighborsClassifier(5).fit(data["train"].image.numpy(), data["train"].y.numpy())
    real = diversity(test.image, test.y)
    gain = {
        name: recognition_rate(j, reranked, requested) - recognition_rate(j, plain, requested)
        for name, j in (("judge", judge), ("other", other))
    }
    spread = {name: diversity(s, requested) / real for name, s in (("plain", plain), ("reranked", reranked))}
    assert recognition_rate(judge, reranked, requested) > 0.9 and gain["other"] > 0.3, gain
    assert gain["judge"] > gain["other"] + 0.02, gain
    assert spread["reranked"] < spread["plain"] - 0.1, spread


def exercise_4(sizes: dict) -> None:
    """Predicting the word from the image tokens is image-to-text translation, a captioner, and the scorer that
    DALL-E's reranking needs. From the tokens of real test images a linear classifier names the digit of most
    correctly spelt words (> 0.8) and never the digit of a deliberately wrong word (it reads the image, so
    disagreement flags a wrong caption). The exact word it gets far less often: the image says which digit,
    not in which language, case or spelling it was written."""
    data, _ = _data()
    train, test = data["train"], data["test"]
    vq, tokens = _vq(sizes["codebook"], sizes["vq_epochs"])
    onehot = {s: F.one_hot(t, sizes["codebook"]).flatten(1).float() for s, t in tokens.items()}
    has_word = {s: d.said >= 0 for s, d in data.items()}
    digit = fit_judge(onehot["train"][has_word["train"]], train.said[has_word["train"]])
    hit = digit.predict(onehot["test"][has_word["test"]].numpy()) == test.said[has_word["test"]]
    kind = test.kind[has_word["test"]]
    fold = lambda words: np.array([str(w).casefold() for w in words])  # noqa: E731
    vocabulary, word_ids = np.unique(fold(train.words[has_word["train"]]), return_inverse=True)
    word = fit_judge(onehot["train"][has_word["train"]], word_ids)
    exact = vocabulary[word.predict(onehot["test"][has_word["test"]].numpy())] == fold(test.words[has_word["test"]])
    assert hit[kind == "clean"].mean() > 0.8 and hit[kind == "wrong"].mean() < 0.15, hit.mean()
    assert exact[kind == "clean"].mean() < hit[kind == "clean"].mean() - 0.3, exact.mean()
