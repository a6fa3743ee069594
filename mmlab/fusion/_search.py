"""Fusion architecture search in miniature: a differentiable choice among fuse cells (DARTS / MUFASA style).

Instead of choosing the fusion operator by hand, relax the choice: the fused
vector is a softmax-weighted sum of candidate cells, the weights
:math:`\alpha` are trained on *validation* batches while the network weights
are trained on training batches (first-order DARTS), and the cell with the
largest weight is kept. :class:`FusionCellSearch` is the relaxed cell,
:func:`search_fusion_cell` the bilevel loop.

Used by ``lectures/1_representation/10_early_fusion_and_search.ipynb``.

References
----------
Liu, H., Simonyan, K. and Yang, Y. DARTS: differentiable architecture search.
ICLR 2019.
Xu, Z., So, D. R. and Dai, A. M. MUFASA: multimodal fusion architecture
search for electronic health records. AAAI 2021.
Zela, A., Elsken, T., Saikia, T., Marrakchi, Y., Brox, T. and Hutter, F.
Understanding and robustifying differentiable architecture search. ICLR 2020
(DARTS degrades when searched too long; early stopping).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from mmlab._validation import RandomState, check_positive_int, check_scalar, seed_from_random_state
from mmlab.fusion._base import Fusion
from mmlab.fusion._classifier import MultimodalClassifier
from mmlab.fusion._registry import make_fusion, register_fusion
from mmlab.runtime import seeded

__all__ = ["SEARCH_CELLS", "FusionCellSearch", "SearchResult", "search_fusion_cell"]

#: The candidate fuse cells of the lecture: concatenation, addition, attention (MUFASA's fusion blocks).
SEARCH_CELLS: tuple[str, ...] = ("concat", "additive", "self_attention")


class FusionCellSearch(Fusion):
    r"""A continuous relaxation of the choice among fusion cells.

    .. math::

        z = \sum_{j=1}^{J} \frac{e^{\alpha_j}}{\sum_k e^{\alpha_k}}\, N_j\big(f_j(x_1, \dots, x_M)\big),

    with cells :math:`f_j` built by :func:`~mmlab.fusion.make_fusion` (same
    ``in_dims`` and ``out_dim``) and architecture logits :math:`\alpha`
    (initialised to 0). Each cell's output passes a batch normalisation
    without learned scale or shift (:math:`N_j`, as in DARTS), so that the
    weights compare cells rather than the scales of their outputs, which the
    cells' own parameters could otherwise trade against :math:`\alpha`.
    Unlike :class:`~mmlab.fusion.MixtureOfFusions` the outputs are *not*
    layer-normalised: a layer norm divides by a per-sample scale computed
    from all modalities, which is itself a cross-modal interaction and lets
    even an additive cell fit a synergy task, hiding the difference the search
    must see (batch statistics are shared by all samples: no such effect).

    Parameters
    ----------
    in_dims : sequence of int
    out_dim : int
    cells : sequence of str, default=SEARCH_CELLS

    Attributes
    ----------
    cells : torch.nn.ModuleList
    names : tuple of str
    logits : torch.nn.Parameter
        :math:`\alpha`.

    Raises
    ------
    TypeError
        If ``cells`` is not a non-empty list of names.
    ValueError
        If a cell name is unknown or repeated; as :class:`~mmlab.fusion.Fusion`.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import FusionCellSearch
    >>> cell = FusionCellSearch([3, 5], 4)
    >>> cell([torch.randn(2, 3), torch.randn(2, 5)]).shape, cell.chosen() in cell.names
    (torch.Size([2, 4]), True)
    """

    def __init__(self, in_dims: Sequence[int], out_dim: int, cells: Sequence[str] = SEARCH_CELLS) -> None:
        super().__init__(in_dims, out_dim)
        if isinstance(cells, (str, bytes)) or not isinstance(cells, Sequence) or not cells:
            raise TypeError(
                f"cells must be a non-empty list of fusion names, e.g. {list(SEARCH_CELLS)}; got {cells!r}."
            )
        if len(set(cells)) != len(cells):
            raise ValueError(f"cells must be distinct; got {list(cells)}.")
        self.names = tuple(cells)
        self.cells = nn.ModuleList(make_fusion(c, self.in_dims, self.out_dim) for c in cells)
        # N_j: per-unit batch normalisation without learned scale, as in DARTS's operations
        self.norms = nn.ModuleList(nn.BatchNorm1d(self.out_dim, affine=False) for _ in cells)
        self.logits = nn.Parameter(torch.zeros(len(cells)))  # alpha

    def forward(self, xs: Sequence[torch.Tensor]) -> torch.Tensor:
        xs = self._check(xs)
        pi = torch.softmax(self.logits, dim=0)
        return sum(p * norm(cell(xs)) for p, cell, norm in zip(pi, self.cells, self.norms, strict=True))

    def weights_by_name(self) -> dict[str, float]:
        """The softmax weights of the cells, ``{name: weight}``."""
        return dict(zip(self.names, torch.softmax(self.logits.detach(), 0).cpu().tolist(), strict=True))

    def chosen(self) -> str:
        """The name of the cell with the largest weight (the discretised architecture)."""
        return self.names[int(self.logits.detach().argmax())]

    def arch_parameters(self) -> list[nn.Parameter]:
        """The architecture logits :math:`\\alpha` (trained on validation data)."""
        return [self.logits]


register_fusion("search", FusionCellSearch)


@dataclass
class SearchResult:
    """What :func:`search_fusion_cell` found.

    Attributes
    ----------
    chosen : str
        The cell with the largest final weight.
    weights : dict of str to float
        The final softmax weights.
    trajectory : ndarray of shape (epochs run + 1, J)
        The weights at the start and after every epoch.
    names : tuple of str
    model : MultimodalClassifier
        The searched network (encoders, :class:`FusionCellSearch`, linear head).
    """

    chosen: str
    weights: dict[str, float]
    trajectory: np.ndarray
    names: tuple[str, ...]
    model: Any


def search_fusion_cell(
    train: Any,
    val: Any,
    *,
    cells: Sequence[str] = SEARCH_CELLS,
    epochs: int = 20,
    embed_dim: int = 16,
    hidden: int = 32,
    batch_size: int = 64,
    lr: float = 3e-3,
    arch_lr: float = 3e-2,
    warmup: int = 0,
    stop_at: float | None = 0.9,
    random_state: RandomState = 0,
) -> SearchResult:
    r"""First-order DARTS over fuse cells: weights on training batches, :math:`\alpha` on validation batches.

    The network is MLP encoders, a :class:`FusionCellSearch` and a linear
    head (so that the cell alone decides which interactions the model can
    express). Every step takes one Adam step on :math:`\alpha` with a
    validation batch, then one on the other weights with a training batch:

    .. math::

        \alpha \leftarrow \alpha - \eta_\alpha \nabla_\alpha \mathcal L_{val}(w, \alpha), \qquad
        w \leftarrow w - \eta_w \nabla_w \mathcal L_{train}(w, \alpha).

    Parameters
    ----------
    train, val : data with ``modalities`` and ``y`` (or a pair)
        Classification data (e.g. splits of :func:`mmlab.data.make_interaction`).
    cells : sequence of str, default=SEARCH_CELLS
    epochs : int, default=20
        Passes over the training data.
    embed_dim, hidden : int
        Encoder output and hidden sizes.
    batch_size : int, default=64
    lr, arch_lr : float
        :math:`\eta_w` and :math:`\eta_\alpha`.
    warmup : int, default=0
        Epochs of weight training before :math:`\alpha` starts to move.
    stop_at : float or None, default=0.9
        Stop the search after the first epoch at which one cell holds this
        share of the weight. Searched on after the network has fitted the
        data, DARTS drifts towards whichever cell the shrinking gradients
        happen to favour (Zela et al. 2020), so an early stop is part of the
        method; ``None`` runs all ``epochs``.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the initialisation and the batches.

    Returns
    -------
    SearchResult

    Raises
    ------
    TypeError
        If ``train`` or ``val`` is not data with modalities and labels.
    ValueError
        On a bad size, learning rate or ``stop_at``, or an unknown cell.

    Examples
    --------
    >>> from mmlab.data import make_interaction
    >>> from mmlab.fusion import search_fusion_cell
    >>> train, val = make_interaction(200, "synergy", random_state=0).split((0.5, 0.5))
    >>> search_fusion_cell(train, val, epochs=1).chosen in ("concat", "additive", "self_attention")
    True
    """
    from mmlab.fusion.experiments import as_xy

    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    arch_lr = check_scalar(arch_lr, "arch_lr", min_val=0, include_boundaries="neither")
    warmup = check_positive_int(warmup, "warmup", minimum=0)
    if stop_at is not None:
        stop_at = check_scalar(stop_at, "stop_at", min_val=0, max_val=1, include_boundaries="right")
    seed = seed_from_random_state(random_state)
    xs, y = as_xy(train)
    xv, yv = as_xy(val)
    n_classes = int(max(int(y.max()), int(yv.max())) + 1)
    with seeded(seed):
        search = FusionCellSearch([embed_dim] * len(xs), embed_dim, cells)
        model = MultimodalClassifier.build(
            [x.shape[1] for x in xs], n_classes, search, embed_dim=embed_dim, hidden=hidden
        )
    arch = search.arch_parameters()
    weights = [p for p in model.parameters() if all(p is not a for a in arch)]
    # foreach: the per-tensor Adam's arithmetic in a few kernels per step (bit-identical, faster for many tensors)
    opt_w = torch.optim.Adam(weights, lr=lr, foreach=True)
    opt_a = torch.optim.Adam(arch, lr=arch_lr)
    gen = torch.Generator().manual_seed(seed % 2**63)
    trajectory = [list(search.weights_by_name().values())]
    model.train()
    for epoch in range(epochs):
        for idx in torch.randperm(len(y), generator=gen).split(batch_size):
            vidx = torch.randint(0, len(yv), (batch_size,), generator=gen)
            if epoch >= warmup:
                _step(opt_a, F.cross_entropy(model([x[vidx] for x in xv]), yv[vidx]))  # alpha on validation
            _step(opt_w, F.cross_entropy(model([x[idx] for x in xs]), y[idx]))  # w on training
        trajectory.append(list(search.weights_by_name().values()))
        if stop_at is not None and max(trajectory[-1]) >= stop_at:
            break  # the architecture is decided; searching on lets DARTS drift (Zela et al. 2020)
    model.eval()
    return SearchResult(
        chosen=search.chosen(),
        weights=search.weights_by_name(),
        trajectory=np.array(trajectory),
        names=search.names,
        model=model,
    )


def _step(opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
