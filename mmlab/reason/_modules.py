"""Neural module networks on the scene world, and the monolithic model they are compared with.

Both models see a scene image through the same :class:`CellEncoder` (one
feature vector per grid cell). The **neural module network** answers a
question by running its *program*: every ``filter`` is a learned *find*
module that turns the cell features into an attention map for one
attribute value ("attend red", "attend circle"), and the program composes
the maps with soft logic (:func:`mmlab.reason.execute_soft`: "red circle" is
"red" AND "circle", cell by cell) before ``exists`` or ``count`` reads the
answer off the composed map. The **monolithic** model flattens the cell
features, concatenates the question's bag of words, and lets an MLP answer.

Only the find modules and the encoder learn; the composition is fixed by the
program. So a module network that learned "red" and "circle" from other
combinations can answer "is there a red circle?" although it never saw that
question, which the monolithic model has no reason to do.

Used by: ``lectures/3_reasoning/03_neural_modules_and_soft_logic.ipynb``,
``lectures/3_reasoning/04_causal_knowledge_counting.ipynb``.

References
----------
Andreas, J., Rohrbach, M., Darrell, T. and Klein, D. Neural module networks.
CVPR 2016.
Hu, R., Andreas, J., Rohrbach, M., Darrell, T. and Saenko, K. Learning to
reason: end-to-end module networks for visual question answering. ICCV 2017.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from mmlab._validation import check_choice, check_positive_int
from mmlab.reason._logic import TNORMS, _check_truth, _execute_soft

__all__ = ["ATTRIBUTE_VALUES", "CellEncoder", "MonolithicVQA", "NeuralModuleNetwork"]


def _attribute_values() -> tuple[tuple[str, str], ...]:
    from mmlab.data import SCENE_ATTRIBUTES

    return tuple((attr, value) for attr, values in SCENE_ATTRIBUTES.items() for value in values)


#: ``(attribute, value)`` of each find module, in the order of :meth:`NeuralModuleNetwork.attention`'s channels.
ATTRIBUTE_VALUES: tuple[tuple[str, str], ...] = _attribute_values()


def _check_images(images: Any, channels: int = 3) -> torch.Tensor:
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch.Tensor of shape (n, 3, H, W); got {type(images).__name__}.")
    if images.ndim != 4 or images.shape[1] != channels:
        raise ValueError(f"images must have shape (n, {channels}, H, W); got {tuple(images.shape)}.")
    if not images.is_floating_point():
        raise TypeError(f"images must be floating point; got dtype {images.dtype}.")
    return images


class CellEncoder(nn.Module):
    """One feature vector per grid cell: a convolution whose kernel and stride are one cell, then a 1x1 layer.

    .. math::

        v_{rc} = \\mathrm{ReLU}\\big(W_2\\, \\mathrm{ReLU}(W_1 * x_{rc} + b_1) + b_2\\big)

    where :math:`x_{rc}` is the ``cell x cell`` patch of cell :math:`(r, c)`.

    Parameters
    ----------
    cell : int, default=8
        Pixels per grid cell (the patch size).
    dim : int, default=32
        Features per cell.

    Raises
    ------
    TypeError, ValueError
        If ``cell`` or ``dim`` is not a positive integer.

    Examples
    --------
    >>> CellEncoder(cell=8, dim=16)(torch.zeros(2, 3, 32, 32)).shape
    torch.Size([2, 16, 4, 4])
    """

    def __init__(self, cell: int = 8, dim: int = 32) -> None:
        super().__init__()
        self.cell = check_positive_int(cell, "cell")
        self.dim = check_positive_int(dim, "dim")
        self.patch = nn.Conv2d(3, dim, kernel_size=cell, stride=cell)
        self.mix = nn.Conv2d(dim, dim, kernel_size=1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Cell features ``(n, dim, rows, cols)`` of images ``(n, 3, rows * cell, cols * cell)``.

        Raises
        ------
        ValueError
            If the image size is not a multiple of ``cell``.
        """
        images = _check_images(images)
        if images.shape[2] % self.cell or images.shape[3] % self.cell:
            raise ValueError(
                f"images must be a whole number of {self.cell}-pixel cells high and wide; got "
                f"{tuple(images.shape[2:])}."
            )
        return torch.relu(self.mix(torch.relu(self.patch(images))))


