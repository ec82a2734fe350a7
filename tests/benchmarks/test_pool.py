"""The pool loop and the strategies on a tiny synthetic pool (no external data)."""

import random

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from benchmarks.gp import NfpoptGPStrategy
from benchmarks.liang2021 import make_strategy
from benchmarks.pool import PoolProblem, initial_indices, run_pool
from benchmarks.strategies import Acquisition, RandomStrategy, argmax_last, standardise
from nfpopt.exceptions import InputDataError


@pytest.fixture
def bowl() -> PoolProblem:
    """20 points on a 2-D grid; the objective is smallest near (0.7, 0.3); top set of 2."""
    grid = np.array([(a, b) for a in np.linspace(0, 1, 5) for b in np.linspace(0, 1, 4)])
    y = (grid[:, 0] - 0.7) ** 2 + (grid[:, 1] - 0.3) ** 2
    return PoolProblem("bowl", grid, y, n_top=2, feature_names=("a", "b"))


def test_top_set_is_the_n_top_smallest_values(bowl):
    assert set(np.flatnonzero(bowl.top_mask)) == set(np.argsort(bowl.y)[:2])


@pytest.mark.parametrize(
    ("X", "y", "n_top"),
    [
        pytest.param(np.zeros((3, 1)), np.zeros(2), 1, id="y_length_differs"),
        pytest.param(np.zeros(3), np.zeros(3), 1, id="X_not_2d"),
        pytest.param(np.zeros((3, 1)), np.zeros(3), 0, id="zero_n_top"),
        pytest.param(np.zeros((3, 1)), np.zeros(3), 4, id="n_top_above_pool"),
    ],
)
def test_pool_problem_rejects_bad_shapes(X, y, n_top):
    with pytest.raises(InputDataError):
        PoolProblem("bad", X, y, n_top)


def test_initial_points_are_the_notebooks_random_sample():
    random.seed(4295)  # the notebook seeds the global generator, then samples
    expected = random.sample(list(range(600)), 2)
    assert initial_indices(4295, 600) == expected


def test_a_run_measures_without_replacement_and_stops_when_all_top_found(bowl):
    result = run_pool(bowl, RandomStrategy(), seed=4295)
    assert len(set(result.order)) == len(result.order)
    assert result.top_counts[-1] == bowl.n_top
    assert bowl.top_mask[result.order[-1]]  # the run ended on the last top member
    assert np.all(np.diff(result.top_counts) >= 0)
    assert result.horizon == bowl.n_pool
    curve = result.top_fraction()
    assert curve.shape == (20,) and curve[-1] == 1.0


def test_full_pool_run_measures_every_candidate(bowl):
    result = run_pool(bowl, RandomStrategy(), seed=1, stop_when_all_found=False)
    assert sorted(result.order) == list(range(20))


def test_max_cycles_sets_the_horizon_and_pads_with_the_last_value(bowl):
    result = run_pool(bowl, make_strategy("gp-ard-lcb1"), seed=8508, max_cycles=3)
    assert len(result.order) == 3
    if result.top_counts[-1] < bowl.n_top:
        assert result.horizon == 3
        assert np.all(result.top_fraction()[3:] == result.top_counts[-1] / bowl.n_top)


@pytest.mark.parametrize(
    "label", ["random", "rf-lcb2", "gp-ard-ei", "gp-iso-lcb2+rawX", "nfpopt-gp-lcb2", "nfpopt-gp-ptop"]
)
def test_runs_are_deterministic_per_seed(bowl, label):
    first = run_pool(bowl, make_strategy(label), seed=326, max_cycles=4)
    second = run_pool(bowl, make_strategy(label), seed=326, max_cycles=4)
    assert first.order == second.order


@pytest.mark.parametrize("label", ["nfpopt-gp-qlognei", "nfpopt-gp-ptop", "nfpopt-gp-mix"])
def test_nfpopt_strategies_run_on_a_tiny_pool(bowl, label):
    result = run_pool(bowl, make_strategy(label), seed=326, max_cycles=4)
    assert result.strategy == label and len(result.order) == 4


def test_top_set_search_measures_the_rest_of_the_top_set_where_qlognei_looks_elsewhere(bowl):
    """The bowl's best point and its six worst are measured. P(in the top set), told the top set
    is 2 of 20, asks for the second best, the best's grid neighbour; qLogNEI, which wants one
    point better than the best, asks for another recipe."""
    order = np.argsort(bowl.y)
    observed = [int(order[0]), *(int(i) for i in order[-6:])]
    candidates = [i for i in range(bowl.n_pool) if i not in observed]

    def pick(strategy: NfpoptGPStrategy) -> int:
        rng = np.random.default_rng(0)
        return candidates[strategy.select(bowl.X[observed], bowl.y[observed], bowl.X[candidates], rng)]

    assert pick(NfpoptGPStrategy("ptop", top_fraction=bowl.n_top / bowl.n_pool)) == order[1]
    assert pick(NfpoptGPStrategy("qlognei")) != order[1]


