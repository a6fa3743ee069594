"""Exercise 4 of the alignment lab (greedy CTC decoding): correct solutions and deliberately wrong versions."""

import itertools

import torch


def reference(log_probs, blank=0):
    best = log_probs.argmax(-1).tolist()
    labels, previous = [], None
    for k in best:
        if k != previous and k != blank:
            labels.append(k)
        previous = k
    return labels


def reference_groupby(log_probs, blank=0):  # merge runs with itertools.groupby, then drop blanks; a tensor
    runs = [k for k, _ in itertools.groupby(log_probs.argmax(-1).tolist())]
    return torch.tensor([k for k in runs if k != blank], dtype=torch.long)


def keeps_blanks(log_probs, blank=0):
    return [k for k, _ in itertools.groupby(log_probs.argmax(-1).tolist())]


def no_merge(log_probs, blank=0):
    return [k for k in log_probs.argmax(-1).tolist() if k != blank]


def drop_blanks_first(log_probs, blank=0):
    kept = [k for k in log_probs.argmax(-1).tolist() if k != blank]
    return [k for k, _ in itertools.groupby(kept)]


def unique_labels(log_probs, blank=0):
    out = []
    for k in log_probs.argmax(-1).tolist():
        if k != blank and k not in out:
            out.append(k)
    return out


def blank_is_zero(log_probs, blank=0):
    return reference(log_probs, blank=0)


def argmax_over_frames(log_probs, blank=0):
    return [k for k in log_probs.argmax(0).tolist() if k != blank]


def calls_the_library(log_probs, blank=0):
    from mmlab.align import ctc_greedy_decode

    return ctc_greedy_decode(log_probs, blank=blank)[0]


MUTANTS = {
    "keeps_blanks": (
        keeps_blanks,
        "Check 1/4 (a list of ints): for the best path [2, blank, 1] the labelling is "
        "[2, 1]; yours gives [2, 0, 1]: you kept the blanks",
    ),
    "no_merge": (
        no_merge,
        "Check 2/4 (merges repeats, drops blanks): the path [1, 1, blank, blank, 2, 2, 2] must give "
        "[1, 2]; yours gives [1, 1, 2, 2, 2]: you kept repeated frames",
    ),
    "drop_blanks_first": (
        drop_blanks_first,
        "Check 3/4 (a blank separates repeats): the path [1, blank, 1, 1, 2] must give [1, 1, 2]",
    ),
    "unique_labels": (unique_labels, "Check 3/4 (a blank separates repeats)"),
    "blank_is_zero": (
        blank_is_zero,
        "Check 4/4 (hidden cases): on a hidden output of 25 frames over 4 symbols with blank 2",
    ),
    "argmax_over_frames": (
        argmax_over_frames,
        "Check 1/4 (a list of ints): for the best path [2, blank, 1] the "
        "labelling is [2, 1]; yours gives [1, 2]: take the arg-max over the "
        "symbols",
    ),
    "calls_the_library": (
        calls_the_library,
        "Exercise 4 asks you to decode the best path yourself; your function calls mmlab's `ctc_greedy_decode`",
    ),
}
