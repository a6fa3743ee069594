"""Small trainable parts on a frozen pretrained encoder: a bottleneck adapter, a cosine head, soft prompts.

Parameter-efficient transfer trains a few thousand numbers next to a frozen
model of millions. Three pieces:

- :class:`BottleneckAdapter` (Houlsby et al., 2019): a residual down-/up-
  projection that starts as the identity;
- :class:`AdapterClassifier`: adapter on frozen text features, classified by
  cosine similarity to the *class names'* embeddings through the same encoder
  (the CLIP-Adapter recipe, Gao et al., 2021), plus optional logits from
  another modality (late fusion); with a randomly initialised encoder or an
  encoder trained from scratch it is the same model without pretraining;
- :class:`SoftPrompt` (prompt tuning, Lester et al., 2021; prefix tuning in
  miniature, Li and Liang, 2021): ``P`` trainable vectors prepended to every
  input of the frozen encoder, classified the same way; and
  :class:`BagOfTokensEncoder`, a text encoder trained from scratch (mean of
  learned token vectors) for the comparison.

Used by: ``lectures/5_transference/01_pretrained_encoders_adapters.ipynb`` and
the transference lab.

References
----------
Houlsby, N. et al. Parameter-efficient transfer learning for NLP. ICML, 2019.
Gao, P. et al. CLIP-Adapter: better vision-language models with feature
adapters. IJCV, 2024 (arXiv 2021).
Lester, B., Al-Rfou, R. and Constant, N. The power of scale for
parameter-efficient prompt tuning. EMNLP, 2021.
Li, X. L. and Liang, P. Prefix-tuning: optimizing continuous prompts for
generation. ACL, 2021.
Tsimpoukelli, M. et al. Multimodal few-shot learning with frozen language
models. NeurIPS, 2021.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from mmlab._validation import check_positive_int, check_scalar

__all__ = [
    "AdapterClassifier",
    "BagOfTokensEncoder",
    "BottleneckAdapter",
    "SoftPrompt",
    "cosine_logits",
]


def _check_matrix(x: Any, name: str, dim: int | None = None) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor; got {type(x).__name__}.")
    if x.ndim != 2:
        raise ValueError(f"{name} must have shape (n, d); got shape {tuple(x.shape)}.")
    if dim is not None and x.shape[1] != dim:
        raise ValueError(
            f"{name} must have {dim} features (the size this module was built for); got shape {tuple(x.shape)}."
        )
    if not x.is_floating_point():
        raise TypeError(f"{name} must be floating point; got dtype {x.dtype}. Convert it with .float().")
    return x


def cosine_logits(
    z: torch.Tensor, class_embeddings: torch.Tensor, *, scale: float | torch.Tensor = 1.0
) -> torch.Tensor:
    r"""Scaled cosine similarities between rows of ``z`` and class embeddings: the zero-shot classifier.

    .. math::

        s_{jk} = \tau \, \frac{z_j^\top c_k}{\lVert z_j \rVert \, \lVert c_k \rVert}

    with :math:`z_j` a sample's embedding, :math:`c_k` the embedding of class
    :math:`k`'s name or description, and :math:`\tau` the scale (an inverse
    temperature). The predicted class is :math:`\arg\max_k s_{jk}`.

    Parameters
    ----------
    z : torch.Tensor of shape (n, d)
    class_embeddings : torch.Tensor of shape (K, d)
    scale : float or 0-d tensor, default=1.0

    Returns
    -------
    torch.Tensor of shape (n, K)

    Raises
    ------
    TypeError
        If an input is not a floating tensor.
    ValueError
        If the inputs are not 2-D or their widths differ.

    Examples
    --------
    >>> z = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    >>> cosine_logits(z, torch.tensor([[3.0, 0.0], [1.0, 1.0]]))
    tensor([[1.0000, 0.7071],
            [0.0000, 0.7071]])
    """
    z = _check_matrix(z, "z")
    c = _check_matrix(class_embeddings, "class_embeddings", z.shape[1])
    return scale * nn.functional.normalize(z, dim=-1) @ nn.functional.normalize(c, dim=-1).T


class BottleneckAdapter(nn.Module):
    r"""A residual bottleneck adapter that starts as the identity.

    .. math::

        a(x) = x + W_{\uparrow} \, \mathrm{ReLU}(W_{\downarrow} x + b_{\downarrow}) + b_{\uparrow},

    with :math:`W_{\downarrow} \in \mathbb{R}^{r \times d}`,
    :math:`W_{\uparrow} \in \mathbb{R}^{d \times r}` and :math:`r \ll d`. The
    up-projection is initialised to zero, so before training :math:`a(x) = x`
    and the frozen model's features pass unchanged. It has
    :math:`2 d r + r + d` parameters.

    Parameters
    ----------
    dim : int
        Feature width :math:`d`.
    bottleneck : int
        Width :math:`r` of the bottleneck.

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If a size is < 1.

    Examples
    --------
    >>> adapter = BottleneckAdapter(384, 16)
    >>> sum(p.numel() for p in adapter.parameters()) == 2 * 384 * 16 + 16 + 384
    True
    >>> x = torch.randn(2, 384)
    >>> torch.equal(adapter(x), x)
    True
    """

    def __init__(self, dim: int, bottleneck: int) -> None:
        super().__init__()
        self.dim = check_positive_int(dim, "dim")
        self.bottleneck = check_positive_int(bottleneck, "bottleneck")
        self.down = nn.Linear(self.dim, self.bottleneck)
        self.up = nn.Linear(self.bottleneck, self.dim)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the adapter to ``(batch, dim)`` features.

        Raises
        ------
        TypeError
            If ``x`` is not a floating tensor.
        ValueError
            If ``x`` is not ``(batch, dim)``.
        """
        x = _check_matrix(x, "x", self.dim)
        return x + self.up(torch.relu(self.down(x)))


