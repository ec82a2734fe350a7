"""Impedance spectra: the paper's equivalent circuit, its synthesis and its fit.

The paper fits each spectrum to two semicircles in series with a resistance (Results,
Methods: Z-ASSIST / Zview): R0 (electrolyte bulk and anode), R1 || CPE1 (anode interface and
grain boundaries), R2 || CPE2 (cathode charge transfer and the cathode/electrolyte interface).
The internal resistance is the DC limit, R0 + R1 + R2.

Both the synthesis and the fit use impedance.py's :class:`CustomCircuit` (Murbach et al.,
J. Open Source Softw. 5:2349, 2020): the spectrum the emulator writes is the circuit's own
``predict``, and the fit is its nonlinear least squares with 1-sigma confidence intervals.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np

from nfpopt.exceptions import InputDataError

#: The paper's circuit in impedance.py's notation.
PAPER_CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)"
#: Which fitted resistance is which outcome, for the paper's circuit.
SPLIT_COLUMNS = {"R0": "r_bulk_ohm", "R1": "r_anode_ohm", "R2": "r_cathode_ohm"}
#: Frequency range and density of the emulated measurement (a typical EC-Lab PEIS sweep).
FREQUENCY_MAX_HZ = 1.0e6
FREQUENCY_MIN_HZ = 1.0e-2
POINTS_PER_DECADE = 10
#: Constant-phase elements of the emulated cell per cm2 of cathode (assumed: arcs near 10 kHz
#: and 30 Hz, as in solid electrolytes with a Na anode and a composite cathode).
CPE1_Q_PER_CM2 = 1.0e-6
CPE1_ALPHA = 0.9
CPE2_Q_PER_CM2 = 1.0e-4
CPE2_ALPHA = 0.8
#: A fit whose relative rms residual exceeds this is flagged poor.
POOR_FIT_RELATIVE_RMS = 0.05
#: ... and so is one whose total resistance is known to worse than this (1-sigma, relative).
POOR_FIT_RELATIVE_SIGMA = 0.10
_RESISTOR = re.compile(r"^R\d+$")
_ELEMENT = re.compile(r"^(R|C|CPE)\d+$")
_PARALLEL = re.compile(r"p\(([^()]*)\)")


def circuit_problem(circuit: str) -> str | None:
    """Why ``circuit`` is not one nfpopt can fit, or None.

    nfpopt fits series (``-``) and parallel (``p(a,b)``) combinations of resistors ``R<n>``,
    capacitors ``C<n>`` and constant-phase elements ``CPE<n>``, with at least one resistor and
    each element named once (impedance.py's notation).
    """
    text = circuit.replace(" ", "")
    while _PARALLEL.search(text):
        text = _PARALLEL.sub(lambda m: "-".join(m.group(1).split(",")), text)
    elements = text.split("-")
    if not text or not all(_ELEMENT.match(e) for e in elements):
        return (
            "write series (-) and parallel p(a,b) combinations of R<n>, C<n> and CPE<n> in impedance.py "
            "notation, e.g. the paper's R0-p(R1,CPE1)-p(R2,CPE2)"
        )
    if len(set(elements)) != len(elements):
        return "name each element once (R0, R1, ...)"
    if not any(_RESISTOR.match(e) for e in elements):
        return "a circuit without a resistor has no DC resistance; include at least one R<n>"
    return None


def measurement_frequencies_hz() -> np.ndarray:
    """Frequencies of the emulated sweep, high to low as an analyser measures them."""
    decades = np.log10(FREQUENCY_MAX_HZ / FREQUENCY_MIN_HZ)
    count = int(round(decades * POINTS_PER_DECADE)) + 1
    return np.logspace(np.log10(FREQUENCY_MAX_HZ), np.log10(FREQUENCY_MIN_HZ), count)


def paper_circuit_spectrum(
    frequencies_hz: np.ndarray, r0_ohm: float, r1_ohm: float, r2_ohm: float, cell_area_cm2: float = 1.0
) -> np.ndarray:
    """Complex impedance (ohm) of R0 + R1||CPE1 + R2||CPE2; CPE admittances scale with the area."""
    from impedance.models.circuits import CustomCircuit

    parameters = [
        r0_ohm,
        r1_ohm,
        CPE1_Q_PER_CM2 * cell_area_cm2,
        CPE1_ALPHA,
        r2_ohm,
        CPE2_Q_PER_CM2 * cell_area_cm2,
        CPE2_ALPHA,
    ]
    circuit = CustomCircuit(PAPER_CIRCUIT, initial_guess=parameters)
    with warnings.catch_warnings():  # "simulating circuit based on initial parameters": on purpose
        warnings.simplefilter("ignore", UserWarning)
        return circuit.predict(np.asarray(frequencies_hz, float), use_initial=True)


@dataclass(frozen=True)
class ImpedanceFit:
    """A fitted spectrum: parameters with 1-sigma intervals, the DC resistance and the residual."""

    circuit: str
    names: tuple[str, ...]
    values: tuple[float, ...]
    sigmas: tuple[float, ...]
    total_ohm: float
    total_sigma_ohm: float
    relative_rms: float

    @property
    def parameters(self) -> dict[str, float]:
        """Fitted value of each circuit element parameter by name (``R0``, ``CPE1_0``, ...)."""
        return dict(zip(self.names, self.values, strict=True))

    @property
    def poor(self) -> bool:
        """True when the residual or the uncertainty of the total resistance is too large."""
        relative_sigma = self.total_sigma_ohm / self.total_ohm if self.total_ohm > 0 else np.inf
        return not (self.relative_rms <= POOR_FIT_RELATIVE_RMS and relative_sigma <= POOR_FIT_RELATIVE_SIGMA)

    def split(self) -> dict[str, float]:
        """The resistance outcomes: ``internal_resistance_ohm`` and, for the paper's circuit, the split."""
        out = {"internal_resistance_ohm": self.total_ohm}
        for name, column in SPLIT_COLUMNS.items():
            if name in self.parameters and self.circuit.replace(" ", "") == PAPER_CIRCUIT:
                out[column] = self.parameters[name]
        return out


def check_spectrum(frequencies_hz: np.ndarray, impedance_ohm: np.ndarray, source: str) -> None:
    """Refuse a spectrum that cannot show two arcs closing onto the real axis."""
    if len(frequencies_hz) < 2 * POINTS_PER_DECADE:
        raise InputDataError(f"{source}: {len(frequencies_hz)} points; an impedance fit needs at least 20")
    if not (np.all(np.isfinite(frequencies_hz)) and np.all(np.isfinite(impedance_ohm))):
        raise InputDataError(f"{source}: frequencies or impedances are not finite numbers")
    if np.any(frequencies_hz <= 0):
        raise InputDataError(f"{source}: frequencies must be > 0 Hz")
    lowest = int(np.argmin(frequencies_hz))
    minus_imag = -impedance_ohm.imag
    if minus_imag[lowest] >= 0.5 * minus_imag.max():
        raise InputDataError(
            f"{source}: frequency range too narrow to see the second arc close (lowest "
            f"{frequencies_hz[lowest]:g} Hz, -Im(Z) still {minus_imag[lowest]:.3g} ohm there); "
            f"measure down to lower frequencies"
        )


def _initial_guess(circuit: str, frequencies_hz: np.ndarray, impedance_ohm: np.ndarray) -> list[float]:
    """Start values from the spectrum: R0 at the high-frequency intercept, the rest split evenly."""
    from impedance.models.circuits.fitting import extract_circuit_elements

    real = impedance_ohm.real
    high = float(max(real[np.argmax(frequencies_hz)], 1e-3))
    low = float(real[np.argmin(frequencies_hz)])
    elements = extract_circuit_elements(circuit)
    resistors = [e for e in elements if _RESISTOR.match(e)]
    guess: list[float] = []
    capacitive = 0
    for element in elements:
        if element == resistors[0]:
            guess.append(high)
        elif _RESISTOR.match(element):
            guess.append(max(low - high, high) / max(len(resistors) - 1, 1))
        elif element.startswith("CPE"):  # later arcs at lower frequencies: larger Q
            guess.extend([1e-6 * 100.0**capacitive, 0.85])
            capacitive += 1
        elif element.startswith("C"):
            guess.append(1e-7 * 100.0**capacitive)
            capacitive += 1
        else:
            raise InputDataError(
                f"circuit {circuit!r}: no start value for element {element!r}; nfpopt fits circuits of "
                f"resistors (R), capacitors (C) and constant-phase elements (CPE)"
            )
    return guess


def _arcs_by_frequency(values: np.ndarray, sigmas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Name the paper circuit's arcs by frequency: R1||CPE1 the faster (anode, grain boundary),
    R2||CPE2 the slower (cathode). The two blocks are interchangeable in the fit itself.

    Each arc's time constant is ``(R Q)^(1/alpha)`` (parameters ``R0, R1, Q1, a1, R2, Q2, a2``).
    """
    first, second = values[1:4], values[4:7]
    tau_first = (first[0] * first[1]) ** (1.0 / first[2])
    tau_second = (second[0] * second[1]) ** (1.0 / second[2])
    if tau_first <= tau_second:
        return values, sigmas
    order = [0, 4, 5, 6, 1, 2, 3]
    return values[order], sigmas[order]


def fit_spectrum(
    frequencies_hz: np.ndarray, impedance_ohm: np.ndarray, *, circuit: str = PAPER_CIRCUIT, source: str = "spectrum"
) -> ImpedanceFit:
    """Fit ``circuit`` to a spectrum with impedance.py; the DC resistance is the sum of the resistors.

    The residuals are weighted by |Z| (relative errors), as usual for spectra spanning decades.
    """
    from impedance.models.circuits import CustomCircuit

    problem = circuit_problem(circuit)
    if problem:
        raise InputDataError(f"circuit {circuit!r}: {problem}")
    frequencies_hz = np.asarray(frequencies_hz, float)
    impedance_ohm = np.asarray(impedance_ohm, complex)
    check_spectrum(frequencies_hz, impedance_ohm, source)
    model = CustomCircuit(circuit, initial_guess=_initial_guess(circuit, frequencies_hz, impedance_ohm))
    try:
        model.fit(frequencies_hz, impedance_ohm, weight_by_modulus=True, maxfev=20_000)
    except (RuntimeError, ValueError) as exc:
        raise InputDataError(f"{source}: the circuit {circuit} does not fit ({exc})") from exc
    names, _units = model.get_param_names()
    values = np.asarray(model.parameters_, float)
    sigmas = np.asarray(model.conf_, float) if model.conf_ is not None else np.full_like(values, np.inf)
    if circuit.replace(" ", "") == PAPER_CIRCUIT:
        values, sigmas = _arcs_by_frequency(values, sigmas)
    resistors = [i for i, name in enumerate(names) if _RESISTOR.match(name)]
    predicted = model.predict(frequencies_hz)
    relative_rms = float(np.sqrt(np.mean(np.abs(predicted - impedance_ohm) ** 2 / np.abs(impedance_ohm) ** 2)))
    return ImpedanceFit(
        circuit=circuit,
        names=tuple(names),
        values=tuple(float(v) for v in values),
        sigmas=tuple(float(s) for s in sigmas),
        total_ohm=float(values[resistors].sum()),
        total_sigma_ohm=float(np.sqrt(np.sum(sigmas[resistors] ** 2))),
        relative_rms=relative_rms,
    )
