"""From a folder of raw instrument files to the results table ``nfpopt record`` takes.

Per experiment of the folder's manifest: the impedance spectrum fitted to the declared circuit
(``internal_resistance_ohm`` and, for the paper's circuit, its split), the capacity to the
cut-off of each discharge (``capacity_<rate>c_mah_g`` per gram of NFP), the DTA onset and
peak. Every file is read and checked first; a bad file (unreadable, wrong columns, a spectrum
too narrow, a poor fit, a discharge that never reaches the cut-off) stops the whole folder,
naming the file and the problem, unless the caller skips experiments with a bad file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nfpopt.emulator.parameters import capacity_column
from nfpopt.exceptions import InputDataError
from nfpopt.instruments import biologic, discharge, dta
from nfpopt.instruments.impedance_fit import PAPER_CIRCUIT, SPLIT_COLUMNS, ImpedanceFit, fit_spectrum
from nfpopt.instruments.manifest import read_manifest


@dataclass(frozen=True)
class Spectrum:
    """A measured spectrum and its fit, kept for the Nyquist figure."""

    frequencies_hz: np.ndarray
    impedance_ohm: np.ndarray
    fit: ImpedanceFit


@dataclass
class Extraction:
    """The results table, one diagnostics row per file, the spectra, and what was skipped."""

    results: pd.DataFrame
    diagnostics: pd.DataFrame
    spectra: dict[int, Spectrum] = field(default_factory=dict)
    skipped: dict[int, list[str]] = field(default_factory=dict)


def _impedance(path: Path, circuit: str) -> tuple[dict[str, float], dict[str, object], Spectrum]:
    frequencies, impedance = biologic.read_impedance(path)
    fit = fit_spectrum(frequencies, impedance, circuit=circuit, source=str(path))
    diagnostics: dict[str, object] = {"circuit": circuit, "relative_rms": fit.relative_rms, "poor_fit": fit.poor}
    for name, value, sigma in zip(fit.names, fit.values, fit.sigmas, strict=True):
        diagnostics[name] = value
        diagnostics[f"{name}_sigma"] = sigma
    diagnostics["total_ohm"], diagnostics["total_sigma_ohm"] = fit.total_ohm, fit.total_sigma_ohm
    return fit.split(), diagnostics, Spectrum(frequencies, impedance, fit)


def _discharge(
    path: Path, c_rate_h: float, active_mass_mg: float, cutoff_v: float
) -> tuple[dict[str, float], dict[str, object]]:
    curve = biologic.read_galvanostatic(path)
    capacity_mah = discharge.capacity_to_cutoff_mah(curve, cutoff_v=cutoff_v, source=str(path))
    capacity_mah_g = capacity_mah / (active_mass_mg * 1e-3)
    diagnostics: dict[str, object] = {
        "c_rate_h": c_rate_h,
        "capacity_mah": capacity_mah,
        "capacity_mah_g": capacity_mah_g,
    }
    return {capacity_column(c_rate_h): capacity_mah_g}, diagnostics


def _dta(path: Path) -> tuple[dict[str, float], dict[str, object]]:
    temperature, signal, exo_up = dta.read_trace(path)
    peak = dta.crystallisation_peak(temperature, signal if exo_up else -signal, source=str(path))
    diagnostics: dict[str, object] = {"onset_c": peak.onset_c, "peak_c": peak.peak_c, "peak_height": peak.height}
    return {"crystallisation_onset_c": peak.onset_c, "crystallisation_peak_c": peak.peak_c}, diagnostics


def _note(outcomes: dict[str, object], spectrum: Spectrum | None) -> str:
    parts = []
    if spectrum is not None:
        fit = spectrum.fit
        parts.append(
            f"EIS {fit.circuit}: R = {fit.total_ohm:.4g} +/- {fit.total_sigma_ohm:.2g} ohm, "
            f"rms {100 * fit.relative_rms:.2g} %" + (" POOR FIT" if fit.poor else "")
        )
    rates = sum(1 for name in outcomes if name.startswith("capacity_"))
    if rates:
        parts.append(f"{rates} discharges to cut-off")
    if "crystallisation_onset_c" in outcomes:
        parts.append("DTA onset by tangent")
    return "; ".join(parts)


def _measure(
    entry: Any, directory: Path, sintered: bool, circuit: str | None, cutoff_v: float, keep_poor_fits: bool
) -> tuple[dict[str, float], dict[str, object], Spectrum | None]:
    """Outcomes, diagnostics and (for impedance) the spectrum of one manifest row's file."""
    path = directory / entry.file
    if not sintered and entry.measurement in ("impedance", "discharge"):
        raise InputDataError(f"{path}: a cell measurement for a layer that did not sinter")
    if entry.measurement == "discharge":
        return (*_discharge(path, entry.c_rate_h, entry.active_mass_mg, cutoff_v), None)
    if entry.measurement == "dta":
        return (*_dta(path), None)
    chosen = circuit or (entry.circuit if isinstance(entry.circuit, str) else PAPER_CIRCUIT)
    values, details, spectrum = _impedance(path, chosen)
    fit = spectrum.fit
    if fit.poor and not keep_poor_fits:
        raise InputDataError(
            f"{path}: poor fit of {chosen} (rms {100 * fit.relative_rms:.2g} %, R = {fit.total_ohm:.4g} +/- "
            f"{fit.total_sigma_ohm:.2g} ohm); check the spectrum or the circuit (--circuit), or keep it "
            f"flagged (--keep-poor-fits)"
        )
    return values, details, spectrum


