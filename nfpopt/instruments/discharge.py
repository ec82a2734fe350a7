"""Galvanostatic discharges: the emulated curve, and the capacity read off a measured one.

The emulated curve follows the emulator's rate model (``nfpopt.emulator.rate``): the voltage
above the 2.0 V cut-off is the headroom ``V_h (1 - d^p)`` of the two-phase plateau (flat for
p = 8, falling at the end of discharge) less the ohmic drop ``i ASR``, scaled so that the curve
reaches the cut-off exactly at the emulated capacity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nfpopt.emulator.parameters import DEFAULT_PARAMETERS, THEORETICAL_CAPACITY_MAH_G, EmulatorParameters
from nfpopt.exceptions import InputDataError

#: Discharge cut-off of the paper's rate tests, V.
CUTOFF_V = 2.0
_POINTS = 200
_MIN_OHMIC_HEADROOM_V = 0.05


def emulated_discharge(
    capacity_mah_g: float,
    *,
    c_rate_h: float,
    active_mass_g: float,
    internal_resistance_ohm: float,
    voltage_noise_v: float = 0.0,
    rng: np.random.Generator | None = None,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> pd.DataFrame:
    """One galvanostatic discharge to the cut-off as EC-Lab columns (time/s, Ewe/V, I/mA, ...).

    The current is ``c_rate_h`` times the cell's theoretical capacity (mA); a cell that
    delivers nothing drops below the cut-off at the first point.
    """
    current_ma = c_rate_h * active_mass_g * THEORETICAL_CAPACITY_MAH_G
    headroom_v = params.voltage_headroom_v - current_ma * 1e-3 * internal_resistance_ohm
    headroom_v = max(headroom_v, _MIN_OHMIC_HEADROOM_V)
    if capacity_mah_g <= 0:
        fraction = np.array([0.0])
        voltage = np.array([CUTOFF_V - 0.1])
    else:
        fraction = np.linspace(0.0, 1.0, _POINTS)
        voltage = CUTOFF_V + headroom_v * (1.0 - fraction**params.plateau_exponent)
    charge_mah = fraction * capacity_mah_g * active_mass_g
    if voltage_noise_v > 0 and rng is not None:
        voltage = voltage + np.r_[rng.normal(0.0, voltage_noise_v, len(voltage) - 1), 0.0]
    return pd.DataFrame(
        {
            "mode": 1,
            "ox/red": 0,
            "time/s": charge_mah / current_ma * 3600.0 + (0.1 if capacity_mah_g <= 0 else 0.0),
            "Ewe/V": voltage,
            "I/mA": -current_ma,
            "(Q-Qo)/mA.h": 0.0 - charge_mah,
            "cycle number": 1,
        }
    )


def capacity_to_cutoff_mah(curve: pd.DataFrame, *, cutoff_v: float = CUTOFF_V, source: str = "discharge") -> float:
    """Charge (mAh) passed when the voltage first reaches the cut-off, interpolated linearly.

    Raises:
        InputDataError: the curve never reaches the cut-off (the test stopped early).
    """
    voltage = curve["voltage_v"].to_numpy(float)
    charge = curve["capacity_mah"].to_numpy(float)
    below = np.flatnonzero(voltage <= cutoff_v + 1e-9)
    if below.size == 0:
        raise InputDataError(
            f"{source}: the discharge never reaches the {cutoff_v:g} V cut-off (lowest {voltage.min():.3f} V); "
            f"the capacity to the cut-off is unknown"
        )
    end = int(below[0])
    if end == 0:
        return 0.0
    v0, v1 = voltage[end - 1], voltage[end]
    weight = (v0 - cutoff_v) / (v0 - v1) if v0 != v1 else 1.0
    return float(charge[end - 1] + weight * (charge[end] - charge[end - 1]))
