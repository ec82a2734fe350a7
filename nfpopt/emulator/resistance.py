"""Internal resistance of the cell, built from area-specific components (ohm cm2).

The paper's impedance analysis (Results, Methods) splits the cell into R0 (electrolyte bulk and
anode), R1 (anode interface and grain boundaries) and R2 (cathode charge transfer and the
cathode/electrolyte interface). The model keeps that split:

* ``bulk``: the 1 mm beta''-alumina substrate, 27 ohm cm2 (reported);
* ``anode``: the Na / beta'' interface, divided by the roughening contact-area gain when both
  faces are roughened (Cell E);
* ``charge_transfer``: the cathode interface, inversely proportional to the contact area
  between NFP and beta''-alumina. The contact-area index is the alumina content times the
  geometric mean of the two powders' specific surface areas (finer powders, more contact),
  times the roughening gain on the cathode face, times the crystallised and the bonded
  fractions (glass that has not crystallised is not active; a barely sintered layer touches
  less);
* ``electronic``: the carbon network, a percolation law
  ``((w_ref - w_c) / (w - w_c))^t`` in the AB content w;
* ``interphase``: the Na/P interdiffused layer beyond the EDX detection depth (Cell A).

All ASRs divide by the cathode area, so a 25.2 cm2 pouch cell of Cell C's recipe comes out
near its reported 8.2 ohm. Each ionic term follows Arrhenius in the test temperature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nfpopt.emulator.parameters import DEFAULT_PARAMETERS, KELVIN_OFFSET, EmulatorParameters

_BOLTZMANN_EV_K = 8.617333262e-5
_MIN_NETWORK_EXCESS_WT_PCT = 0.05


def arrhenius_factor(
    activation_ev: float, test_temp_c: np.ndarray, params: EmulatorParameters = DEFAULT_PARAMETERS
) -> np.ndarray:
    """Factor by which a thermally activated resistance grows from 30 C to ``test_temp_c``."""
    temperature_k = np.asarray(test_temp_c, float) + KELVIN_OFFSET
    reference_k = params.reference_test_temp_c + KELVIN_OFFSET
    return np.exp(activation_ev / _BOLTZMANN_EV_K * (1.0 / temperature_k - 1.0 / reference_k))


def contact_area_index(
    glass_ssa_m2_g: np.ndarray,
    alumina_ssa_m2_g: np.ndarray,
    alumina_wt_pct: np.ndarray,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """NFP / beta''-alumina contact area relative to the paper's reference cathode (Cell C = 1)."""
    ssa_mean = np.sqrt(
        np.asarray(glass_ssa_m2_g, float)
        / params.reference_glass_ssa_m2_g
        * np.asarray(alumina_ssa_m2_g, float)
        / params.reference_alumina_ssa_m2_g
    )
    return np.asarray(alumina_wt_pct, float) / params.reference_alumina_wt_pct * ssa_mean


def carbon_network_conductance(ab_wt_pct: np.ndarray, params: EmulatorParameters = DEFAULT_PARAMETERS) -> np.ndarray:
    """Electronic conductance of the AB network relative to 4.2 wt% AB (percolation law).

    Below the threshold the network does not percolate; the conductance is floored at a tiny
    excess so that the resistance is huge but finite.
    """
    excess = np.clip(np.asarray(ab_wt_pct, float) - params.ab_percolation_wt_pct, _MIN_NETWORK_EXCESS_WT_PCT, None)
    reference_excess = params.reference_ab_wt_pct - params.ab_percolation_wt_pct
    return (excess / reference_excess) ** params.percolation_exponent


def roughening_faces(roughening: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean arrays (cathode face roughened, anode face roughened) from none|cathode|both."""
    roughening = np.asarray(roughening, dtype=object)
    cathode = (roughening == "cathode") | (roughening == "both")
    return cathode, roughening == "both"


@dataclass(frozen=True)
class ResistanceBreakdown:
    """Resistance components in ohm for the given cathode area (arrays, one value per recipe)."""

    bulk_ohm: np.ndarray
    anode_ohm: np.ndarray
    charge_transfer_ohm: np.ndarray
    electronic_ohm: np.ndarray
    interphase_ohm: np.ndarray

    @property
    def cathode_ohm(self) -> np.ndarray:
        """R2 of the paper: everything on the cathode side."""
        return self.charge_transfer_ohm + self.electronic_ohm + self.interphase_ohm

    @property
    def total_ohm(self) -> np.ndarray:
        """Minimum internal resistance during discharge, as the paper reports it."""
        return self.bulk_ohm + self.anode_ohm + self.cathode_ohm


def resistance_breakdown(
    *,
    glass_ssa_m2_g: np.ndarray,
    alumina_ssa_m2_g: np.ndarray,
    alumina_wt_pct: np.ndarray,
    ab_wt_pct: np.ndarray,
    roughening: np.ndarray,
    crystal_fraction: np.ndarray,
    bonded_fraction: np.ndarray,
    interdiffusion_um: np.ndarray,
    cell_area_cm2: np.ndarray,
    test_temp_c: np.ndarray,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> ResistanceBreakdown:
    """Minimum internal resistance components (ohm) of a sintered cell."""
    rough_cathode, rough_anode = roughening_faces(roughening)
    gain = params.roughening_area_gain
    ionic = arrhenius_factor(params.electrolyte_activation_ev, test_temp_c, params)
    transfer = arrhenius_factor(params.charge_transfer_activation_ev, test_temp_c, params)
    area = np.asarray(cell_area_cm2, float)

    contact = (
        contact_area_index(glass_ssa_m2_g, alumina_ssa_m2_g, alumina_wt_pct, params)
        * np.where(rough_cathode, gain, 1.0)
        * np.asarray(crystal_fraction, float)
        * np.asarray(bonded_fraction, float)
    )
    excess_um = np.clip(np.asarray(interdiffusion_um, float) - params.interdiffusion_detection_um, 0, None)
    return ResistanceBreakdown(
        bulk_ohm=params.bulk_asr_ohm_cm2 * ionic / area,
        anode_ohm=params.anode_asr_ohm_cm2 / np.where(rough_anode, gain, 1.0) * ionic / area,
        charge_transfer_ohm=params.charge_transfer_asr_ohm_cm2 / contact * transfer / area,
        electronic_ohm=params.electronic_asr_ohm_cm2 / carbon_network_conductance(ab_wt_pct, params) / area,
        interphase_ohm=params.interphase_asr_ohm_cm2_per_um * excess_um / area,
    )
