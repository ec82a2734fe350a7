"""Raw instrument files from the emulator: what a lab's instruments would export per experiment.

Per sintered experiment: an EC-Lab impedance export of the paper's circuit with the emulator's
resistance split, an EC-Lab galvanostatic export per C-rate discharged to 2.0 V, and a DTA
export of the glass powder; a layer that did not sinter gets only its DTA trace (the glass was
measured; there is no cell). ``manifest.csv`` ties every file to its ``experiment_id``.

Noise: the outcomes are the emulator's (with its cell-to-cell noise ``noise``); on top, each
measured point scatters as an instrument's would (:data:`POINT_NOISE`), drawn from the same seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nfpopt.emulator.parameters import DEFAULT_PARAMETERS, THEORETICAL_CAPACITY_MAH_G, capacity_column
from nfpopt.exceptions import InputDataError
from nfpopt.instruments import biologic, discharge, dta
from nfpopt.instruments.impedance_fit import PAPER_CIRCUIT, measurement_frequencies_hz, paper_circuit_spectrum
from nfpopt.instruments.manifest import write_manifest

#: Scatter of each measured point per unit of ``noise``: relative on Re/Im(Z), volts on the
#: discharge voltage, uV/mg on the DTA signal (5 % noise: 0.5 % on Z, 2.5 mV, 0.01 uV/mg).
POINT_NOISE = {"impedance": 0.1, "voltage_v": 0.05, "dta_uv_mg": 0.2}


def active_mass_g(cell_area_cm2: float) -> float:
    """NFP in the cathode, g: the paper's loading (0.31 mAh/cm2 at 97 mAh/g), times the area."""
    return DEFAULT_PARAMETERS.areal_capacity_mah_cm2 * cell_area_cm2 / THEORETICAL_CAPACITY_MAH_G


def _rate_tag(c_rate: float) -> str:
    return capacity_column(c_rate).removeprefix("capacity_").removesuffix("_mah_g")


def _write_impedance(path: Path, row: pd.Series, area_cm2: float, noise: float, rng: np.random.Generator) -> None:
    frequencies = measurement_frequencies_hz()
    impedance = paper_circuit_spectrum(
        frequencies, row["r_bulk_ohm"], row["r_anode_ohm"], row["r_cathode_ohm"], cell_area_cm2=area_cm2
    )
    if noise > 0:
        scatter = POINT_NOISE["impedance"] * noise * np.abs(impedance)
        impedance = impedance + scatter * (rng.normal(size=len(impedance)) + 1j * rng.normal(size=len(impedance)))
    table = pd.DataFrame(
        {
            "freq/Hz": frequencies,
            "Re(Z)/Ohm": impedance.real,
            "-Im(Z)/Ohm": -impedance.imag,
            "|Z|/Ohm": np.abs(impedance),
            "Phase(Z)/deg": np.degrees(np.angle(impedance)),
        }
    )
    settings = ["Mode : Single sine", "fi : 1.000 MHz", "ff : 10.000 mHz", "Nd : 10 points per decade", "Va : 10 mV"]
    biologic.write_mpt(path, "Potentio Electrochemical Impedance Spectroscopy", settings, table)


def _write_discharge(
    path: Path,
    capacity_mah_g: float,
    c_rate: float,
    mass_g: float,
    resistance_ohm: float,
    noise: float,
    rng: np.random.Generator,
) -> None:
    curve = discharge.emulated_discharge(
        capacity_mah_g,
        c_rate_h=c_rate,
        active_mass_g=mass_g,
        internal_resistance_ohm=resistance_ohm,
        voltage_noise_v=POINT_NOISE["voltage_v"] * noise,
        rng=rng,
    )
    settings = [
        f"Characteristic mass : {mass_g * 1e3:.4f} mg",
        f"Is : {-c_rate * mass_g * THEORETICAL_CAPACITY_MAH_G:.6g} mA ({c_rate:g} C)",
        f"EM (V) : {discharge.CUTOFF_V:.3f}",
    ]
    biologic.write_mpt(path, "Galvanostatic Cycling with Potential Limitation", settings, curve)


def write_raw_folder(
    recipes: pd.DataFrame,
    outcomes: pd.DataFrame,
    directory: Path,
    *,
    experiment_ids: list[int],
    c_rates: tuple[float, ...],
    noise: float = 0.0,
    seed: int | None = None,
) -> Path:
    """Write every experiment's raw files and the manifest into ``directory``; returns the manifest.

    ``outcomes`` is :func:`nfpopt.emulator.emulate`'s table for ``recipes`` (same order).
    """
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise InputDataError(f"{directory}: not empty; write raw files into a new or empty folder")
    rng = np.random.default_rng(None if seed is None else seed + 1)
    rows: list[dict[str, object]] = []
    for experiment_id, (_, recipe), (_, outcome) in zip(
        experiment_ids, recipes.iterrows(), outcomes.iterrows(), strict=True
    ):
        sintered = bool(outcome["sintered"])
        stem = f"e{experiment_id}"
        trace = dta.emulated_trace(
            outcome["crystallisation_onset_c"],
            outcome["crystallisation_peak_c"],
            noise_uv_mg=POINT_NOISE["dta_uv_mg"] * noise,
            rng=rng,
        )
        dta.write_netzsch(directory / f"{stem}_dta.txt", trace, sample=f"NFP glass, experiment {experiment_id}")
        base = {"experiment_id": experiment_id, "sintered": sintered}
        rows.append({**base, "measurement": "dta", "file": f"{stem}_dta.txt"})
        if not sintered:
            continue
        area = float(recipe.get("cell_area_cm2", 1.0))
        _write_impedance(directory / f"{stem}_peis.mpt", outcome, area, noise, rng)
        rows.append({**base, "measurement": "impedance", "file": f"{stem}_peis.mpt", "circuit": PAPER_CIRCUIT})
        mass_g = active_mass_g(area)
        for c_rate in c_rates:
            name = f"{stem}_gcpl_{_rate_tag(c_rate)}.mpt"
            capacity = float(outcome[capacity_column(c_rate)])
            _write_discharge(directory / name, capacity, c_rate, mass_g, outcome["internal_resistance_ohm"], noise, rng)
            rows.append(
                {**base, "measurement": "discharge", "file": name, "c_rate_h": c_rate, "active_mass_mg": mass_g * 1e3}
            )
    return write_manifest(directory, rows)
