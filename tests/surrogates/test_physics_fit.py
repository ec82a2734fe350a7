"""Refitting the emulator's constants to a lab whose process differs from the paper's."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from nfpopt.definition import load_definition
from nfpopt.emulator import DEFAULT_PARAMETERS, emulate, physics_outcomes
from nfpopt.surrogates.physics_fit import refit_constants

DEFINITION = load_definition(Path(__file__).resolve().parents[2] / "campaigns" / "nfp_rate.toml")
OTHER_LAB = dataclasses.replace(
    DEFAULT_PARAMETERS, rigid_percolation_fraction=0.29, charge_transfer_asr_ohm_cm2=100.0, ab_percolation_wt_pct=3.0
)


def _lab(n: int, seed: int):
    recipes = DEFINITION.space.sample(n, seed=seed, method="random")
    outcomes = emulate(recipes, noise=0.03, seed=seed, params=OTHER_LAB)
    return recipes, outcomes["sintered"].astype(bool).to_numpy(), outcomes["internal_resistance_ohm"].to_numpy()


def test_refitted_constants_predict_the_other_labs_sintering_and_resistance_better():
    recipes, sintered, resistance = _lab(30, seed=0)
    fitted = refit_constants(recipes, sintered, resistance)
    test, test_sintered, test_resistance = _lab(400, seed=1)
    accuracy, error = {}, {}
    for name, params in (("paper", DEFAULT_PARAMETERS), ("refitted", fitted)):
        physics = physics_outcomes(test, params)
        accuracy[name] = np.mean((physics["sintering_index"].to_numpy() > 0) == test_sintered)
        ok = test_sintered
        error[name] = np.sqrt(
            np.mean((np.log(physics["internal_resistance_ohm"][ok]) - np.log(test_resistance[ok])) ** 2)
        )
    assert accuracy["refitted"] > accuracy["paper"]
    assert error["refitted"] < error["paper"]


def test_too_few_results_leave_the_paper_constants():
    recipes, sintered, resistance = _lab(2, seed=0)
    assert refit_constants(recipes, sintered, resistance) == DEFAULT_PARAMETERS
