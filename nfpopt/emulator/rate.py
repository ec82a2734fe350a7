"""Rate capability: discharge capacity at each C-rate.

Two limits act together (the paper's reading, DOMAIN.md):

1. **Solid-state diffusion**, the semi-empirical Tian-Coleman law (Tian et al., Nat. Commun.
   10:1933, 2019): ``F(R) = 1 - (R tau)^n (1 - exp(-(R tau)^-n))`` with R the C-rate and tau a
   characteristic diffusion time. tau grows with the square of the glass particle size
   (``tau ~ (S_ref / S)^2``): finer glass gives shorter diffusion paths (paper, Results).
2. **Voltage headroom**. Discharge stops at the depth d where the overpotential eats the
   headroom between the plateau and the 2.0 V cut-off, ``V_h (1 - d^p)``. The overpotential is
   the ohmic drop over a resistance that rises late in discharge,
   ``i ASR_min (1 + kappa d^2 / (1 - d))`` (Figs. 2, 3, 6; the rise is larger when the carbon
   network is weaker), plus a limiting-current term ``(RT / alpha F) ln(1 / (1 - i / i_lim))``.
   When ``i >= i_lim`` the cell delivers nothing: this produces Table 1's sudden collapses to 0,
   which R_min alone cannot (B collapses at 1 C while D survives 5 C). ``i_lim`` is the series
   combination of the cathode interface (grows with contact area, roughening and the AB
   network) and the Na anode interface (grows with roughening of its face).

A roughened cathode face also lengthens tau (fitted factor): Table 1's D and E keep less
capacity than C at 0.5-2 C although their resistance is lower, which a model monotone in
resistance cannot reproduce.

Capacity = Q_th * utilisation * crystallised fraction * F(R) * d*(R).
"""

from __future__ import annotations

import numpy as np

from nfpopt.emulator.parameters import (
    DEFAULT_PARAMETERS,
    FARADAY_C_MOL,
    GAS_CONSTANT_J_MOL_K,
    KELVIN_OFFSET,
    THEORETICAL_CAPACITY_MAH_G,
    EmulatorParameters,
)
from nfpopt.emulator.resistance import arrhenius_factor

_BISECTION_STEPS = 50


def tian_coleman_fraction(c_rate: np.ndarray, tau_h: np.ndarray, exponent: float) -> np.ndarray:
    """Fraction of capacity that diffusion allows at ``c_rate`` (1/h), Tian-Coleman law."""
    x = np.asarray(c_rate, float) * np.asarray(tau_h, float)
    return 1.0 - x**exponent * (1.0 - np.exp(-(x ** (-exponent))))


def accessible_depth(polarisation: np.ndarray, late_rise: np.ndarray, plateau_exponent: float) -> np.ndarray:
    """Depth of discharge d* in [0, 1] where the overpotential uses up the headroom.

    Solves ``1 - d^p = u (1 + kappa d^2 / (1 - d))``: the headroom above the cut-off,
    ``V_h (1 - d^p)``, is flat over the two-phase plateau for p > 1 and falls at the end of
    discharge; ``polarisation`` u is the overpotential at d = 0 over V_h and ``late_rise`` is
    kappa. The difference of the two sides falls monotonically from ``1 - u`` at d = 0 to
    -infinity at d = 1, so the root is unique and bisection finds it; u >= 1 gives d* = 0.
    """
    u = np.asarray(polarisation, float)
    kappa = np.asarray(late_rise, float)
    low = np.zeros(np.broadcast(u, kappa).shape)
    high = np.ones_like(low)
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (low + high)
        left = 1.0 - mid**plateau_exponent - u * (1.0 + kappa * mid**2 / (1.0 - mid))
        low = np.where(left > 0.0, mid, low)
        high = np.where(left > 0.0, high, mid)
    return np.where(u >= 1.0, 0.0, 0.5 * (low + high))


def discharge_capacity_mah_g(
    c_rate: float,
    *,
    total_asr_ohm_cm2: np.ndarray,
    limiting_current_ma_cm2: np.ndarray,
    late_rise: np.ndarray,
    diffusion_time_h: np.ndarray,
    crystal_fraction: np.ndarray,
    test_temp_c: np.ndarray,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """Discharge capacity (mAh per g of NFP) at ``c_rate`` (1/h)."""
    current_ma_cm2 = c_rate * params.areal_capacity_mah_cm2
    thermal_v = (
        GAS_CONSTANT_J_MOL_K
        * (np.asarray(test_temp_c, float) + KELVIN_OFFSET)
        / (params.transfer_coefficient * FARADAY_C_MOL)
    )
    load = current_ma_cm2 / np.asarray(limiting_current_ma_cm2, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        limiting_v = np.where(load < 1.0, -thermal_v * np.log1p(-np.minimum(load, 0.999999)), np.inf)
    ohmic_v = current_ma_cm2 * 1e-3 * np.asarray(total_asr_ohm_cm2, float)
    polarisation = (ohmic_v + limiting_v) / params.voltage_headroom_v
    depth = accessible_depth(polarisation, late_rise, params.plateau_exponent)
    diffusion = tian_coleman_fraction(c_rate, diffusion_time_h, params.rate_exponent)
    return THEORETICAL_CAPACITY_MAH_G * params.max_utilisation * np.asarray(crystal_fraction, float) * diffusion * depth


def diffusion_time_h(
    glass_ssa_m2_g: np.ndarray,
    test_temp_c: np.ndarray,
    cathode_roughened: np.ndarray,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """Tian-Coleman characteristic time (h).

    Grows as (S_ref/S)^2 with the glass particle size, with cold (Arrhenius), and by a fitted
    factor when the cathode fills a roughened substrate's pores (longer transport path).
    """
    size_ratio = params.reference_glass_ssa_m2_g / np.asarray(glass_ssa_m2_g, float)
    pores = np.where(np.asarray(cathode_roughened, bool), params.roughened_diffusion_time_factor, 1.0)
    return (
        params.diffusion_time_h
        * size_ratio**2
        * pores
        * arrhenius_factor(params.diffusion_activation_ev, test_temp_c, params)
    )
