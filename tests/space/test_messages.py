"""What a chemist reads when a recipe breaks the search space: the parameter, the value with its
unit, the allowed range with its unit, the fix, and how many rows of a table fail in all."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nfpopt.exceptions import InputDataError
from nfpopt.space import (
    CategoricalParameter,
    ContinuousParameter,
    FixedParameter,
    IntegerParameter,
    LinearConstraint,
    MixtureConstraint,
    OnsetConstraint,
    SearchSpace,
)

TEMPERATURE = ContinuousParameter("calcination_temp_c", 450.0, 600.0, "C")
SSA = ContinuousParameter("glass_ssa_m2_g", 3.0, 40.0, "m2/g")
AB = ContinuousParameter("ab_wt_pct", 2.5, 6.0, "wt%")
ALUMINA = ContinuousParameter("alumina_wt_pct", 5.0, 25.0, "wt%")
PLATES = IntegerParameter("plates", 1, 4)
ROUGHENING = CategoricalParameter("roughening", ("none", "cathode", "both"))
AREA = FixedParameter("cell_area_cm2", 1.0, "cm2")
SPACE = SearchSpace(
    (TEMPERATURE, SSA, AB, ALUMINA, PLATES, ROUGHENING, AREA),
    (
        MixtureConstraint(("ab_wt_pct", "alumina_wt_pct"), remainder="nfp_wt_pct", min_remainder=75.0),
        OnsetConstraint("calcination_temp_c", "glass_ssa_m2_g", margin_c=30.0),
    ),
)
GOOD = {
    "calcination_temp_c": 525.0,
    "glass_ssa_m2_g": 27.0,
    "ab_wt_pct": 4.2,
    "alumina_wt_pct": 12.4,
    "plates": 2,
    "roughening": "both",
    "cell_area_cm2": 1.0,
}
DEBUG_TEXT = ("self.", "=}", "np.float64", "np.int64", "lower=", "upper=")


@pytest.mark.parametrize(
    ("parameter", "value", "fragments"),
    [
        pytest.param(
            TEMPERATURE,
            np.float64(798.7),
            ["calcination_temp_c = 798.7 C", "outside [450, 600] C", "from 450 to 600 C", "widen the bounds"],
            id="too_hot",
        ),
        pytest.param(
            ContinuousParameter("ab_fraction", 0.0008, 0.001, "g/g"),
            0.0006,
            ["ab_fraction = 0.0006 g/g", "outside [0.0008, 0.001] g/g"],
            id="small_numbers_of_the_issue",
        ),
        pytest.param(AB, "lots", ["ab_wt_pct = 'lots' is not a number", "[2.5, 6] wt%"], id="text_for_a_number"),
        pytest.param(AB, np.nan, ["ab_wt_pct is empty", "give a value in [2.5, 6] wt%"], id="empty_cell"),
        pytest.param(PLATES, np.float64(2.5), ["plates = 2.5 is not a whole number", "[1, 4]"], id="half_a_plate"),
        pytest.param(PLATES, np.int64(7), ["plates = 7 is outside [1, 4]", "widen the bounds"], id="too_many_plates"),
        pytest.param(
            ROUGHENING,
            "polished",
            ["roughening = 'polished' is not one of 'none', 'cathode', 'both'", "add it to the values"],
            id="unknown_level",
        ),
        pytest.param(
            AREA, np.float64(2.0), ["cell_area_cm2 = 2 cm2", "holds it at 1 cm2", "use 1 cm2"], id="other_fixed_value"
        ),
    ],
)
def test_a_bad_value_is_explained_without_debug_text(parameter, value, fragments) -> None:
    message = parameter.check(value)
    assert message is not None
    for fragment in fragments:
        assert fragment in message
    assert not any(debug in message for debug in DEBUG_TEXT), message


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        pytest.param(
            {"ab_wt_pct": 6.0, "alumina_wt_pct": 24.0},
            ["ab_wt_pct + alumina_wt_pct = 30 wt% leaves nfp_wt_pct = 70 wt%", "minimum of 75 wt%", "25 wt% or less"],
            id="too_little_glass",
        ),
        pytest.param(
            {"calcination_temp_c": 451.0, "glass_ssa_m2_g": 3.0},
            ["calcination_temp_c = 451 C is below 466 C", "glass_ssa_m2_g = 3 m2/g", "30 C margin", "466 C or hotter"],
            id="fired_below_the_onset",
        ),
    ],
)
def test_a_broken_constraint_is_explained_with_its_numbers(change, fragments) -> None:
    (message,) = SPACE.problems(pd.DataFrame([{**GOOD, **change}]), source="pool.csv")
    assert message.startswith("pool.csv: row 1, column ")
    for fragment in fragments:
        assert fragment in message
    assert not any(debug in message for debug in DEBUG_TEXT), message


def test_a_linear_constraint_says_which_side_it_is_broken_on() -> None:
    limit = LinearConstraint((("ab_wt_pct", 1.0), ("alumina_wt_pct", 1.0)), upper=15.0)
    message = limit.explain(pd.DataFrame([GOOD]))
    assert "1*ab_wt_pct + 1*alumina_wt_pct = 16.6, above the maximum 15" in message


def _table(n_rows: int, n_bad: int) -> pd.DataFrame:
    table = pd.DataFrame([GOOD] * n_rows)
    table.loc[np.arange(n_bad) * 3, "calcination_temp_c"] = 798.7
    return table


def test_a_table_says_how_many_of_its_rows_fail() -> None:
    message = SPACE.describe_problems(_table(120, 37), source="pool.csv", limit=5)
    assert message is not None
    assert message.startswith("pool.csv: 37 of 120 rows are outside the search space (5 of 37 failing rows shown): ")
    assert message.count("is outside [450, 600] C") == 5
    assert "row 1, column 'calcination_temp_c'" in message and "row 13," in message and "row 16," not in message


def test_every_failing_row_shown_needs_no_count_of_the_rest() -> None:
    message = SPACE.describe_problems(_table(10, 2), source="pool.csv")
    assert message is not None and message.startswith("pool.csv: 2 of 10 rows are outside the search space: row 1")
    assert "shown" not in message


def test_a_good_table_has_no_problems() -> None:
    assert SPACE.describe_problems(_table(4, 0)) is None and SPACE.problems(_table(4, 0)) == []


def test_validate_counts_the_failing_rows() -> None:
    with pytest.raises(InputDataError, match=r"^recipes.csv: 37 of 120 rows .* \(10 of 37 failing rows shown\)"):
        SPACE.validate(_table(120, 37), source="recipes.csv")


def test_missing_columns_are_named() -> None:
    message = SPACE.describe_problems(pd.DataFrame([GOOD]).drop(columns=["plates", "roughening"]), source="x.csv")
    assert message == "x.csv: missing parameter column(s) plates, roughening; add them (one column per parameter)"


def test_a_non_numeric_component_is_reported_once_not_as_a_broken_mixture() -> None:
    problems = SPACE.problems(pd.DataFrame([{**GOOD, "ab_wt_pct": "four"}]))
    assert problems == ["row 1, column 'ab_wt_pct': ab_wt_pct = 'four' is not a number; give a value in [2.5, 6] wt%"]
