"""emulate -> raw files -> extract gives back the emulator's outcomes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nfpopt.emulator import capacity_column
from nfpopt.exceptions import InputDataError
from nfpopt.instruments import extract_folder
from tests.instruments.conftest import RATES, write_folder


@pytest.fixture(scope="module")
def extracted(raw_folder: tuple[Path, pd.DataFrame]) -> pd.DataFrame:
    return extract_folder(raw_folder[0]).results.set_index("experiment_id")


def test_noise_free_round_trip_is_within_the_issue_tolerances(
    raw_folder: tuple[Path, pd.DataFrame], extracted: pd.DataFrame
) -> None:
    truth = raw_folder[1]
    sintered = truth.index[truth["sintered"]]
    resistance_error = (
        extracted.loc[sintered, "internal_resistance_ohm"] / truth.loc[sintered, "internal_resistance_ohm"]
    )
    assert np.all(np.abs(resistance_error - 1) < 0.05)
    capacity_error = extracted.loc[sintered, "capacity_2c_mah_g"] - truth.loc[sintered, "capacity_2c_mah_g"]
    assert np.all(np.abs(capacity_error) < 2.0)
    onset_error = extracted["crystallisation_onset_c"] - truth["crystallisation_onset_c"]
    assert np.all(np.abs(onset_error) < 3.0)


def test_split_and_every_rate_come_back(raw_folder: tuple[Path, pd.DataFrame], extracted: pd.DataFrame) -> None:
    truth = raw_folder[1]
    sintered = truth.index[truth["sintered"]]
    for column in ("r_bulk_ohm", "r_anode_ohm", "r_cathode_ohm"):
        np.testing.assert_allclose(extracted.loc[sintered, column], truth.loc[sintered, column], rtol=0.01)
    for rate in RATES:
        column = capacity_column(rate)
        np.testing.assert_allclose(extracted.loc[sintered, column], truth.loc[sintered, column], atol=0.5)
    np.testing.assert_allclose(extracted["crystallisation_peak_c"], truth["crystallisation_peak_c"], atol=1.5)


def test_a_layer_that_did_not_sinter_has_only_its_dta(
    raw_folder: tuple[Path, pd.DataFrame], extracted: pd.DataFrame
) -> None:
    truth = raw_folder[1]
    failed = truth.index[~truth["sintered"]]
    assert len(failed) == 1  # the 5 wt% AB mixture
    assert not list(raw_folder[0].glob(f"e{failed[0]}_*.mpt"))
    assert not extracted.loc[failed[0], "sintered"]
    assert np.isnan(extracted.loc[failed[0], "internal_resistance_ohm"])
    assert np.isfinite(extracted.loc[failed[0], "crystallisation_onset_c"])


def test_with_noise_the_extraction_follows_the_noisy_cells(tmp_path: Path) -> None:
    """5 % noise: the outcomes scatter (cell to cell) and so does each point; the fits stay good
    and the extracted values stay near the emulated ones."""
    measured, _ = write_folder(tmp_path, noise=0.05, seed=4)
    extraction = extract_folder(tmp_path)
    got = extraction.results.set_index("experiment_id")
    sintered = measured.index[measured["sintered"]]
    assert not any(s.fit.poor for s in extraction.spectra.values())
    ratio = got.loc[sintered, "internal_resistance_ohm"] / measured.loc[sintered, "internal_resistance_ohm"]
    assert np.all(np.abs(ratio - 1) < 0.05)
    assert np.all(np.abs(got.loc[sintered, "capacity_2c_mah_g"] - measured.loc[sintered, "capacity_2c_mah_g"]) < 2.0)
    assert np.all(np.abs(got["crystallisation_onset_c"] - measured["crystallisation_onset_c"]) < 3.0)


def test_with_much_noise_poor_fits_are_flagged_not_recorded(tmp_path: Path) -> None:
    """50 % noise scatters each impedance point by 5 %: every fit is refused as poor, naming the
    file; kept on request, it is flagged in the notes and still near the emulated resistance."""
    measured, _ = write_folder(tmp_path, noise=0.5, seed=2)
    with pytest.raises(InputDataError, match="e1_peis.mpt: poor fit"):
        extract_folder(tmp_path)
    kept = extract_folder(tmp_path, keep_poor_fits=True).results.set_index("experiment_id")
    sintered = measured.index[measured["sintered"]]
    assert kept.loc[sintered, "notes"].str.contains("POOR FIT").all()
    ratio = kept.loc[sintered, "internal_resistance_ohm"] / measured.loc[sintered, "internal_resistance_ohm"]
    assert np.all(np.abs(ratio - 1) < 0.1)
