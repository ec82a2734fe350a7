"""A pool campaign whose goal is the pool's best share (``[campaign] top_fraction``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nfpopt.definition import parse_definition
from nfpopt.exceptions import CampaignDefinitionError
from nfpopt.recommend.bayes import propose_bayesian
from tests.recommend.conftest import FAST

#: A furnace-temperature scan of one powder: 40 temperatures on the shelf's plan, the
#: resistance lowest near 530 C. The top 10 % of the pool are the 4 temperatures nearest it.
_POOL = "\n".join(f"[[candidates]]\ncalcination_temp_c = {t:.1f}\n" for t in np.linspace(500.0, 560.0, 40))


def _campaign(extra: str = "top_fraction = 0.1", objectives: str = "") -> str:
    return f"""
[campaign]
name = "temperature_scan"
batch_size = 3
{extra}

[[parameters]]
name = "calcination_temp_c"
type = "continuous"
bounds = [500.0, 560.0]
unit = "C"

[[outcomes]]
name = "internal_resistance_ohm"
unit = "ohm"
lower = 0.0
scale = "log"

[[outcomes]]
name = "capacity_2c_mah_g"
unit = "mAh/g"
lower = 0.0
upper = 97.0
hurdle = true

[[objectives]]
outcome = "internal_resistance_ohm"
direction = "minimise"
{objectives}
{_POOL}
"""


def _resistance_ohm(temperature_c: np.ndarray) -> np.ndarray:
    return 200.0 * np.exp(((temperature_c - 530.0) / 12.0) ** 2)


def _history(definition, temperatures_c: list[float]) -> pd.DataFrame:
    pool = definition.candidate_pool
    rows = pool[pool["calcination_temp_c"].round(1).isin(np.round(temperatures_c, 1))].reset_index(drop=True)
    return rows.assign(
        internal_resistance_ohm=_resistance_ohm(rows["calcination_temp_c"].to_numpy()),
        status="measured",
        source="imported",
        experiment_id=np.arange(1, len(rows) + 1),
    )


def test_the_search_for_the_top_set_gathers_the_best_temperatures_neighbours():
    definition = parse_definition(_campaign())
    temperatures = definition.candidate_pool["calcination_temp_c"].to_numpy()
    top = set(np.round(temperatures[np.argsort(np.abs(temperatures - 530.0))[:4]], 1))
    # the best temperature so far is one of the top set; the others were far from it
    measured = [min(top), 500.0, 506.2, 512.3, 547.7, 553.8, 560.0]
    batch = propose_bayesian(definition, _history(definition, measured), 3, FAST)
    chosen = set(batch["calcination_temp_c"].round(1))
    assert chosen <= top, f"proposed {sorted(chosen)}; the rest of the top set is {sorted(top - {min(top)})}"
    assert (batch["p_top_set"] > 0.2).all() and batch["p_top_set"].is_monotonic_decreasing
    assert batch["rationale"].str.startswith("P(among the pool's best 10 %)").all()


@pytest.mark.parametrize(
    ("extra", "objectives", "message"),
    [
        pytest.param("top_fraction = 1.5", "", "e.g. 0.05", id="above_one"),
        pytest.param("top_fraction = 0", "", "e.g. 0.05", id="zero"),
        pytest.param(
            "top_fraction = 0.1",
            '[[objectives]]\noutcome = "capacity_2c_mah_g"\ndirection = "maximise"',
            "one objective",
            id="two_objectives",
        ),
    ],
)
def test_a_top_fraction_the_recommender_cannot_serve_is_refused(extra, objectives, message):
    with pytest.raises(CampaignDefinitionError, match=message) as error:
        parse_definition(_campaign(extra, objectives))
    assert "top_fraction" in str(error.value)


def test_a_top_fraction_without_a_pool_says_how_to_add_one():
    text = _campaign().split("[[candidates]]")[0]
    with pytest.raises(CampaignDefinitionError, match="candidate_pool"):
        parse_definition(text)


def test_a_hurdle_outcome_cannot_rank_the_pool():
    text = _campaign().replace(
        'outcome = "internal_resistance_ohm"\ndirection = "minimise"',
        'outcome = "capacity_2c_mah_g"\ndirection = "maximise"',
    )
    with pytest.raises(CampaignDefinitionError, match="hurdle"):
        parse_definition(text)
