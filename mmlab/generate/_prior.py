r"""An autoregressive prior over image tokens, conditioned on text tokens: DALL-E in miniature.

DALL-E (Ramesh et al., 2021) turns an image into tokens with a discrete VAE and trains one transformer on
the text tokens of a caption followed by the image tokens, so that

.. math::

    p(t_1, \dots, t_L \mid w) = \prod_{i=1}^{L} p(t_i \mid t_{<i}, w),

and draws an image for a new caption by sampling its tokens one at a time and decoding them. Here the
caption is the written digit word of AV-Digits, cut into characters (:func:`text_tokens`), the image
tokens come from :class:`~mmlab.generate.VQVAE`, and the prior is a small GRU that starts from the GRU
encoding of the word and reads it again at every step. DALL-E uses a transformer, the scalable choice;
for 16 tokens on a CPU a GRU trains faster, and both factorise :math:`p(t \mid w)` the same way. With
``conditional=False`` the same network ignores the text: the unconditional prior :math:`p(t)` that the
lecture compares with.

Used by: ``lectures/4_generation/02_discrete_tokens_and_prior.ipynb``.

References: Ramesh, A. et al. Zero-shot text-to-image generation. ICML 2021. van den Oord, A., Vinyals,
O. and Kavukcuoglu, K. Neural discrete representation learning. NeurIPS 2017. Cho, K. et al. Learning
phrase representations using RNN encoder-decoder for statistical machine translation. EMNLP 2014.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from mmlab._validation import RandomState, check_fraction, check_positive_int, check_scalar
from mmlab.generate._common import check_tensor, check_width, module_device, torch_generator

__all__ = ["TEXT_ALPHABET", "TokenPrior", "text_tokens"]

#: The characters of text tokens 1 .. 26; token 0 pads (and stands for "no character").
TEXT_ALPHABET: str = "abcdefghijklmnopqrstuvwxyz"


def text_tokens(words: Iterable[Any], *, max_len: int = 10) -> torch.Tensor:
    """Cut words into character tokens: case-folded, accents removed, ``a``..``z`` -> 1..26, padded with 0.

    Characters outside ``a``-``z`` after folding (digits, punctuation) are dropped; an empty or
    missing word gives a row of zeros; longer words are cut to ``max_len``.

    Parameters
    ----------
    words : iterable of str
        E.g. ``split.meta["word"]`` of AV-Digits (``"Fünf"``, ``"SIEBEN"``, ``""``).
    max_len : int, default=10
        Tokens per word.

    Returns
    -------
    Tensor of shape (n, max_len)
        int64 token ids.

    Raises
    ------
    TypeError
        If ``words`` is a single string or holds something that is not a string.
    ValueError
        If ``max_len`` < 1.

    Examples
    --------
    >>> text_tokens(["Fünf", ""], max_len=5).tolist()
    [[6, 21, 14, 6, 0], [0, 0, 0, 0, 0]]
    """
    if isinstance(words, (str, bytes)):
        raise TypeError(f"words must be a sequence of strings; got the single string {words!r}. Wrap it: [{words!r}].")
    max_len = check_positive_int(max_len, "max_len")
    rows = []
    for i, word in enumerate(words):
        if not isinstance(word, (str, np.str_)):
            raise TypeError(f"words[{i}] must be a string; got {type(word).__name__} {word!r}.")
        folded = unicodedata.normalize("NFKD", str(word).casefold())
        ids = [TEXT_ALPHABET.index(ch) + 1 for ch in folded if ch in TEXT_ALPHABET][:max_len]
        rows.append(ids + [0] * (max_len - len(ids)))
    return torch.tensor(rows, dtype=torch.int64).reshape(len(rows), max_len)


class TokenPrior(nn.Module):
    r"""Autoregressive GRU prior over image tokens, optionally conditioned on text tokens.

    .. math::

        e = \operatorname{GRU}_{\text{text}}(w_1, \dots, w_M), \qquad h_0 = e, \qquad
        h_i = \operatorname{GRU}\big(h_{i-1}, [E t_{i-1}; e]\big), \qquad
        p(t_i \mid t_{<i}, w) = \operatorname{softmax}(W h_i + b),

    with :math:`t_0` a start token, :math:`E` the token embedding and :math:`w` the text tokens
    (:func:`text_tokens`), whose encoding :math:`e` starts the GRU and is fed again at every step (the
    unconditional prior has :math:`h_0 = 0` and no :math:`e`). With ``text_features`` the text is a
    feature vector :math:`f` instead (e.g. the word's trigram counts) and :math:`e = \tanh(A f + a)`, one
    linear layer squashed to the range of a GRU state. Training
    minimises the negative log-likelihood :math:`-\sum_i \log p(t_i \mid t_{<i}, w)` (teacher forcing);
    sampling draws :math:`t_1, t_2, \dots` in turn.

    Parameters
    ----------
    n_codes : int
        :math:`K`, the number of image tokens (the VQ-VAE's codebook size).
    n_positions : int
        :math:`L`, tokens per image.
    conditional : bool, default=True
        Condition on text; ``False`` ignores it (the unconditional prior).
    text_vocab : int, default=27
        Number of text token ids (0 = padding, then the letters of :data:`TEXT_ALPHABET`).
    text_features : int, optional
        Condition on a float feature vector of this width per sample (e.g. ``GenerationSplit.text_std``,
        the word's standardised trigram counts) through a linear layer, instead of on character tokens
        through a GRU; ``text`` is then a ``(n, text_features)`` float tensor.
    hidden : int, default=64
        Width of the embeddings and GRU states.
    dropout : float, default=0.5
        Dropout on embeddings and states while training (strong, because a conditional prior trained
        on a thousand captions overfits them quickly).

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer, ``dropout`` is outside [0, 1), ``conditional`` is not a bool,
        or ``text_features`` is given to an unconditional prior.

    See Also
    --------
    mmlab.generate.VQVAE : makes the tokens and decodes samples.

    References
    ----------
    Ramesh, A. et al. Zero-shot text-to-image generation. ICML 2021 (the two-stage recipe).
    van den Oord, A. et al. Neural discrete representation learning. NeurIPS 2017 (an autoregressive
    prior over VQ-VAE codes, section 3.3).

    Examples
    --------
    >>> prior = TokenPrior(16, 4)
    >>> text, tokens = text_tokens(["one", "two"]), torch.tensor([[0, 1, 2, 3], [4, 5, 6, 7]])
    >>> prior.nll(text, tokens).shape, prior.sample(text, random_state=0).shape
    (torch.Size([2]), torch.Size([2, 4]))
    """

    def __init__(
        self,
        n_codes: int,
        n_positions: int,
        *,
        conditional: bool = True,
        text_vocab: int = 27,
        text_features: int | None = None,
        hidden: int = 64,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        self.n_codes = check_positive_int(n_codes, "n_codes")
        self.n_positions = check_positive_int(n_positions, "n_positions")
        if not isinstance(conditional, bool):
            raise TypeError(f"conditional must be True or False; got {type(conditional).__name__}.")
        self.conditional = conditional
        self.text_vocab = check_positive_int(text_vocab, "text_vocab")
        if text_features is not None and not conditional:
            raise ValueError("text_features needs a conditional prior; an unconditional one reads no text.")
        self.text_features = None if text_features is None else check_positive_int(text_features, "text_features")
        hidden = check_positive_int(hidden, "hidden")
        self.drop = nn.Dropout(check_fraction(dropout, "dropout", inclusive=(True, False)))
        if self.text_features is not None:
            self.text_linear = nn.Linear(self.text_features, hidden)  # e = tanh(A f + a)
        elif conditional:
            self.text_embedding = nn.Embedding(self.text_vocab, hidden, padding_idx=0)
            self.text_gru = nn.GRU(hidden, hidden, batch_first=True)
        self.token_embedding = nn.Embedding(self.n_codes + 1, hidden)  # id n_codes is the start token t_0
        self.gru = nn.GRU(2 * hidden if conditional else hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, self.n_codes)
        self.hidden = hidden

    # ------------------------------------------------------------------ likelihood
    def forward(self, text: torch.Tensor | None, tokens: torch.Tensor) -> torch.Tensor:
        r"""Logits of :math:`p(t_i \mid t_{<i}, w)` for every position: shape ``(n, L, K)``.

        Raises
        ------
        TypeError, ValueError
            If ``tokens`` or ``text`` is not an integer tensor of the right shape and range.
        """
        tokens = self._check_tokens(tokens)
        h0 = self._initial_state(text, tokens.shape[0])
        start = torch.full((tokens.shape[0], 1), self.n_codes, dtype=torch.int64, device=tokens.device)
        inputs = torch.cat([start, tokens[:, :-1]], dim=1)  # t_0, t_1, ..., t_{L-1}
        states, _ = self.gru(self._step_inputs(self.drop(self.token_embedding(inputs)), h0), h0)
        return self.out(self.drop(states))

    def nll(self, text: torch.Tensor | None, tokens: torch.Tensor) -> torch.Tensor:
        r"""Negative log-likelihood :math:`-\log p(t \mid w)` of each token grid, in nats: shape ``(n,)``.

        Raises
        ------
        TypeError, ValueError
            As :meth:`forward`.
        """
        logits = self(text, tokens)
        tokens = tokens.to(logits.device)
        return (
            F.cross_entropy(logits.reshape(-1, self.n_codes), tokens.reshape(-1), reduction="none")
            .view(tokens.shape)
            .sum(dim=1)
        )

    def loss_terms(self, batch: list[torch.Tensor]) -> dict[str, torch.Tensor]:
        """Mean NLL per image (``"loss"``) and per token in bits (``"bits_per_token"``).

        Parameters
        ----------
        batch : list of Tensor
            ``[text, tokens]`` (conditional) or ``[tokens]`` (unconditional).

        Raises
        ------
        ValueError
            If ``batch`` does not have the structure of this prior.
        """
        want = 2 if self.conditional else 1
        if not isinstance(batch, (list, tuple)) or len(batch) != want:
            shape = "[text, tokens]" if want == 2 else "[tokens]"
            raise ValueError(f"batch must be {shape} for this {'conditional' if want == 2 else 'unconditional'} prior.")
        nll = self.nll(batch[0] if want == 2 else None, batch[-1]).mean()
        return {"loss": nll, "bits_per_token": nll / (self.n_positions * float(np.log(2)))}

    # ------------------------------------------------------------------ sampling
    @torch.no_grad()
    def sample(
        self,
        text: torch.Tensor | None = None,
        *,
        n: int | None = None,
        temperature: float = 1.0,
        random_state: RandomState = None,
    ) -> torch.Tensor:
        r"""Draw token grids one token at a time: :math:`t_i \sim \operatorname{softmax}(\text{logits}_i / T)`.

        Parameters
        ----------
        text : Tensor of shape (n, M), optional
            Text tokens, one row per sample (required if conditional); with ``text_features``, a float
            ``(n, text_features)`` tensor of text features.
        n : int, optional
            Number of samples of an unconditional prior.
        temperature : float, default=1.0
            :math:`T`; below 1 sharpens each step's distribution (more typical, less varied images).
        random_state : int, numpy.random.Generator or None
            Seeds the draws (same seed, same tokens).

        Returns
        -------
        Tensor of shape (n, L)
            int64 tokens.

        Raises
        ------
        TypeError, ValueError
            If ``text`` is missing or wrong, ``n`` is missing for an unconditional prior, or
            ``temperature`` is not positive.
        """
        temperature = check_scalar(temperature, "temperature", min_val=0, include_boundaries="neither")
        if self.conditional:
            if text is None:
                raise ValueError("this prior is conditional: pass text, one row of text tokens per sample.")
            count = self._check_text(text).shape[0]
        else:
            if n is None:
                raise ValueError("this prior is unconditional: pass n, the number of samples.")
            count = check_positive_int(n, "n")
        gen = torch_generator(random_state)
        was = self.training
        self.eval()
        dev = module_device(self)
        h = self._initial_state(text, count)
        token = torch.full((count, 1), self.n_codes, dtype=torch.int64, device=dev)
        drawn = []
        h_text = h
        for _ in range(self.n_positions):
            state, h = self.gru(self._step_inputs(self.token_embedding(token), h_text), h)
            probs = F.softmax(self.out(state[:, 0]) / temperature, dim=-1)
            token = torch.multinomial(probs.cpu(), 1, generator=gen).to(dev)
            drawn.append(token)
        self.train(was)
        return torch.cat(drawn, dim=1)

    # ------------------------------------------------------------------ private
    def _step_inputs(self, embedded: torch.Tensor, h_text: torch.Tensor) -> torch.Tensor:
        """Each step's GRU input: the previous token's embedding, and (conditional) the text's encoding."""
        if not self.conditional:
            return embedded
        return torch.cat([embedded, h_text[-1].unsqueeze(1).expand(-1, embedded.shape[1], -1)], dim=2)

    def _initial_state(self, text: torch.Tensor | None, n: int) -> torch.Tensor:
        dev = module_device(self)
        if not self.conditional:
            if text is not None:
                raise ValueError("this prior is unconditional (conditional=False); call it with text=None.")
            return torch.zeros(1, n, self.hidden, device=dev)
        if text is None:
            raise ValueError("this prior is conditional: pass the text tokens.")
        text = self._check_text(text).to(dev)
        if text.shape[0] != n:
            raise ValueError(f"text and tokens must hold paired samples; got {text.shape[0]} and {n} rows.")
        if self.text_features is not None:
            return torch.tanh(self.text_linear(self.drop(text))).unsqueeze(0)
        _, h = self.text_gru(self.drop(self.text_embedding(text)))
        return h

    def _check_text(self, text: Any) -> torch.Tensor:
        if self.text_features is not None:
            check_tensor(text, "text", ndim=2)
            check_width(text, "text", self.text_features, "text_features")
            return text
        if not isinstance(text, torch.Tensor) or text.is_floating_point() or text.dtype == torch.bool:
            raise TypeError(
                f"text must be an integer tensor of text tokens (see text_tokens); got "
                f"{getattr(text, 'dtype', type(text).__name__)}."
            )
        if text.ndim != 2:
            raise ValueError(f"text must have shape (n, M); got {tuple(text.shape)}.")
        if text.numel() and (int(text.min()) < 0 or int(text.max()) >= self.text_vocab):
            raise ValueError(
                f"text tokens must lie in 0 .. {self.text_vocab - 1}; got values from {int(text.min())} "
                f"to {int(text.max())}."
            )
        return text

    def _check_tokens(self, tokens: Any) -> torch.Tensor:
        if not isinstance(tokens, torch.Tensor) or tokens.is_floating_point() or tokens.dtype == torch.bool:
            raise TypeError(
                f"tokens must be an integer tensor of image tokens; got "
                f"{getattr(tokens, 'dtype', type(tokens).__name__)}."
            )
        if tokens.ndim != 2 or tokens.shape[1] != self.n_positions:
            raise ValueError(f"tokens must have shape (n, {self.n_positions}); got {tuple(tokens.shape)}.")
        if tokens.numel() and (int(tokens.min()) < 0 or int(tokens.max()) >= self.n_codes):
            raise ValueError(
                f"tokens must lie in 0 .. {self.n_codes - 1}; got values from {int(tokens.min())} to "
                f"{int(tokens.max())}."
            )
        return tokens.to(module_device(self))
