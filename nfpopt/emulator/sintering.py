"""Viscous sintering of the cathode layer onto the beta''-alumina substrate.

The glass softens and flows above Tg while it crystallises, bonding to the electrolyte without
pressure (paper, Introduction). Two things stop it: rigid inclusions (beta''-alumina powder and,
above all, acetylene black: 5 wt% AB "did not sinter", Results) and crystals, which stiffen the
flowing glass.

Model. A Frenkel sintering number, the hold time over the viscous-flow time of a glass
particle of radius r, retarded by the rigid-inclusion network:

``N = t / tau * (1 - phi / phi_c)^m``, ``tau = eta_eff(T) r / gamma``,

with ``eta(T) = eta_s exp(E_eta/R (1/T - 1/Ts))`` anchored at the softening point
(``eta_s = 10^6.6 Pa s`` by definition of Ts), the crystals' stiffening
``eta_eff = eta (1 - X/X_max)^(-2.5 X_max)`` (Krieger-Dougherty), the particle radius from the
specific surface area of spheres ``r = 3 / (rho S)`` and phi the effective rigid-inclusion
volume fraction (AB counted with its occluded volume). The layer sinters when
``N >= N_crit``; at or above the percolation fraction phi_c it never does.
"""

from __future__ import annotations

import numpy as np

from nfpopt.emulator.parameters import (
    DEFAULT_PARAMETERS,
    GAS_CONSTANT_J_MOL_K,
    KELVIN_OFFSET,
    EmulatorParameters,
)

_MIN_FREE_FRACTION = 1e-6


def rigid_volume_fraction(
    ab_wt_pct: np.ndarray,
    alumina_wt_pct: np.ndarray,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """Effective volume fraction of rigid inclusions (beta''-alumina + occluded AB) in the layer.

    NFP glass is the rest of 100 wt%. Volumes are wt% / density; AB's volume is multiplied by
    its occlusion factor.
    """
    ab = np.asarray(ab_wt_pct, float)
    alumina = np.asarray(alumina_wt_pct, float)
    glass_volume = (100.0 - ab - alumina) / params.glass_density_g_cm3
    rigid_volume = (
        alumina / params.alumina_density_g_cm3 + params.carbon_occlusion_factor * ab / params.carbon_density_g_cm3
    )
    return rigid_volume / (glass_volume + rigid_volume)


def glass_particle_radius_m(glass_ssa_m2_g: np.ndarray, params: EmulatorParameters = DEFAULT_PARAMETERS) -> np.ndarray:
    """Equivalent-sphere radius (m) of a powder with specific surface area ``glass_ssa_m2_g``."""
    density_g_m3 = params.glass_density_g_cm3 * 1e6
    return 3.0 / (density_g_m3 * np.asarray(glass_ssa_m2_g, float))


def glass_viscosity_pa_s(
    temperature_c: np.ndarray,
    softening_c: np.ndarray,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """Viscosity (Pa s) of the glass at ``temperature_c``, Arrhenius about its softening point."""
    temperature_k = np.asarray(temperature_c, float) + KELVIN_OFFSET
    softening_k = np.asarray(softening_c, float) + KELVIN_OFFSET
    activation_k = params.viscous_flow_activation_j_mol / GAS_CONSTANT_J_MOL_K
    exponent = activation_k * (1.0 / temperature_k - 1.0 / softening_k)
    return 10.0**params.log10_viscosity_at_softening_pa_s * np.exp(exponent)


def sintering_number(
    glass_ssa_m2_g: np.ndarray,
    ab_wt_pct: np.ndarray,
    alumina_wt_pct: np.ndarray,
    temperature_c: np.ndarray,
    time_min: np.ndarray,
    softening_c: np.ndarray,
    crystal_fraction: np.ndarray,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """Frenkel sintering number N (dimensionless); tiny where the rigid inclusions percolate."""
    x_max = params.max_packing_crystal_fraction
    stiffening = (1.0 - np.asarray(crystal_fraction, float) / x_max) ** (-2.5 * x_max)
    viscosity = glass_viscosity_pa_s(temperature_c, softening_c, params) * stiffening
    flow_time_s = viscosity * glass_particle_radius_m(glass_ssa_m2_g, params) / (params.surface_energy_j_m2)
    phi = rigid_volume_fraction(ab_wt_pct, alumina_wt_pct, params)
    # Floored just above 0 so the index stays finite (a measurable-looking margin for surrogates);
    # a percolated layer is refused separately by :func:`percolated`.
    free_fraction = np.clip(1.0 - phi / params.rigid_percolation_fraction, _MIN_FREE_FRACTION, None)
    retardation = free_fraction**params.rigid_retardation_exponent
    return 60.0 * np.asarray(time_min, float) / flow_time_s * retardation


def percolated(
    ab_wt_pct: np.ndarray, alumina_wt_pct: np.ndarray, params: EmulatorParameters = DEFAULT_PARAMETERS
) -> np.ndarray:
    """Whether the rigid inclusions form a network that no viscous flow can densify."""
    return rigid_volume_fraction(ab_wt_pct, alumina_wt_pct, params) >= params.rigid_percolation_fraction


def sintering_index(number: np.ndarray, params: EmulatorParameters = DEFAULT_PARAMETERS) -> np.ndarray:
    """``log10(N / N_crit)``: positive for a bonded layer, negative for one that fails."""
    return np.log10(np.asarray(number, float) / params.critical_sintering_number)


def bonded_fraction(number: np.ndarray, params: EmulatorParameters = DEFAULT_PARAMETERS) -> np.ndarray:
    """Fraction of the cathode/electrolyte contact that is well bonded, ``1 - exp(-N/N_crit)``.

    A layer that only just sinters has poorer contact than a well-flowed one; this factor
    scales the interfacial conductance (assumed form).
    """
    return 1.0 - np.exp(-np.asarray(number, float) / params.critical_sintering_number)
