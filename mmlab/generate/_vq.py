r"""Discrete image tokens: vector quantisation with the straight-through estimator, and a small VQ-VAE.

A VQ-VAE (van den Oord, Vinyals and Kavukcuoglu, 2017) encodes an image into a grid of vectors and replaces
each by its nearest entry of a learned codebook, so the image becomes a short sequence of integers (its
*tokens*) that an autoregressive model can learn, as DALL-E does with its discrete VAE (Ramesh et al.,
2021). Here an 8x8 digit becomes a 4x4 grid of tokens from a codebook of 16 entries.

Used by: ``lectures/4_generation/02_discrete_tokens_and_prior.ipynb``; the lab's straight-through exercise.

References: van den Oord, A., Vinyals, O. and Kavukcuoglu, K. Neural discrete representation learning.
NeurIPS 2017. Bengio, Y., Léonard, N. and Courville, A. Estimating or propagating gradients through
stochastic neurons for conditional computation. arXiv:1308.3432, 2013. Ramesh, A. et al. Zero-shot
text-to-image generation. ICML 2021.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, check_scalar
from mmlab.generate._common import check_tensor, check_width, finite_range, module_device, torch_generator
from mmlab.generate._gaussian import _bernoulli_nll

__all__ = ["VQVAE", "vector_quantize"]


def vector_quantize(z_e: torch.Tensor, codebook: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Replace each row by its nearest codebook entry, passing gradients straight through to the input.

    .. math::

        k_i = \operatorname*{arg\,min}_{k} \lVert z_{e,i} - e_k \rVert_2, \qquad
        z_{q,i} = z_{e,i} + \operatorname{sg}\big[e_{k_i} - z_{e,i}\big],

    where :math:`\operatorname{sg}` stops the gradient (``detach``). The forward value is
    :math:`e_{k_i}`; the backward pass treats the quantiser as the identity
    (:math:`\partial z_q / \partial z_e = I`, the straight-through estimator), because the arg-min has
    no useful gradient. The codebook gets no gradient through :math:`z_q`; VQ-VAE trains it with its
    own codebook loss (:class:`VQVAE`).

    Parameters
    ----------
    z_e : Tensor of shape (n, D)
        Encoder outputs, one vector per row.
    codebook : Tensor of shape (K, D)
        The :math:`K` code vectors :math:`e_k`.

    Returns
    -------
    z_q : Tensor of shape (n, D)
        The quantised vectors (values of the codebook, gradients of ``z_e``).
    indices : Tensor of shape (n,)
        int64 indices :math:`k_i` of the nearest entries (the tokens).

    Raises
    ------
    TypeError
        If an input is not a floating-point tensor.
    ValueError
        If an input is not 2-D, the widths differ, the codebook is empty, or a value is not finite.

    References
    ----------
    van den Oord, A., Vinyals, O. and Kavukcuoglu, K. Neural discrete representation learning. NeurIPS
    2017, equations 1-3.

    Examples
    --------
    >>> codebook = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    >>> z_q, k = vector_quantize(torch.tensor([[0.9, 0.8], [0.1, -0.2]]), codebook)
    >>> k.tolist(), z_q.tolist()
    ([1, 0], [[1.0, 1.0], [0.0, 0.0]])
    """
    z_e = check_tensor(z_e, "z_e", ndim=2)
    codebook = check_tensor(codebook, "codebook", ndim=2)
    if codebook.shape[0] == 0:
        raise ValueError("codebook must hold at least one code vector; got shape (0, D).")
    check_width(z_e, "z_e", codebook.shape[1], "the codebook's width D")
    return _vector_quantize(z_e, codebook)


