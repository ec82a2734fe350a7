"""The example ageing prior: Shercliff-Ashby's shape, finite over its campaign's space."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nfpopt.definition import load_definition
from nfpopt.examples.ageing import ageing_outcomes

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / "campaigns" / "alloy_ageing_physics.toml")


def _recipes(**columns: object) -> pd.DataFrame:
    base = {"cu_wt_pct": 4.0, "mg_wt_pct": 1.5, "ageing_temp_c": 180.0, "ageing_time_h": 8.0, "quench": "water"}
    return pd.DataFrame({**base, **columns})


def test_hardness_peaks_at_the_peak_age_time_and_softens_after():
    times_h = np.array([1.0, 4.0, 8.0, 16.0, 48.0])
    hardness = ageing_outcomes(_recipes(ageing_time_h=times_h), peak_time_h_at_180c=8.0)["hardness_hv"].to_numpy()
    assert np.argmax(hardness) == 2 and hardness[0] < hardness[2] > hardness[-1]


def test_a_hotter_ageing_reaches_its_peak_sooner():
    hot = _recipes(ageing_temp_c=[200.0], ageing_time_h=[2.0])
    cool = _recipes(ageing_temp_c=[160.0], ageing_time_h=[2.0])
    assert ageing_outcomes(hot)["hardness_hv"][0] > ageing_outcomes(cool)["hardness_hv"][0]


def test_elongation_falls_as_hardness_rises_and_a_gentle_quench_does_not_crack():
    out = ageing_outcomes(_recipes(cu_wt_pct=[2.0, 3.0, 5.0], quench=["air", "oil", "water"]))
    assert np.all(np.diff(out["hardness_hv"]) > 0) and np.all(np.diff(out["elongation_pct"]) < 0)
    assert out["crack_margin"].iloc[0] > 0 > out["crack_margin"].iloc[-1]


def test_the_campaigns_prior_is_finite_everywhere_in_its_space():
    recipes = DEFINITION.space.sample(2000, seed=0, method="random")
    predicted = DEFINITION.prior.predict(recipes)  # raises on a missing column or a non-finite value
    assert len(predicted) == 2000 and (predicted["hardness_hv"] > 0).all()


@pytest.mark.parametrize("name", ["hardness_hv", "elongation_pct"])
def test_the_prior_predicts_the_campaigns_objective_and_constraint(name: str):
    assert name in DEFINITION.prior.outcomes
