"""P(in the pool's top set): the acquisition for finding a pool's best recipes (Liang et al.'s Top%)."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from nfpopt.exceptions import InputDataError
from nfpopt.objectives import Objective
from nfpopt.recommend.top_set import log_p_top_set, log_p_top_set_of_recipes, top_set_size, top_set_threshold
from nfpopt.surrogates.transforms import scale_named


@pytest.mark.parametrize(
    ("pool", "expected"),
    [(164, 9), (100, 5), (94, 5), (178, 9), (600, 30), (10, 1)],
    ids=["agnp", "autoam", "perovskite", "p3ht", "crossed_barrel", "tiny"],
)
def test_top_set_size_matches_liang_2021s_top_5_percent(pool, expected):
    assert top_set_size(pool, 0.05) == expected


@pytest.mark.parametrize("fraction", [0.0, -0.1, 1.5])
def test_a_top_fraction_outside_zero_to_one_is_refused_with_an_example(fraction):
    with pytest.raises(InputDataError, match="0.05"):
        top_set_size(100, fraction)


def test_threshold_counts_measured_values_and_the_rest_of_the_pools_predictions():
    # 20 recipes, top 5 % = 1: the best value of either kind.
    measured = np.array([3.0, 1.0])
    predicted = np.linspace(0.0, 2.0, 18)
    assert top_set_threshold(measured, predicted, 0.05) == 3.0
    # top 25 % = 5: the 5th largest of the 20 values together (3.0, then 2.0, 1.88, 1.76, 1.65).
    together = np.sort(np.concatenate([measured, predicted]))[::-1]
    assert top_set_threshold(measured, predicted, 0.25) == pytest.approx(together[4])


def test_a_likely_neighbour_of_the_top_set_outranks_a_long_shot_that_expected_improvement_prefers():
    """Top% rewards collecting the top set's members, which usually lie next to each other: a
    recipe predicted just above the threshold beats one far below it with a wide sd, although
    the wide one has the larger expected improvement over the best measured value."""
    threshold = best = 1.0
    mean, sd = np.array([1.05, 0.0]), np.array([0.1, 2.0])
    z = (mean - best) / sd
    expected_improvement = sd * (z * norm.cdf(z) + norm.pdf(z))
    assert expected_improvement[1] > expected_improvement[0]
    assert np.argmax(log_p_top_set(mean, sd, threshold)) == 0


def test_candidates_far_below_the_threshold_are_still_ranked():
    logs = log_p_top_set(np.array([-40.0, -60.0]), np.array([1.0, 1.0]), 0.0)
    assert np.all(np.isfinite(logs)) and logs[0] > logs[1]


def test_a_zero_sd_is_certainty_either_side_of_the_threshold():
    assert log_p_top_set(np.array([2.0, -2.0]), np.zeros(2), 0.0).tolist() == [0.0, -np.inf]


@pytest.mark.parametrize(
    ("mean", "sd"),
    [([0.0, 1.0], [1.0]), ([0.0], [-1.0]), ([np.nan], [1.0])],
    ids=["shapes_differ", "negative_sd", "nan_mean"],
)
def test_bad_predictions_are_refused(mean, sd):
    with pytest.raises(InputDataError):
        log_p_top_set(np.array(mean), np.array(sd), 0.0)


def test_no_finite_value_leaves_no_threshold():
    with pytest.raises(InputDataError, match="threshold"):
        top_set_threshold(np.array([np.nan]), np.array([]), 0.05)


class _Stub:
    """An outcome model that predicts given means and sds on a log or linear scale."""

    def __init__(self, mean, sd, log: bool) -> None:
        self.mean, self.sd, self.scale_ = (
            np.asarray(mean, float),
            np.asarray(sd, float),
            scale_named("log" if log else "linear"),
        )

    def predict_scaled(self, recipes):
        return self.mean[: len(recipes)], self.sd[: len(recipes)]


@pytest.mark.parametrize("direction", ["maximise", "minimise"])
def test_the_top_set_is_the_best_end_of_the_objective_in_either_direction(direction):
    candidates = pd.DataFrame({"x": [0, 1, 2]})
    mean = [1.0, 2.0, 3.0]  # on the model scale; the measured best so far is 2.5 or 1.5
    model = _Stub(mean, [0.3] * 3, log=False)
    measured = np.array([2.5]) if direction == "maximise" else np.array([1.5])
    logs = log_p_top_set_of_recipes(model, Objective("y", direction), measured, candidates, 0.25)
    best = 2 if direction == "maximise" else 0
    assert int(np.argmax(logs)) == best


def test_a_log_scale_outcome_is_ranked_on_its_log_and_ignores_non_positive_measurements():
    # resistances, means on the model's log scale; a measured 0 (no reading) cannot be logged and is dropped
    model = _Stub([2.0, 3.0], [0.1, 0.1], log=True)
    logs = log_p_top_set_of_recipes(
        model, Objective("r", "minimise"), np.array([0.0, 150.0]), pd.DataFrame({"x": [0, 1]}), 0.5
    )
    assert logs[0] > logs[1] and np.all(np.isfinite(logs))


def test_a_target_objective_cannot_rank_a_top_set():
    with pytest.raises(InputDataError, match="maximised or minimised"):
        log_p_top_set_of_recipes(
            _Stub([1.0], [1.0], log=False),
            Objective("y", "target", target=1.0),
            np.array([]),
            pd.DataFrame({"x": [0]}),
            0.1,
        )
