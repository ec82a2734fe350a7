"""The paper's numbers are recorded faithfully, and each carries its provenance."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from nfpopt.paper import paper_provenance

EXPECTED_CELLS = {"A", "B", "C", "D", "E", "liquid_ref", "pouch_C", "C_0C", "C_minus20C", "AB5"}


def test_every_cell_of_the_paper_is_a_row(cells: pd.DataFrame) -> None:
    assert set(cells.index) == EXPECTED_CELLS


def test_every_value_has_a_provenance(cells: pd.DataFrame) -> None:
    provenance = paper_provenance()
    keyed = provenance.set_index(["cell", "column"])
    assert keyed.index.is_unique
    assert set(provenance["provenance"]) <= {"reported", "assumed"}
    for cell, row in cells.iterrows():
        for column, value in row.items():
            if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
                continue
            assert (cell, column) in keyed.index, f"{cell}.{column} has no provenance"
            assert keyed.loc[(cell, column), "source"].strip(), f"{cell}.{column} has no source"


def test_provenance_names_only_existing_values(cells: pd.DataFrame) -> None:
    for _, row in paper_provenance().iterrows():
        assert not pd.isna(cells.loc[row["cell"], row["column"]]), f"{row['cell']}.{row['column']}"


@pytest.mark.parametrize(
    ("cell", "column", "value"),
    [
        ("A", "internal_resistance_ohm", 3929),
        ("B", "internal_resistance_ohm", 331),
        ("C", "internal_resistance_ohm", 234),
        ("D", "internal_resistance_ohm", 181),
        ("E", "internal_resistance_ohm", 120),
        ("liquid_ref", "internal_resistance_ohm", 138),
        ("C", "capacity_2c_mah_g", 60.6),
        ("D", "capacity_2c_mah_g", 50.2),
        ("E", "capacity_10c_mah_g", 15.3),
        ("B", "capacity_1c_mah_g", 0.0),
        ("A", "crystallisation_peak_c", 491),
        ("B", "crystallisation_peak_c", 437),
        ("B", "softening_drop_vs_coarse_c", 39),
        ("pouch_C", "internal_resistance_ohm", 8.2),
        ("pouch_C", "cell_area_cm2", 25.2),
        ("C_0C", "capacity_0p2c_mah_g", 58),
        ("C_minus20C", "capacity_0p1c_mah_g", 50),
        ("C", "charge_capacity_2c_mah_g", 85.6),
    ],
)
def test_reported_numbers_match_the_paper(cells: pd.DataFrame, cell: str, column: str, value: float) -> None:
    assert cells.loc[cell, column] == pytest.approx(value)


def test_mixtures_sum_to_100_wt_pct(cells: pd.DataFrame) -> None:
    cofired = cells[cells["cell_type"] == "glass_ceramic"]
    total = cofired["nfp_wt_pct"] + cofired["alumina_wt_pct"] + cofired["ab_wt_pct"]
    assert total.to_numpy() == pytest.approx(100.0)


def test_the_5_wt_pct_ab_mixture_is_recorded_as_not_sintered(cells: pd.DataFrame) -> None:
    assert cells.loc["AB5", "sintered"] is False or cells.loc["AB5", "sintered"] == False  # noqa: E712
    assert cells.loc["AB5", "ab_wt_pct"] == 5.0
