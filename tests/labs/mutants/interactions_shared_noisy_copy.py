"""Exercise 3 of the interactions lab (a redundancy-dominated table): the reference and wrong versions."""

import numpy as np


def reference(noise):
    p = np.zeros((2, 2, 2))
    for y in (0, 1):
        p[y, y, y] = 0.5 * (1 - noise)  # Z = Y, copied to both sources
        p[1 - y, 1 - y, y] = 0.5 * noise  # Z flipped, still the same for both sources
    return p


def reference_einsum(noise):  # from p(z, y) and X1 = X2 = Z: accepted
    pzy = 0.5 * np.array([[1 - noise, noise], [noise, 1 - noise]])
    return np.einsum("ab,ay->aby", np.eye(2), pzy)


def independent_flips(noise):
    p = np.zeros((2, 2, 2))
    flip = np.array([[1 - noise, noise], [noise, 1 - noise]])  # flip[y, x]
    for y in (0, 1):
        p[:, :, y] = 0.5 * np.outer(flip[y], flip[y])
    return p


def unnormalised(noise):  # forgot p(y) = 1/2
    return 2 * reference(noise)


def flip_one_minus_noise(noise):
    return reference(1 - noise)


def label_first(noise):  # p[y, x1, x2] instead of p[x1, x2, y]
    return reference(noise).transpose(2, 0, 1)


def fixed_noise(noise):  # ignores its argument
    return reference(0.1)


def returns_list(noise):
    return reference(noise).tolist()  # accepted: converted with np.asarray


def capped_noise(noise):  # right at noise 0.1, but sums to 0.9 at noise 0.3 (used to crash inside the PID solver)
    p = np.zeros((2, 2, 2))
    for y in (0, 1):
        p[y, y, y] = 0.5 * (1 - noise)
        p[1 - y, 1 - y, y] = 0.5 * min(noise, 0.2)
    return p


def negative_at_zero(noise):  # a linear formula that goes negative at noise 0
    p = reference(noise)
    p[0, 0, 1] = p[1, 1, 0] = 0.5 * noise - 0.5 * (noise == 0) * 0.1
    return p


def no_return(noise):
    reference(noise)


def wrong_shape(noise):  # p[(x1, x2), y] as a 4 x 2 table
    return reference(noise).reshape(4, 2)


MUTANTS = {
    "independent_flips": (independent_flips, "flip once, not once per source"),
    "unnormalised": (unnormalised, "the table does not sum to 1 (sums to 2)"),
    "flip_one_minus_noise": (flip_one_minus_noise, "You flipped with probability 1 − noise"),
    "label_first": (label_first, "X1 and X2 differ with probability"),
    "fixed_noise": (
        fixed_noise,
        "Check 6/7 (other noise levels): with noise = 0.0 the sources disagree with Y "
        "with probability 0.1, expected 0.0. That is the table for noise 0.1: does your "
        "table use its noise argument?",
    ),
    "capped_noise": (
        capped_noise,
        "Check 6/7 (other noise levels): the table at noise 0.3 does not sum to 1 (sums to 0.9)",
    ),
    "negative_at_zero": (
        negative_at_zero,
        "Check 6/7 (other noise levels): the table at noise 0.0 has a negative cell (-0.05)",
    ),
    "no_return": (no_return, "Check 1/7 (shape (2, 2, 2)): your function returned None"),
    "wrong_shape": (wrong_shape, "Check 1/7 (shape (2, 2, 2)): expected shape (2, 2, 2), got (4, 2)"),
}
