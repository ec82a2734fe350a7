"""Noise is seeded and reproducible; recipes outside the physical domain are refused clearly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nfpopt.emulator import emulate
from nfpopt.exceptions import DomainError, InputDataError

CELL_C = {
    "glass_ssa_m2_g": 27.0,
    "alumina_ssa_m2_g": 45.0,
    "ab_wt_pct": 4.2,
    "alumina_wt_pct": 12.4,
    "calcination_temp_c": 525.0,
    "calcination_time_min": 30.0,
    "roughening": "none",
}


def test_without_noise_the_emulator_is_deterministic() -> None:
    pd.testing.assert_frame_equal(emulate(CELL_C), emulate(CELL_C))


def test_same_seed_same_outcomes_and_other_seed_other_outcomes() -> None:
    batch = [CELL_C] * 5
    first = emulate(batch, noise=0.05, seed=7)
    pd.testing.assert_frame_equal(first, emulate(batch, noise=0.05, seed=7))
    other = emulate(batch, noise=0.05, seed=8)
    assert not np.allclose(first["internal_resistance_ohm"], other["internal_resistance_ohm"])


def test_noise_scatters_around_the_truth_at_the_requested_level() -> None:
    truth = emulate(CELL_C)["internal_resistance_ohm"].iloc[0]
    noisy = emulate([CELL_C] * 400, noise=0.05, seed=1)["internal_resistance_ohm"]
    assert np.median(noisy) == pytest.approx(truth, rel=0.03)
    assert 0.02 < np.std(np.log(noisy)) < 0.08


def test_zero_capacity_stays_zero_under_noise() -> None:
    noisy = emulate([CELL_C] * 20, noise=0.1, seed=3)
    sintered = noisy[noisy["sintered"]]
    assert (sintered["capacity_5c_mah_g"] == 0.0).all()


def _bad(**change: object) -> dict[str, object]:
    return {**CELL_C, **change}


@pytest.mark.parametrize(
    ("recipe", "error", "column"),
    [
        pytest.param(_bad(ab_wt_pct=-1.0), DomainError, "ab_wt_pct", id="negative_ab"),
        pytest.param(_bad(alumina_wt_pct=-0.1), DomainError, "alumina_wt_pct", id="negative_alumina"),
        pytest.param(_bad(ab_wt_pct=40.0, alumina_wt_pct=60.0), DomainError, "alumina_wt_pct", id="no_glass_left"),
        pytest.param(_bad(nfp_wt_pct=90.0), DomainError, "nfp_wt_pct", id="ratios_not_summing_to_100"),
        pytest.param(_bad(roughening="sandblasted"), DomainError, "roughening", id="unknown_roughening"),
        pytest.param(_bad(calcination_temp_c=300.0), DomainError, "calcination_temp_c", id="below_glass_transition"),
        pytest.param(_bad(calcination_time_min=0.0), DomainError, "calcination_time_min", id="zero_time"),
        pytest.param(_bad(glass_ssa_m2_g=0.0), DomainError, "glass_ssa_m2_g", id="zero_surface_area"),
        pytest.param(_bad(glass_ssa_m2_g="fine"), InputDataError, "glass_ssa_m2_g", id="non_numeric"),
        pytest.param(_bad(calcination_temp_c=float("nan")), InputDataError, "calcination_temp_c", id="nan"),
        pytest.param(_bad(cell_area_cm2=-1.0), DomainError, "cell_area_cm2", id="negative_area"),
    ],
)
def test_bad_recipe_names_row_and_column(recipe: dict[str, object], error: type[Exception], column: str) -> None:
    with pytest.raises(error, match=rf"row 2, column '{column}'"):
        emulate([CELL_C, recipe])


def test_missing_column_is_named() -> None:
    recipe = {k: v for k, v in CELL_C.items() if k != "calcination_time_min"}
    with pytest.raises(InputDataError, match="calcination_time_min"):
        emulate(recipe)


@pytest.mark.parametrize("noise", [-0.1, float("nan")])
def test_bad_noise_is_refused(noise: float) -> None:
    with pytest.raises(InputDataError, match="noise"):
        emulate(CELL_C, noise=noise)


def test_errors_are_also_value_errors() -> None:
    with pytest.raises(ValueError):
        emulate(_bad(ab_wt_pct=-1.0))