class AdapterClassifier(nn.Module):
    r"""Adapter on text features, classified by cosine similarity to class-name embeddings, plus other evidence.

    .. math::

        \ell(x_T, x_O) = \tau \cos\big(a(f(x_T)),\; c_k\big)_{k=1..K} + g(x_O),

    where :math:`f(x_T)` are the text features (a frozen encoder's
    embeddings, or token ids for :class:`BagOfTokensEncoder`), :math:`a` a
    :class:`BottleneckAdapter`, :math:`c_k` the class names through the same
    text encoder, :math:`\tau = e^{s}` a learned scale, and :math:`g` an
    optional linear map of another modality :math:`x_O` (late fusion). The
    class-name head is what lets a pretrained encoder work from the first
    labelled example: it starts as a zero-shot classifier.

    Parameters
    ----------
    class_embeddings : torch.Tensor of shape (K, d), optional
        Fixed class-name embeddings (from a frozen encoder). Give either this
        or ``class_tokens``.
    bottleneck : int, default=16
    other_dim : int or None, default=None
        Width of the other modality; ``None`` for text only.
    text_encoder : BagOfTokensEncoder, optional
        A trainable text encoder applied to the text inputs and to ``class_tokens``.
    class_tokens : torch.Tensor of shape (K, L), optional
        Token ids of the class names for ``text_encoder``.
    scale : float, default=10.0
        Initial :math:`\tau`.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If neither or both of ``class_embeddings`` and ``class_tokens`` are
        given, ``class_tokens`` comes without ``text_encoder``, or a size is invalid.

    Examples
    --------
    >>> classes = torch.nn.functional.normalize(torch.randn(10, 384), dim=1)
    >>> model = AdapterClassifier(classes, bottleneck=16, other_dim=64)
    >>> model([torch.randn(5, 384), torch.randn(5, 64)]).shape
    torch.Size([5, 10])
    """

    def __init__(
        self,
        class_embeddings: torch.Tensor | None = None,
        *,
        bottleneck: int = 16,
        other_dim: int | None = None,
        text_encoder: BagOfTokensEncoder | None = None,
        class_tokens: torch.Tensor | None = None,
        scale: float = 10.0,
    ) -> None:
        super().__init__()
        if (class_embeddings is None) == (class_tokens is None):
            raise ValueError(
                "give exactly one of class_embeddings (a frozen encoder's class-name embeddings) and "
                "class_tokens (class-name token ids for a trainable text_encoder)."
            )
        if class_tokens is not None and not isinstance(text_encoder, BagOfTokensEncoder):
            raise ValueError("class_tokens needs a trainable text_encoder (a BagOfTokensEncoder) to embed them.")
        scale = check_scalar(scale, "scale", min_val=0, include_boundaries="neither")
        self.text_encoder = text_encoder
        if class_embeddings is not None:
            class_embeddings = _check_matrix(class_embeddings, "class_embeddings")
            self.register_buffer("class_embeddings", class_embeddings.detach().clone())
            dim = class_embeddings.shape[1]
        else:
            if not isinstance(class_tokens, torch.Tensor) or class_tokens.ndim != 2:
                raise TypeError("class_tokens must be a 2-D integer tensor (K, L) of token ids.")
            self.register_buffer("class_tokens", class_tokens.detach().clone())
            self.class_embeddings = None
            dim = text_encoder.dim
        self.adapter = BottleneckAdapter(dim, bottleneck)
        self.log_scale = nn.Parameter(torch.tensor(math.log(scale)))
        self.other = (
            None if other_dim is None else nn.Linear(check_positive_int(other_dim, "other_dim"), self.n_classes)
        )

    @property
    def n_classes(self) -> int:
        """Number of classes K."""
        ref = self.class_embeddings if self.class_embeddings is not None else self.class_tokens
        return int(ref.shape[0])

    def forward(self, xs: torch.Tensor | list[torch.Tensor]) -> torch.Tensor:
        """Class logits ``(batch, K)`` from ``[text]`` or ``[text, other]`` (or a bare text tensor).

        Raises
        ------
        TypeError
            If the inputs are not tensors.
        ValueError
            If an other modality is given to a text-only model, or missing from a two-modality one.
        """
        if isinstance(xs, torch.Tensor):
            xs = [xs]
        if not isinstance(xs, (list, tuple)) or not all(isinstance(x, torch.Tensor) for x in xs):
            raise TypeError("inputs must be a tensor or a list [text] / [text, other] of tensors.")
        want = 1 if self.other is None else 2
        if len(xs) != want:
            raise ValueError(
                f"this model takes {want} modality tensor(s) ([text]"
                + (", other]" if want == 2 else "]")
                + f"); got {len(xs)}."
            )
        if self.text_encoder is not None:
            text, classes = self.text_encoder(xs[0]), self.text_encoder(self.class_tokens)
        else:
            text, classes = xs[0], self.class_embeddings
        logits = cosine_logits(self.adapter(text), classes, scale=self.log_scale.exp())
        if self.other is not None:
            logits = logits + self.other(_check_matrix(xs[1], "other", self.other.in_features))
        return logits


