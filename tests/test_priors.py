"""Named priors: a campaign file names its process model; bad names fail at load, bad output at call."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nfpopt.definition import load_definition, parse_definition
from nfpopt.exceptions import CampaignDefinitionError, InputDataError, PriorModelError
from nfpopt.recommend.bayes import RecommenderSettings, fit_models
from nfpopt.recommend.strategies import proposer

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "furnace.toml"
CALLS: list[int] = []


def yield_model(recipes: pd.DataFrame, *, rate_per_c: float = 0.02, ceiling_pct: float = 90.0) -> pd.DataFrame:
    """Yield rising to a ceiling with temperature, and a margin that is > 0 below 180 C."""
    CALLS.append(len(recipes))
    temp_c = recipes["temp_c"].to_numpy(float)
    return pd.DataFrame(
        {
            "yield_pct": ceiling_pct * (1 - np.exp(-rate_per_c * (temp_c - 20.0))),
            "melt_margin": np.log10(180.0 / temp_c),
        }
    )


def missing_column(recipes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"other": np.zeros(len(recipes))})


def not_finite(recipes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"yield_pct": np.where(recipes["temp_c"] > 100, np.inf, 1.0)})


def a_list(recipes: pd.DataFrame) -> list[float]:
    return [1.0] * len(recipes)


def any_constants(recipes: pd.DataFrame, **constants: float) -> pd.DataFrame:
    unknown = set(constants) - {"rate_per_c"}
    if unknown:
        raise TypeError(f"unexpected constants {sorted(unknown)}")
    return yield_model(recipes, **constants)


NOT_A_FUNCTION = 3.0


def furnace_campaign(prior: str, *, strategy: str = "physics", feasibility: bool = True) -> str:
    """A one-parameter furnace campaign (yield, and whether the part came out intact) with ``prior``."""
    return f"""
