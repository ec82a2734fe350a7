"""The few statistics the model-skill check needs: cross-validation folds, AUC and two one-sided
tests (Mann-Whitney U, Pearson's r).

Why written here and not taken from scikit-learn (``KFold``, ``StratifiedKFold``,
``roc_auc_score``) and ``scipy.stats`` (``mannwhitneyu``, ``pearsonr``): every
``nfpopt propose`` judges its models, and importing those two costs its start-up about 0.6 s on
a 2-core machine, more than the judging itself. The folds of :func:`k_folds` are scikit-learn's
``KFold(k, shuffle=True, random_state=seed)``'s; the tests follow ``scipy.stats``' definitions
(``tests/surrogates/test_statistics.py`` checks both against them).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

_EXACT_MAX = 8  # Mann-Whitney: the exact null distribution when a sample this small has no ties

Folds = Iterator[tuple[np.ndarray, np.ndarray]]


def k_folds(n: int, k: int, seed: int | None) -> Folds:
    """``(train, test)`` index arrays of ``k`` folds of ``n`` rows: consecutive if ``seed`` is
    None, else of a permutation by ``np.random.RandomState(seed)``; the first ``n % k`` folds one
    row larger; indices sorted."""
    order = np.arange(n) if seed is None else np.random.RandomState(seed).permutation(n)
    yield from _split(n, np.array_split(order, k))


def stratified_k_folds(labels: np.ndarray, k: int, seed: int) -> Folds:
    """``k`` folds in which each class is spread as evenly as it can be: each class's rows in an
    order drawn by ``np.random.RandomState(seed)``, one class after the other, dealt to the folds
    in turn (so fold sizes, and each class's count in them, differ by at most one)."""
    labels = np.asarray(labels)
    rng = np.random.RandomState(seed)
    dealt = np.concatenate([rng.permutation(np.flatnonzero(labels == level)) for level in np.unique(labels)])
    yield from _split(len(labels), [dealt[i::k] for i in range(k)])


def _split(n: int, tests: list[np.ndarray]) -> Folds:
    for test in tests:
        held = np.zeros(n, bool)
        held[test] = True
        yield np.flatnonzero(~held), np.flatnonzero(held)


def midranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of ``values``, tied values sharing the mean of their ranks."""
    values = np.asarray(values, float)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    return ((upper - counts + 1 + upper) / 2.0)[inverse]


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve: P(score of a positive > score of a negative), ties counting half."""
    labels = np.asarray(labels, bool)
    return _u_statistic(np.asarray(scores)[labels], np.asarray(scores)[~labels]) / (labels.sum() * (~labels).sum())


def _u_statistic(x: np.ndarray, y: np.ndarray) -> float:
    """Mann-Whitney's ``U`` of ``x`` against ``y``: pairs with ``x > y``, ties counting half."""
    ranks = midranks(np.concatenate([x, y]))
    return float(ranks[: len(x)].sum() - len(x) * (len(x) + 1) / 2.0)


def mann_whitney_greater(x: np.ndarray, y: np.ndarray) -> float:
    """One-sided p-value that ``x`` is stochastically greater than ``y`` (Mann-Whitney U), as
    ``scipy.stats.mannwhitneyu(x, y, alternative="greater")`` computes it: the exact null
    distribution when one sample has at most 8 values and there are no ties, else the normal
    approximation with the tie and continuity corrections."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    u = _u_statistic(x, y)
    both = np.concatenate([x, y])
    _, ties = np.unique(both, return_counts=True)
    if min(len(x), len(y)) <= _EXACT_MAX and np.all(ties == 1):
        counts = _u_counts(len(x), len(y))
        return float(counts[int(round(u)) :].sum() / counts.sum())
    n1, n2, n = len(x), len(y), len(both)
    sd = math.sqrt(n1 * n2 / 12.0 * ((n + 1) - float(np.sum(ties**3 - ties)) / (n * (n - 1))))
    z = (u - n1 * n2 / 2.0 - 0.5) / sd
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _u_counts(m: int, n: int) -> np.ndarray:
    """How many orderings of ``m`` x's and ``n`` y's give each ``U`` = 0 .. m n (no ties):
    ``c(m, n; u) = c(m - 1, n; u - n) + c(m, n - 1; u)``, the largest value an x or a y."""
    table = {(0, j): np.ones(1) for j in range(n + 1)}
    for i in range(1, m + 1):
        table[(i, 0)] = np.ones(1)
        for j in range(1, n + 1):
            counts = np.zeros(i * j + 1)
            counts[j:] += table[(i - 1, j)]  # the largest is an x: it beats all j y's
            counts[: len(table[(i, j - 1)])] += table[(i, j - 1)]
            table[(i, j)] = counts
    return table[(m, n)]


def pearson_greater(x: np.ndarray, y: np.ndarray) -> float:
    """One-sided p-value that ``x`` and ``y`` correlate positively by chance: under the null
    Pearson's ``r`` of ``n`` pairs is Beta(n/2 - 1, n/2 - 1) on [-1, 1] (as ``scipy.stats.pearsonr``)."""
    from scipy.special import betainc  # 0.2 s to import: only where a model is judged

    r = float(np.clip(np.corrcoef(x, y)[0, 1], -1.0, 1.0))
    a = len(x) / 2.0 - 1.0
    return float(betainc(a, a, (1.0 - r) / 2.0))
