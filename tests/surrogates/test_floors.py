"""How far an unexplored recipe may still surprise: the amplitude floor of the GP (issue 12)."""

from __future__ import annotations

import numpy as np
import pytest

from nfpopt.surrogates.base import _amplitude_floor

PRIOR_FLOOR = 0.2  # 10x the 2 % noise floor, on a log scale


def test_five_results_alike_leave_most_of_the_floor():
    assert _amplitude_floor(PRIOR_FLOOR, np.full(5, 0.01)) >= 0.5 * PRIOR_FLOOR


def test_twenty_results_a_prior_got_right_let_the_floor_fall_to_their_spread():
    """A physics prior right within ~3 % on twenty results: the floor is a fifth of the prior
    floor plus their spread, not still half of it (the fixed-weight pooling kept it at 0.09)."""
    residual = np.random.default_rng(1).normal(0.0, 0.03, 20)
    floor = _amplitude_floor(PRIOR_FLOOR, residual)
    assert floor < 0.06
    assert floor > 0.8 * np.sqrt(20 / 25) * residual.std(ddof=1)


def test_without_a_prior_the_floor_grows_to_the_campaigns_own_spread():
    residual = np.random.default_rng(2).normal(0.0, 1.5, 30)
    assert _amplitude_floor(PRIOR_FLOOR, residual) == pytest.approx(np.sqrt(30 / 35) * residual.std(ddof=1), rel=0.05)
