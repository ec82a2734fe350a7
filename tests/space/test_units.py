"""A recorded value outside a parameter's bounds by more than their width warns, naming the
likely unit slip (issue 15, item 7)."""

from __future__ import annotations

import pandas as pd
import pytest

from nfpopt.definition import load_definition
from nfpopt.exceptions import SuspiciousValueWarning
from nfpopt.paper import paper_cells_path
from nfpopt.results import parse_results
from nfpopt.space import ContinuousParameter, IntegerParameter
from nfpopt.space.units import unit_slip
from tests.campaign.conftest import NFP_CAMPAIGN

CALCINATION = ContinuousParameter("calcination_temp_c", 450.0, 600.0, "C")


@pytest.mark.parametrize(
    ("parameter", "value", "fragment"),
    [
        pytest.param(CALCINATION, 798.7, "written in kelvin? That would be 525.55 C", id="kelvin"),
        pytest.param(CALCINATION, 980.0, "written in °F? That would be 526.667 C", id="fahrenheit"),
        pytest.param(
            ContinuousParameter("alumina_wt_pct", 50.0, 90.0, "wt%"), 0.6, "a fraction (0-1)", id="fraction_as_pct"
        ),
        pytest.param(ContinuousParameter("calcination_time_min", 300.0, 420.0, "min"), 6.0, "hours", id="hours"),
        pytest.param(ContinuousParameter("glass_ssa_m2_g", 3.0, 40.0, "m2/g"), 27000.0, "1000 times", id="prefix"),
        pytest.param(IntegerParameter("layers", 1, 3), 40, "check that it was written in", id="no_known_slip"),
    ],
)
def test_far_outside_the_bounds_names_the_slip(parameter: object, value: float, fragment: str) -> None:
    message = unit_slip(parameter, value)
    assert message is not None and fragment in message


@pytest.mark.parametrize("value", [525.0, 650.0, 400.0, "none", True], ids=str)
def test_inside_or_near_the_bounds_is_quiet(value: object) -> None:
    assert unit_slip(CALCINATION, value) is None


def test_a_results_file_warns_with_row_and_column() -> None:
    definition = load_definition(NFP_CAMPAIGN)
    cells = pd.read_csv(paper_cells_path()).iloc[:2].assign(experiment_id=[1, 2])
    cells.loc[1, "calcination_temp_c"] = 798.7
    columns = ["experiment_id", *definition.space.names, "internal_resistance_ohm", "capacity_2c_mah_g"]
    with pytest.warns(SuspiciousValueWarning, match="r.csv: row 2, column 'calcination_temp_c'.*kelvin"):
        parse_results(cells[columns].fillna({"capacity_2c_mah_g": 0.0}), definition, source="r.csv")
