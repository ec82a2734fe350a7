"""nfpopt's own folds, AUC and one-sided tests against scikit-learn's and scipy.stats' (whose
import they spare every propose)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import mannwhitneyu, pearsonr
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold

from nfpopt.surrogates import statistics


@pytest.mark.parametrize(("n", "k", "seed"), [(10, 5, 0), (23, 5, 7), (5, 5, None), (7, 3, None)])
def test_k_folds_are_scikit_learns(n: int, k: int, seed: int | None) -> None:
    ours = list(statistics.k_folds(n, k, seed))
    theirs = KFold(k, shuffle=seed is not None, random_state=seed).split(np.zeros(n))
    for (train, test), (their_train, their_test) in zip(ours, theirs, strict=True):
        assert train.tolist() == their_train.tolist() and test.tolist() == their_test.tolist()


@pytest.mark.parametrize(("n_true", "n_false", "k"), [(10, 10, 5), (3, 17, 3), (8, 5, 5)])
def test_stratified_folds_cover_every_row_once_with_each_class_spread_evenly(n_true: int, n_false: int, k: int) -> None:
    labels = np.random.default_rng(0).permutation([True] * n_true + [False] * n_false)
    folds = list(statistics.stratified_k_folds(labels, k, seed=3))
    tests = np.concatenate([test for _, test in folds])
    assert sorted(tests.tolist()) == list(range(len(labels)))
    for level in (True, False):
        counts = [int(np.sum(labels[test] == level)) for _, test in folds]
        assert max(counts) - min(counts) <= 1
    for train, test in folds:
        assert not set(train) & set(test) and len(train) + len(test) == len(labels)


def _samples(seed: int, n: int, m: int, ties: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x, y = rng.normal(0.5, 1.0, n), rng.normal(0.0, 1.0, m)
    return (np.round(x, 1), np.round(y, 1)) if ties else (x, y)


@pytest.mark.parametrize(
    ("n", "m", "ties"),
    [(3, 5, False), (8, 20, False), (12, 15, False), (12, 15, True), (4, 6, True), (30, 40, True)],
)
def test_auc_and_mann_whitney_are_scipys(n: int, m: int, ties: bool) -> None:
    for seed in range(5):
        x, y = _samples(seed, n, m, ties)
        expected = mannwhitneyu(x, y, alternative="greater").pvalue
        assert statistics.mann_whitney_greater(x, y) == pytest.approx(expected, rel=1e-9, abs=1e-12)
        labels = np.r_[np.ones(n, bool), np.zeros(m, bool)]
        scores = np.r_[x, y]
        assert statistics.roc_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores), rel=1e-12)


@pytest.mark.parametrize("n", [4, 10, 50])
def test_pearson_is_scipys(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(5):
        x = rng.normal(size=n)
        y = 0.3 * x + rng.normal(size=n)
        expected = pearsonr(x, y, alternative="greater").pvalue
        assert statistics.pearson_greater(x, y) == pytest.approx(expected, rel=1e-9)
