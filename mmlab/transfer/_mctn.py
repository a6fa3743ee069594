"""Co-learning via generation: cyclic translation between modalities (MCTN in miniature).

The Multimodal Cyclic Translation Network (Pham et al., 2019) learns a
representation of a *source* modality by translating it into a *target*
modality and back:

.. math::

    z = E_s(x_s), \\quad \\hat x_t = D_t(z), \\quad \\hat x_s = D_s(E_t(\\hat x_t)), \\qquad
    \\mathcal L = \\underbrace{\\lVert \\hat x_t - x_t \\rVert^2}_{\\text{translation}}
    + \\lambda_c \\underbrace{\\lVert \\hat x_s - x_s \\rVert^2}_{\\text{cycle}}
    + \\lambda_y\\, \\mathrm{CE}(h(z), y).

The target modality is needed only for training; at test time the classifier
:math:`h(E_s(x_s))` reads the source alone. The translation term needs no
labels, so every paired sample teaches the encoder something, while the
classification term uses the labelled ones: this is how the second modality
helps when labels are scarce.

Used by: ``lectures/5_transference/02_colearning_zero_shot_translation.ipynb``.

References
----------
Pham, H., Liang, P. P., Manzini, T., Morency, L.-P. and Póczos, B. Found in
translation: learning robust joint representations by cyclic translations
between modalities. AAAI, 2019.
Zadeh, A., Liang, P. P. and Morency, L.-P. Foundations of multimodal
co-learning. Information Fusion 64, 2020.
"""

from __future__ import annotations

import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_scalar, seed_from_random_state
from mmlab.coordination._contrastive import mlp

__all__ = ["CyclicTranslator", "fit_cyclic_translator"]


