"""Surface crystallisation of the NFP precursor glass (Kissinger / JMAK kinetics).

The paper (Results, Fig. S4a) reports that pulverising the glass moves the DTA crystallisation
peak from 491 C to 437 C and sharpens it, because crystals nucleate on particle surfaces: the
number of nucleation sites, hence the rate prefactor, grows with the specific surface area.

Model. First-order (Avrami n = 1) transformation with rate constant
``k(T) = A(S) exp(-E / R T)`` and ``A(S) = A_ref * S / S_ref`` (nucleation sites proportional
to the specific surface area S). Under a constant heating rate beta the transformed extent is
``x(T) ~= A R T^2 / (beta E) * exp(-E / R T)`` (the usual temperature-integral approximation),
the transformed fraction is ``X = 1 - exp(-x^n)`` and the DTA peak obeys Kissinger's equation
``ln(beta / Tp^2) = ln(A R / E) - E / (R Tp)``.

Both E and A_ref follow in closed form from the two reported DTA peaks (see
:func:`kissinger_constants`): nothing else is fitted here.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from nfpopt.emulator.parameters import (
    DEFAULT_PARAMETERS,
    KELVIN_OFFSET,
    EmulatorParameters,
)

_NEWTON_STEPS = 40


@cache
def kissinger_constants(params: EmulatorParameters = DEFAULT_PARAMETERS) -> tuple[float, float]:
    """Activation temperature ``E/R`` (K) and prefactor ``A`` (1/s) at the pulverised glass's SSA.

    From Kissinger's equation at the two reported peaks (same heating rate), with
    ``A2 / A1 = S2 / S1``:
    ``E/R * (1/Tp2 - 1/Tp1) = ln(S2/S1) + 2 ln(Tp2/Tp1)``.
    """
    tp_coarse = params.coarse_peak_c + KELVIN_OFFSET
    tp_fine = params.fine_peak_c + KELVIN_OFFSET
    ssa_ratio = params.fine_glass_ssa_m2_g / params.coarse_glass_ssa_m2_g
    activation_k = (np.log(ssa_ratio) + 2.0 * np.log(tp_fine / tp_coarse)) / (1.0 / tp_fine - 1.0 / tp_coarse)
    beta_k_s = params.dta_heating_rate_c_min / 60.0
    # ln(beta/Tp^2) = ln(A/(E/R)) - (E/R)/Tp  =>  A = (E/R) beta/Tp^2 exp((E/R)/Tp)
    prefactor = activation_k * beta_k_s / tp_fine**2 * np.exp(activation_k / tp_fine)
    return float(activation_k), float(prefactor)


def _prefactor_per_s(glass_ssa_m2_g: np.ndarray, params: EmulatorParameters) -> np.ndarray:
    _, prefactor_ref = kissinger_constants(params)
    return prefactor_ref * np.asarray(glass_ssa_m2_g, float) / params.fine_glass_ssa_m2_g


def _temperature_at_extent(
    log_extent: float,
    glass_ssa_m2_g: np.ndarray,
    heating_rate_c_min: float,
    params: EmulatorParameters,
) -> np.ndarray:
    """Temperature (K) at which ``ln x(T) = log_extent`` during a constant-rate ramp.

    Solves ``ln(A R T^2/(beta E)) - E/(R T) = log_extent`` by Newton's method (monotone in T).
    """
    activation_k, _ = kissinger_constants(params)
    log_a = np.log(_prefactor_per_s(glass_ssa_m2_g, params))
    beta_k_s = heating_rate_c_min / 60.0
    temperature_k = np.full_like(log_a, params.fine_peak_c + KELVIN_OFFSET)
    for _ in range(_NEWTON_STEPS):
        residual = (
            log_a
            + 2.0 * np.log(temperature_k)
            - np.log(beta_k_s * activation_k)
            - activation_k / temperature_k
            - log_extent
        )
        slope = 2.0 / temperature_k + activation_k / temperature_k**2
        temperature_k = temperature_k - residual / slope
    return temperature_k


def crystallisation_peak_c(
    glass_ssa_m2_g: np.ndarray,
    heating_rate_c_min: float | None = None,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """DTA crystallisation peak temperature (C) of a glass powder of the given SSA (m2/g).

    ``heating_rate_c_min`` defaults to the paper's DTA rate (3 C/min). For a first-order
    reaction the peak is where the extent x reaches 1 (Kissinger).
    """
    rate = params.dta_heating_rate_c_min if heating_rate_c_min is None else heating_rate_c_min
    return _temperature_at_extent(0.0, glass_ssa_m2_g, rate, params) - KELVIN_OFFSET


def crystallisation_onset_c(
    glass_ssa_m2_g: np.ndarray,
    heating_rate_c_min: float | None = None,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """Temperature (C) at which ``params.onset_fraction`` of the glass has crystallised in a DTA ramp."""
    rate = params.dta_heating_rate_c_min if heating_rate_c_min is None else heating_rate_c_min
    log_extent = np.log(-np.log(1.0 - params.onset_fraction)) / params.avrami_n
    return _temperature_at_extent(log_extent, glass_ssa_m2_g, rate, params) - KELVIN_OFFSET


def crystallised_fraction(
    glass_ssa_m2_g: np.ndarray,
    temperature_c: np.ndarray,
    time_min: np.ndarray,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """Fraction of the glass crystallised to NFP after a furnace ramp and an isothermal hold.

    The extent is the ramp's (temperature-integral approximation at the furnace heating rate)
    plus ``k(T) * t`` of the hold at ``temperature_c`` for ``time_min``.
    """
    activation_k, _ = kissinger_constants(params)
    temperature_k = np.asarray(temperature_c, float) + KELVIN_OFFSET
    rate_per_s = _prefactor_per_s(glass_ssa_m2_g, params) * np.exp(-activation_k / temperature_k)
    beta_k_s = params.furnace_heating_rate_c_min / 60.0
    extent = rate_per_s * (temperature_k**2 / (beta_k_s * activation_k) + 60.0 * np.asarray(time_min))
    return 1.0 - np.exp(-(extent**params.avrami_n))


def softening_point_c(glass_ssa_m2_g: np.ndarray, params: EmulatorParameters = DEFAULT_PARAMETERS) -> np.ndarray:
    """Softening point Ts (C) of a glass powder: falls logarithmically with its SSA.

    Anchored on the reported 39 C drop of Td and Ts from the coarse to the pulverised glass
    (the absolute coarse value is assumed).
    """
    ssa_log_ratio = np.log(np.asarray(glass_ssa_m2_g, float) / params.coarse_glass_ssa_m2_g)
    span = np.log(params.fine_glass_ssa_m2_g / params.coarse_glass_ssa_m2_g)
    return params.coarse_softening_c - params.softening_drop_c * ssa_log_ratio / span