def _column_order(columns: pd.Index) -> list[str]:
    """experiment_id, sintered, resistances, capacities by rate, DTA temperatures, notes."""
    capacities = sorted((c for c in columns if c.startswith("capacity_")), key=lambda c: _rate_of(c))
    resistances = ["internal_resistance_ohm", *(c for c in SPLIT_COLUMNS.values())]
    resistances += sorted(c for c in columns if c.endswith("_ohm") and c not in resistances)
    dta_columns = ["crystallisation_onset_c", "crystallisation_peak_c"]
    return ["experiment_id", "sintered", *resistances, *capacities, *dta_columns, "notes"]


def _rate_of(column: str) -> float:
    return float(column.removeprefix("capacity_").removesuffix("c_mah_g").replace("p", "."))


def extract_folder(
    directory: Path,
    *,
    circuit: str | None = None,
    cutoff_v: float = discharge.CUTOFF_V,
    skip_bad: bool = False,
    keep_poor_fits: bool = False,
) -> Extraction:
    """Read every file of ``directory``'s manifest and derive the outcomes.

    Args:
        circuit: equivalent circuit for every spectrum (impedance.py notation); default: each
            manifest row's ``circuit``, else the paper's ``R0-p(R1,CPE1)-p(R2,CPE2)``.
        cutoff_v: discharge cut-off voltage.
        skip_bad: leave out experiments with a bad file instead of refusing the folder.
        keep_poor_fits: record a poor impedance fit (flagged in ``notes``) instead of treating
            it as a bad file.

    Raises:
        InputDataError: the manifest is invalid, or a file is bad and ``skip_bad`` is off; the
            message lists every bad file with its problem.
    """
    manifest = read_manifest(directory)
    rows: list[dict[str, object]] = []
    diagnostics: list[dict[str, object]] = []
    spectra: dict[int, Spectrum] = {}
    problems: dict[int, list[str]] = {}
    for experiment_id, files in manifest.groupby("experiment_id", sort=False):
        experiment_id = int(experiment_id)
        if files["sintered"].nunique() > 1:
            raise InputDataError(f"{directory / 'manifest.csv'}: experiment {experiment_id} is both sintered and not")
        sintered = bool(files["sintered"].iloc[0])
        outcomes: dict[str, object] = {"experiment_id": experiment_id, "sintered": sintered}
        for entry in files[files["measurement"] != "layer"].itertuples(index=False):
            record = {"experiment_id": experiment_id, "measurement": entry.measurement, "file": entry.file}
            try:
                values, details, spectrum = _measure(entry, directory, sintered, circuit, cutoff_v, keep_poor_fits)
            except InputDataError as exc:
                problems.setdefault(experiment_id, []).append(str(exc))
                diagnostics.append({**record, "status": "bad", "problem": str(exc)})
                continue
            if spectrum is not None:
                spectra[experiment_id] = spectrum
            outcomes.update(values)
            diagnostics.append({**record, "status": "ok", **details})
        outcomes["notes"] = _note(outcomes, spectra.get(experiment_id))
        rows.append(outcomes)
    if problems and not skip_bad:
        listed = "\n  ".join(p for found in problems.values() for p in found)
        raise InputDataError(
            f"{directory}: {sum(len(found) for found in problems.values())} bad file(s); nothing extracted "
            f"(fix them, or leave their experiments out with --skip-bad):\n  {listed}"
        )
    kept = [row for row in rows if row["experiment_id"] not in problems]
    if not kept:
        raise InputDataError(f"{directory}: no experiment without a bad file; nothing to extract")
    results = pd.DataFrame(kept)
    return Extraction(
        results[[c for c in _column_order(results.columns) if c in results]],
        pd.DataFrame(diagnostics),
        {k: v for k, v in spectra.items() if k not in problems},
        problems,
    )
