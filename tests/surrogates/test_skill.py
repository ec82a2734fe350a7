"""Model skill states the science: a model of an outcome that follows the recipe beats a constant,
a model of noise does not, and a classifier of a label the recipe does not decide ranks at chance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nfpopt.definition import load_definition
from nfpopt.emulator import emulate
from nfpopt.space import CategoricalParameter, ContinuousParameter, SearchSpace
from nfpopt.surrogates import Encoder, FeasibilityModel, OutcomeModel, make_surrogate
from nfpopt.surrogates.skill import (
    TOO_FEW_RESULTS,
    Skill,
    campaign_skill,
    feasibility_skill,
    outcome_skill,
)

ROOT = Path(__file__).resolve().parents[2]
SPACE = SearchSpace(
    (
        ContinuousParameter("temp_c", 400.0, 600.0, "C"),
        ContinuousParameter("time_min", 10.0, 120.0, "min"),
        CategoricalParameter("atmosphere", ("air", "argon")),
    )
)
ENCODER = Encoder(SPACE)


def _gp() -> OutcomeModel:
    return OutcomeModel("y", ENCODER, make_surrogate("gp", seed=0))


def _classifier() -> FeasibilityModel:
    return FeasibilityModel(ENCODER, seed=0)


def _recipes(n: int, seed: int) -> pd.DataFrame:
    return SPACE.sample(n, seed=seed, method="random")


def test_an_outcome_that_follows_the_recipe_has_skill() -> None:
    recipes = _recipes(20, seed=1)
    x = ENCODER.transform(recipes)
    noise = np.random.default_rng(1).normal(0.0, 0.5, len(recipes))
    y = 50 + 20 * np.sin(3 * x[:, 0]) + 8 * x[:, 1] + noise  # smooth in temperature and time
    skill = outcome_skill(_gp, recipes, y, seed=0)
    assert skill.has_skill and skill.r2 > 0.8 and skill.n == 20 and skill.folds == 5
    assert skill.describe() == f"R² {skill.r2:.2f} (5-fold, n=20)"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pure_noise_has_no_skill(seed: int) -> None:
    recipes = _recipes(15, seed=100 + seed)
    y = np.random.default_rng(seed).normal(50.0, 5.0, len(recipes))  # nothing to do with the recipe
    skill = outcome_skill(_gp, recipes, y, seed=seed)
    assert skill.r2 <= 0.1 and not skill.has_skill
    assert skill.describe().endswith(": exploring") and "than a constant" in skill.describe()


def test_a_label_the_recipe_does_not_decide_ranks_at_chance() -> None:
    recipes = _recipes(40, seed=3)
    labels = np.random.default_rng(3).random(len(recipes)) < 0.5
    skill = feasibility_skill(_classifier, recipes, labels, seed=0)
    assert abs(skill.auc - 0.5) < 0.15 and not skill.has_skill
    assert skill.describe().startswith("no better than a constant (AUC")


def test_a_label_set_by_a_threshold_on_one_parameter_has_skill() -> None:
    recipes = _recipes(30, seed=4)
    labels = recipes["temp_c"].to_numpy() > 480.0  # the layer sinters above 480 C
    skill = feasibility_skill(_classifier, recipes, labels, seed=0)
    assert skill.has_skill and skill.auc > 0.9 and skill.brier < skill.brier_constant
    assert skill.p_value < 0.05


def _never() -> OutcomeModel:
    raise AssertionError("no model should be fitted")


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        pytest.param(
            [1.0, 2.0, np.nan, 3.0, 4.0, np.nan], "not enough results to judge (4 measured, 5 needed)", id="four"
        ),
        pytest.param([np.nan] * 6, "not enough results to judge (0 measured", id="none_measured"),
    ],
)
def test_too_few_results_are_not_judged(values: list[float], fragment: str) -> None:
    skill = outcome_skill(_never, _recipes(len(values), seed=5), np.array(values), outcome="y")
    assert not skill.has_skill and skill.folds == 0 and skill.describe().startswith(fragment)


@pytest.mark.parametrize(
    ("labels", "fragment"),
    [
        pytest.param([True] * 9 + [False], "not enough failures yet (1 of 10 failed, 2 needed)", id="one_failure"),
        pytest.param([False] * 9 + [True], "not enough successes yet (1 of 10 succeeded", id="one_success"),
    ],
)
def test_a_classifier_needs_both_outcomes_twice(labels: list[bool], fragment: str) -> None:
    skill = feasibility_skill(_never, _recipes(10, seed=6), np.array(labels))
    assert not skill.has_skill and skill.describe().startswith(fragment)


def test_few_results_are_left_out_one_at_a_time() -> None:
    recipes = _recipes(5, seed=7)
    trees = lambda: OutcomeModel("y", ENCODER, make_surrogate("extra_trees", seed=0))  # noqa: E731
    skill = outcome_skill(trees, recipes, 10.0 + recipes["temp_c"].to_numpy() / 100)
    assert skill.folds == skill.n == 5 and skill.scheme == "leave-one-out"


@pytest.mark.parametrize(
    ("skill", "text"),
    [
        pytest.param(
            Skill("r_ohm", "outcome", 24, 5, True, r2=0.62, scale="log", p_value=0.001),
            "R² 0.62 on a log scale (5-fold, n=24)",
            id="skilled",
        ),
        pytest.param(
            Skill("r_ohm", "outcome", 9, 5, False, r2=-0.08, scale="linear", p_value=0.6),
            "no better than a constant (R² -0.08, 5-fold, n=9): exploring",
            id="worse_than_a_constant",
        ),
        pytest.param(
            Skill("r_ohm", "outcome", 7, 5, False, r2=0.4, scale="linear", p_value=0.09),
            "not yet distinguishable from a constant (R² 0.40, chance p 0.09, 5-fold, n=7): exploring",
            id="lucky_at_small_n",
        ),
        pytest.param(
            Skill("sintered", "feasibility", 40, 5, False, auc=0.52, brier=0.237, brier_constant=0.222, p_value=0.4),
            "no better than a constant (AUC 0.52, Brier 0.237 vs 0.222 for a constant, 5-fold, n=40): exploring",
            id="issue_17_classifier",
        ),
    ],
)
def test_the_terminal_text(skill: Skill, text: str) -> None:
    assert skill.describe() == text
    assert skill.as_dict()["text"] == text and skill.as_dict()["has_skill"] is skill.has_skill


def test_the_json_form_carries_the_metric_values() -> None:
    skill = Skill("sintered", "feasibility", 40, 5, True, auc=0.8412, brier=0.1234, brier_constant=0.2401, p_value=1e-4)
    assert skill.as_dict() == {
        "kind": "feasibility",
        "auc": 0.8412,
        "brier": 0.1234,
        "brier_constant": 0.2401,
        "p_value": 0.0001,
        "n": 40,
        "folds": 5,
        "has_skill": True,
        "text": skill.describe(),
    }


@pytest.fixture(scope="module")
def nfp_experiments() -> tuple[object, pd.DataFrame]:
    """The paper's campaign after 16 Sobol recipes on the emulator (some do not sinter)."""
    definition = load_definition(ROOT / "campaigns" / "nfp_rate.toml")
    recipes = definition.space.sample(16, seed=2)
    outcomes = emulate(recipes, noise=0.03, seed=2)
    table = pd.concat([recipes, outcomes[[c for c in outcomes if c not in recipes]]], axis=1)
    table["status"] = np.where(table["sintered"].astype(bool), "measured", "failed")
    table.insert(0, "experiment_id", range(1, len(table) + 1))
    return definition, table