class BagOfTokensEncoder(nn.Module):
    r"""A text encoder trained from scratch: the mean of learned token vectors.

    .. math::

        f(t_1, \dots, t_L) = \frac{1}{|\{l : t_l \ne 0\}|} \sum_{l : t_l \ne 0} E_{t_l},

    with :math:`E \in \mathbb{R}^{V \times d}` initialised at random and id 0
    the padding. Inputs are ``(batch, L)`` integer token ids; remap a large
    vocabulary to the ids that occur first (``torch.unique(..., return_inverse=True)``
    keeps 0 for padding when 0 is the smallest id).

    Parameters
    ----------
    vocab_size : int
    dim : int, default=384

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If a size is < 1.

    Examples
    --------
    >>> enc = BagOfTokensEncoder(10, 4)
    >>> enc(torch.tensor([[3, 5, 0], [2, 0, 0]])).shape
    torch.Size([2, 4])
    """

    def __init__(self, vocab_size: int, dim: int = 384) -> None:
        super().__init__()
        self.dim = check_positive_int(dim, "dim")
        self.vocab_size = check_positive_int(vocab_size, "vocab_size")
        self.embedding = nn.EmbeddingBag(self.vocab_size, self.dim, mode="mean", padding_idx=0)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Mean token vector of each row of ``ids``.

        Raises
        ------
        TypeError
            If ``ids`` is not an integer tensor.
        ValueError
            If ``ids`` is not 2-D or holds ids outside ``[0, vocab_size)``.
        """
        if not isinstance(ids, torch.Tensor) or ids.is_floating_point() or ids.dtype == torch.bool:
            raise TypeError(
                f"ids must be an integer tensor of token ids; got {getattr(ids, 'dtype', type(ids).__name__)}."
            )
        if ids.ndim != 2:
            raise ValueError(f"ids must have shape (batch, L); got shape {tuple(ids.shape)}.")
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self.vocab_size):
            raise ValueError(f"ids must lie in [0, {self.vocab_size}); got {int(ids.min())} .. {int(ids.max())}.")
        return self.embedding(ids)


class SoftPrompt(nn.Module):
    r"""Prompt tuning in miniature: ``P`` trainable input vectors for a frozen encoder, cosine head on class names.

    .. math::

        \ell_k(x) = \tau \cos\big(f([\mathrm{CLS}], p_1, \dots, p_P, x),\; c_k\big),

    where :math:`f` is the frozen :class:`~mmlab.transfer.PretrainedTextEncoder`
    run on the word embeddings with the prompt inserted, and :math:`c_k` the
    class names' embeddings *without* prompt. Only :math:`p_1 \dots p_P` and
    the scale :math:`\tau` are trained: :math:`P \cdot d + 1` numbers.

    Parameters
    ----------
    encoder : PretrainedTextEncoder
    class_embeddings : torch.Tensor of shape (K, d)
    n_prompt : int, default=4
    scale : float, default=20.0
    random_state : int, default=0
        Seeds the prompt's initial values (normal, sd 0.02, like word embeddings).

    Raises
    ------
    TypeError
        If ``encoder`` has no ``encode_with_prompt`` or an argument has the wrong type.
    ValueError
        If ``class_embeddings`` does not match the encoder's width or a size is invalid.
    """

    def __init__(
        self,
        encoder: Any,
        class_embeddings: torch.Tensor,
        *,
        n_prompt: int = 4,
        scale: float = 20.0,
        random_state: int = 0,
    ) -> None:
        super().__init__()
        if not hasattr(encoder, "encode_with_prompt"):
            raise TypeError(
                f"encoder must be a PretrainedTextEncoder (load_text_encoder()); got {type(encoder).__name__}."
            )
        class_embeddings = _check_matrix(class_embeddings, "class_embeddings", encoder.dim)
        n_prompt = check_positive_int(n_prompt, "n_prompt")
        scale = check_scalar(scale, "scale", min_val=0, include_boundaries="neither")
        seed = check_positive_int(random_state, "random_state", minimum=0)
        self._encoder = [encoder]  # not a submodule: its frozen weights are not this module's parameters
        gen = torch.Generator().manual_seed(seed)
        self.prompt = nn.Parameter(0.02 * torch.randn(n_prompt, encoder.dim, generator=gen))
        self.log_scale = nn.Parameter(torch.tensor(math.log(scale)))
        self.register_buffer("class_embeddings", class_embeddings.detach().clone())

    @property
    def encoder(self) -> Any:
        """The frozen encoder (not registered as a submodule)."""
        return self._encoder[0]

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Class logits ``(n, K)`` for a tokenised batch (``encoder.tokenize(texts)``).

        Raises
        ------
        TypeError
            If ``batch`` is not the dict :meth:`PretrainedTextEncoder.tokenize` returns.
        """
        if not isinstance(batch, dict) or "input_ids" not in batch or "attention_mask" not in batch:
            raise TypeError("batch must be the dict that encoder.tokenize(texts) returns.")
        z = self.encoder.encode_with_prompt(batch, self.prompt)
        return cosine_logits(z, self.class_embeddings, scale=self.log_scale.exp())
