"""Na and P interdiffusion from the cathode into the beta''-alumina during calcination.

The paper (Results, Fig. S6) finds Na and P diffused into beta''-alumina after 550 C / 60 min
(Cell A) and suppressed after 525 C / 30 min (Cell B). Model: a diffusion depth
``L = sqrt(D(T) t_eff)`` with an Arrhenius ``D(T) = D0 exp(-Ea / R T)``, where the effective
time adds the furnace ramp's contribution ``R T^2 / (beta Ea)`` (temperature-integral
approximation) to the hold. ``D0`` follows from the assumed depth at 550 C / 60 min.
"""

from __future__ import annotations

import numpy as np

from nfpopt.emulator.parameters import (
    DEFAULT_PARAMETERS,
    GAS_CONSTANT_J_MOL_K,
    KELVIN_OFFSET,
    EmulatorParameters,
)

_ANCHOR_TEMPERATURE_C = 550.0
_ANCHOR_TIME_MIN = 60.0


def _effective_time_s(temperature_k: np.ndarray, time_min: np.ndarray, params: EmulatorParameters) -> np.ndarray:
    activation_k = params.interdiffusion_activation_j_mol / GAS_CONSTANT_J_MOL_K
    ramp_s = temperature_k**2 / (params.furnace_heating_rate_c_min / 60.0 * activation_k)
    return ramp_s + 60.0 * np.asarray(time_min, float)


def _exposure(temperature_c: np.ndarray, time_min: np.ndarray, params: EmulatorParameters) -> np.ndarray:
    """``exp(-Ea/RT) * t_eff`` (s), proportional to the squared diffusion depth."""
    temperature_k = np.asarray(temperature_c, float) + KELVIN_OFFSET
    activation_k = params.interdiffusion_activation_j_mol / GAS_CONSTANT_J_MOL_K
    return np.exp(-activation_k / temperature_k) * _effective_time_s(temperature_k, time_min, params)


def interdiffusion_depth_um(
    temperature_c: np.ndarray,
    time_min: np.ndarray,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """Depth (um) to which Na and P have diffused into the electrolyte after the firing."""
    anchor = _exposure(np.array(_ANCHOR_TEMPERATURE_C), np.array(_ANCHOR_TIME_MIN), params)
    ratio = _exposure(temperature_c, time_min, params) / anchor
    return params.interdiffusion_depth_550c_60min_um * np.sqrt(ratio)


def interdiffusion_detected(depth_um: np.ndarray, params: EmulatorParameters = DEFAULT_PARAMETERS) -> np.ndarray:
    """Whether SEM-EDX would see the diffusion (depth beyond its resolution)."""
    return np.asarray(depth_um, float) > params.interdiffusion_detection_um
