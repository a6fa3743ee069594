"""Text tokens and the autoregressive token prior (mmlab/generate/_prior.py)."""

import numpy as np
import pytest
import torch

from mmlab.generate import TEXT_ALPHABET, TokenPrior, fit_generator, text_tokens


def test_text_tokens_fold_case_and_accents_and_pad():
    tokens = text_tokens(["Fünf", "ZÉRO", "", "a1b-c", "abcdefghijkl"], max_len=6)
    assert tokens.tolist() == [
        [6, 21, 14, 6, 0, 0],
        [26, 5, 18, 15, 0, 0],
        [0] * 6,
        [1, 2, 3, 0, 0, 0],
        [1, 2, 3, 4, 5, 6],
    ]
    assert text_tokens(np.array(["one", "two"])).shape == (2, 10)
    assert len(TEXT_ALPHABET) == 26


def test_nll_is_the_sum_of_next_token_log_probabilities():
    prior = TokenPrior(5, 4, hidden=8).eval()
    text, tokens = text_tokens(["one", "six"]), torch.tensor([[0, 1, 2, 3], [4, 4, 0, 1]])
    logits = prior(text, tokens)
    by_hand = -torch.log_softmax(logits, -1).gather(2, tokens[..., None]).squeeze(2).sum(1)
    assert torch.allclose(prior.nll(text, tokens), by_hand, atol=1e-6)


def test_the_first_token_does_not_see_the_tokens_and_later_ones_see_only_the_past():
    prior = TokenPrior(5, 4, hidden=8).eval()
    text = text_tokens(["one"])
    a, b = torch.tensor([[0, 1, 2, 3]]), torch.tensor([[0, 1, 4, 4]])
    la, lb = prior(text, a), prior(text, b)
    assert torch.allclose(la[:, :3], lb[:, :3])  # positions 0..2 depend on tokens 0..1 only, which agree
    assert not torch.allclose(la[:, 3], lb[:, 3])


def test_unconditional_prior_ignores_text_and_conditional_prior_uses_it():
    blind = TokenPrior(5, 4, conditional=False).eval()
    assert blind.nll(None, torch.zeros(2, 4, dtype=torch.long)).shape == (2,)
    prior = TokenPrior(5, 4).eval()
    tokens = torch.zeros(2, 4, dtype=torch.long)
    nll = prior.nll(text_tokens(["one", "seven"]), tokens)
    assert not torch.isclose(nll[0], nll[1])


def test_sampling_is_deterministic_under_a_seed_and_in_range():
    prior = TokenPrior(6, 5)
    text = text_tokens(["one", "two", "three"])
    a = prior.sample(text, random_state=3)
    assert a.shape == (3, 5) and int(a.min()) >= 0 and int(a.max()) < 6
    assert torch.equal(a, prior.sample(text, random_state=3))
    assert TokenPrior(6, 5, conditional=False).sample(n=4, random_state=0).shape == (4, 5)


def test_training_learns_a_text_dependent_distribution():
    words = ["one", "two"] * 64
    tokens = torch.tensor([[1, 1, 1, 1] if w == "one" else [2, 2, 2, 2] for w in words])
    prior = TokenPrior(3, 4, hidden=16, dropout=0.0)
    history = fit_generator(prior, [text_tokens(words), tokens], epochs=30, lr=1e-2, progress=False, device="cpu")
    assert history.loss[-1] < 0.1 * history.loss[0]
    drawn = prior.sample(text_tokens(["one", "two"]), random_state=0, temperature=0.5)
    assert drawn.tolist() == [[1, 1, 1, 1], [2, 2, 2, 2]]


def test_text_features_condition_the_prior_through_a_linear_layer():
    features = torch.tensor([[1.0, 0.0], [0.0, 1.0]]).repeat(64, 1)  # e.g. a word's trigram features
    tokens = torch.tensor([[1, 1, 1, 1], [2, 2, 2, 2]]).repeat(64, 1)
    prior = TokenPrior(3, 4, text_features=2, hidden=16, dropout=0.0)
    assert not hasattr(prior, "text_gru")
    history = fit_generator(prior, [features, tokens], epochs=30, lr=1e-2, progress=False, device="cpu")
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert prior.nll(features[:2], tokens[:2]).shape == (2,)
    assert prior.sample(features[:2], random_state=0, temperature=0.5).tolist() == [[1, 1, 1, 1], [2, 2, 2, 2]]
    with pytest.raises(TypeError, match="floating point"):
        prior.nll(text_tokens(["one", "two"]), tokens[:2])  # character tokens are not features
    with pytest.raises(ValueError, match="text_features"):
        prior.nll(torch.zeros(2, 3), tokens[:2])
    with pytest.raises(ValueError, match="conditional prior"):
        TokenPrior(3, 4, conditional=False, text_features=2)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda p: text_tokens("one"), TypeError, "single string"),
        (lambda p: text_tokens([1, 2]), TypeError, "must be a string"),
        (lambda p: text_tokens(["a"], max_len=0), ValueError, "max_len"),
        (lambda p: p.nll(text_tokens(["a"]), torch.zeros(1, 3, dtype=torch.long)), ValueError, r"\(n, 4\)"),
        (lambda p: p.nll(text_tokens(["a"]), torch.full((1, 4), 9)), ValueError, "lie in 0"),
        (lambda p: p.nll(text_tokens(["a"]), torch.zeros(1, 4)), TypeError, "integer"),
        (lambda p: p.nll(None, torch.zeros(1, 4, dtype=torch.long)), ValueError, "conditional"),
        (lambda p: p.nll(text_tokens(["a", "b"]), torch.zeros(1, 4, dtype=torch.long)), ValueError, "paired"),
        (lambda p: p.nll(torch.full((1, 3), 40), torch.zeros(1, 4, dtype=torch.long)), ValueError, "text tokens"),
        (lambda p: p.sample(), ValueError, "pass text"),
        (lambda p: p.sample(text_tokens(["a"]), temperature=-1.0), ValueError, "temperature"),
        (lambda p: p.loss_terms([torch.zeros(1, 4, dtype=torch.long)]), ValueError, r"\[text, tokens\]"),
        (lambda p: TokenPrior(5, 4, conditional=False).sample(), ValueError, "pass n"),
        (
            lambda p: TokenPrior(5, 4, conditional=False).nll(text_tokens(["a"]), torch.zeros(1, 4, dtype=torch.long)),
            ValueError,
            "unconditional",
        ),
        (lambda p: TokenPrior(5, 4, dropout=1.0), ValueError, "dropout"),
        (lambda p: TokenPrior(5, 4, conditional="yes"), TypeError, "conditional"),
    ],
)
def test_bad_inputs_are_refused(call, err, match):
    with pytest.raises(err, match=match):
        call(TokenPrior(5, 4))
