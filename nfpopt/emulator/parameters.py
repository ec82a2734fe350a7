"""The emulator's physical parameters, each with its provenance.

Three kinds of value live here (``docs/emulator.md`` tabulates them):

* **reported**: a number printed in Yamauchi et al., Sci. Rep. 10:9453 (2020);
* **assumed**: a textbook or order-of-magnitude value the paper does not give, with the reason;
* **fitted**: chosen so the model reproduces the paper's cells. ``scripts/calibrate_emulator.py``
  refits the rate-model values from Table 1 and prints them; the rest follow in closed form from
  the reported anchors (see the comment at each).

:class:`EmulatorParameters` is a frozen dataclass so that a physics-informed surrogate can refit
some fields (``dataclasses.replace``) without touching the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Gas constant, J/(mol K).
GAS_CONSTANT_J_MOL_K = 8.314462618
#: Faraday constant, C/mol.
FARADAY_C_MOL = 96485.33212
#: Zero Celsius in kelvin.
KELVIN_OFFSET = 273.15
#: Theoretical capacity of the NFP cathode, mAh/g (reported, "The cell" in the paper).
THEORETICAL_CAPACITY_MAH_G = 97.0
#: The C-rates of the paper's Table 1, 1/h.
TABLE1_C_RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)


def capacity_column(c_rate: float) -> str:
    """Name of the outcome column holding the discharge capacity at ``c_rate`` (1/h).

    ``capacity_column(2.0) == "capacity_2c_mah_g"``, ``capacity_column(0.05) ==
    "capacity_0p05c_mah_g"``.
    """
    text = f"{c_rate:g}".replace(".", "p")
    return f"capacity_{text}c_mah_g"


@dataclass(frozen=True)
class EmulatorParameters:
    """Physical constants of the NFP glass-ceramic / beta''-alumina process model."""

    # --- crystallisation (Kissinger kinetics, surface nucleation) -------------------------
    #: DTA crystallisation peak of the coarse glass at 3 C/min, C (reported, Fig. S4a).
    coarse_peak_c: float = 491.0
    #: DTA crystallisation peak of the pulverised glass, C (reported, Fig. S4a).
    fine_peak_c: float = 437.0
    #: Specific surface area of the pulverised glass, m2/g (reported, Methods SEM-EDX).
    fine_glass_ssa_m2_g: float = 27.0
    #: Specific surface area of the coarse glass, m2/g (assumed: ball-milled flakes, D50 ~1-2 um;
    #: Table S1 is not in the text).
    coarse_glass_ssa_m2_g: float = 3.0
    #: Heating rate of the DTA runs, C/min (reported, Methods).
    dta_heating_rate_c_min: float = 3.0
    #: Heating rate of the calcination furnace, C/min (assumed; not reported).
    furnace_heating_rate_c_min: float = 5.0
    #: Avrami exponent; 1 for crystallisation growing inward from particle surfaces (assumed).
    avrami_n: float = 1.0
    #: Transformed fraction that defines the crystallisation onset (assumed convention).
    onset_fraction: float = 0.10
    #: Glass transition temperature, C (assumed: below the fine glass's predicted onset of
    #: ~386 C; the paper gives none). Calcination below it is outside the model's domain.
    glass_transition_c: float = 380.0

    # --- viscous sintering (Frenkel flow with rigid inclusions) ---------------------------
    #: Softening point of the coarse glass, C (assumed; the paper reports only its shift).
    coarse_softening_c: float = 530.0
    #: Drop of Td and Ts from coarse to pulverised glass, C (reported, Results).
    softening_drop_c: float = 39.0
    #: Viscosity at the Littleton softening point, log10 Pa s (definition of Ts).
    log10_viscosity_at_softening_pa_s: float = 6.6
    #: Activation energy of viscous flow near Ts, J/mol (assumed, phosphate glasses).
    viscous_flow_activation_j_mol: float = 250e3
    #: Densities in g/cm3 (assumed: NFP glass, beta''-alumina, carbon skeletal density).
    glass_density_g_cm3: float = 2.8
    alumina_density_g_cm3: float = 3.26
    carbon_density_g_cm3: float = 1.95
    #: Factor by which acetylene-black aggregates occlude volume (assumed, high-structure
    #: carbon black): AB acts as a rigid inclusion far larger than its skeletal volume.
    carbon_occlusion_factor: float = 4.0
    #: Glass-melt surface energy, J/m2 (assumed, typical oxide glass).
    surface_energy_j_m2: float = 0.3
    #: Crystal fraction at which the glass-ceramic would stop flowing (Krieger-Dougherty);
    #: above 1 because NFP crystals themselves soften (paper, Abstract). Assumed.
    max_packing_crystal_fraction: float = 1.25
    #: Rigid-inclusion volume fraction at which the inclusions percolate and viscous sintering
    #: stops (fitted: between 4.2 wt% AB, which sinters, and 5 wt%, which does not).
    rigid_percolation_fraction: float = 0.309
    #: Exponent of the rigid-network retardation (1 - phi/phi_c)^m (assumed, Scherer).
    rigid_retardation_exponent: float = 1.0
    #: Sintering number needed for a bonded layer (fitted: below every sintered paper cell).
    critical_sintering_number: float = 0.55

    # --- interdiffusion into beta''-alumina -------------------------------------------------
    #: Activation energy of Na/P interdiffusion, J/mol (assumed).
    interdiffusion_activation_j_mol: float = 250e3
    #: Depth reached at 550 C / 60 min, um (assumed: twice the EDX detection depth, since the
    #: paper sees diffusion there and none at 525 C / 30 min).
    interdiffusion_depth_550c_60min_um: float = 1.0
    #: Depth that EDX resolves, um (assumed, SEM-EDX interaction volume).
    interdiffusion_detection_um: float = 0.5

    # --- resistance, area-specific (ohm cm2) at the 30 C test temperature -------------------
    #: Electrolyte bulk: 1 mm beta''-alumina, 27 ohm on 1 cm2 (reported, Results).
    bulk_asr_ohm_cm2: float = 27.0
    #: Anode (Na / beta'') interface and grain boundaries, flat substrate (fitted, C/D/E).
    anode_asr_ohm_cm2: float = 89.36
    #: Cathode charge transfer for the reference cathode (27 & 45 m2/g powders, 12.4 wt%
    #: alumina, fully crystallised and bonded, flat substrate) (fitted, C/D/E).
    charge_transfer_asr_ohm_cm2: float = 77.64
    #: Electronic (carbon network) contribution at 4.2 wt% AB (assumed split of Cell C).
    electronic_asr_ohm_cm2: float = 40.0
    #: AB content at which the carbon network percolates, wt% (fitted: B vs C resistance).
    ab_percolation_wt_pct: float = 2.677
    #: Conductivity exponent above the percolation threshold (assumed, 3-D percolation ~2).
    percolation_exponent: float = 2.0
    #: Contact-area gain of a roughened substrate face (fitted: C -> D -> E).
    roughening_area_gain: float = 3.151
    #: Resistivity of the interdiffused interphase beyond the detection depth, ohm cm2 per um
    #: (fitted: Cell A).
    interphase_asr_ohm_cm2_per_um: float = 5880.0
    #: Reference cathode composition for the contact-area index.
    reference_glass_ssa_m2_g: float = 27.0
    reference_alumina_ssa_m2_g: float = 45.0
    reference_alumina_wt_pct: float = 12.4
    reference_ab_wt_pct: float = 4.2
    #: Test temperature at which the ASRs above hold, C (reported: 30 C).
    reference_test_temp_c: float = 30.0
    #: Arrhenius activation energies, eV: electrolyte and anode (assumed, beta''-alumina
    #: ~0.2-0.3 eV), cathode charge transfer and solid diffusion (fitted to 0 C / -20 C data).
    electrolyte_activation_ev: float = 0.25
    charge_transfer_activation_ev: float = 0.3149
    diffusion_activation_ev: float = 0.5181

    # --- rate capability -----------------------------------------------------------------
    #: Areal loading, mAh/cm2 (reported for the pouch cell; assumed the same for coin cells).
    areal_capacity_mah_cm2: float = 0.31
    #: Voltage between the discharge plateau and the 2.0 V cut-off, V (fitted, at the fit's
    #: upper bound 1.2 V; ~1 V in Fig. 2).
    voltage_headroom_v: float = 1.2
    #: Flatness of the open-circuit plateau: headroom V_h (1 - d^p) at depth d (fitted; p = 1
    #: is a linear slope, larger p a flatter two-phase plateau, Fig. 2; at the fit's bound 8).
    plateau_exponent: float = 8.0
    #: Charge-transfer coefficient of the limiting-current overpotential (assumed).
    transfer_coefficient: float = 0.5
    #: Accessible fraction of the theoretical capacity at vanishing rate (fitted).
    max_utilisation: float = 1.0
    #: Solid-state diffusion time of the reference cathode, h (fitted, Tian-Coleman tau).
    diffusion_time_h: float = 0.05351
    #: Factor on the diffusion time when the cathode face is roughened (fitted: D and E lose
    #: more capacity than C at 0.5-2 C despite a lower resistance; the cathode that fills the
    #: 100 um porous layer (Fig. 5) lies farther from the current collector).
    roughened_diffusion_time_factor: float = 2.669
    #: Tian-Coleman exponent (fitted).
    rate_exponent: float = 0.4425
    #: Late-discharge resistance rise at the reference AB content (fitted).
    late_rise_factor: float = 0.4782
    #: Limiting current density of the reference cathode interface, mA/cm2 (fitted: Table 1
    #: collapses of B at 1 C and C at 5 C).
    cathode_limiting_current_ma_cm2: float = 1.007
    #: Limiting current density of the flat Na anode interface, mA/cm2 (fitted: D at 10 C).
    anode_limiting_current_ma_cm2: float = 52.98
    #: Gain of the limiting current by a roughened face (fitted).
    roughening_current_gain: float = 3.138


DEFAULT_PARAMETERS = EmulatorParameters()
