"""``nfpopt sheet``: masses that sum to the batch and match each wt% to the balance's 0.1 mg."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from nfpopt.cli.main import cli
from nfpopt.exceptions import InputDataError
from nfpopt.instruments.sheet import BALANCE_RESOLUTION_G, fabrication_sheet, weigh

BATCH = pd.DataFrame(
    {
        "experiment_id": [7, 8],
        "batch": [1, 1],
        "glass_ssa_m2_g": [27.0, 12.3],
        "alumina_ssa_m2_g": [45.0, 30.0],
        "ab_wt_pct": [4.2, 3.3333],
        "alumina_wt_pct": [12.4, 20.1234],
        "nfp_wt_pct": [83.4, 76.5433],
        "calcination_temp_c": [525.0, 561.7],
        "calcination_time_min": [30.0, 45.2],
        "roughening": ["both", "none"],
    }
)


@pytest.mark.parametrize("mass_g", [0.5, 1.0, 2.3457, 10.0])
def test_masses_sum_to_the_batch_and_match_each_wt_pct(mass_g: float) -> None:
    sheet = fabrication_sheet(BATCH, mass_g)
    masses = sheet[["nfp_g", "ab_g", "alumina_g"]].to_numpy()
    np.testing.assert_allclose(masses.sum(axis=1), mass_g, atol=1e-9)
    shares = BATCH[["nfp_wt_pct", "ab_wt_pct", "alumina_wt_pct"]].to_numpy() / 100 * mass_g
    assert np.all(np.abs(masses - shares) <= BALANCE_RESOLUTION_G + 1e-12)


@given(
    st.lists(st.floats(0.0, 100.0), min_size=2, max_size=5).filter(lambda v: sum(v) > 1.0),
    st.floats(0.01, 50.0),
)
def test_weighing_keeps_the_sum_and_each_share_within_one_step(parts: list[float], mass_g: float) -> None:
    fractions = np.array(parts) / sum(parts) * 100.0
    masses = weigh(fractions, mass_g)
    assert masses.sum() == pytest.approx(round(mass_g / BALANCE_RESOLUTION_G) * BALANCE_RESOLUTION_G)
    assert np.all(np.abs(masses - fractions / 100 * mass_g) <= BALANCE_RESOLUTION_G * 1.5)


def test_the_sheet_holds_the_furnace_programme_and_empty_measurement_columns() -> None:
    sheet = fabrication_sheet(BATCH, 1.0)
    assert list(sheet["furnace_hold_c"]) == [525.0, 561.7] and list(sheet["furnace_hold_min"]) == [30.0, 45.2]
    assert sheet["furnace_atmosphere"].str.contains("H2/N2 = 4/96").all()
    assert sheet.loc[0, "substrate_roughening"].startswith("both faces")
    assert sheet["binder_ppc_g"].eq(0.1).all()
    for column in ("weighed_nfp_g", "sintered", "impedance_file", "discharge_files", "dta_file", "notes"):
        assert sheet[column].eq("").all()


def test_a_batch_without_the_remainder_column_gets_it() -> None:
    sheet = fabrication_sheet(BATCH.drop(columns="nfp_wt_pct"), 1.0)
    assert sheet["nfp_wt_pct"].tolist() == pytest.approx([83.4, 76.5433])


@pytest.mark.parametrize(
    ("change", "mass_g", "message"),
    [
        pytest.param({}, -1.0, "--mass-g", id="negative_mass"),
        pytest.param({}, float("nan"), "--mass-g", id="nan_mass"),
        pytest.param({"ab_wt_pct": [4.2, -3.0]}, 1.0, "row 2, column 'ab_wt_pct'", id="negative_wt_pct"),
        pytest.param({"nfp_wt_pct": [80.0, 76.5433]}, 1.0, "row 1: .* not 100", id="not_100_wt_pct"),
    ],
)
def test_bad_batches_are_refused_naming_row_and_column(change: dict, mass_g: float, message: str) -> None:
    with pytest.raises(InputDataError, match=message):
        fabrication_sheet(BATCH.assign(**change), mass_g)


def test_sheet_command_writes_csv_and_printable_html(tmp_path: Path) -> None:
    BATCH.to_csv(tmp_path / "b.csv", index=False)
    result = CliRunner().invoke(
        cli, ["sheet", str(tmp_path / "b.csv"), "--mass-g", "1.5", "-o", str(tmp_path / "s.csv"), "--html"]
    )
    assert result.exit_code == 0, result.output
    written = pd.read_csv(tmp_path / "s.csv")
    assert written[["nfp_g", "ab_g", "alumina_g"]].sum(axis=1).round(6).eq(1.5).all()
    page = (tmp_path / "s.html").read_text()
    assert "batch 1" in page and "experiment 8" in page and "1.2510 g" in page
