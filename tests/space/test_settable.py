"""Proposals a technician can set: on each declared step, every constraint still exact, and no
repeat of a tried or pending recipe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nfpopt.definition import load_definition
from nfpopt.exceptions import InputDataError
from nfpopt.space import ContinuousParameter, LinearConstraint, OnsetConstraint, SearchSpace
from nfpopt.space.settable import decimals, snap

ROOT = Path(__file__).resolve().parents[2]
NFP = load_definition(ROOT / "campaigns" / "nfp_rate.toml").space


def _on_steps(space: SearchSpace, recipes: pd.DataFrame) -> bool:
    stepped = [p for p in space.free if getattr(p, "step", None)]
    return all(np.allclose(recipes[p.name] / p.step, np.round(recipes[p.name] / p.step), atol=1e-9) for p in stepped)


@pytest.mark.parametrize(("step", "places"), [(1.0, 0), (0.5, 1), (0.1, 1), (0.25, 2), (0.01, 2), (5, 0)])
def test_a_step_has_the_decimals_it_is_written_with(step: float, places: int) -> None:
    assert decimals(step) == places


def test_snapped_values_are_written_without_float_tails() -> None:
    ab = ContinuousParameter("ab_wt_pct", 2.5, 6.0, "wt%", 0.1)
    values = snap(ab, np.array([4.839810391121148, 2.51, 5.96, 7.0]))
    assert [repr(float(v)) for v in values] == ["4.8", "2.5", "6.0", "6.0"]  # and inside the bounds


def test_sampled_nfp_recipes_land_on_the_declared_steps_inside_every_constraint() -> None:
    recipes = NFP.sample(64, seed=5)
    settable = NFP.settable(recipes)
    assert _on_steps(NFP, settable) and NFP.feasible(settable).all()
    assert (settable["nfp_wt_pct"].map(repr).str.len() <= 5).all()  # 76.2, not 76.19999999999999
    moved = settable.get("moved", pd.Series(False, index=settable.index))
    assert len(settable) == 64 and len(settable.drop(columns="moved", errors="ignore").drop_duplicates()) == 64
    assert moved.sum() <= 8  # most recipes only round


def test_rounding_that_would_fire_below_the_crystallisation_onset_moves_the_recipe_up() -> None:
    onset = next(c for c in NFP.constraints if isinstance(c, OnsetConstraint))
    ssa = next(s for s in np.arange(3.0, 40.0, 0.5) if 0.1 < onset.minimum_temperature_c([s])[0] % 1 < 0.4)
    floor = float(onset.minimum_temperature_c([ssa])[0])
    recipe = NFP.sample(1, seed=0).assign(glass_ssa_m2_g=ssa, calcination_temp_c=floor + 0.02)
    assert NFP.feasible(recipe).all() and round(floor + 0.02) < floor  # rounding alone would break it
    settable = NFP.settable(recipe)
    assert settable["calcination_temp_c"].iloc[0] == np.ceil(floor) and NFP.feasible(settable).all()
    assert bool(settable["moved"].iloc[0])


def test_a_simplex_stays_exact_on_its_steps() -> None:
    parts = [ContinuousParameter(n, 0.0, 1.0, "", 0.01) for n in ("a", "b", "c")]
    simplex = SearchSpace(tuple(parts), (LinearConstraint((("a", 1.0), ("b", 1.0), ("c", 1.0)), 1.0, 1.0),))
    third = pd.DataFrame({"a": [1 / 3], "b": [1 / 3], "c": [1 / 3]})
    settable = simplex.settable(third)
    assert simplex.feasible(settable).all() and _on_steps(simplex, settable)
    assert sorted(settable.iloc[0][["a", "b", "c"]]) == [0.33, 0.33, 0.34]


def test_a_snapped_duplicate_of_a_tried_or_pending_recipe_is_replaced() -> None:
    tried = NFP.settable(NFP.sample(1, seed=2)).drop(columns="moved", errors="ignore")
    nearly = tried.copy()
    nearly["calcination_temp_c"] += 0.3  # rounds back onto the tried recipe
    settable = NFP.settable(pd.concat([nearly, nearly], ignore_index=True), taken=tried)
    key = list(NFP.names)
    assert NFP.feasible(settable).all() and _on_steps(NFP, settable)
    assert not settable[key].astype(str).apply(tuple, axis=1).isin(tried[key].astype(str).apply(tuple, axis=1)).any()
    assert len(settable[key].drop_duplicates()) == 2 and settable["moved"].all()  # nor one another


def test_no_allowed_new_recipe_near_a_proposal_says_to_declare_finer_steps() -> None:
    coarse = SearchSpace((ContinuousParameter("t_c", 0.0, 1.0, "C", 1.0),))
    with pytest.raises(InputDataError, match="declare finer steps"):
        coarse.settable(pd.DataFrame({"t_c": [0.4]}), taken=pd.DataFrame({"t_c": [0.0, 1.0]}))


def test_parameters_without_a_step_are_left_as_proposed() -> None:
    free = SearchSpace((ContinuousParameter("t_c", 0.0, 1.0, "C"),))
    recipes = pd.DataFrame({"t_c": [0.123456789]})
    assert free.settable(recipes).equals(recipes)