def _vector_quantize(z_e: torch.Tensor, codebook: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Nearest code (squared distances expanded, no (n, K, D) tensor) and the straight-through value."""
    dist = z_e.pow(2).sum(1, keepdim=True) - 2 * z_e @ codebook.T + codebook.pow(2).sum(1)  # ||z_e - e_k||²
    indices = dist.argmin(dim=1)
    z_q = codebook[indices]
    return z_e + (z_q - z_e).detach(), indices  # value e_k, gradient identity


class VQVAE(nn.Module):
    r"""A small VQ-VAE for grey-level images: a convolutional encoder, a codebook, a convolutional decoder.

    .. math::

        \mathcal L = \underbrace{-\log p_\theta(x \mid z_q)}_{\text{reconstruction}}
        + \underbrace{\lVert \operatorname{sg}[z_e] - e \rVert^2}_{\text{codebook}}
        + \beta\, \underbrace{\lVert z_e - \operatorname{sg}[e] \rVert^2}_{\text{commitment}} ,

    summed over the grid positions; :math:`z_e` is the encoder's output at a position, :math:`e` its
    nearest code, :math:`z_q` the straight-through quantised grid (:func:`vector_quantize`),
    :math:`p_\theta` a Bernoulli decoder and :math:`\beta` the commitment weight (0.25, as in the paper).
    The encoder halves the height and width once (an 8x8 image gives a 4x4 grid, 16 tokens).

    Parameters
    ----------
    image_shape : (int, int), default=(8, 8)
        Height and width of the images (even numbers); inputs are flattened rows ``(n, h * w)``.
    codebook_size : int, default=16
        :math:`K`, the number of tokens.
    code_dim : int, default=16
        :math:`D`, the width of a code vector.
    hidden : int, default=32
        Channels of the convolutional layers.
    commitment : float, default=0.25
        :math:`\beta`.

    Attributes
    ----------
    codebook : torch.nn.Parameter of shape (K, D)
    grid : (int, int)
        The token grid, ``(h // 2, w // 2)``.
    n_tokens : int
        Tokens per image.

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer, the image sides are not even, or ``commitment`` is negative.

    See Also
    --------
    mmlab.generate.TokenPrior : the autoregressive prior over the tokens.

    References
    ----------
    van den Oord, A., Vinyals, O. and Kavukcuoglu, K. Neural discrete representation learning. NeurIPS 2017.

    Examples
    --------
    >>> vq = VQVAE()
    >>> x = torch.rand(3, 64)
    >>> vq.encode(x).shape, vq.decode(vq.encode(x)).shape
    (torch.Size([3, 16]), torch.Size([3, 64]))
    """

    def __init__(
        self,
        image_shape: Sequence[int] = (8, 8),
        *,
        codebook_size: int = 16,
        code_dim: int = 16,
        hidden: int = 32,
        commitment: float = 0.25,
    ) -> None:
        super().__init__()
        if not isinstance(image_shape, Sequence) or len(image_shape) != 2:
            raise TypeError(f"image_shape must be a pair (height, width); got {image_shape!r}.")
        h, w = (check_positive_int(s, "image_shape[i]") for s in image_shape)
        if h % 2 or w % 2:
            raise ValueError(f"image_shape must have even sides (the encoder halves them); got {(h, w)}.")
        self.image_shape = (h, w)
        self.grid = (h // 2, w // 2)
        self.n_tokens = self.grid[0] * self.grid[1]
        self.codebook_size = check_positive_int(codebook_size, "codebook_size")
        self.code_dim = check_positive_int(code_dim, "code_dim")
        hidden = check_positive_int(hidden, "hidden")
        self.commitment = check_scalar(commitment, "commitment", min_val=0)
        self.encoder = nn.Sequential(
            nn.Conv2d(1, hidden, 3, padding=1), nn.ReLU(), nn.Conv2d(hidden, self.code_dim, 4, stride=2, padding=1)
        )  # h x w -> h/2 x w/2
        self.decoder = nn.Sequential(
            nn.Conv2d(self.code_dim, hidden, 3, padding=1),
            nn.ReLU(),
            nn.ConvTranspose2d(hidden, hidden, 4, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(hidden, 1, 3, padding=1),
        )
        self.codebook = nn.Parameter(torch.randn(self.codebook_size, self.code_dim))  # e_1 .. e_K

    # ------------------------------------------------------------------ pieces
    def encode_vectors(self, x: torch.Tensor) -> torch.Tensor:
        """Encoder outputs :math:`z_e`, one row per grid position: shape ``(n * n_tokens, D)``.

        Raises
        ------
        TypeError, ValueError
            If ``x`` is not a ``(n, h * w)`` floating-point tensor.
        """
        x = self._check_x(x)
        z = self.encoder(x.view(-1, 1, *self.image_shape))  # (n, D, h/2, w/2)
        return z.permute(0, 2, 3, 1).reshape(-1, self.code_dim)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The tokens of each image: int64 ``(n, n_tokens)``, row-major over the grid.

        Raises
        ------
        TypeError, ValueError
            As :meth:`encode_vectors`.
        """
        with torch.no_grad():
            _, idx = _vector_quantize(self.encode_vectors(x), self.codebook)
        return idx.view(-1, self.n_tokens)

    def decode(self, tokens: torch.Tensor) -> torch.Tensor:
        """Decoder logits ``(n, h * w)`` for token grids ``(n, n_tokens)`` (apply a sigmoid for pixels).

        Raises
        ------
        TypeError, ValueError
            If ``tokens`` is not an integer ``(n, n_tokens)`` tensor of indices below ``codebook_size``.
        """
        tokens = self._check_tokens(tokens)
        z_q = self.codebook[tokens.reshape(-1)]
        return self._decode_vectors(z_q, tokens.shape[0])

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Tokenise and decode: pixel probabilities ``(n, h * w)``.

        Raises
        ------
        TypeError, ValueError
            As :meth:`encode_vectors`.
        """
        return torch.sigmoid(self.decode(self.encode(x)))

    @torch.no_grad()
    def init_codebook(self, x: torch.Tensor, *, random_state: RandomState = 0) -> None:
        """Set the codebook to encoder outputs of randomly chosen grid positions of ``x``.

        Starting from vectors the encoder actually produces avoids "dead" codes that are never nearest
        to anything and so never move (a common fix; k-means initialisation is another).

        Raises
        ------
        TypeError, ValueError
            As :meth:`encode_vectors`, or if ``x`` has fewer grid positions than the codebook has entries.
        """
        z = self.encode_vectors(x)
        if z.shape[0] < self.codebook_size:
            raise ValueError(
                f"x must give at least codebook_size={self.codebook_size} grid positions; "
                f"got {z.shape[0]}. Pass more images."
            )
        pick = torch.randperm(z.shape[0], generator=torch_generator(random_state))[: self.codebook_size]
        self.codebook.copy_(z[pick.to(z.device)])

    @torch.no_grad()
    def codes_used(self, x: torch.Tensor) -> int:
        """How many distinct codebook entries the images ``x`` use.

        Raises
        ------
        TypeError, ValueError
            As :meth:`encode_vectors`.
        """
        return int(self.encode(x).unique().numel())

    def loss_terms(self, batch: list[torch.Tensor]) -> dict[str, torch.Tensor]:
        """The batch means of the reconstruction, codebook and commitment terms, and their weighted sum.

        Parameters
        ----------
        batch : list of Tensor
            ``[x]`` with ``x`` of shape ``(n, h * w)`` in [0, 1].

        Returns
        -------
        dict
            ``"loss"``, ``"reconstruction"`` (nats per image), ``"codebook"``, ``"commitment"``.

        Raises
        ------
        TypeError, ValueError
            If ``batch`` is not ``[x]`` or ``x`` is not a valid image batch in [0, 1].
        """
        if not isinstance(batch, (list, tuple)) or len(batch) != 1:
            raise ValueError(
                f"batch must be [x]; got {type(batch).__name__} of length "
                f"{len(batch) if isinstance(batch, (list, tuple)) else '?'}."
            )
        x = self._check_x(batch[0], unit=True)
        z_e = self.encode_vectors(x)
        z_q, idx = _vector_quantize(z_e, self.codebook)
        e = self.codebook[idx]
        n = x.shape[0]
        rec = _bernoulli_nll(self._decode_vectors(z_q, n), x).mean()
        codebook = (z_e.detach() - e).pow(2).sum(1).view(n, -1).sum(1).mean()  # moves e towards z_e
        commitment = (z_e - e.detach()).pow(2).sum(1).view(n, -1).sum(1).mean()  # keeps z_e near its code
        return {
            "loss": rec + codebook + self.commitment * commitment,
            "reconstruction": rec,
            "codebook": codebook,
            "commitment": commitment,
        }

    # ------------------------------------------------------------------ private
    def _decode_vectors(self, z_q: torch.Tensor, n: int) -> torch.Tensor:
        grid = z_q.view(n, *self.grid, self.code_dim).permute(0, 3, 1, 2)
        return self.decoder(grid).reshape(n, -1)

    def _check_x(self, x: Any, unit: bool = False) -> torch.Tensor:
        check_tensor(x, "x", ndim=2, finite=not unit)
        lo, hi = finite_range(x, "x") if unit and x.numel() else (0.0, 1.0)  # one pass: finite, and the range
        check_width(
            x,
            "x",
            self.image_shape[0] * self.image_shape[1],
            f"{self.image_shape[0]}x{self.image_shape[1]} pixels, flattened",
        )
        if lo < 0 or hi > 1:
            raise ValueError("x must lie in [0, 1] (the decoder is Bernoulli).")
        return x.to(module_device(self))

    def _check_tokens(self, tokens: Any) -> torch.Tensor:
        if not isinstance(tokens, torch.Tensor) or tokens.is_floating_point() or tokens.dtype == torch.bool:
            raise TypeError(
                f"tokens must be an integer tensor of codebook indices; got "
                f"{getattr(tokens, 'dtype', type(tokens).__name__)}."
            )
        if tokens.ndim != 2 or tokens.shape[1] != self.n_tokens:
            raise ValueError(
                f"tokens must have shape (n, {self.n_tokens}) (one token per grid position); got {tuple(tokens.shape)}."
            )
        if tokens.numel() and (int(tokens.min()) < 0 or int(tokens.max()) >= self.codebook_size):
            raise ValueError(
                f"tokens must lie in 0 .. {self.codebook_size - 1} (the codebook's size); got values "
                f"from {int(tokens.min())} to {int(tokens.max())}."
            )
        return tokens.to(module_device(self))