def test_a_campaign_has_one_skill_per_modelled_outcome_and_for_feasibility(nfp_experiments) -> None:
    definition, table = nfp_experiments
    skills = campaign_skill(definition, table, surrogate="extra_trees")
    assert list(skills) == ["internal_resistance_ohm", "capacity_2c_mah_g", "sintered"]
    assert [s.kind for s in skills.values()] == ["outcome", "outcome", "feasibility"]
    sintered = int(table["sintered"].astype(bool).sum())
    assert skills["sintered"].n == 16 and skills["internal_resistance_ohm"].n == sintered
    assert all(s.note is None or "not enough" in s.note for s in skills.values())


def test_a_campaign_with_fewer_than_two_results_is_not_judged(nfp_experiments) -> None:
    definition, table = nfp_experiments
    skills = campaign_skill(definition, table.head(1))
    assert set(skills) == {"internal_resistance_ohm", "capacity_2c_mah_g", "sintered"}
    assert all(s.note == TOO_FEW_RESULTS and not s.has_skill for s in skills.values())


@pytest.mark.slow
def test_chance_rarely_passes_for_skill(nfp_experiments) -> None:
    """Noise outcomes and random labels on the NFP space (8 encoded inputs): at most 1 of 10 has skill."""
    definition, _ = nfp_experiments
    encoder = Encoder(definition.space)
    noisy, random_labels = 0, 0
    for seed in range(10):
        recipes = definition.space.sample(20, seed=500 + seed, method="random")
        y = np.random.default_rng(seed).normal(50.0, 5.0, len(recipes))
        model = lambda: OutcomeModel("y", encoder, make_surrogate("gp", seed=0))  # noqa: E731
        noisy += outcome_skill(model, recipes.head(12), y[:12], seed=seed).has_skill
        labels = np.random.default_rng(100 + seed).random(len(recipes)) < 0.5
        random_labels += feasibility_skill(lambda: FeasibilityModel(encoder), recipes, labels, seed=seed).has_skill
    assert noisy <= 1 and random_labels <= 1
