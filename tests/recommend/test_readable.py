"""Predictions a scientist reads at a glance (issue 17): intervals in the outcome's units and
bounds, the scale named, and a rationale that fits the campaign it is written for."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

from nfpopt.definition import CampaignDefinition, parse_definition
from nfpopt.recommend.bayes import propose_bayesian
from tests.recommend.conftest import FAST

#: Three objectives, a categorical solvent with four levels, no feasibility outcome, a pool; one
#: outcome bounded above at 3.0 (a yield ratio) so intervals meet the bound.
THREE_OBJECTIVES = """
[campaign]
name = "film"
batch_size = 3
seed = 5
initial_design_size = 4

[[parameters]]
name = "anneal_temp_c"
type = "continuous"
bounds = [100, 300]
unit = "C"

[[parameters]]
name = "thickness_nm"
type = "continuous"
bounds = [50, 500]
unit = "nm"

[[parameters]]
name = "solvent"
type = "categorical"
values = ["dmf", "dmso", "gbl", "nmp"]

[[outcomes]]
name = "conductivity_s_cm"
unit = "S/cm"
lower = 0.0
scale = "log"

[[outcomes]]
name = "ratio"
lower = 0.0
upper = 3.0

[[outcomes]]
name = "roughness_nm"
unit = "nm"
lower = 0.0

[[objectives]]
outcome = "conductivity_s_cm"
direction = "maximise"

[[objectives]]
outcome = "ratio"
direction = "maximise"

[[objectives]]
outcome = "roughness_nm"
direction = "minimise"
"""


@pytest.fixture(scope="module")
def film() -> CampaignDefinition:
    temps, thick = np.meshgrid(np.linspace(100, 300, 6), np.linspace(50, 500, 4))
    pool = pd.DataFrame(
        {
            "anneal_temp_c": np.tile(temps.ravel(), 4),
            "thickness_nm": np.tile(thick.ravel(), 4),
            "solvent": np.repeat(["dmf", "dmso", "gbl", "nmp"], temps.size),
        }
    ).sample(frac=1.0, random_state=1)
    lines = [THREE_OBJECTIVES]
    for row in pool.itertuples(index=False):
        lines.append(
            f"[[candidates]]\nanneal_temp_c = {row.anneal_temp_c}\nthickness_nm = {row.thickness_nm}\n"
            f'solvent = "{row.solvent}"\n'
        )
    return parse_definition("\n".join(lines), source="film.toml")


def _film_history(film: CampaignDefinition, n: int) -> pd.DataFrame:
    made = film.candidate_pool.head(n).reset_index(drop=True)
    x = (made["anneal_temp_c"] - 100) / 200
    solvent = made["solvent"].map({"dmf": 0.0, "dmso": 0.3, "gbl": 0.6, "nmp": 0.9})
    made["conductivity_s_cm"] = np.exp(2 + 3 * x + solvent)
    made["ratio"] = np.minimum(3.0, 2.2 + 0.8 * x + 0.3 * solvent)  # at the bound for hot anneals
    made["roughness_nm"] = 5 + made["thickness_nm"] / 50
    return made.assign(status="measured", source="test", experiment_id=np.arange(1, n + 1))


@pytest.fixture(scope="module")
def film_batch(film) -> pd.DataFrame:
    return propose_bayesian(film, _film_history(film, 12), 3, FAST)


def test_every_outcome_comes_with_a_90_percent_interval_and_its_scale(film_batch):
    for name, scale in (("conductivity_s_cm", "log"), ("ratio", "linear"), ("roughness_nm", "log")):
        point, low, high = (film_batch[f"predicted_{name}{s}"] for s in ("", "_lo90", "_hi90"))
        assert ((low <= point) & (point <= high)).all()
        assert (film_batch[f"predicted_{name}_scale"] == scale).all()


def test_an_interval_never_leaves_the_declared_bounds_and_says_when_it_was_cut(film_batch):
    assert film_batch["predicted_ratio_hi90"].max() <= 3.0
    assert film_batch["predicted_ratio_lo90"].min() >= 0.0
    cut = film_batch["predicted_ratio_truncated"]
    assert cut.dtype == bool
    for reason, was_cut in zip(film_batch["rationale"], cut, strict=True):
        assert ("ratio: interval cut at its declared bounds" in reason) == was_cut


def test_a_campaign_without_a_feasibility_outcome_shows_no_probability_of_success(film_batch):
    assert "p_feasible" not in film_batch
    assert not film_batch["rationale"].str.contains("P(success)", regex=False).any()


def test_a_one_objective_campaign_speaks_of_the_best_so_far_not_a_trade_off(alloy):
    pool = alloy.candidate_pool
    made = pool.iloc[:8].copy()
    made["hardness_hv"] = 90 + 10 * made["cu_wt_pct"]
    made["elongation_pct"] = 14 - 1.2 * made["cu_wt_pct"]
    made["crack_free"] = True
    history = made.assign(status="measured", source="imported", experiment_id=np.arange(1, 9))
    batch = propose_bayesian(alloy, history, 3, FAST)
    assert batch["rationale"].str.contains("best so far").all()
    assert not batch["rationale"].str.contains("trade-off").any()
    assert (batch["predicted_hardness_hv_lo90"] > 0).all()


def test_a_recipe_below_the_success_floor_is_labelled_so(nfp, nfp_history):
    strict = dataclasses.replace(FAST, min_p_feasible=0.999)
    batch = propose_bayesian(nfp, nfp_history, 2, strict)
    below = batch["p_feasible"] < 0.999
    assert below.any()
    for reason, flagged in zip(batch["rationale"], below, strict=True):
        assert ("below the success floor 0.999" in reason) == flagged


def test_proposing_raises_no_warning(nfp, nfp_history):
    propose_bayesian(nfp, nfp_history, 2, FAST)  # imports and first-call compilation out of the way
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        propose_bayesian(nfp, nfp_history, 2, FAST)
    assert [str(w.message) for w in caught] == []
