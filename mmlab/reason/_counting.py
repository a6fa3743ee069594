"""Counting "how many red squares?": explicit (detect, then count), MoVie's modulated convolution, global fusion.

Three ways to fuse a question :math:`q` with the cell features
:math:`v_{rc}` of an image before answering with a number:

- **explicit** (IRLC-like, detect then count): a detector scores every cell
  against the question, :math:`s_{rc} = \\sigma(f([v_{rc}; q]))`, and the count
  is :math:`\\sum_{rc} s_{rc}` (interpretable: the detections can be shown);
- **modulated** (MoVie, implicit and local): every cell's features are
  modulated by the question before pooling,

  .. math::

      \\bar v_{rc} = v_{rc} + W^\\top (v_{rc} \\otimes \\Delta\\gamma(q)),

  with :math:`\\Delta\\gamma(q)` a per-channel scale predicted from the
  question, :math:`\\otimes` the elementwise product and :math:`W` a 1x1
  convolution; then the features are averaged over the grid and an MLP
  outputs the count;
- **global** (late fusion): the cell features are averaged over the grid
  first, and only the pooled vector meets the question in an MLP.

Global fusion has to decide *before* it knows the question which
conjunctions of colour and shape to keep after pooling; modulation fuses at
every location, where colour and shape are still bound to one object.

Used by: ``lectures/3_reasoning/04_causal_knowledge_counting.ipynb`` and the
reasoning lab (the modulation).

References
----------
Nguyen, D.-K., Goswami, V. and Chen, X. MoVie: revisiting modulated
convolutions for visual counting and beyond. ICLR 2021.
Trott, A., Xiong, C. and Socher, R. Interpretable counting for visual
question answering. ICLR 2018.
Perez, E., Strub, F., de Vries, H., Dumoulin, V. and Courville, A. FiLM:
visual reasoning with a general conditioning layer. AAAI 2018.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import check_choice, check_positive_int
from mmlab.reason._modules import CellEncoder

__all__ = ["COUNTING_FUSIONS", "CountingModel", "ModulatedConv", "movie_modulation"]

#: The fusions :class:`CountingModel` knows.
COUNTING_FUSIONS: tuple[str, ...] = ("explicit", "modulated", "global")


def movie_modulation(v: torch.Tensor, delta_gamma: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    r"""MoVie's modulated 1x1 convolution, :math:`\bar v = v + W^\top (v \otimes \Delta\gamma)`, at every cell.

    .. math::

        \bar v_{b, k, r, c} = v_{b, k, r, c} + \sum_j W_{j k}\, v_{b, j, r, c}\, \Delta\gamma_{b, j}

    Parameters
    ----------
    v : torch.Tensor of shape (batch, channels, rows, cols)
        Cell features.
    delta_gamma : torch.Tensor of shape (batch, channels)
        Per-channel scales predicted from the question.
    weight : torch.Tensor of shape (channels, out_channels)
        :math:`W`; ``out_channels`` must equal ``channels`` (the sum is a residual).

    Returns
    -------
    torch.Tensor of shape (batch, channels, rows, cols)

    Raises
    ------
    TypeError
        If an argument is not a floating-point tensor.
    ValueError
        If the shapes do not fit together.

    Examples
    --------
    >>> v = torch.ones(1, 2, 1, 1)
    >>> movie_modulation(v, torch.tensor([[1.0, 0.0]]), torch.eye(2)).flatten().tolist()
    [2.0, 1.0]
    """
    for name, t in (("v", v), ("delta_gamma", delta_gamma), ("weight", weight)):
        if not isinstance(t, torch.Tensor) or not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point torch.Tensor; got {type(t).__name__}.")
    if v.ndim != 4:
        raise ValueError(f"v must have shape (batch, channels, rows, cols); got {tuple(v.shape)}.")
    b, k = v.shape[:2]
    if tuple(delta_gamma.shape) != (b, k):
        raise ValueError(f"delta_gamma must have shape (batch, channels) = {(b, k)}; got {tuple(delta_gamma.shape)}.")
    if tuple(weight.shape) != (k, k):
        raise ValueError(f"weight must have shape (channels, channels) = {(k, k)}; got {tuple(weight.shape)}.")
    return _modulate(v, delta_gamma, weight)


def _modulate(v: torch.Tensor, delta_gamma: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    scaled = v * delta_gamma[:, :, None, None]  # v ⊗ Δγ, per cell
    return v + torch.einsum("bjrc,jk->bkrc", scaled, weight)  # + W^T (v ⊗ Δγ)


class ModulatedConv(nn.Module):
    """A MoVie block: :math:`\\mathrm{ReLU}(v + W^\\top (v \\otimes \\Delta\\gamma(q)))`, Δγ linear in q.

    Parameters
    ----------
    channels : int
        Feature channels of ``v``.
    query_dim : int
        Length of the question vector.

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer.

    Examples
    --------
    >>> ModulatedConv(8, 5)(torch.zeros(2, 8, 4, 4), torch.zeros(2, 5)).shape
    torch.Size([2, 8, 4, 4])
    """

    def __init__(self, channels: int, query_dim: int) -> None:
        super().__init__()
        channels = check_positive_int(channels, "channels")
        query_dim = check_positive_int(query_dim, "query_dim")
        self.gamma = nn.Linear(query_dim, channels)
        self.weight = nn.Parameter(torch.randn(channels, channels) / channels**0.5)

    def forward(self, v: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
        """Modulated features ``(batch, channels, rows, cols)`` of ``v`` given the question ``q`` ``(batch, q_dim)``.

        Raises
        ------
        ValueError
            If ``v`` and ``q`` do not fit the block.
        """
        if q.ndim != 2 or q.shape[0] != v.shape[0]:
            raise ValueError(f"q must have shape (batch, query_dim) with batch {v.shape[0]}; got {tuple(q.shape)}.")
        return torch.relu(movie_modulation(v, self.gamma(q), self.weight))


class CountingModel(nn.Module):
    """Answer "how many ...?" from an image and a question vector, with one of three fusions.

    Parameters
    ----------
    query_dim : int
        Length of the question vector (e.g. the bag of words).
    fusion : {"explicit", "modulated", "global"}, default="modulated"
        See the module docstring.
    cell : int, default=8
    dim : int, default=16
        Cell features.
    hidden : int, default=64
    blocks : int, default=2
        Modulated blocks (``fusion="modulated"``).

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer or ``fusion`` is unknown.

    Examples
    --------
    >>> m = CountingModel(6, fusion="explicit")
    >>> m([torch.zeros(2, 3, 32, 32), torch.zeros(2, 6)]).shape
    torch.Size([2])
    """

    def __init__(
        self,
        query_dim: int,
        *,
        fusion: str = "modulated",
        cell: int = 8,
        dim: int = 16,
        hidden: int = 64,
        blocks: int = 2,
    ) -> None:
        super().__init__()
        self.fusion = check_choice(fusion, "fusion", COUNTING_FUSIONS)
        query_dim = check_positive_int(query_dim, "query_dim")
        hidden = check_positive_int(hidden, "hidden")
        blocks = check_positive_int(blocks, "blocks")
        self.encoder = CellEncoder(cell, dim)
        if fusion == "explicit":
            self.detector = nn.Sequential(nn.Conv2d(dim + query_dim, hidden, 1), nn.ReLU(), nn.Conv2d(hidden, 1, 1))
            with torch.no_grad():  # detections start near 0, not at 1/2 per cell (a count of half the grid)
                self.detector[-1].bias.fill_(-3.0)
        elif fusion == "modulated":
            self.blocks = nn.ModuleList([ModulatedConv(dim, query_dim) for _ in range(blocks)])
            self.head = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        else:
            self.head = nn.Sequential(
                nn.Linear(dim + query_dim, hidden),
                nn.ReLU(),
                nn.Linear(hidden, hidden),
                nn.ReLU(),
                nn.Linear(hidden, 1),
            )

    def detections(self, images: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
        """Per-cell detection probabilities ``(n, rows, cols)`` of the explicit counter.

        Raises
        ------
        ValueError
            If the model's fusion is not ``"explicit"``.
        """
        if self.fusion != "explicit":
            raise ValueError(f"only the explicit counter detects objects; this model's fusion is {self.fusion!r}.")
        v = self.encoder(images)
        qmap = q[:, :, None, None].expand(-1, -1, *v.shape[2:])
        return torch.sigmoid(self.detector(torch.cat([v, qmap], dim=1))).squeeze(1)

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Predicted counts ``(n,)`` from ``[images (n, 3, H, W), question (n, query_dim)]``.

        Raises
        ------
        TypeError
            If ``inputs`` is not a pair ``[images, question]``.
        """
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise TypeError("inputs must be a pair [images (n, 3, H, W), question (n, query_dim)].")
        images, q = inputs
        if self.fusion == "explicit":
            return self.detections(images, q).sum(dim=(1, 2))
        v = self.encoder(images)
        if self.fusion == "modulated":
            for block in self.blocks:
                v = block(v, q)
            return self.head(v.mean(dim=(2, 3))).squeeze(1)
        return self.head(torch.cat([v.mean(dim=(2, 3)), q], dim=1)).squeeze(1)
