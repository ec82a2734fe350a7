"""Top% curves, fold aggregation, EF and AF on cases small enough to check by hand."""

import random

import numpy as np
import pytest

from benchmarks import metrics
from nfpopt.exceptions import InputDataError


def test_top_fraction_curves_divide_by_n_top_and_pad_with_one():
    curves = metrics.top_fraction_curves([[0, 1, 2], [1, 1]], n_top=2, n_pool=4)
    np.testing.assert_allclose(curves, [[0, 0.5, 1, 1], [0.5, 0.5, 1, 1]])


@pytest.mark.parametrize(
    ("counts", "n_top", "n_pool"),
    [
        pytest.param([[0, 1, 1]], 0, 3, id="zero_n_top"),
        pytest.param([[0, 1, 1, 1]], 1, 3, id="run_longer_than_pool"),
    ],
)
def test_top_fraction_curves_rejects_bad_input(counts, n_top, n_pool):
    with pytest.raises(InputDataError):
        metrics.top_fraction_curves(counts, n_top, n_pool)


def test_random_baseline_is_i_over_n():
    np.testing.assert_allclose(metrics.random_baseline(4), [0.25, 0.5, 0.75, 1.0])


def test_round_to_grid_uses_steps_of_0_005():
    np.testing.assert_allclose(metrics.round_to_grid([0.0024, 0.0026, 0.7951, 0.8]), [0, 0.005, 0.795, 0.8])


def test_enhancement_factor_divides_by_random_curve():
    # N = 4: random gives 0.25, 0.5, 0.75, 1.
    np.testing.assert_allclose(metrics.enhancement_factor([0, 0.5, 1, 1]), [0, 1, 4 / 3, 1])


def test_peak_enhancement_reports_first_cycle_of_the_maximum_within_the_horizon():
    curve = np.array([0.5, 1.0, 1.0, 1.0])  # EF: 2, 2, 4/3, 1
    assert metrics.peak_enhancement(curve) == (2.0, 1)
    assert metrics.peak_enhancement(np.array([0.0, 0.5, 1.0, 1.0]), horizon=2) == (1.0, 2)


def test_acceleration_factor_at_common_levels():
    # N = 10: random reaches 0.2 at 2, 0.5 at 5, 1 at 10; this curve at 1, 2 and 4.
    curve = np.array([0.2, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 1])
    levels, af = metrics.acceleration_factor_levels(curve)
    np.testing.assert_allclose(levels, [0.2, 0.5, 1.0])
    np.testing.assert_allclose(af, [2.0, 2.5, 2.5])


def test_acceleration_factor_is_interpolated_between_levels_and_nan_beyond():
    curve = np.array([0.2, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 1])
    assert metrics.acceleration_factor_at(curve, 0.35) == pytest.approx(2.25)
    assert metrics.acceleration_factor_at(curve, 0.5) == pytest.approx(2.5)
    truncated = np.array([0.2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    assert np.isnan(metrics.acceleration_factor_at(truncated, 0.8))


def test_cycles_to_reach_uses_the_rounded_curve():
    assert metrics.cycles_to_reach(np.array([0.1, 0.7976, 0.8, 1.0]), 0.8) == 2  # rounds to 0.8
    assert metrics.cycles_to_reach(np.array([0.1, 0.7974, 0.8, 1.0]), 0.8) == 3  # rounds to 0.795
    assert metrics.cycles_to_reach(np.array([0.1, 0.2]), 0.8) is None


def test_fold_partition_matches_sampling_from_a_seeded_random():
    folds = metrics.fold_partition(5782, n_runs=10, n_folds=5)
    generator, remaining, expected = random.Random(5782), list(range(10)), []
    for _ in range(5):
        fold = generator.sample(remaining, 2)
        remaining = [index for index in remaining if index not in fold]
        expected.append(fold)
    assert folds == expected
    assert sorted(index for fold in folds for index in fold) == list(range(10))


def test_fold_partition_needs_a_multiple_of_the_fold_count():
    with pytest.raises(InputDataError, match="multiple"):
        metrics.fold_partition(1, n_runs=7, n_folds=5)


def test_aggregating_identical_runs_gives_that_run():
    run = np.array([0.0, 0.5, 1.0])
    agg = metrics.aggregate_folds(np.tile(run, (10, 1)))
    for curve in (agg.median, agg.low, agg.high):
        np.testing.assert_allclose(curve, run)
    assert agg.fold_means.shape == (100 * 5, 3)


def test_one_run_per_fold_gives_percentiles_of_the_runs():
    runs = np.array([[0.0], [0.2], [0.4]])
    agg = metrics.aggregate_folds(runs, n_folds=metrics.default_folds(3))
    assert (agg.low[0], agg.median[0], agg.high[0]) == pytest.approx((0.0, 0.2, 0.4))


def test_fold_means_average_ten_runs():
    runs = np.arange(50, dtype=float).reshape(50, 1)
    agg = metrics.aggregate_folds(runs, seeds=[5782])
    expected = sorted(np.mean(fold) for fold in metrics.fold_partition(5782, 50, 5))
    assert sorted(agg.fold_means[:, 0]) == pytest.approx(expected)
