"""Refitting a named prior's constants to a lab whose process differs from the model's."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nfpopt.definition import load_definition, parse_definition
from nfpopt.emulator import DEFAULT_PARAMETERS, emulate, physics_outcomes
from nfpopt.surrogates.physics_fit import refit_constants
from tests.test_priors import furnace_campaign, yield_model

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / "campaigns" / "nfp_rate.toml")
SPECS = {o.name: o for o in DEFINITION.outcomes}
OTHER_LAB = dataclasses.replace(
    DEFAULT_PARAMETERS, rigid_percolation_fraction=0.29, charge_transfer_asr_ohm_cm2=100.0, ab_percolation_wt_pct=3.0
)


def _lab(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    recipes = DEFINITION.space.sample(n, seed=seed, method="random")
    outcomes = emulate(recipes, noise=0.03, seed=seed, params=OTHER_LAB)
    return pd.concat([recipes, outcomes], axis=1), outcomes["sintered"].astype(bool).to_numpy()


def test_refitted_constants_predict_the_other_labs_sintering_and_resistance_better():
    experiments, sintered = _lab(30, seed=0)
    fitted = refit_constants(DEFINITION.prior, experiments, sintered, specs=SPECS)
    test, test_sintered = _lab(400, seed=1)
    accuracy, error = {}, {}
    for name, constants in (("paper", DEFINITION.prior.values()), ("refitted", fitted)):
        physics = physics_outcomes(test, **constants)
        accuracy[name] = np.mean((physics["sintering_index"].to_numpy() > 0) == test_sintered)
        ok = test_sintered
        measured = test["internal_resistance_ohm"].to_numpy()[ok]
        error[name] = np.sqrt(np.mean((np.log(physics["internal_resistance_ohm"][ok]) - np.log(measured)) ** 2))
    assert accuracy["refitted"] > accuracy["paper"]
    assert error["refitted"] < error["paper"]


def test_a_start_where_the_model_is_flat_does_not_stall_the_refit():
    """From an AB percolation threshold above some recipes' AB content the resistance is clipped
    flat there: the search must start from the declared values instead, and end where it would."""
    experiments, sintered = _lab(30, seed=0)
    cold = refit_constants(DEFINITION.prior, experiments, sintered, specs=SPECS)
    stuck = cold | {"ab_percolation_wt_pct": 3.4, "electronic_asr_ohm_cm2": 20.0}
    warm = refit_constants(DEFINITION.prior, experiments, sintered, specs=SPECS, start=stuck)
    for name, value in cold.items():
        assert warm[name] == pytest.approx(value, rel=0.01), name


def test_too_few_results_leave_the_declared_constants():
    experiments, sintered = _lab(2, seed=0)
    assert refit_constants(DEFINITION.prior, experiments, sintered, specs=SPECS) == DEFINITION.prior.values()


def test_the_campaign_files_constants_are_the_emulators_own():
    """nfp_rate.toml writes the paper's values out; they must not drift from the emulator's."""
    for constant in DEFINITION.prior.constants:
        assert constant.value == getattr(DEFAULT_PARAMETERS, constant.name), constant.name


# -- a toy prior, to see the generic refit alone -------------------------------------------------
TOY = furnace_campaign(
    f"""
[prior]
model = "{yield_model.__module__}:yield_model"
outcomes = ["yield_pct"]
[prior.constants]
rate_per_c = {{ value = 0.06, spread = 1.0 }}
""",
    feasibility=False,
)


def test_wrong_constants_are_refitted_towards_the_lab():
    prior = parse_definition(TOY, source="toy.toml").prior
    temp_c = np.linspace(30.0, 200.0, 12)
    lab = yield_model(pd.DataFrame({"temp_c": temp_c}), rate_per_c=0.02)["yield_pct"].to_numpy()
    experiments = pd.DataFrame({"temp_c": temp_c, "yield_pct": lab * (1 + 0.01 * np.sin(temp_c))})
    fitted = refit_constants(prior, experiments, np.ones(12, bool))
    assert fitted["rate_per_c"] == pytest.approx(0.02, rel=0.1)  # from 3x too fast


def test_the_refit_starts_where_it_is_told_and_keeps_undeclared_names_out():
    prior = parse_definition(TOY, source="toy.toml").prior
    experiments = pd.DataFrame({"temp_c": [40.0, 60.0, 80.0], "yield_pct": [30.0, 50.0, 62.0]})
    fitted = refit_constants(prior, experiments, np.ones(3, bool), start={"rate_per_c": 0.03, "other": 1.0})
    assert set(fitted) == {"rate_per_c"}
    assert refit_constants(prior, experiments.head(2), np.ones(2, bool), start={"rate_per_c": 0.03}) == {
        "rate_per_c": 0.03
    }


ASKED: list[list[str] | None] = []


def selective_yield_model(recipes: pd.DataFrame, *, columns=None, rate_per_c: float = 0.06) -> pd.DataFrame:  # noqa: ANN001
    """:func:`yield_model` that says which columns it was asked for."""
    ASKED.append(columns)
    table = yield_model(recipes, rate_per_c=rate_per_c)
    return table[list(columns)] if columns is not None else table


def test_a_model_that_takes_columns_is_asked_only_for_the_one_the_refit_reads():
    prior = parse_definition(
        TOY.replace("tests.test_priors:yield_model", f"{__name__}:selective_yield_model"), source="toy.toml"
    ).prior
    temp_c = np.linspace(30.0, 200.0, 12)
    experiments = pd.DataFrame({"temp_c": temp_c, "yield_pct": 80 * (1 - np.exp(-0.02 * (temp_c - 20.0)))})
    ASKED.clear()
    fitted = refit_constants(prior, experiments, np.ones(12, bool))
    assert ASKED and all(asked == ["yield_pct"] for asked in ASKED)
    assert fitted["rate_per_c"] < 0.06  # and it still fits
    assert list(prior.predict(experiments)) == ["yield_pct"]  # unasked: every declared column