@pytest.mark.parametrize("n_worst", [6, 7])
def test_the_mix_takes_its_two_acquisitions_in_turn(bowl, n_worst):
    """With an even number of points measured the mix asks what P(in the top set) asks, with an
    odd number what qLogNEI asks."""
    order = np.argsort(bowl.y)
    observed = [int(order[0]), *(int(i) for i in order[-n_worst:])]
    candidates = [i for i in range(bowl.n_pool) if i not in observed]
    top_fraction = bowl.n_top / bowl.n_pool

    def pick(acquisition: str) -> int:
        strategy = NfpoptGPStrategy(acquisition, top_fraction=top_fraction)  # type: ignore[arg-type]
        return strategy.select(bowl.X[observed], bowl.y[observed], bowl.X[candidates], np.random.default_rng(0))

    expected = "ptop" if len(observed) % 2 == 0 else "qlognei"
    assert pick("mix") == pick(expected)


@pytest.mark.slow
def test_model_based_strategies_beat_chance_on_the_bowl(bowl):
    """Random needs 2 * 21 / 3 = 14 draws on average for both top points; a GP far fewer."""
    lengths = [len(run_pool(bowl, make_strategy("gp-ard-lcb1"), seed).order) for seed in (4295, 8508, 326)]
    assert np.mean(lengths) < 10


def test_a_strategy_returning_a_bad_row_is_reported(bowl):
    class Broken:
        name = "broken"

        def select(self, X_observed, y_observed, X_candidates, rng):
            return len(X_candidates)

    with pytest.raises(InputDataError, match="broken"):
        run_pool(bowl, Broken(), seed=1)


def test_argmax_last_breaks_ties_to_the_last_and_skips_nan():
    assert argmax_last(np.array([1.0, 3.0, 3.0, 2.0])) == 2
    assert argmax_last(np.array([1.0, np.nan, 0.0])) == 0


def test_lcb_is_minus_mean_plus_ratio_sigma():
    scores = Acquisition("lcb", 2.0)(np.array([1.0, 3.0]), np.array([1.0, 0.0]), y_best=0.0)
    np.testing.assert_allclose(scores, [1.0, -3.0])


def test_ei_and_pi_for_minimisation_with_the_zero_sigma_limit():
    mean, std, y_best = np.array([1.0, 3.0, 0.0]), np.array([0.5, 0.0, 0.0]), 1.4
    z = (1.4 - 1.0) / 0.5
    expected_ei = [0.4 * norm.cdf(z) + 0.5 * norm.pdf(z), 0.0, 1.4]
    np.testing.assert_allclose(Acquisition("ei")(mean, std, y_best), expected_ei)
    np.testing.assert_allclose(Acquisition("pi")(mean, std, y_best), [norm.cdf(z), 0.0, 1.0])


def test_unknown_acquisition_is_rejected():
    with pytest.raises(InputDataError, match="ucb"):
        Acquisition("ucb")  # type: ignore[arg-type]


def test_standardise_uses_observed_statistics_only():
    X_obs, X_cand, y = np.array([[0.0], [2.0]]), np.array([[4.0]]), np.array([1.0, 3.0])
    X_train, X_test, y_train = standardise(X_obs, X_cand, y)
    np.testing.assert_allclose(X_train.ravel(), [-1, 1])
    np.testing.assert_allclose(X_test.ravel(), [3])
    np.testing.assert_allclose(y_train, [-1, 1])


def test_curves_csv_round_trips_to_the_same_summary(bowl, tmp_path):
    from benchmarks.report import results_from_curves, summarise, write_report

    cuts = {1: 4, 2: None, 3: 4, 4: None}  # two runs cut short, two run until all top found
    results = [run_pool(bowl, RandomStrategy(), seed, max_cycles=cut) for seed, cut in cuts.items()]
    write_report(results, tmp_path)
    rebuilt = results_from_curves(pd.read_csv(tmp_path / "curves.csv"))
    assert [(r.order, r.top_counts, r.horizon) for r in rebuilt] == [
        (r.order, r.top_counts, r.horizon) for r in results
    ]
    assert (
        summarise(rebuilt)
        .drop(columns="runtime_s_per_run")
        .equals(summarise(results).drop(columns="runtime_s_per_run"))
    )