class CyclicTranslator(nn.Module):
    """Source encoder, translator to the target and back, and a classifier on the source code.

    Parameters
    ----------
    source_dim, target_dim : int
        Feature widths of the source and target modalities.
    n_classes : int
    code_dim : int, default=32
        Width of the code :math:`z`.
    hidden : int, default=64
        Hidden width of every encoder and decoder.

    Attributes
    ----------
    encode_source, decode_target, encode_target, decode_source : nn.Sequential
        :math:`E_s, D_t, E_t, D_s`.
    head : nn.Sequential
        :math:`h` (ReLU then linear).

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If a size is < 1.

    Examples
    --------
    >>> model = CyclicTranslator(64, 384, 10)
    >>> model(torch.randn(3, 64)).shape
    torch.Size([3, 10])
    """

    def __init__(
        self, source_dim: int, target_dim: int, n_classes: int, *, code_dim: int = 32, hidden: int = 64
    ) -> None:
        super().__init__()
        source_dim = check_positive_int(source_dim, "source_dim")
        target_dim = check_positive_int(target_dim, "target_dim")
        n_classes = check_positive_int(n_classes, "n_classes")
        code_dim = check_positive_int(code_dim, "code_dim")
        hidden = check_positive_int(hidden, "hidden")
        self.encode_source = mlp(source_dim, code_dim, hidden=hidden)
        self.decode_target = mlp(code_dim, target_dim, hidden=hidden)
        self.encode_target = mlp(target_dim, code_dim, hidden=hidden)
        self.decode_source = mlp(code_dim, source_dim, hidden=hidden)
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(code_dim, n_classes))

    def forward(self, source: torch.Tensor) -> torch.Tensor:
        """Class logits from the source modality alone (what runs at test time).

        Raises
        ------
        TypeError
            If ``source`` is not a tensor.
        """
        if not isinstance(source, torch.Tensor):
            raise TypeError(f"source must be a torch.Tensor; got {type(source).__name__}.")
        return self.head(self.encode_source(source))

    def losses(self, source: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(code z, translation loss, cycle loss)`` for a batch of paired samples.

        Raises
        ------
        ValueError
            If ``source`` and ``target`` hold different numbers of samples.
        """
        if source.shape[0] != target.shape[0]:
            raise ValueError(
                f"source and target must hold paired samples; got {source.shape[0]} and {target.shape[0]} rows."
            )
        z = self.encode_source(source)
        translated = self.decode_target(z)
        back = self.decode_source(self.encode_target(translated))
        return z, nn.functional.mse_loss(translated, target), nn.functional.mse_loss(back, source)


def fit_cyclic_translator(
    model: nn.Module,
    source: torch.Tensor,
    target: torch.Tensor | None,
    y: torch.Tensor,
    labelled: torch.Tensor,
    *,
    epochs: int,
    translate: bool = True,
    cycle_weight: float = 1.0,
    batch_size: int = 128,
    lr: float = 3e-3,
    weight_decay: float = 1e-4,
    random_state: RandomState = 0,
) -> nn.Module:
    """Train a :class:`CyclicTranslator` on paired data of which only some samples are labelled.

    Every epoch visits all samples in a seeded random order. A batch's loss is
    the cross-entropy on its labelled rows plus, with ``translate=True``, the
    translation and ``cycle_weight`` times the cycle loss on all its rows. With
    ``translate=False`` the target is ignored and the same network is a plain
    unimodal classifier trained on the labelled rows: the baseline.

    Parameters
    ----------
    model : CyclicTranslator
    source : torch.Tensor of shape (n, d_s)
    target : torch.Tensor of shape (n, d_t) or None
        May be None only with ``translate=False``.
    y : torch.Tensor of shape (n,)
        Labels (only the labelled rows are read).
    labelled : torch.Tensor of shape (n,), bool
    epochs : int
    translate : bool, default=True
    cycle_weight : float, default=1.0
    batch_size, lr, weight_decay
        Adam's settings.
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    nn.Module
        ``model``, trained (in evaluation mode).

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`CyclicTranslator` or ``labelled`` is not boolean.
    ValueError
        If the inputs hold different numbers of samples, no row is labelled, or
        ``target`` is None with ``translate=True``.

    Examples
    --------
    >>> x, t, y = torch.randn(40, 4), torch.randn(40, 3), torch.arange(40) % 2
    >>> model = fit_cyclic_translator(CyclicTranslator(4, 3, 2), x, t, y, torch.arange(40) < 10, epochs=2)
    >>> model(x).shape
    torch.Size([40, 2])
    """
    if not isinstance(model, CyclicTranslator):
        raise TypeError(f"model must be a CyclicTranslator; got {type(model).__name__}.")
    if not isinstance(labelled, torch.Tensor) or labelled.dtype != torch.bool:
        raise TypeError("labelled must be a boolean tensor marking the labelled rows.")
    if translate and target is None:
        raise ValueError("translate=True needs the target modality; pass target or translate=False.")
    n = source.shape[0]
    rows = [n, y.shape[0], labelled.shape[0]] + ([] if target is None else [target.shape[0]])
    if len(set(rows)) > 1:
        raise ValueError(f"source, target, y and labelled must hold the same samples; got {rows} rows.")
    if not bool(labelled.any()):
        raise ValueError("labelled marks no row: at least one labelled sample is needed.")
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    cycle_weight = check_scalar(cycle_weight, "cycle_weight", min_val=0)
    gen = torch.Generator().manual_seed(seed_from_random_state(random_state))
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay, foreach=True)  # = per-tensor Adam
    model.train()
    for _ in range(epochs):
        for idx in torch.randperm(n, generator=gen).split(batch_size):
            mark = labelled[idx]
            if translate:
                z, trans, cyc = model.losses(source[idx], target[idx])
                loss = trans + cycle_weight * cyc
            else:
                if not bool(mark.any()):
                    continue
                z, loss = model.encode_source(source[idx]), 0.0
            if bool(mark.any()):
                loss = loss + nn.functional.cross_entropy(model.head(z[mark]), y[idx][mark])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return model.eval()
