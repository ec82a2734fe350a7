"""Instrument files in their documented formats, and bad files named with their problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nfpopt.emulator import emulate
from nfpopt.exceptions import InputDataError
from nfpopt.instruments import extract_folder, write_raw_folder
from nfpopt.instruments.biologic import read_galvanostatic, read_impedance
from nfpopt.instruments.discharge import capacity_to_cutoff_mah
from nfpopt.instruments.dta import crystallisation_peak, emulated_trace, read_trace
from nfpopt.instruments.impedance_fit import measurement_frequencies_hz, paper_circuit_spectrum
from tests.instruments.conftest import cofired_cells

EC_LAB_PEIS = """EC-Lab ASCII FILE
Nb header lines : 6

Potentio Electrochemical Impedance Spectroscopy

freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t|Z|/Ohm\tPhase(Z)/deg\ttime/s\t<Ewe>/V\tcycle number
"""


def _cell_c_folder(directory: Path, ids: tuple[int, ...] = (1,)) -> Path:
    recipes = cofired_cells()
    recipes = recipes[recipes["cell"] == "C"].loc[[recipes.index[recipes["cell"] == "C"][0]] * len(ids)]
    recipes = recipes.reset_index(drop=True)
    write_raw_folder(recipes, emulate(recipes), directory, experiment_ids=list(ids), c_rates=(2.0,))
    return directory


def test_an_ec_lab_impedance_export_with_more_columns_is_read(tmp_path: Path) -> None:
    frequencies = measurement_frequencies_hz()
    z = paper_circuit_spectrum(frequencies, 27.0, 50.0, 150.0)
    lines = [
        f"{f:.6e}\t{v.real:.6e}\t{-v.imag:.6e}\t{abs(v):.6e}\t{np.degrees(np.angle(v)):.3f}\t{i:.1f}\t3.1\t1"
        for i, (f, v) in enumerate(zip(frequencies, z, strict=True))
    ]
    path = tmp_path / "peis.mpt"
    path.write_text(EC_LAB_PEIS + "\n".join(lines) + "\n", encoding="latin-1")
    read_f, read_z = read_impedance(path)
    np.testing.assert_allclose(read_f, frequencies, rtol=1e-6)
    np.testing.assert_allclose(read_z, z, rtol=1e-5)


def test_a_plain_csv_spectrum_is_read_with_impedance_py(tmp_path: Path) -> None:
    frequencies = measurement_frequencies_hz()
    z = paper_circuit_spectrum(frequencies, 27.0, 50.0, 150.0)
    path = tmp_path / "spectrum.csv"
    pd.DataFrame({"f": frequencies, "re": z.real, "im": z.imag}).to_csv(path, header=False, index=False)
    np.testing.assert_allclose(read_impedance(path)[1], z, rtol=1e-9)


GAMRY_HEADER = """EXPLAIN
TAG\tEISPOT
TITLE\tLABEL\tPotentiostatic EIS\tTest &Identifier
ZCURVE\tTABLE
\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\tIdc\tVdc\tIERange
\t#\ts\tHz\tohm\tohm\tV\tohm\t°\tA\tV\t#
"""


def test_a_gamry_export_is_read_with_impedance_py(tmp_path: Path) -> None:
    frequencies = measurement_frequencies_hz()
    z = paper_circuit_spectrum(frequencies, 27.0, 50.0, 150.0)
    rows = [
        f"\t{i}\t{i}\t{f:.6e}\t{v.real:.6e}\t{v.imag:.6e}\t1\t{abs(v):.6e}\t0\t0\t0\t5"
        for i, (f, v) in enumerate(zip(frequencies, z, strict=True))
    ]
    path = tmp_path / "eis.DTA"
    path.write_text(GAMRY_HEADER + "\n".join(rows) + "\n", encoding="ISO-8859-1")
    np.testing.assert_allclose(read_impedance(path)[1], z, rtol=1e-5)
    path.write_text("EXPLAIN\nTAG\tCV\n", encoding="ISO-8859-1")
    with pytest.raises(InputDataError, match="eis.DTA: no impedance table"):
        read_impedance(path)


def test_an_older_ec_lab_discharge_export_with_comma_decimals_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gcpl.mpt"
    header = "EC-Lab ASCII FILE\nNb header lines : 4\n\ntime/s\tEwe/V\tI/mA\tQ discharge/mA.h\n"
    rows = [
        "0,0\t3,10\t-0,31\t0,0",
        "1800,0\t3,05\t-0,31\t0,155",
        "3000,0\t2,50\t-0,31\t0,258",
        "3100\t1,95\t-0,31\t0,267",
    ]
    path.write_text(header + "\n".join(rows) + "\n", encoding="latin-1")
    curve = read_galvanostatic(path)
    capacity = capacity_to_cutoff_mah(curve)
    assert 0.258 < capacity < 0.267


def test_a_discharge_without_a_capacity_column_is_integrated_from_the_current(tmp_path: Path) -> None:
    path = tmp_path / "gcpl.mpt"
    header = "EC-Lab ASCII FILE\nNb header lines : 4\n\ntime/s\tEwe/V\tI/mA\n"
    path.write_text(header + "0\t3.0\t-0.36\n3600\t2.9\t-0.36\n7200\t2.0\t-0.36\n", encoding="latin-1")
    assert capacity_to_cutoff_mah(read_galvanostatic(path)) == pytest.approx(0.72)


def test_a_plain_csv_dta_trace_with_exothermic_down_is_read(tmp_path: Path) -> None:
    trace = emulated_trace(400.0, 450.0)
    path = tmp_path / "dta.csv"
    lines = ["#EXO:-1", "temperature_c,heat_flow_uv_mg"]
    lines += [f"{t:.2f},{-s:.6f}" for t, s in zip(trace["Temp./°C"], trace["DTA/(uV/mg)"], strict=True)]
    path.write_text("\n".join(lines) + "\n")
    temperature, signal, exo_up = read_trace(path)
    assert not exo_up
    peak = crystallisation_peak(temperature, -signal)
    assert peak.onset_c == pytest.approx(400.0, abs=0.5) and peak.peak_c == pytest.approx(450.0, abs=1.0)


def _narrow(path: Path) -> None:
    lines = path.read_text(encoding="latin-1").splitlines()
    count = int(lines[1].split(":")[1])
    data = [line for line in lines[count:] if float(line.split("\t")[0]) >= 100.0]
    path.write_text("\n".join(lines[:count] + data) + "\n", encoding="latin-1")


def _drop_column(path: Path) -> None:
    path.write_text(path.read_text(encoding="latin-1").replace("Re(Z)/Ohm", "Re(Y)/mS"), encoding="latin-1")


def _truncate_discharge(path: Path) -> None:
    lines = path.read_text(encoding="latin-1").splitlines()
    path.write_text("\n".join(lines[:-40]) + "\n", encoding="latin-1")


def _flatten_dta(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line if line.startswith("#") else ";".join([*line.split(";")[:2], "0.01"]) for line in lines]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "damage", "message"),
    [
        pytest.param("e1_peis.mpt", lambda p: p.write_text("hello\n"), "not an EC-Lab text export", id="not_ec_lab"),
        pytest.param("e1_peis.mpt", _drop_column, "no impedance columns", id="no_eis_columns"),
        pytest.param("e1_peis.mpt", _narrow, "frequency range too narrow", id="second_arc_not_seen"),
        pytest.param("e1_gcpl_2c.mpt", _truncate_discharge, "never reaches the 2 V cut-off", id="stopped_early"),
        pytest.param("e1_gcpl_2c.mpt", lambda p: p.write_bytes(b"\xff\xfe\x00"), "not an EC-Lab", id="binary_junk"),
        pytest.param("e1_dta.txt", _flatten_dta, "no crystallisation exotherm", id="flat_dta"),
        pytest.param("e1_dta.txt", lambda p: p.write_text("##a;b\n1;2\n"), "no DTA columns", id="dta_columns"),
        pytest.param("e1_dta.txt", Path.unlink, "is not a file", id="missing_file"),
    ],
)
def test_a_bad_file_stops_the_folder_naming_file_and_problem(tmp_path: Path, name: str, damage, message: str) -> None:
    folder = _cell_c_folder(tmp_path)
    damage(folder / name)
    with pytest.raises(InputDataError, match=message) as error:
        extract_folder(folder)
    assert name in str(error.value)


def test_skip_bad_leaves_out_only_the_experiments_with_a_bad_file(tmp_path: Path) -> None:
    folder = _cell_c_folder(tmp_path, ids=(3, 4))
    _narrow(folder / "e4_peis.mpt")
    extraction = extract_folder(folder, skip_bad=True)
    assert list(extraction.results["experiment_id"]) == [3]
    assert "too narrow" in extraction.skipped[4][0]
    assert set(extraction.diagnostics.loc[extraction.diagnostics["experiment_id"] == 4, "status"]) >= {"bad"}


def test_a_poor_fit_is_refused_or_kept_flagged(tmp_path: Path) -> None:
    folder = _cell_c_folder(tmp_path)
    with pytest.raises(InputDataError, match="poor fit of R0-p\\(R1,CPE1\\)"):
        extract_folder(folder, circuit="R0-p(R1,CPE1)")  # one arc for a two-arc spectrum
    kept = extract_folder(folder, circuit="R0-p(R1,CPE1)", keep_poor_fits=True)
    assert "POOR FIT" in kept.results["notes"].iloc[0]
    assert "r_bulk_ohm" not in kept.results  # the split is the paper circuit's only


class _FakeMpr:
    """What galvani's ``MPRfile`` gives: ``.data``, a structured array named like EC-Lab's columns."""

    def __init__(self, path: str) -> None:
        fields = [("time/s", float), ("Ewe/V", float), ("I/mA", float), ("(Q-Qo)/mA.h", float)]
        self.data = np.array(
            [(0.0, 3.1, -0.31, 0.0), (1000.0, 3.0, -0.31, -0.086), (1100.0, 1.9, -0.31, -0.095)], fields
        )


def test_a_binary_mpr_discharge_is_read_through_galvani(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from galvani import BioLogic

    monkeypatch.setattr(BioLogic, "MPRfile", _FakeMpr)
    path = tmp_path / "gcpl.mpr"
    path.write_bytes(b"")
    assert 0.086 < capacity_to_cutoff_mah(read_galvanostatic(path)) < 0.095


def test_a_corrupt_mpr_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "gcpl.mpr"
    path.write_bytes(b"junk")
    with pytest.raises(InputDataError, match="gcpl.mpr: unreadable as a BioLogic .mpr file"):
        read_galvanostatic(path)
