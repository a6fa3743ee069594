"""Zero-shot classification through a language embedding space (co-learning via representation).

A visual model can recognise classes it never saw in training if it predicts
a point in a space where every class, seen or not, has a place: the embedding
of its *name* by a pretrained text encoder (DeViSE, Frome et al., 2013;
Socher et al., 2013; CLIP, Radford et al., 2021, at scale). Train a map
:math:`g` from images to that space on the seen classes; classify a test image
among the unseen classes by cosine similarity of :math:`g(x)` with their
names' embeddings.

It works only as far as the name space shares structure with the inputs.
Two-digit numbers have it: "forty-two" is built from "forty" and "two" like the
image of 42 is built from a 4 and a 2, so :func:`make_number_pairs` (two
AV-Digits images side by side, named by :func:`~mmlab.data.number_name`) can
be read zero-shot. Single digits do not: nothing in the word "seven" says what
a seven looks like.

Used by: ``lectures/5_transference/02_colearning_zero_shot_translation.ipynb``
and the transference lab.

References
----------
Frome, A. et al. DeViSE: a deep visual-semantic embedding model. NeurIPS, 2013.
Socher, R., Ganjoo, M., Manning, C. D. and Ng, A. Zero-shot learning through
cross-modal transfer. NeurIPS, 2013.
Radford, A. et al. Learning transferable visual models from natural language
supervision. ICML, 2021.
Zadeh, A., Liang, P. P. and Morency, L.-P. Foundations of multimodal
co-learning. Information Fusion 64, 2020.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, seed_from_random_state
from mmlab.coordination._contrastive import mlp
from mmlab.transfer._adapters import cosine_logits

__all__ = ["NumberPairs", "ZeroShotProjector", "make_number_pairs", "split_classes"]


class ZeroShotProjector(nn.Module):
    r"""Map inputs into a text embedding space; classify by cosine similarity to class-name embeddings.

    .. math::

        g(x) = W_2\,\mathrm{ReLU}(W_1 x + b_1) + b_2 \ (\text{or } W x + b), \qquad
        p(k \mid x) = \operatorname{softmax}_k \big(\tau \cos(g(x), c_k)\big),

    trained by cross-entropy over the *seen* classes' embeddings :math:`c_k`;
    at test time any set of class embeddings can be passed (the unseen ones).

    Parameters
    ----------
    in_dim : int
    embed_dim : int, default=384
    hidden : int or None, default=None
        Hidden width; ``None`` for a linear map.
    scale : float, default=20.0
        :math:`\tau` (fixed).

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If a size is < 1.

    Examples
    --------
    >>> proj = ZeroShotProjector(128, 384)
    >>> proj(torch.randn(4, 128), torch.randn(7, 384)).shape
    torch.Size([4, 7])
    """

    def __init__(self, in_dim: int, embed_dim: int = 384, *, hidden: int | None = None, scale: float = 20.0) -> None:
        super().__init__()
        in_dim = check_positive_int(in_dim, "in_dim")
        embed_dim = check_positive_int(embed_dim, "embed_dim")
        if hidden is None:
            self.map = nn.Linear(in_dim, embed_dim)
        else:
            hidden = check_positive_int(hidden, "hidden")
            self.map = mlp(in_dim, embed_dim, hidden=hidden)
        self.scale = float(scale)
        self.embed_dim = embed_dim

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """:math:`g(x)`, shape ``(batch, embed_dim)``.

        Raises
        ------
        TypeError
            If ``x`` is not a tensor.
        """
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch.Tensor; got {type(x).__name__}.")
        return self.map(x)

    def forward(self, x: torch.Tensor, class_embeddings: torch.Tensor) -> torch.Tensor:
        """Logits ``(batch, K)`` against ``class_embeddings`` ``(K, embed_dim)``.

        Raises
        ------
        TypeError
            If an input is not a floating tensor.
        ValueError
            If ``class_embeddings`` does not have ``embed_dim`` columns.
        """
        return cosine_logits(self.embed(x), class_embeddings, scale=self.scale)


@dataclass(frozen=True)
class NumberPairs:
    """Two-digit numbers shown as two digit images side by side.

    Attributes
    ----------
    x : torch.Tensor of shape (n, 2 * d)
        Tens digit's features, then units digit's features.
    number : torch.Tensor of shape (n,)
        The number shown (10 * tens + units).
    """

    x: torch.Tensor
    number: torch.Tensor

    def __len__(self) -> int:
        return int(self.number.shape[0])


def make_number_pairs(
    features: torch.Tensor,
    labels: torch.Tensor,
    numbers: torch.Tensor | np.ndarray,
    n: int,
    *,
    random_state: RandomState = 0,
) -> NumberPairs:
    """Draw ``n`` two-digit numbers from ``numbers`` and show each with two random digit images of its digits.

    Parameters
    ----------
    features : torch.Tensor of shape (N, d)
        Per-digit features (e.g. standardised AV-Digits images of one split).
    labels : torch.Tensor of shape (N,)
        Their digits; every digit used by ``numbers`` must occur.
    numbers : array-like of int
        The numbers to draw from, uniformly (e.g. the seen classes).
    n : int
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    NumberPairs

    Raises
    ------
    TypeError
        If ``features`` or ``labels`` is not a tensor.
    ValueError
        If the shapes do not match, ``numbers`` is empty or outside 10-99, or a
        needed digit has no image.

    Examples
    --------
    >>> pairs = make_number_pairs(torch.randn(30, 4), torch.arange(30) % 10, [42, 57], 6)
    >>> tuple(pairs.x.shape), set(pairs.number.tolist()) <= {42, 57}
    ((6, 8), True)
    """
    if not isinstance(features, torch.Tensor) or not isinstance(labels, torch.Tensor):
        raise TypeError("features and labels must be torch tensors.")
    if features.ndim != 2 or labels.ndim != 1 or features.shape[0] != labels.shape[0]:
        raise ValueError(
            f"features must be (N, d) and labels (N,); got {tuple(features.shape)} and {tuple(labels.shape)}."
        )
    numbers = torch.as_tensor(np.asarray(numbers), dtype=torch.long).reshape(-1)
    if numbers.numel() == 0 or int(numbers.min()) < 10 or int(numbers.max()) > 99:
        raise ValueError("numbers must hold at least one two-digit number in 10..99.")
    n = check_positive_int(n, "n")
    gen = torch.Generator().manual_seed(seed_from_random_state(random_state))
    by_digit = [torch.nonzero(labels == d).reshape(-1) for d in range(10)]
    needed = set((numbers // 10).tolist()) | set((numbers % 10).tolist())
    empty = sorted(d for d in needed if len(by_digit[d]) == 0)
    if empty:
        raise ValueError(f"labels has no sample of the digit(s) {empty}, which the numbers need.")
    drawn = numbers[torch.randint(len(numbers), (n,), generator=gen)]

    def pick(digits: torch.Tensor) -> torch.Tensor:
        rows = torch.empty(n, dtype=torch.long)
        for d in digits.unique().tolist():
            where = torch.nonzero(digits == d).reshape(-1)
            pool = by_digit[d]
            rows[where] = pool[torch.randint(len(pool), (len(where),), generator=gen)]
        return rows

    tens, units = pick(drawn // 10), pick(drawn % 10)
    return NumberPairs(x=torch.cat([features[tens], features[units]], dim=1).float(), number=drawn)


def split_classes(
    classes: np.ndarray | list[int], n_unseen: int, *, random_state: RandomState = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Split classes at random into seen (for training) and unseen (for zero-shot testing), both sorted.

    Raises
    ------
    TypeError
        If ``n_unseen`` is not an int.
    ValueError
        If ``n_unseen`` is not between 1 and ``len(classes) - 1``.

    Examples
    --------
    >>> seen, unseen = split_classes(list(range(10)), 3, random_state=0)
    >>> len(seen), len(unseen), sorted([*seen, *unseen]) == list(range(10))
    (7, 3, True)
    """
    classes = np.asarray(classes)
    n_unseen = check_positive_int(n_unseen, "n_unseen")
    if n_unseen >= len(classes):
        raise ValueError(
            f"n_unseen must be between 1 and {len(classes) - 1} (some classes must stay seen); got {n_unseen}."
        )
    rng = np.random.default_rng(seed_from_random_state(random_state))
    perm = rng.permutation(len(classes))
    return np.sort(classes[perm[n_unseen:]]), np.sort(classes[perm[:n_unseen]])
