"""The Liang et al. notebook's GP run with GPy itself (benchmarks.gpy_reference)."""

import numpy as np
import pytest

from benchmarks.liang2021 import make_strategy
from benchmarks.pool import PoolProblem, run_pool
from benchmarks.strategies import Acquisition

GPy = pytest.importorskip("GPy", reason="the gpy-* strategies need GPy (dev or bench extra)")
from benchmarks.gpy_reference import GPyNotebookStrategy  # noqa: E402


def quick(kind: str = "lcb", ard: bool = True) -> GPyNotebookStrategy:
    """The notebook's GP with 2 restarts instead of 10, to keep the tests fast."""
    return GPyNotebookStrategy(Acquisition(kind, 2.0), ard=ard, n_restarts=2)


@pytest.fixture
def valley() -> PoolProblem:
    """60 points on a 2-D grid; the objective is smallest near (0.8, 0.2); top set of 3."""
    grid = np.array([(a, b) for a in np.linspace(0, 1, 10) for b in np.linspace(0, 1, 6)])
    y = (grid[:, 0] - 0.8) ** 2 + 0.5 * (grid[:, 1] - 0.2) ** 2
    return PoolProblem("valley", grid, y, n_top=3, feature_names=("a", "b"))


@pytest.mark.parametrize("label", ["gpy-iso-lcb2+rawX", "gpy-ard-lcb1", "gpy-ard-ei"])
def test_gpy_labels_round_trip(label):
    assert make_strategy(label).name == label


def test_each_fit_starts_from_the_previous_cycles_hyperparameters(valley):
    """The notebook shares one kernel object between cycles, so GPy warm-starts every fit."""
    strategy = quick()
    rng = np.random.default_rng(0)
    observed = [0, 7, 33, 50]
    strategy.select(valley.X[observed], valley.y[observed], valley.X, rng)
    first_kernel = strategy._model.kern
    fitted = first_kernel.param_array.copy()
    assert not np.allclose(fitted[:3], [1.0, 1.0, 1.0]), "the first fit should move off GPy's defaults"
    strategy.select(valley.X[observed + [20]], valley.y[observed + [20]], valley.X, rng)
    assert strategy._model.kern is first_kernel


def test_the_notebook_gp_finds_a_smooth_optimum_faster_than_random(valley):
    run = run_pool(valley, quick(ard=False), 4295)
    # Random sampling needs 45 of 60 draws on average to find all 3; the GP far fewer.
    assert len(run.order) <= 25, run.order


def test_a_run_repeats_for_its_seed(valley):
    first = run_pool(valley, quick("ei"), 326, max_cycles=10)
    again = run_pool(valley, quick("ei"), 326, max_cycles=10)
    assert first.order == again.order
