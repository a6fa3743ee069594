"""Exercise 4 of the transference lab (modality dropout): references and wrong versions."""

import torch


def reference(xs, p, generator):
    mask = (torch.rand(xs[0].shape[0], len(xs), generator=generator) >= p).float()
    return [x * mask[:, i : i + 1] for i, x in enumerate(xs)], mask


def reference_bool_mask(xs, p, generator):
    keep = torch.rand(xs[0].shape[0], len(xs), generator=generator) >= p
    return [torch.where(keep[:, i : i + 1], x, torch.zeros_like(x)) for i, x in enumerate(xs)], keep


def keeps_with_p(xs, p, generator):
    mask = (torch.rand(xs[0].shape[0], len(xs), generator=generator) < p).float()
    return [x * mask[:, i : i + 1] for i, x in enumerate(xs)], mask


def one_draw_per_sample(xs, p, generator):
    keep = (torch.rand(xs[0].shape[0], 1, generator=generator) >= p).float().expand(-1, len(xs))
    return [x * keep[:, i : i + 1] for i, x in enumerate(xs)], keep


def mask_not_applied(xs, p, generator):
    mask = (torch.rand(xs[0].shape[0], len(xs), generator=generator) >= p).float()
    return list(xs), mask


def global_random_state(xs, p, generator):
    mask = (torch.rand(xs[0].shape[0], len(xs)) >= p).float()
    return [x * mask[:, i : i + 1] for i, x in enumerate(xs)], mask


def drops_too_often(xs, p, generator):  # keeps only draws above p + 0.05: every rate is 0.05 too high
    mask = (torch.rand(xs[0].shape[0], len(xs), generator=generator) > p + 0.05).float()
    return [x * mask[:, i : i + 1] for i, x in enumerate(xs)], mask


def transposed_mask(xs, p, generator):
    mask = (torch.rand(len(xs), xs[0].shape[0], generator=generator) >= p).float()
    return [x * mask[i][:, None] for i, x in enumerate(xs)], mask


def calls_library(xs, p, generator):
    from mmlab.transfer import modality_dropout

    return modality_dropout(xs, p, generator=generator)


def returns_only_modalities(xs, p, generator):
    return reference(xs, p, generator)[0]


MUTANTS = {
    "keeps_with_p": (keeps_with_p, "with p = 0 nothing may be dropped"),
    "one_draw_per_sample": (one_draw_per_sample, "Draw a separate number for every modality"),
    "mask_not_applied": (mask_not_applied, "does not match the mask"),
    "global_random_state": (global_random_state, "Pass generator=generator to torch.rand"),
    "drops_too_often": (drops_too_often, "with p = 0.3 the observed drop rates per modality are"),
    "transposed_mask": (transposed_mask, "the mask must have shape (n, M) = (6, 2)"),
    "calls_library": (
        calls_library,
        "Exercise 4 asks you to write modality dropout yourself; your function calls mmlab's `modality_dropout`",
    ),
    "returns_only_modalities": (
        returns_only_modalities,
        "the first element must be a list with one tensor per modality",
    ),
}
