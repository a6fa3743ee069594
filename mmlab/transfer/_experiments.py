"""The transference chapter's experiments on AV-Digits: one function per comparison a lecture makes.

Each function builds its data from :func:`mmlab.data.load_av_digits` (and
:func:`mmlab.data.make_digit_captions`), trains the models being compared with
one shared recipe, and returns the test accuracies, so that a lecture shows the
comparison in a few lines and ``tests/transfer`` re-runs it over several seeds
with the lecture's own sizes.

- :func:`standardized_views`: AV-Digits modalities standardised with training
  statistics, plus the views of the heterogeneity lecture (clean and
  transposed images, audio pooled to 8 x 8);
- :func:`few_label_curve`: pretrained encoder + adapter vs the same model
  without pretraining, by labels per class (lecture 5.1);
- :func:`prompt_tuning`: soft prompts on the frozen encoder (lecture 5.1);
- :func:`zero_shot_numbers`: zero-shot two-digit numbers through the names'
  embeddings, and :func:`zero_shot_digits`, where it fails (lecture 5.2);
- :func:`translation_vs_unimodal`: cyclic translation vs a unimodal model with
  few labels (lecture 5.2);
- :func:`slot_reading`: FiLM vs concatenation (lecture 5.3);
- :func:`missing_rate_curves`: accuracy against the test missing rate for each
  way of handling a missing modality (lecture 5.3);
- :func:`sharing_comparison`: separate, fully shared and heterogeneity-aware
  multitask models (lecture 5.4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_choice, check_positive_int, seed_from_random_state
from mmlab.coordination._contrastive import mlp
from mmlab.runtime import seeded
from mmlab.transfer._adapters import AdapterClassifier, BagOfTokensEncoder, SoftPrompt
from mmlab.transfer._film import SlotReader, make_slot_task
from mmlab.transfer._mctn import CyclicTranslator, fit_cyclic_translator
from mmlab.transfer._missing import CodebookImputer, RidgeImputer, fill_missing, mask_rows, modality_dropout
from mmlab.transfer._multitask import MultitaskModel, few_labels, fit_multitask
from mmlab.transfer._zero_shot import ZeroShotProjector, make_number_pairs, split_classes

__all__ = [
    "MISSING_METHODS",
    "CaptionTask",
    "caption_task",
    "few_label_curve",
    "missing_rate_curves",
    "prompt_tuning",
    "sharing_comparison",
    "slot_reading",
    "standardized_views",
    "translation_vs_unimodal",
    "zero_shot_digits",
    "zero_shot_numbers",
]

#: The ways :func:`missing_rate_curves` handles a modality missing for most training samples.
MISSING_METHODS: tuple[str, ...] = (
    "zero-filling",
    "zeros in training",
    "modality dropout",
    "imputation",
    "codebook (SMIL-style)",
)


def _as_float(x: Any) -> torch.Tensor:
    return x.float() if isinstance(x, torch.Tensor) else torch.from_numpy(np.array(x, dtype=np.float32))


def _standardize(train: Any, test: Any) -> tuple[torch.Tensor, torch.Tensor]:
    train, test = _as_float(train), _as_float(test)
    mean, std = train.mean(0), train.std(0).clamp_min(1e-6)
    return (train - mean) / std, (test - mean) / std


def standardized_views(
    *, heterogeneity: bool = False
) -> tuple[dict[str, tuple[torch.Tensor, torch.Tensor]], torch.Tensor, torch.Tensor]:
    """AV-Digits train and test features standardised with the training split's statistics.

    Parameters
    ----------
    heterogeneity : bool, default=False
        False: ``image`` (64), ``audio`` (480), ``text`` (64). True: five views
        of width 64: ``image``, ``clean`` (the same digits before occlusion and
        noise), ``transposed`` (the noisy image with rows and columns swapped),
        ``audio`` (the log-mel spectrogram average-pooled to 8 x 8) and ``text``.

    Returns
    -------
    views : dict of str to (train, test) tensors
    y_train, y_test : torch.Tensor

    Raises
    ------
    TypeError
        If ``heterogeneity`` is not a bool.

    Examples
    --------
    >>> views, y_train, y_test = standardized_views()
    >>> sorted(views), tuple(views["audio"][0].shape)
    (['audio', 'image', 'text'], (1078, 480))
    """
    from mmlab.data import load_av_digits

    if not isinstance(heterogeneity, bool):
        raise TypeError(f"heterogeneity must be a bool; got {type(heterogeneity).__name__}.")
    train, test = load_av_digits("train"), load_av_digits("test")
    if not heterogeneity:
        views = {m: _standardize(train[m], test[m]) for m in train.names}
        return views, train.y, test.y

    def transpose(x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, 8, 8).transpose(1, 2).reshape(-1, 64)

    def pool(x: torch.Tensor) -> torch.Tensor:
        return nn.functional.adaptive_avg_pool2d(x.reshape(-1, 1, 20, 24), (8, 8)).reshape(-1, 64)

    views = {
        "image": _standardize(train["image"], test["image"]),
        "clean": _standardize(train.meta["image_clean"], test.meta["image_clean"]),
        "transposed": _standardize(transpose(train["image"]), transpose(test["image"])),
        "audio": _standardize(pool(train["audio"]), pool(test["audio"])),
        "text": _standardize(train["text"], test["text"]),
    }
    return views, train.y, test.y


def _rows_of(texts: Sequence[str], distinct: Sequence[str]) -> torch.Tensor:
    """Index of each of ``texts`` in ``distinct`` (which holds every one of them once)."""
    row = {text: i for i, text in enumerate(distinct)}
    return torch.tensor([row[text] for text in texts])


@torch.no_grad()
def _accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    return float((logits.argmax(dim=1) == y).double().mean())


def _fit_full_batch(
    model: nn.Module, inputs: Any, y: torch.Tensor, *, epochs: int, lr: float = 3e-3, weight_decay: float = 1e-4
) -> nn.Module:
    # foreach: one kernel per step for all parameters; the same arithmetic as the per-tensor loop (bit-identical)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay, foreach=True)
    model.train()
    for _ in range(epochs):
        loss = nn.functional.cross_entropy(model(inputs), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return model.eval()


def _fit_minibatches(
    model: nn.Module,
    logits: Callable[[torch.Tensor], torch.Tensor],
    y: torch.Tensor,
    *,
    epochs: int,
    generator: torch.Generator,
    batch_size: int = 128,
) -> nn.Module:
    """Adam (lr 3e-3, weight decay 1e-4) on the cross-entropy of ``logits(idx)`` against ``y[idx]``.

    Every epoch shuffles the rows with ``generator`` into batches of ``batch_size``
    row indices ``idx``; ``logits`` may draw from the same generator. Returns the
    model in evaluation mode.
    """
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4, foreach=True)
    for _ in range(epochs):
        for idx in torch.randperm(len(y), generator=generator).split(batch_size):
            loss = nn.functional.cross_entropy(logits(idx), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return model.eval()


# --------------------------------------------------------------------------- #
# lecture 5.1: adapters and prompts on a pretrained encoder
# --------------------------------------------------------------------------- #
@dataclass
class CaptionTask:
    """AV-Digits images paired (by label) with digit captions, and the captions' text features.

    Attributes
    ----------
    captions_train, captions_test : list of str
    image_train, image_test : torch.Tensor
        Standardised images, ``(n, 64)``.
    y_train, y_test : torch.Tensor
    class_names : list of str
        ``"zero"`` ... ``"nine"``.
    features : dict of str to (train, test, classes)
        Text features per encoder name: the captions' and class names' embeddings
        (for a frozen encoder) or token ids (for ``"scratch"``).
    total_params : dict of str to int
        Parameters of each frozen encoder (0 for ``"scratch"``).
    form_test : ndarray of str
        The caption form of every test row.
    """

    captions_train: list[str]
    captions_test: list[str]
    image_train: torch.Tensor
    image_test: torch.Tensor
    y_train: torch.Tensor
    y_test: torch.Tensor
    class_names: list[str]
    features: dict[str, tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = field(default_factory=dict)
    total_params: dict[str, int] = field(default_factory=dict)
    form_test: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=str))


def caption_task(
    encoders: Mapping[str, Any], *, informative: float = 0.75, random_state: RandomState = 0
) -> CaptionTask:
    """Captions for AV-Digits' train and test images, and their features under each encoder.

    Parameters
    ----------
    encoders : mapping of str to PretrainedTextEncoder
        E.g. ``{"pretrained": load_text_encoder(), "random": load_text_encoder(pretrained=False)}``.
        A ``"scratch"`` entry is always added: token ids (of the first encoder's
        tokenizer, remapped to the ids that occur) for a
        :class:`BagOfTokensEncoder` trained from scratch.
    informative : float, default=0.75
    random_state : int, default=0
        Seeds the captions (train uses ``random_state``, test ``random_state + 1``).

    Returns
    -------
    CaptionTask

    Raises
    ------
    ValueError
        If ``encoders`` is empty or names ``"scratch"``.
    """
    from mmlab.data import CAPTION_FORMS, load_av_digits, make_digit_captions

    if not encoders or "scratch" in encoders:
        raise ValueError("encoders must name at least one frozen encoder, and not 'scratch' (added here).")
    seed = seed_from_random_state(random_state)
    train, test = load_av_digits("train"), load_av_digits("test")
    cap_train = make_digit_captions(train.y.numpy(), informative=informative, random_state=seed)
    cap_test = make_digit_captions(test.y.numpy(), informative=informative, random_state=seed + 1)
    image_train, image_test = _standardize(train["image"], test["image"])
    names = list(CAPTION_FORMS["word"])
    task = CaptionTask(
        captions_train=list(cap_train.captions),
        captions_test=list(cap_test.captions),
        image_train=image_train,
        image_test=image_test,
        y_train=train.y,
        y_test=test.y,
        class_names=names,
        form_test=cap_test.form,
    )
    for name, enc in encoders.items():
        task.features[name] = (enc.encode(task.captions_train), enc.encode(task.captions_test), enc.encode(names))
        task.total_params[name] = int(sum(p.numel() for p in enc.parameters()))
    first = next(iter(encoders.values()))
    ids = [first.tokenize(t)["input_ids"].cpu() for t in (task.captions_train, task.captions_test, names)]
    width = max(i.shape[1] for i in ids)
    ids = [nn.functional.pad(i, (0, width - i.shape[1])) for i in ids]
    _, compact = torch.unique(torch.cat(ids), return_inverse=True)  # id 0 (padding) stays 0
    sizes = [len(i) for i in ids]
    task.features["scratch"] = tuple(compact.split(sizes))
    task.total_params["scratch"] = 0
    return task


def _adapter_model(task: CaptionTask, name: str, *, bottleneck: int, use_image: bool, seed: int) -> nn.Module:
    train, _, classes = task.features[name]
    with seeded(seed):
        other = 64 if use_image else None
        if name == "scratch":
            vocab = int(max(int(t.max()) for t in task.features["scratch"])) + 1
            return AdapterClassifier(
                text_encoder=BagOfTokensEncoder(vocab, 384),
                class_tokens=classes,
                bottleneck=bottleneck,
                other_dim=other,
            )
        return AdapterClassifier(classes, bottleneck=bottleneck, other_dim=other)


def few_label_curve(
    task: CaptionTask,
    labels_per_class: Sequence[int],
    *,
    encoders: Sequence[str] | None = None,
    use_image: bool = True,
    bottleneck: int = 16,
    epochs: int = 100,
    repeats: int = 1,
    random_state: RandomState = 0,
) -> dict[str, Any]:
    """Test accuracy of the same adapter model on each encoder's features, by labels per class.

    For each ``k`` in ``labels_per_class`` and each repeat, ``k`` training
    samples per class are drawn (:func:`~mmlab.transfer.few_labels`, the same
    rows for every encoder) and an :class:`AdapterClassifier` (adapter + cosine
    head on the class names + linear map of the image) is trained full-batch
    with Adam for ``epochs`` steps.

    Parameters
    ----------
    task : CaptionTask
    labels_per_class : sequence of int
    encoders : sequence of str, optional
        Keys of ``task.features``; default all.
    use_image : bool, default=True
        Fuse the image (late fusion); False for text alone.
    bottleneck, epochs : int
    repeats : int, default=1
        Label draws per ``k``; accuracies are averaged over them.
    random_state : int, default=0

    Returns
    -------
    dict
        ``"k"``: the list of k; ``"accuracy"``: dict encoder -> list of mean
        accuracies; ``"trained_params"``: dict encoder -> trained parameters;
        ``"total_params"``: dict encoder -> trained + frozen parameters.

    Raises
    ------
    ValueError
        If an encoder is not in the task or ``labels_per_class`` is empty.
    """
    encoders = list(task.features) if encoders is None else list(encoders)
    unknown = [e for e in encoders if e not in task.features]
    if unknown or not labels_per_class:
        raise ValueError(
            f"encoders must be among {list(task.features)} and labels_per_class non-empty; got "
            f"{encoders} and {list(labels_per_class)}."
        )
    repeats = check_positive_int(repeats, "repeats")
    seed = seed_from_random_state(random_state)
    out: dict[str, Any] = {
        "k": list(labels_per_class),
        "accuracy": {e: [] for e in encoders},
        "trained_params": {},
        "total_params": {},
    }
    for k in labels_per_class:
        scores = {e: [] for e in encoders}
        for r in range(repeats):
            rows = few_labels(task.y_train, k, random_state=seed + 1000 * r + k)
            for e in encoders:
                train, test, _ = task.features[e]
                model = _adapter_model(task, e, bottleneck=bottleneck, use_image=use_image, seed=seed + r)
                x_train = [train[rows], task.image_train[rows]] if use_image else [train[rows]]
                x_test = [test, task.image_test] if use_image else [test]
                _fit_full_batch(model, x_train, task.y_train[rows], epochs=epochs)
                scores[e].append(_accuracy(model(x_test), task.y_test))
                trained = sum(p.numel() for p in model.parameters() if p.requires_grad)
                out["trained_params"][e] = int(trained)
                out["total_params"][e] = int(trained + task.total_params[e])
        for e in encoders:
            out["accuracy"][e].append(float(np.mean(scores[e])))
    return out


def prompt_tuning(
    encoder: Any,
    task: CaptionTask,
    k: int,
    *,
    n_prompt: int = 4,
    epochs: int = 30,
    lr: float = 3e-2,
    random_state: RandomState = 0,
) -> dict[str, Any]:
    """Tune ``n_prompt`` soft prompt vectors on ``k`` captions per class; report zero-shot and tuned accuracy.

    Text only: a caption's class is the class name most similar (cosine) to
    its embedding, first without prompt (zero-shot), then with the tuned
    prompt. Only the prompt and the scale are trained.

    Parameters
    ----------
    encoder : PretrainedTextEncoder
    task : CaptionTask
    k : int
    n_prompt, epochs : int
    lr : float, default=3e-2
    random_state : int, default=0

    Returns
    -------
    dict
        ``"zero_shot"``, ``"prompt"`` (test accuracies), ``"trained_params"``, ``"total_params"``,
        ``"model"`` (the :class:`SoftPrompt`).

    Raises
    ------
    TypeError
        If ``encoder`` has no ``encode_with_prompt``.
    """
    seed = seed_from_random_state(random_state)
    classes = encoder.encode(task.class_names)
    rows = few_labels(task.y_train, k, random_state=seed + k)
    model = SoftPrompt(encoder, classes, n_prompt=n_prompt, random_state=seed % 2**31)
    batch = encoder.tokenize([task.captions_train[i] for i in rows.tolist()])
    _fit_full_batch(model, batch, task.y_train[rows], epochs=epochs, lr=lr, weight_decay=0.0)
    distinct = list(dict.fromkeys(task.captions_test))  # each distinct test caption through the encoder once
    with torch.no_grad():
        tuned = _accuracy(model(encoder.tokenize(distinct))[_rows_of(task.captions_test, distinct)], task.y_test)
        zero = _accuracy(encoder.encode(task.captions_test) @ classes.T, task.y_test)
    trained = sum(p.numel() for p in model.parameters())
    return {
        "zero_shot": zero,
        "prompt": tuned,
        "trained_params": int(trained),
        "total_params": int(trained + sum(p.numel() for p in encoder.parameters())),
        "model": model,
    }


# --------------------------------------------------------------------------- #
# lecture 5.2: co-learning
# --------------------------------------------------------------------------- #
def zero_shot_numbers(
    class_embeddings: torch.Tensor,
    *,
    n_unseen: int = 20,
    n_train: int = 4000,
    n_test: int = 1000,
    epochs: int = 30,
    hidden: int | None = None,
    random_state: RandomState = 0,
) -> dict[str, Any]:
    """Zero-shot reading of two-digit numbers 20-99 through their names' embeddings.

    The numbers 20-99 are split into seen and ``n_unseen`` unseen classes
    (:func:`split_classes`). Training pairs show seen numbers with AV-Digits
    *training* images; a :class:`ZeroShotProjector` is trained by
    cross-entropy against the seen names' embeddings. Test pairs show unseen
    numbers with *test* images, classified among the unseen names only.

    Parameters
    ----------
    class_embeddings : torch.Tensor of shape (80, d)
        Embeddings of the names of 20, 21, ..., 99 (``number_name``), in order.
    n_unseen, n_train, n_test, epochs : int
    hidden : int or None
        Hidden width of the projector; None for linear.
    random_state : int, default=0

    Returns
    -------
    dict
        ``"accuracy"`` (unseen classes), ``"chance"`` (1 / n_unseen), ``"seen"``,
        ``"unseen"`` (the numbers), ``"tens_correct"``, ``"units_correct"``
        (share of test samples whose predicted number has the right tens / units digit),
        ``"model"``.

    Raises
    ------
    ValueError
        If ``class_embeddings`` does not have 80 rows.
    """
    from mmlab.data import load_av_digits

    if class_embeddings.ndim != 2 or class_embeddings.shape[0] != 80:
        raise ValueError(
            f"class_embeddings must hold the 80 names of 20..99, in order; got shape {tuple(class_embeddings.shape)}."
        )
    seed = seed_from_random_state(random_state)
    train, test = load_av_digits("train"), load_av_digits("test")
    image_train, image_test = _standardize(train["image"], test["image"])
    seen, unseen = split_classes(np.arange(20, 100), n_unseen, random_state=seed)
    pairs_train = make_number_pairs(image_train, train.y, seen, n_train, random_state=seed)
    pairs_test = make_number_pairs(image_test, test.y, unseen, n_test, random_state=seed + 1)
    seen_t, unseen_t = torch.as_tensor(seen), torch.as_tensor(unseen)
    y_train = torch.searchsorted(seen_t, pairs_train.number)
    seen_emb, unseen_emb = class_embeddings[seen_t - 20], class_embeddings[unseen_t - 20]
    model = _train_projector(pairs_train.x, y_train, seen_emb, epochs=epochs, seed=seed, hidden=hidden)
    with torch.no_grad():
        pred = unseen_t[model(pairs_test.x, unseen_emb).argmax(dim=1)]
    truth = pairs_test.number
    return {
        "accuracy": float((pred == truth).double().mean()),
        "chance": 1.0 / n_unseen,
        "seen": seen,
        "unseen": unseen,
        "tens_correct": float((pred // 10 == truth // 10).double().mean()),
        "units_correct": float((pred % 10 == truth % 10).double().mean()),
        "model": model,
    }


def _train_projector(
    x: torch.Tensor,
    y: torch.Tensor,
    class_embeddings: torch.Tensor,
    *,
    epochs: int,
    seed: int,
    hidden: int | None = None,
) -> ZeroShotProjector:
    with seeded(seed):
        model = ZeroShotProjector(x.shape[1], class_embeddings.shape[1], hidden=hidden)
    gen = torch.Generator().manual_seed(seed)
    epochs = check_positive_int(epochs, "epochs")
    return _fit_minibatches(model, lambda idx: model(x[idx], class_embeddings), y, epochs=epochs, generator=gen)


def zero_shot_digits(
    class_embeddings: torch.Tensor,
    *,
    n_unseen: int = 3,
    splits: int = 5,
    epochs: int = 30,
    random_state: RandomState = 0,
) -> dict[str, Any]:
    """Zero-shot single digits: train on 10 - ``n_unseen`` digits, classify test images of the others by name.

    The same recipe as :func:`zero_shot_numbers`, on single AV-Digits images
    and the embeddings of ``"zero"`` ... ``"nine"``, averaged over ``splits``
    random seen/unseen splits.

    Parameters
    ----------
    class_embeddings : torch.Tensor of shape (10, d)
    n_unseen, splits, epochs : int
    random_state : int, default=0

    Returns
    -------
    dict
        ``"accuracy"`` (mean over splits), ``"per_split"``, ``"chance"`` (1 / n_unseen).

    Raises
    ------
    ValueError
        If ``class_embeddings`` does not have 10 rows.
    """
    if class_embeddings.ndim != 2 or class_embeddings.shape[0] != 10:
        raise ValueError(f"class_embeddings must hold the 10 digit names; got shape {tuple(class_embeddings.shape)}.")
    seed = seed_from_random_state(random_state)
    views, y_train, y_test = standardized_views()
    x_train, x_test = views["image"]
    scores = []
    for s in range(check_positive_int(splits, "splits")):
        seen, unseen = split_classes(np.arange(10), n_unseen, random_state=seed + s)
        seen_t, unseen_t = torch.as_tensor(seen), torch.as_tensor(unseen)
        rows, test_rows = torch.isin(y_train, seen_t), torch.isin(y_test, unseen_t)
        model = _train_projector(
            x_train[rows],
            torch.searchsorted(seen_t, y_train[rows]),
            class_embeddings[seen_t],
            epochs=epochs,
            seed=seed + s,
        )
        with torch.no_grad():
            pred = unseen_t[model(x_test[test_rows], class_embeddings[unseen_t]).argmax(dim=1)]
        scores.append(float((pred == y_test[test_rows]).double().mean()))
    return {"accuracy": float(np.mean(scores)), "per_split": scores, "chance": 1.0 / n_unseen}


def translation_vs_unimodal(
    source: tuple[torch.Tensor, torch.Tensor],
    target: torch.Tensor,
    y_train: torch.Tensor,
    y_test: torch.Tensor,
    *,
    labelled_fraction: float = 0.1,
    epochs: int = 30,
    repeats: int = 3,
    methods: Sequence[str] = ("unimodal", "translation"),
    random_state: RandomState = 0,
) -> dict[str, Any]:
    """Cyclic translation (source → target → source) vs the same network as a plain unimodal classifier.

    Both models see the same labelled rows (``labelled_fraction`` of the
    training set, drawn per repeat); the translation model also translates
    every training sample into ``target``. Both are tested on the source alone.

    Parameters
    ----------
    source : (train, test) tensors
    target : torch.Tensor
        The target modality of the training samples.
    y_train, y_test : torch.Tensor
    labelled_fraction : float, default=0.1
    epochs, repeats : int
    methods : sequence of str, default=("unimodal", "translation")
        The models to train. Each is seeded on its own, so leaving one out does
        not change the other's accuracies (e.g. a control with another target
        needs only ``("translation",)``: the unimodal model never sees the target).
    random_state : int, default=0

    Returns
    -------
    dict
        ``"unimodal"``, ``"translation"`` (those in ``methods``): lists of test accuracies, one per repeat.

    Raises
    ------
    ValueError
        If the shapes do not match or a method is unknown.
    """
    x_train, x_test = source
    if target.shape[0] != x_train.shape[0]:
        raise ValueError(
            f"target must hold the training samples of source; got {target.shape[0]} and {x_train.shape[0]} rows."
        )
    for m in methods:
        check_choice(m, "method", ("unimodal", "translation"))
    seed = seed_from_random_state(random_state)
    n_classes = int(y_train.max()) + 1
    out: dict[str, list[float]] = {m: [] for m in ("unimodal", "translation") if m in methods}
    for r in range(check_positive_int(repeats, "repeats")):
        labelled = ~mask_rows(len(y_train), labelled_fraction, random_state=seed + r)
        for name, translate in (("unimodal", False), ("translation", True)):
            if name not in out:
                continue
            with seeded(seed + r):
                model = CyclicTranslator(x_train.shape[1], target.shape[1], n_classes)
            fit_cyclic_translator(
                model, x_train, target, y_train, labelled, epochs=epochs, translate=translate, random_state=seed + r
            )
            out[name].append(_accuracy(model(x_test), y_test))
    return out


# --------------------------------------------------------------------------- #
# lecture 5.3: FiLM and missing modalities
# --------------------------------------------------------------------------- #
def slot_reading(
    *,
    n_train: int = 2000,
    n_test: int = 2000,
    n_slots: int = 4,
    epochs: int = 30,
    modes: Sequence[str] = ("film", "concat"),
    random_state: RandomState = 0,
) -> dict[str, Any]:
    """Train :class:`SlotReader` with FiLM and with concatenation on the slot task built from AV-Digits images.

    Returns
    -------
    dict
        ``"accuracy"`` and ``"params"``: dicts mode -> value; ``"models"``; ``"test"`` (the :class:`SlotTask`).

    Raises
    ------
    ValueError
        If a mode is unknown.
    """
    from mmlab.data import load_av_digits
    from mmlab.train import fit

    seed = seed_from_random_state(random_state)
    train, test = load_av_digits("train"), load_av_digits("test")
    image_train, image_test = _standardize(train["image"], test["image"])
    task_train = make_slot_task(image_train, train.y, n_train, n_slots=n_slots, random_state=seed)
    task_test = make_slot_task(image_test, test.y, n_test, n_slots=n_slots, random_state=seed + 1)
    out: dict[str, Any] = {"accuracy": {}, "params": {}, "models": {}, "test": task_test}
    for mode in modes:
        check_choice(mode, "mode", ("film", "concat"))
        with seeded(seed):
            model = SlotReader(64, n_slots, mode=mode)
        fit(
            model,
            task_train.modalities,
            task_train.y,
            epochs=epochs,
            batch_size=128,
            lr=3e-3,
            progress=False,
            random_state=seed,
            device="cpu",
        )
        model.eval()
        with torch.no_grad():
            out["accuracy"][mode] = _accuracy(model(task_test.modalities), task_test.y)
        out["params"][mode] = int(sum(p.numel() for p in model.parameters()))
        out["models"][mode] = model
    return out


class _FusionMLP(nn.Module):
    """Concatenation of image, audio (and a presence indicator) into a one-hidden-layer MLP."""

    def __init__(self, in_dim: int, hidden: int = 64, n_classes: int = 10) -> None:
        super().__init__()
        self.net = mlp(in_dim, n_classes, hidden=hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def _train_mlp(
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    seed: int,
    drop: float = 0.0,
    present: torch.Tensor | None = None,
    split: int = 0,
) -> nn.Module:
    """Train the fusion MLP; with ``drop`` > 0 the audio block (columns split:-1) is dropped at random per batch."""
    with seeded(seed):
        model = _FusionMLP(x.shape[1])
    gen = torch.Generator().manual_seed(seed)

    def logits(idx: torch.Tensor) -> torch.Tensor:
        xb = x[idx]
        if drop > 0:
            image, audio = xb[:, :split], xb[:, split:-1]
            (image, audio), mask = modality_dropout(
                [image, audio],
                [0.0, drop],
                present=[torch.ones(len(idx), dtype=torch.bool), present[idx]],
                generator=gen,
            )
            xb = torch.cat([image, audio, mask[:, 1:]], dim=1)
        return model(xb)

    return _fit_minibatches(model, logits, y, epochs=epochs, generator=gen)


def missing_rate_curves(
    *,
    train_missing: float = 0.9,
    test_rates: Sequence[float] = (0.0, 0.5, 0.9, 1.0),
    methods: Sequence[str] = MISSING_METHODS,
    epochs: int = 60,
    dropout: float = 0.5,
    n_codes: int = 10,
    random_state: RandomState = 0,
) -> dict[str, Any]:
    """Image + audio classification with audio missing for ``train_missing`` of the training samples.

    Every method concatenates the standardised image and audio into the same
    MLP (one hidden layer of 64); they differ in what replaces a missing audio
    and in what they train on:

    - ``"zero-filling"``: trained on the complete pairs only (the usual model
      that assumes both modalities); a missing audio is filled with zeros at
      test time;
    - ``"zeros in training"``: trained on all samples with missing audio as
      zeros, plus a 0/1 presence indicator;
    - ``"modality dropout"``: the same, and the audio of complete samples is
      also hidden with probability ``dropout`` in every batch;
    - ``"imputation"``: missing audio predicted from the image by
      :class:`RidgeImputer` (fitted on the complete pairs), plus the indicator;
    - ``"codebook (SMIL-style)"``: missing audio reconstructed by
      :class:`CodebookImputer`, plus the indicator.

    At test time a share ``rate`` of the audio (the same rows for every method)
    is missing and handled the method's way.

    Returns
    -------
    dict
        ``"rates"``; ``"accuracy"``: dict method -> list of test accuracies, one per rate.

    Raises
    ------
    ValueError
        If a method is unknown.
    """
    for m in methods:
        check_choice(m, "method", MISSING_METHODS)
    seed = seed_from_random_state(random_state)
    views, y_train, y_test = standardized_views()
    image_train, image_test = views["image"]
    audio_train, audio_test = views["audio"]
    present = mask_rows(len(y_train), train_missing, random_state=seed)
    test_masks = [mask_rows(len(y_test), rate, random_state=seed + 1) for rate in test_rates]
    split = image_train.shape[1]
    out: dict[str, Any] = {"rates": list(test_rates), "accuracy": {}}
    ind_train = present[:, None].float()

    def with_indicator(image: torch.Tensor, audio: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return torch.cat([image, audio, mask[:, None].float()], dim=1)

    for method in methods:
        if method == "zero-filling":
            model = _train_mlp(
                torch.cat([image_train[present], audio_train[present]], 1),
                y_train[present],
                epochs=epochs * 4,
                seed=seed,
            )
            scores = [
                _accuracy(model(torch.cat([image_test, fill_missing(audio_test, m)], 1)), y_test) for m in test_masks
            ]
        else:
            fill: Any = "zeros"
            if method == "imputation":
                fill = RidgeImputer().fit(image_train[present], audio_train[present])
            elif method == "codebook (SMIL-style)":
                fill = CodebookImputer(n_codes, random_state=seed % 2**31).fit(
                    image_train[present], audio_train[present]
                )
            x_train = torch.cat(
                [image_train, fill_missing(audio_train, present, fill, observed=image_train), ind_train], 1
            )
            drop = dropout if method == "modality dropout" else 0.0
            model = _train_mlp(x_train, y_train, epochs=epochs, seed=seed, drop=drop, present=present, split=split)
            scores = [
                _accuracy(
                    model(with_indicator(image_test, fill_missing(audio_test, m, fill, observed=image_test), m)), y_test
                )
                for m in test_masks
            ]
        out["accuracy"][method] = scores
    return out


# --------------------------------------------------------------------------- #
# lecture 5.4: multitask sharing
# --------------------------------------------------------------------------- #
def sharing_comparison(
    views: Mapping[str, tuple[torch.Tensor, torch.Tensor]],
    y_train: torch.Tensor,
    y_test: torch.Tensor,
    low_data: str,
    k: int,
    groupings: Mapping[str, Sequence[Sequence[str]] | None],
    *,
    steps: int = 600,
    random_state: RandomState = 0,
) -> dict[str, dict[str, float]]:
    """Train one :class:`MultitaskModel` per grouping; ``low_data``'s task gets only ``k`` labels per class.

    Parameters
    ----------
    views : mapping of modality to (train, test)
        One task per modality: classify the digit.
    y_train, y_test : torch.Tensor
    low_data : str
        The task with few labels.
    k : int
    groupings : mapping of name to groups (None: separate models)
    steps : int, default=600
    random_state : int, default=0

    Returns
    -------
    dict
        grouping name -> (task -> test accuracy).

    Raises
    ------
    ValueError
        If ``low_data`` is not a task.
    """
    if low_data not in views:
        raise ValueError(f"low_data must be one of {list(views)}; got {low_data!r}.")
    seed = seed_from_random_state(random_state)
    rows = few_labels(y_train, k, random_state=seed)
    data = {m: (x_train, y_train) for m, (x_train, _) in views.items()}
    data[low_data] = (views[low_data][0][rows], y_train[rows])
    out = {}
    for name, groups in groupings.items():
        model = MultitaskModel(
            {m: v[0].shape[1] for m, v in views.items()},
            {m: 10 for m in views},
            groups=groups,
            random_state=seed % 2**31,
        )
        fit_multitask(model, data, steps=steps, random_state=seed)
        with torch.no_grad():
            out[name] = {m: _accuracy(model(m, views[m][1]), y_test) for m in views}
    return out
