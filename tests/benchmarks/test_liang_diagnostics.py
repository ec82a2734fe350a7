"""The Liang 2021 diagnostics on a small synthetic pool (no external data)."""

import numpy as np
import pytest

from benchmarks.liang_diagnostics import held_out_ranking, pick_distances, top_set_spread
from benchmarks.pool import PoolProblem, RunResult


@pytest.fixture
def bowl() -> PoolProblem:
    grid = np.array([(a, b) for a in np.linspace(0, 1, 8) for b in np.linspace(0, 1, 8)])
    return PoolProblem("bowl", grid, (grid[:, 0] - 0.7) ** 2 + (grid[:, 1] - 0.3) ** 2, n_top=4)


def test_a_run_that_steps_next_to_its_incumbent_has_short_pick_distances(bowl):
    best = int(np.argmin(bowl.y))
    near = [int(i) for i in np.argsort(np.linalg.norm(bowl.X - bowl.X[best], axis=1))]
    run = RunResult("bowl", "near", 0, tuple(near), tuple(range(len(near))), 64, 4, 0.0, 64)
    far = RunResult("bowl", "far", 0, tuple(near[::-1]), tuple(range(len(near))), 64, 4, 0.0, 64)
    assert pick_distances(bowl, [run])["median_distance"] < pick_distances(bowl, [far])["median_distance"]


def test_both_surrogates_rank_a_smooth_bowl_well(bowl):
    table = held_out_ranking(bowl, n_train=20, repeats=1)
    assert (table[["nfpopt_gp_spearman", "gp_ard_spearman"]] > 0.8).all(axis=None)


def test_the_top_set_of_a_bowl_lies_closer_together_than_the_pool(bowl):
    spread = top_set_spread(bowl)
    assert spread["top_set_median_distance"] < spread["pool_median_distance"] / 3