class NeuralModuleNetwork(nn.Module):
    """A neural module network: learned find modules composed by each question's program.

    ``attention(images)`` gives, per cell, the probability of an object and of
    each attribute value (one find module each, a 1x1 convolution on the cell
    features); ``answer(images, programs)`` executes every program on those
    maps with :func:`mmlab.reason.execute_soft` and returns the answers
    (probabilities for ``exists`` and logical combinations, expected counts
    for ``count``). ``forward([images, encode(programs)])`` returns the same
    answers as logits, so that :func:`mmlab.train.fit` trains the model.

    Parameters
    ----------
    cell : int, default=8
    dim : int, default=32
        Cell features of the :class:`CellEncoder`.
    tnorm : {"product", "lukasiewicz", "godel"}, default="product"
        How the program composes maps and answers.

    Raises
    ------
    TypeError, ValueError
        On a size that is not a positive integer or an unknown ``tnorm``.

    Examples
    --------
    >>> from mmlab.data import make_scenes
    >>> s = make_scenes(3, random_state=0)
    >>> nmn = NeuralModuleNetwork()
    >>> red_circle = ("exists", ("filter", "color", "red", ("filter", "shape", "circle", ("scene",))))
    >>> nmn.answer(s.to_torch(), [red_circle] * 3).shape
    torch.Size([3])
    >>> nmn([s.to_torch(), nmn.encode([red_circle] * 3)]).shape  # logits, for mmlab.train.fit
    torch.Size([3])
    """

    def __init__(self, cell: int = 8, dim: int = 32, tnorm: str = "product") -> None:
        super().__init__()
        self.tnorm = check_choice(tnorm, "tnorm", TNORMS)
        self.encoder = CellEncoder(cell, dim)
        self.find = nn.Conv2d(dim, 1 + len(ATTRIBUTE_VALUES), kernel_size=1)  # object + one map per value
        with torch.no_grad():  # maps start mostly off, so that exists() over the grid starts near 1/2, not near 1
            self.find.bias.fill_(-1.5)
        self._channel = {key: j + 1 for j, key in enumerate(ATTRIBUTE_VALUES)}
        self.programs: list[tuple] = []
        self._program_id: dict[tuple, int] = {}

    def channel(self, attr: str, value: str) -> int:
        """The channel of :meth:`attention` that holds the find module of ``value`` (channel 0: objects).

        Raises
        ------
        ValueError
            If ``(attr, value)`` is not one of :data:`ATTRIBUTE_VALUES`.
        """
        if (attr, value) not in self._channel:
            raise ValueError(f"(attr, value) must be one of {list(ATTRIBUTE_VALUES)}; got {(attr, value)!r}.")
        return self._channel[(attr, value)]

    def attention(self, images: torch.Tensor) -> torch.Tensor:
        """Per-cell probabilities ``(n, 1 + len(ATTRIBUTE_VALUES), rows, cols)``: object, then each value."""
        return torch.sigmoid(self.find(self.encoder(images)))

    def encode(self, programs: Sequence[tuple]) -> torch.Tensor:
        """Program ids ``(n,)`` (int64) for ``forward``: each distinct program is stored once in ``self.programs``.

        Raises
        ------
        ValueError
            If a program is malformed.
        """
        from mmlab.data._scenes import _kind

        ids = []
        for p in programs:
            if p not in self._program_id:
                _kind(p)
                self._program_id[p] = len(self.programs)
                self.programs.append(p)
            ids.append(self._program_id[p])
        return torch.as_tensor(ids, dtype=torch.int64)

    def answer(self, images: torch.Tensor, programs: Sequence[tuple]) -> torch.Tensor:
        """Execute ``programs[i]`` on image ``i``'s maps: probabilities (yes/no) or expected counts, ``(n,)``.

        Raises
        ------
        ValueError
            If the number of programs differs from the number of images, or a program is malformed.
        """
        maps = self.attention(images)
        if len(programs) != maps.shape[0]:
            raise ValueError(
                f"programs must hold one program per image; got {len(programs)} programs for {maps.shape[0]} images."
            )
        return execute_grouped(list(programs), maps, self._channel, self.tnorm)

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Answers ``(n,)`` from ``[images, program_ids]`` (ids from :meth:`encode`): logits for yes/no
        programs (so ``mmlab.train.fit(..., loss="bce")`` applies), expected counts for ``count`` programs.

        Raises
        ------
        TypeError
            If ``inputs`` is not a pair ``[images, program_ids]``.
        ValueError
            If a program id was not made by :meth:`encode`.
        """
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise TypeError("inputs must be a pair [images (n, 3, H, W), program_ids (n,)] (ids from encode()).")
        images, ids = inputs
        ids_list = ids.tolist()
        if ids_list and (min(ids_list) < 0 or max(ids_list) >= len(self.programs)):
            raise ValueError(
                f"program ids must come from encode(); got ids up to {max(ids_list)} with "
                f"{len(self.programs)} programs stored."
            )
        programs = [self.programs[i] for i in ids_list]
        out = self.answer(images, programs)
        is_count = torch.tensor([p[0] == "count" for p in programs], device=out.device)
        p = out.clamp(1e-6, 1 - 1e-6)
        return torch.where(is_count, out, torch.log(p) - torch.log1p(-p))


class MonolithicVQA(nn.Module):
    """A monolithic VQA model: flattened cell features and the question's bag of words into one MLP.

    .. math::

        \\hat y = \\mathrm{MLP}\\big([\\operatorname{vec}(V);\\, q]\\big)

    with :math:`V` the :class:`CellEncoder` features and :math:`q` the bag of words.

    Parameters
    ----------
    vocab_size : int
        Length of the bag-of-words vector.
    grid : int, default=4
    cell : int, default=8
    dim : int, default=32
    hidden : int, default=128
    n_outputs : int, default=1
        One logit (yes/no) or one score per count class.

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer.

    Examples
    --------
    >>> MonolithicVQA(10)([torch.zeros(2, 3, 32, 32), torch.zeros(2, 10)]).shape
    torch.Size([2, 1])
    """

    def __init__(
        self, vocab_size: int, *, grid: int = 4, cell: int = 8, dim: int = 32, hidden: int = 128, n_outputs: int = 1
    ) -> None:
        super().__init__()
        vocab_size = check_positive_int(vocab_size, "vocab_size")
        grid = check_positive_int(grid, "grid")
        hidden = check_positive_int(hidden, "hidden")
        n_outputs = check_positive_int(n_outputs, "n_outputs")
        self.encoder = CellEncoder(cell, dim)
        self.head = nn.Sequential(
            nn.Linear(dim * grid * grid + vocab_size, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, n_outputs),
        )

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Logits ``(n, n_outputs)`` from ``[images, bag_of_words]``.

        Raises
        ------
        TypeError
            If ``inputs`` is not a pair ``[images, bag_of_words]``.
        """
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise TypeError("inputs must be a pair [images (n, 3, H, W), bag_of_words (n, vocab)].")
        images, words = inputs
        v = self.encoder(images).flatten(1)
        return self.head(torch.cat([v, words], dim=1))


def execute_grouped(
    programs: Sequence[tuple], maps: torch.Tensor, channel: dict[tuple[str, str], int], tnorm: str
) -> torch.Tensor:
    """Run each distinct program once on the rows that ask it; ``maps[:, 0]`` is the object map.

    The maps are checked once here (truth values in [0, 1]), not again at every ``filter`` of every program.
    """
    _check_truth(maps, "maps")
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(programs):
        groups.setdefault(p, []).append(i)
    out = maps.new_zeros(maps.shape[0])
    for program, rows in groups.items():
        index = torch.as_tensor(rows, device=maps.device)
        sub = maps.index_select(0, index)

        def find(attr: str, value: str, sub: torch.Tensor = sub) -> torch.Tensor:
            return sub[:, channel[(attr, value)]]

        out = out.index_put((index,), _execute_soft(program, find, sub[:, 0], tnorm, check_maps=False))
    return out
