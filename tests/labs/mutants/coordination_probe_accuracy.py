"""Exercise 4 of the coordination lab (ridge probe): the reference and deliberately wrong versions."""

import numpy as np


def _standardise(train, test):
    mean, std = train.mean(0), train.std(0)
    std = np.where(std < 1e-12, 1.0, std)
    return (train - mean) / std, (test - mean) / std


def reference(train_z, train_y, test_z, test_y, alpha):
    ztr, zte = _standardise(train_z, test_z)
    n, d = ztr.shape
    classes = np.unique(train_y)
    a = np.hstack([ztr, np.ones((n, 1))])
    y = (train_y[:, None] == classes[None, :]).astype(float)
    w = np.linalg.solve(a.T @ a + alpha * n * np.diag(np.r_[np.ones(d), 0.0]), a.T @ y)
    pred = classes[(np.hstack([zte, np.ones((len(zte), 1))]) @ w).argmax(1)]
    return float((pred == test_y).mean())


def reference_centred_targets(train_z, train_y, test_z, test_y, alpha):  # bias = target mean, weights on centred data
    ztr, zte = _standardise(train_z, test_z)
    n, d = ztr.shape
    classes = np.unique(train_y)
    y = (train_y[:, None] == classes[None, :]).astype(float)
    w = np.linalg.solve(ztr.T @ ztr + alpha * n * np.eye(d), ztr.T @ (y - y.mean(0)))  # ztr is centred already
    pred = classes[(zte @ w + y.mean(0)).argmax(1)]
    return float((pred == test_y).mean())


def not_standardised(train_z, train_y, test_z, test_y, alpha):
    n, d = train_z.shape
    classes = np.unique(train_y)
    a = np.hstack([train_z, np.ones((n, 1))])
    y = (train_y[:, None] == classes[None, :]).astype(float)
    w = np.linalg.solve(a.T @ a + alpha * n * np.diag(np.r_[np.ones(d), 0.0]), a.T @ y)
    pred = classes[(np.hstack([test_z, np.ones((len(test_z), 1))]) @ w).argmax(1)]
    return float((pred == test_y).mean())


def test_statistics(train_z, train_y, test_z, test_y, alpha):
    ztr, _ = _standardise(train_z, train_z)
    zte, _ = _standardise(test_z, test_z)
    return reference(ztr, train_y, zte, test_y, alpha)


def bias_penalised(train_z, train_y, test_z, test_y, alpha):
    ztr, zte = _standardise(train_z, test_z)
    n, d = ztr.shape
    classes = np.unique(train_y)
    a = np.hstack([ztr, np.ones((n, 1))])
    y = (train_y[:, None] == classes[None, :]).astype(float)
    w = np.linalg.solve(a.T @ a + alpha * n * np.eye(d + 1), a.T @ y)
    pred = classes[(np.hstack([zte, np.ones((len(zte), 1))]) @ w).argmax(1)]
    return float((pred == test_y).mean())


def column_indices(train_z, train_y, test_z, test_y, alpha):  # compares argmax positions with the labels
    ztr, zte = _standardise(train_z, test_z)
    n, d = ztr.shape
    classes = np.unique(train_y)
    a = np.hstack([ztr, np.ones((n, 1))])
    y = (train_y[:, None] == classes[None, :]).astype(float)
    w = np.linalg.solve(a.T @ a + alpha * n * np.diag(np.r_[np.ones(d), 0.0]), a.T @ y)
    return float(((np.hstack([zte, np.ones((len(zte), 1))]) @ w).argmax(1) == test_y).mean())


def correct_count(train_z, train_y, test_z, test_y, alpha):
    return reference(train_z, train_y, test_z, test_y, alpha) * len(test_y)


def uses_the_library(train_z, train_y, test_z, test_y, alpha):
    from mmlab.fission import linear_probe

    return linear_probe(train_z, train_y, test_z, test_y, method="ridge", alpha=alpha)


MUTANTS = {
    "not_standardised": (not_standardised, "Check 2/4 (features on very different scales): you did not standardise"),
    "test_statistics": (test_statistics, "you standardised the test features with their own mean and std"),
    "bias_penalised": (bias_penalised, "Check 4/4 (labels 3, 7, 9 and a strong penalty): you penalised the bias"),
    "column_indices": (column_indices, "are you comparing column indices (0, 1, 2) with the labels (3, 7, 9)?"),
    "correct_count": (correct_count, "Check 1/4 (returns one accuracy in [0, 1]): an accuracy lies in [0, 1]"),
    "uses_the_library": (
        uses_the_library,
        "Exercise 4 asks you to write the ridge probe yourself; your function calls mmlab's `linear_probe`",
    ),
}