[campaign]
name = "furnace"
strategy = "{strategy}"
initial_design_size = 3
[[parameters]]
name = "temp_c"
type = "continuous"
bounds = [30.0, 200.0]
[[objectives]]
outcome = "yield_pct"
direction = "maximise"
[[outcomes]]
name = "yield_pct"
lower = 0.0
upper = 100.0
[[outcomes]]
name = "intact"
kind = "boolean"
{"[feasibility]" if feasibility else ""}
{'outcome = "intact"' if feasibility else ""}
{prior}
"""


GOOD = f"""
[prior]
model = "{__name__}:yield_model"
outcomes = ["yield_pct"]
feasibility_margin = "melt_margin"
[prior.constants]
rate_per_c = {{ value = 0.02, spread = 0.3, fit_to = ["yield_pct"] }}
"""


def _with(line: str, replaced: str | None = None) -> str:
    """GOOD with ``replaced`` (a line of it) swapped for ``line``, or ``line`` added at the end."""
    return GOOD.replace(replaced, line) if replaced else GOOD + line + "\n"


MODEL = f'model = "{__name__}:yield_model"'
CONSTANT = 'rate_per_c = { value = 0.02, spread = 0.3, fit_to = ["yield_pct"] }'
BAD_PRIORS = [
    pytest.param(
        _with('model = "no_such_lab.kinetics:hardness"', MODEL),
        "prior.model",
        "cannot import module 'no_such_lab.kinetics'",
        id="module_missing",
    ),
    pytest.param(
        _with(f'model = "{__name__}:no_such_model"', MODEL),
        "prior.model",
        "has no 'no_such_model'",
        id="attribute_missing",
    ),
    pytest.param(
        _with(f'model = "{__name__}:NOT_A_FUNCTION"', MODEL), "prior.model", "is not a function", id="not_callable"
    ),
    pytest.param(
        _with(f'model = "{__name__}.yield_model"', MODEL), "prior.model", "package.module:function", id="no_colon"
    ),
    pytest.param(
        _with("ceiling_c = { value = 900.0 }"),
        "prior.constants.ceiling_c",
        "accepts no constant 'ceiling_c'",
        id="constant_not_accepted",
    ),
    pytest.param(
        _with("rate_per_c = { value = -0.02 }", CONSTANT),
        "prior.constants.rate_per_c.value",
        "positive",
        id="negative_value",
    ),
    pytest.param(
        _with("rate_per_c = { value = 0.02, spread = 0 }", CONSTANT),
        "prior.constants.rate_per_c.spread",
        "sd of log",
        id="zero_spread",
    ),
    pytest.param(
        _with('rate_per_c = { value = 0.02, fit_to = ["hardness_hv"] }', CONSTANT),
        "prior.constants.rate_per_c.fit_to",
        "yield_pct",
        id="unknown_evidence",
    ),
    pytest.param(
        _with("rate_per_c = { value = 0.02, sd = 0.3 }", CONSTANT),
        "prior.constants.rate_per_c.sd",
        "unknown key",
        id="unknown_constant_key",
    ),
    pytest.param(
        _with('outcomes = ["hardness_hv"]', 'outcomes = ["yield_pct"]'),
        "prior.outcomes",
        "declared numeric",
        id="undeclared_outcome",
    ),
    pytest.param(
        _with('outcomes = ["intact"]', 'outcomes = ["yield_pct"]'),
        "prior.outcomes",
        "declared numeric",
        id="boolean_outcome",
    ),
    pytest.param(_with(MODEL + "\nscale = 2.0", MODEL), "prior.scale", "unknown key", id="unknown_key"),
]


@pytest.mark.parametrize(("prior", "key", "fix"), BAD_PRIORS)
def test_a_bad_prior_is_refused_at_load_naming_the_file_and_key(prior: str, key: str, fix: str) -> None:
    with pytest.raises(PriorModelError, match=SOURCE) as caught:
        parse_definition(furnace_campaign(prior), source=SOURCE)
    assert f"key '{key}'" in str(caught.value) and fix in str(caught.value)


def test_unimportable_prior_names_the_file_and_key() -> None:
    text = furnace_campaign(_with('model = "nfpopt.no_such_module:physics"', MODEL))
    with pytest.raises(CampaignDefinitionError) as caught:
        parse_definition(text, source=SOURCE)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}: key 'prior.model'") and "PYTHONPATH" in message


def test_a_margin_needs_a_feasibility_outcome() -> None:
    with pytest.raises(PriorModelError, match="prior.feasibility_margin.*declare \\[feasibility\\]"):
        parse_definition(furnace_campaign(GOOD, feasibility=False), source=SOURCE)


def test_physics_without_a_prior_is_refused_at_load() -> None:
    with pytest.raises(CampaignDefinitionError, match="campaign.strategy.*\\[prior\\].*'bayes'"):
        parse_definition(furnace_campaign(""), source=SOURCE)


def test_physics_on_a_campaign_without_a_prior_says_what_to_add(alloy_history: pd.DataFrame) -> None:
    alloy = load_definition(ROOT / "campaigns" / "alloy_ageing.toml")
    with pytest.raises(InputDataError, match="'alloy_ageing'.*needs a \\[prior\\]"):
        proposer("physics")(alloy, alloy_history, 3)


@pytest.fixture
def alloy_history() -> pd.DataFrame:
    alloy = load_definition(ROOT / "campaigns" / "alloy_ageing.toml")
    pool = alloy.candidate_pool.head(6).reset_index(drop=True)
    return pool.assign(
        experiment_id=range(1, 7), status="measured", hardness_hv=np.linspace(90, 140, 6), elongation_pct=12.0
    ).assign(crack_free=True)


def _experiments(n: int) -> pd.DataFrame:
    temp_c = np.linspace(40.0, 190.0, n)
    measured = 80.0 * (1 - np.exp(-0.03 * (temp_c - 20.0)))
    return pd.DataFrame(
        {"temp_c": temp_c, "yield_pct": measured, "intact": temp_c < 185.0, "status": "measured"}
    ).assign(experiment_id=range(1, n + 1))


@pytest.mark.parametrize(
    ("model", "fix"),
    [
        pytest.param("missing_column", "returned no such column", id="wrong_columns"),
        pytest.param("not_finite", "non-finite value", id="non_finite"),
        pytest.param("a_list", "must return a DataFrame", id="not_a_table"),
    ],
)
def test_bad_output_is_an_error_at_the_first_call(model: str, fix: str) -> None:
    prior = f'[prior]\nmodel = "{__name__}:{model}"\noutcomes = ["yield_pct"]\n'
    definition = parse_definition(furnace_campaign(prior), source=SOURCE)  # cheap checks pass: no call yet
    with pytest.raises(PriorModelError, match=f"{SOURCE}: key 'prior.*{fix}"):
        definition.prior.predict(pd.DataFrame({"temp_c": [50.0, 150.0]}))


def test_a_constant_a_kwargs_model_rejects_is_named_at_the_first_call() -> None:
    prior = f'[prior]\nmodel = "{__name__}:any_constants"\noutcomes = ["yield_pct"]\n'
    prior += "[prior.constants]\nrate_c = { value = 1.0 }\n"
    definition = parse_definition(furnace_campaign(prior), source=SOURCE)
    with pytest.raises(PriorModelError, match="key 'prior.constants'.*unexpected constants \\['rate_c'\\]"):
        definition.prior.predict(pd.DataFrame({"temp_c": [50.0]}))


def test_the_emulator_rejects_a_constant_it_does_not_have() -> None:
    text = (ROOT / "campaigns" / "nfp_rate.toml").read_text(encoding="utf-8")
    text = text.replace("[prior.constants]\n", "[prior.constants]\nsintering_speed = { value = 1.0 }\n")
    definition = parse_definition(text, source="nfp_rate.toml")
    recipes = definition.space.sample(2, seed=0)
    with pytest.raises(PriorModelError, match="nfp_rate.toml: key 'prior.constants'.*sintering_speed"):
        definition.prior.predict(recipes)


def test_prior_named_in_campaign_file_is_used() -> None:
    definition = parse_definition(furnace_campaign(GOOD), source=SOURCE)
    CALLS.clear()
    fitted = fit_models(definition, _experiments(8), RecommenderSettings(surrogate="physics_gp"), seed=0)
    assert CALLS, "the named model was never called"
    model = fitted.outcomes["yield_pct"]
    assert model.prior_mean is not None and fitted.feasibility.physics is not None
    far = pd.DataFrame({"temp_c": [35.0]})  # below every experiment: the prior speaks there
    mean, _ = model.predict(far)
    truth = 80.0 * (1 - np.exp(-0.03 * 15.0))
    assert abs(mean[0] - truth) < 0.35 * truth


def test_bayes_ignores_the_prior() -> None:
    definition = parse_definition(furnace_campaign(GOOD, strategy="bayes"), source=SOURCE)
    CALLS.clear()
    fitted = fit_models(definition, _experiments(8), RecommenderSettings(surrogate="gp"), seed=0)
    assert not CALLS and fitted.outcomes["yield_pct"].prior_mean is None


def test_the_paper_campaign_names_the_emulator() -> None:
    prior = load_definition(ROOT / "campaigns" / "nfp_rate.toml").prior
    assert prior.model == "nfpopt.emulator:physics_outcomes" and prior.feasibility_margin == "sintering_index"
    assert {"internal_resistance_ohm", "capacity_2c_mah_g"} <= set(prior.outcomes)


def test_the_prior_is_asked_once_per_table_of_recipes_and_constants() -> None:
    """Every outcome model and the feasibility margin read one call on the same recipes."""
    prior = parse_definition(furnace_campaign(GOOD), source=SOURCE).prior
    recipes = pd.DataFrame({"temp_c": [60.0, 90.0, 120.0]})
    constants = {**prior.values(), "rate_per_c": 0.021}  # a table no other test has asked for
    CALLS.clear()
    prior.mean("yield_pct", constants)(recipes)
    prior.margin(constants)(recipes)
    assert len(CALLS) == 1
    prior.mean("yield_pct", {**constants, "rate_per_c": 0.022})(recipes)  # other constants: asked again
    assert len(CALLS) == 2


def test_the_prior_is_asked_only_about_recipes_it_has_not_seen() -> None:
    """A fold of the results, or a block of the candidates, is no new call; a table with one new
    recipe asks about that recipe alone, and the answers keep the table's order."""
    prior = parse_definition(furnace_campaign(GOOD), source=SOURCE).prior
    constants = {**prior.values(), "rate_per_c": 0.023}  # constants no other test has asked about
    recipes = pd.DataFrame({"temp_c": [60.0, 90.0, 120.0, 150.0]})
    CALLS.clear()
    everything = prior.mean("yield_pct", constants)(recipes)
    fold = recipes.iloc[[3, 1]].reset_index(drop=True)
    np.testing.assert_array_equal(prior.mean("yield_pct", constants)(fold), everything[[3, 1]])
    assert len(CALLS) == 1
    more = pd.DataFrame({"temp_c": [90.0, 75.0, 90.0]})
    predicted = prior.mean("yield_pct", constants)(more)
    assert CALLS == [4, 1]  # 75 C alone
    np.testing.assert_allclose(predicted, yield_model(more, **constants)["yield_pct"].to_numpy())
