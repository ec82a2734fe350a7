"""Differential thermal analysis: the emulated trace, its file, and onset and peak read off it.

No ecosystem library reads DTA exports or picks onsets, so both are here. The file is the
text export of a NETZSCH instrument: ``#KEY:value`` metadata lines, then ``##`` and the
``;``-separated column names (``Temp./°C;Time/min;DTA/(uV/mg)``), exothermic up. A plain CSV
with a temperature column (``temperature_c``, ``Temp./°C``, ...) and a heat-flow column
(``DTA``, ``DSC``, ``heat_flow...``) is read as well.

The onset is the tangent method (ICTAC; ISO 11357-3): the tangent at the leading edge's
inflection (steepest rise) meets the baseline extrapolated from before the peak.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from nfpopt.exceptions import InputDataError

HEATING_RATE_C_MIN = 3.0
START_C = 250.0
END_C = 650.0
STEP_C = 0.2
#: Area of the crystallisation exotherm, uV C / mg (assumed; it only sets the scale).
EXOTHERM_AREA_UV_C_MG = 150.0
#: Trailing side of the exotherm relative to its leading side (crystallisation ends abruptly).
TRAILING_WIDTH_RATIO = 0.6
_BASELINE_FRACTION = 0.15
_SMOOTHING_C = 4.0
_PEAK_FIT_C = 2.0
_TEMPERATURE_NAMES = ("temp./°c", "temp./c", "temperature_c", "temperature/°c", "temperature/c", "t/°c")
_SIGNAL_STEMS = ("dta", "dsc", "heat_flow", "heatflow")


def emulated_trace(
    onset_c: float, peak_c: float, *, noise_uv_mg: float = 0.0, rng: np.random.Generator | None = None
) -> pd.DataFrame:
    """A DTA trace at 3 C/min whose tangent onset and maximum are ``onset_c`` and ``peak_c``.

    The exotherm is an asymmetric Gaussian: a leading side of width ``s = (peak - onset) / 2``
    (the tangent at a Gaussian's inflection, ``peak - s``, meets the baseline at ``peak - 2 s``)
    and a trailing side ``TRAILING_WIDTH_RATIO`` as wide, on a slightly sloping baseline.
    """
    temperature = np.arange(START_C, END_C + STEP_C / 2, STEP_C)
    leading = max((peak_c - onset_c) / 2.0, 0.5)
    width = np.where(temperature < peak_c, leading, leading * TRAILING_WIDTH_RATIO)
    height = EXOTHERM_AREA_UV_C_MG / (np.sqrt(np.pi / 2.0) * leading * (1.0 + TRAILING_WIDTH_RATIO))
    signal = height * np.exp(-0.5 * ((temperature - peak_c) / width) ** 2) + 0.002 * (temperature - START_C) - 0.3
    if noise_uv_mg > 0 and rng is not None:
        signal = signal + rng.normal(0.0, noise_uv_mg, len(signal))
    time_min = (temperature - START_C) / HEATING_RATE_C_MIN
    return pd.DataFrame({"Temp./°C": temperature, "Time/min": time_min, "DTA/(uV/mg)": signal})


def write_netzsch(path: Path, trace: pd.DataFrame, *, sample: str, mass_mg: float = 300.0) -> None:
    """Write a trace as a NETZSCH text export (metadata, ``##`` column line, ``;`` separated)."""
    meta = [
        "#FORMAT:NETZSCH5",
        "#FTYPE:ANSI",
        "#INSTRUMENT:DTA (emulated by nfpopt)",
        f"#SAMPLE:{sample}",
        f"#SAMPLE MASS /mg:{mass_mg:g}",
        f"#RANGE:{START_C:g}°C/{HEATING_RATE_C_MIN:g}(K/min)/{END_C:g}°C",
        "#ATMOSPHERE:H2/N2 4/96 v/v, 0.1 L/min",
        "#EXO:1",
        "##" + ";".join(trace.columns),
    ]
    body = trace.to_csv(sep=";", header=False, index=False, float_format="%.6g", lineterminator="\n")
    path.write_text("\n".join(meta) + "\n" + body, encoding="utf-8")


def _pick(columns: list[str], source: str) -> tuple[str, str]:
    lowered = {c.strip().lower(): c for c in columns}
    temperature = next((lowered[n] for n in _TEMPERATURE_NAMES if n in lowered), None)
    signal = next((c for c in columns if c.strip().lower().startswith(_SIGNAL_STEMS)), None)
    if temperature is None or signal is None:
        raise InputDataError(
            f"{source}: no DTA columns; need a temperature ({', '.join(_TEMPERATURE_NAMES[:3])}) and a "
            f"heat flow (DTA..., DSC..., heat_flow...); found {columns}"
        )
    return temperature, signal


def read_trace(path: Path) -> tuple[np.ndarray, np.ndarray, bool]:
    """Temperature (C), heat flow and whether exothermic is up, from a DTA text export or CSV."""
    source = str(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputDataError(f"{source}: unreadable ({exc.strerror or exc})") from None
    meta = [line for line in lines if line.startswith("#") and not line.startswith("##")]
    header = next((line[2:] for line in lines if line.startswith("##")), None)
    data_lines = [line for line in lines if line.strip() and not line.startswith("#")]
    if header is None and data_lines:
        header, data_lines = data_lines[0], data_lines[1:]
    if header is None or not data_lines:
        raise InputDataError(f"{source}: no data in the DTA file")
    separator = ";" if ";" in header else ("\t" if "\t" in header else ",")
    columns = [c.strip() for c in header.split(separator)]
    temperature_column, signal_column = _pick(columns, source)
    try:
        rows = np.array([[float(v.replace(",", ".")) for v in line.split(separator)] for line in data_lines])
        frame = pd.DataFrame(rows, columns=columns)
    except ValueError:
        raise InputDataError(f"{source}: DTA data lines hold text where numbers belong") from None
    exo_up = not any(line.replace(" ", "").upper() == "#EXO:-1" for line in meta)
    return frame[temperature_column].to_numpy(float), frame[signal_column].to_numpy(float), exo_up


@dataclass(frozen=True)
class DtaPeak:
    """The crystallisation exotherm: tangent onset, peak temperature and peak height over baseline."""

    onset_c: float
    peak_c: float
    height: float
    baseline_rms: float


def _window(width_c: float, step_c: float) -> int:
    """An odd Savitzky-Golay window spanning about ``width_c``."""
    return max(int(width_c / step_c) | 1, 5)


def crystallisation_peak(temperature_c: np.ndarray, signal: np.ndarray, *, source: str = "DTA") -> DtaPeak:
    """Tangent onset and peak of the largest exotherm (signal exothermic up).

    The baseline is a straight line through the first 15 % of the trace; the peak is the
    maximum of a parabola through its top; the inflection is the steepest point of the leading
    edge, smoothed (Savitzky-Golay) over half the edge's half-width.
    """
    order = np.argsort(temperature_c)
    temperature_c, signal = np.asarray(temperature_c, float)[order], np.asarray(signal, float)[order]
    if len(temperature_c) < 50:
        raise InputDataError(f"{source}: {len(temperature_c)} points; a DTA trace needs at least 50")
    from scipy.signal import savgol_filter  # 0.2-1 s to import: only where a trace is read

    step_c = float(np.median(np.diff(temperature_c)))
    head = max(int(_BASELINE_FRACTION * len(temperature_c)), 5)
    slope, intercept = np.polyfit(temperature_c[:head], signal[:head], 1)
    over = signal - (slope * temperature_c + intercept)
    baseline_rms = float(np.std(over[:head]))
    coarse = savgol_filter(over, _window(_SMOOTHING_C, step_c), 3)
    peak = int(np.argmax(coarse))
    if peak <= head or coarse[peak] < 10.0 * max(baseline_rms, 1e-12):
        raise InputDataError(
            f"{source}: no crystallisation exotherm above the baseline between "
            f"{temperature_c[head]:.0f} and {temperature_c[-1]:.0f} C"
        )
    half = int(np.flatnonzero(coarse[:peak] < 0.5 * coarse[peak])[-1])
    half_width_c = max(temperature_c[peak] - temperature_c[half], _SMOOTHING_C)
    window = _window(half_width_c / 2.0, step_c)  # smooth over a fraction of the peak's own width
    smooth = savgol_filter(over, window, 3)
    rise = savgol_filter(over, window, 3, deriv=1, delta=step_c)
    start = max(head, int(np.searchsorted(temperature_c, temperature_c[peak] - 2.0 * half_width_c)))
    inflection = start + int(np.argmax(rise[start:peak]))
    onset_c = temperature_c[inflection] - smooth[inflection] / rise[inflection]
    reach = max(int(_PEAK_FIT_C / step_c), 2)
    near = slice(max(peak - reach, 0), peak + reach + 1)
    top = np.polyfit(temperature_c[near], coarse[near], 2)  # the maximum of a local parabola
    peak_c = -top[1] / (2.0 * top[0]) if top[0] < 0 else temperature_c[peak]
    return DtaPeak(float(onset_c), float(peak_c), float(smooth[peak]), baseline_rms)
