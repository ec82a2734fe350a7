"""The cross-validated top-set recall diagnostic (benchmarks.predictability)."""

import numpy as np

from benchmarks.pool import PoolProblem
from benchmarks.predictability import cross_validated_top_recall


def _pool(y: np.ndarray, grid: np.ndarray) -> PoolProblem:
    return PoolProblem("synthetic", grid, y, n_top=10, feature_names=("a", "b"))


GRID = np.array([(a, b) for a in np.linspace(0, 1, 12) for b in np.linspace(0, 1, 10)])


def test_a_smooth_objective_is_ranked_almost_perfectly():
    smooth = _pool((GRID[:, 0] - 0.8) ** 2 + (GRID[:, 1] - 0.3) ** 2, GRID)
    table = cross_validated_top_recall(smooth, depths=(10, 20), folds=5)
    gp = table[table["model"].str.startswith("GP") & (table["k"] == 20)].iloc[0]
    assert gp["top_found"] >= 9
    assert gp["r2"] > 0.9


def test_pure_noise_is_ranked_no_better_than_chance():
    noise = _pool(np.random.default_rng(0).normal(size=len(GRID)), GRID)
    table = cross_validated_top_recall(noise, depths=(20,), folds=5)
    # Chance: 20 * 10 / 120 = 1.7 top-set members in the first 20.
    assert (table["random_expectation"] == 20 * 10 / 120).all()
    assert (table["top_found"] <= 6).all()
    assert (table["r2"] < 0.2).all()
