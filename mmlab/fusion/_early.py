"""Very early fusion: one transformer over the raw tokens of all modalities, trained as a masked autoencoder.

Instead of an encoder per modality, the tokens of every modality enter one
transformer from the first layer on (with a learned embedding saying which
modality and position each token comes from). Trained to reconstruct tokens
that were hidden, including whole hidden modalities, it must learn how the
modalities predict each other: a multimodal masked autoencoder in miniature.

Used by ``lectures/1_representation/10_early_fusion_and_search.ipynb``.

References
----------
He, K., Chen, X., Xie, S., Li, Y., Dollár, P. and Girshick, R. Masked
autoencoders are scalable vision learners. CVPR 2022.
Geng, X., Liu, H., Lee, L., Schuurmans, D., Levine, S. and Abbeel, P.
Multimodal masked autoencoders learn transferable representations. arXiv:2205.14204, 2022.
Barnum, G., Talukder, S. and Yue, Y. On the benefits of early fusion in
multimodal representation learning. NeurIPS workshop 2020.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from mmlab._validation import RandomState, check_fraction, check_positive_int, seed_from_random_state
from mmlab.fusion._intermediate import TransformerBlock, _check_tokens

__all__ = ["MaskedMultimodalAutoencoder", "fit_masked_autoencoder"]


class MaskedMultimodalAutoencoder(nn.Module):
    r"""A transformer over the tokens of all modalities that reconstructs the hidden ones.

    Tokens :math:`x_{m,l} \in \mathbb R^{t_m}` of modality :math:`m` are
    embedded, hidden tokens replaced by a learned mask vector, and every
    token gets a learned position-and-modality embedding:

    .. math::

        h_{m,l} = \begin{cases} e_{\text{mask}} & \text{hidden} \\ W_m x_{m,l} & \text{visible} \end{cases}
                  + e_{m,l}, \qquad
        H' = \operatorname{Blocks}(H), \qquad \hat x_{m,l} = V_m h'_{m,l} ,

    and the loss is the squared error on the hidden tokens only. All tokens
    attend to all tokens (very early fusion).

    Parameters
    ----------
    token_dims : sequence of int
        :math:`t_m`, the size of a token of each modality.
    n_tokens : sequence of int
        :math:`L_m`, tokens per modality.
    dim : int, default=32
    n_layers : int, default=2
    n_heads : int, default=2

    Raises
    ------
    TypeError, ValueError
        On bad sizes; on inputs or masks of the wrong structure or shape.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import MaskedMultimodalAutoencoder
    >>> mae = MaskedMultimodalAutoencoder([4, 3], [2, 5], dim=8)
    >>> xs = [torch.randn(6, 2, 4), torch.randn(6, 5, 3)]
    >>> [tuple(r.shape) for r in mae(xs, mae.hide_modality(6, 1))]
    [(6, 2, 4), (6, 5, 3)]
    """

    def __init__(
        self, token_dims: Sequence[int], n_tokens: Sequence[int], *, dim: int = 32, n_layers: int = 2, n_heads: int = 2
    ) -> None:
        super().__init__()
        if (
            isinstance(token_dims, (str, bytes))
            or not isinstance(token_dims, Sequence)
            or not isinstance(n_tokens, Sequence)
            or len(token_dims) != len(n_tokens)
            or len(token_dims) < 1
        ):
            raise TypeError(
                "token_dims and n_tokens must be lists of the same length, one entry per modality; got "
                f"{token_dims!r} and {n_tokens!r}."
            )
        self.token_dims = tuple(check_positive_int(t, f"token_dims[{i}]") for i, t in enumerate(token_dims))
        self.n_tokens = tuple(check_positive_int(t, f"n_tokens[{i}]") for i, t in enumerate(n_tokens))
        self.dim = check_positive_int(dim, "dim")
        n_layers = check_positive_int(n_layers, "n_layers")
        self.embed = nn.ModuleList(nn.Linear(t, dim) for t in self.token_dims)  # W_m
        self.position = nn.Parameter(0.02 * torch.randn(sum(self.n_tokens), dim))  # e_{m,l}
        self.mask_token = nn.Parameter(torch.zeros(dim))  # e_mask
        self.blocks = nn.ModuleList(TransformerBlock(dim, n_heads) for _ in range(n_layers))
        self.readout = nn.ModuleList(nn.Linear(dim, t) for t in self.token_dims)  # V_m

    def forward(self, xs: Sequence[torch.Tensor], mask: torch.Tensor) -> list[torch.Tensor]:
        """Reconstruct every token from the visible ones; ``mask`` is ``(batch, sum L_m)``, True = hidden.

        Raises
        ------
        ValueError
            If a modality has the wrong number of tokens or the mask is not boolean of that shape.
        """
        xs = _check_tokens(xs, None, "xs", n_modalities=len(self.token_dims), dims=self.token_dims)
        for i, (x, n) in enumerate(zip(xs, self.n_tokens, strict=True)):
            if x.shape[1] != n:
                raise ValueError(f"xs[{i}] must have {n} tokens; got shape {tuple(x.shape)}.")
        batch = xs[0].shape[0]
        if (
            not isinstance(mask, torch.Tensor)
            or mask.dtype != torch.bool
            or tuple(mask.shape) != (batch, sum(self.n_tokens))
        ):
            raise ValueError(
                f"mask must be a boolean tensor of shape ({batch}, {sum(self.n_tokens)}), True for a "
                f"hidden token; got {getattr(mask, 'dtype', type(mask).__name__)} "
                f"{tuple(getattr(mask, 'shape', ()))}."
            )
        h = torch.cat([w(x) for w, x in zip(self.embed, xs, strict=True)], dim=1)
        h = torch.where(mask[..., None], self.mask_token.expand_as(h), h) + self.position
        for block in self.blocks:
            h = block(h)
        parts = h.split(list(self.n_tokens), dim=1)
        return [v(p) for v, p in zip(self.readout, parts, strict=True)]

    def masked_loss(self, xs: Sequence[torch.Tensor], mask: torch.Tensor) -> torch.Tensor:
        """Mean squared error over the hidden tokens (each token's error averaged over its entries).

        Raises
        ------
        ValueError
            If no token is hidden, or on inputs or masks of the wrong shape.
        """
        if not bool(mask.any()):
            raise ValueError("mask hides no token; the masked loss needs at least one hidden token.")
        rec = self(xs, mask)
        err = torch.cat([((r - x) ** 2).mean(dim=2) for r, x in zip(rec, xs, strict=True)], dim=1)
        return err[mask].mean()

    def random_mask(
        self, batch: int, generator: torch.Generator, *, ratio: float = 0.5, whole_modality: float = 0.5
    ) -> torch.Tensor:
        """Hide each token with probability ``ratio``; with probability ``whole_modality`` hide one whole modality.

        Raises
        ------
        ValueError
            If ``ratio`` or ``whole_modality`` is not in [0, 1].
        """
        ratio = check_fraction(ratio, "ratio")
        whole_modality = check_fraction(whole_modality, "whole_modality")
        total = sum(self.n_tokens)
        mask = torch.rand(batch, total, generator=generator) < ratio
        starts = [sum(self.n_tokens[:m]) for m in range(len(self.n_tokens))]
        whole = torch.rand(batch, generator=generator) < whole_modality
        which = torch.randint(0, len(self.n_tokens), (batch,), generator=generator)
        for m, (start, n) in enumerate(zip(starts, self.n_tokens, strict=True)):
            rows = whole & (which == m)
            mask[rows] = False
            mask[rows, start : start + n] = True
        empty = ~mask.any(dim=1)
        mask[empty, 0] = True  # at least one hidden token per sample
        return mask.to(self.position.device)

    def hide_modality(self, batch: int, modality: int) -> torch.Tensor:
        """A mask hiding every token of one modality and nothing else.

        Raises
        ------
        ValueError
            If ``modality`` is not a valid index.
        """
        if not 0 <= modality < len(self.n_tokens):
            raise ValueError(f"modality must be in 0..{len(self.n_tokens) - 1}; got {modality}.")
        start = sum(self.n_tokens[:modality])
        mask = torch.zeros(batch, sum(self.n_tokens), dtype=torch.bool, device=self.position.device)
        mask[:, start : start + self.n_tokens[modality]] = True
        return mask


def fit_masked_autoencoder(
    model: MaskedMultimodalAutoencoder,
    xs: Sequence[torch.Tensor],
    *,
    epochs: int,
    batch_size: int = 128,
    lr: float = 3e-3,
    ratio: float = 0.5,
    whole_modality: float = 0.5,
    random_state: RandomState = 0,
) -> list[float]:
    """Train the autoencoder on random masks (:meth:`MaskedMultimodalAutoencoder.random_mask`); return the losses.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`MaskedMultimodalAutoencoder`.
    ValueError
        As :func:`mmlab.coordination.train_objective` and the mask options.

    Examples
    --------
    >>> import torch
    >>> from mmlab.fusion import MaskedMultimodalAutoencoder, fit_masked_autoencoder
    >>> mae = MaskedMultimodalAutoencoder([2, 2], [3, 3], dim=8)
    >>> xs = [torch.randn(40, 3, 2), torch.randn(40, 3, 2)]
    >>> len(fit_masked_autoencoder(mae, xs, epochs=2, batch_size=20))
    4
    """
    from mmlab.coordination import train_objective

    if not isinstance(model, MaskedMultimodalAutoencoder):
        raise TypeError(f"model must be a MaskedMultimodalAutoencoder; got {type(model).__name__}.")
    check_fraction(ratio, "ratio")
    check_fraction(whole_modality, "whole_modality")
    gen = torch.Generator().manual_seed((seed_from_random_state(random_state) + 7) % 2**63)

    def objective(batch: list[torch.Tensor]) -> torch.Tensor:
        mask = model.random_mask(batch[0].shape[0], gen, ratio=ratio, whole_modality=whole_modality)
        return model.masked_loss(batch, mask)

    return train_objective(model, objective, xs, epochs=epochs, batch_size=batch_size, lr=lr, random_state=random_state)
