"""The process emulator: a fabrication recipe in, the outcomes a lab would measure out.

It chains the physical steps, one module each: crystallisation -> sintering -> interdiffusion
-> resistance -> rate capability. Deterministic without noise; with ``noise > 0`` it adds
measurement noise drawn from one seeded generator (see :func:`emulate`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from nfpopt.emulator import crystallisation, interdiffusion, rate, resistance, sintering
from nfpopt.emulator.parameters import (
    DEFAULT_PARAMETERS,
    TABLE1_C_RATES,
    THEORETICAL_CAPACITY_MAH_G,
    EmulatorParameters,
    capacity_column,
)
from nfpopt.emulator.recipe import validate_recipes
from nfpopt.exceptions import InputDataError

HEADLINE_CAPACITY = capacity_column(2.0)
RESISTANCE_COLUMNS = (
    "r_bulk_ohm",
    "r_anode_ohm",
    "r_charge_transfer_ohm",
    "r_electronic_ohm",
    "r_interphase_ohm",
    "r_cathode_ohm",
    "internal_resistance_ohm",
)
CAPACITY_COLUMNS = tuple(capacity_column(r) for r in TABLE1_C_RATES)
OUTCOME_COLUMNS = (
    "crystallisation_onset_c",
    "crystallisation_peak_c",
    "softening_point_c",
    "crystallised_fraction",
    "sintering_index",
    "sintered",
    "interdiffusion_um",
    "interdiffusion_detected",
    *RESISTANCE_COLUMNS,
    *CAPACITY_COLUMNS,
)
#: Standard deviation of DTA temperatures per unit of ``noise``, C (5 % noise -> 2 C).
_TEMPERATURE_NOISE_C_PER_UNIT = 40.0


def _limiting_current_ma_cm2(recipe: pd.DataFrame, contact: np.ndarray, params: EmulatorParameters) -> np.ndarray:
    rough_cathode, rough_anode = resistance.roughening_faces(recipe["roughening"].to_numpy())
    gain = params.roughening_current_gain
    thermal = 1.0 / resistance.arrhenius_factor(
        params.charge_transfer_activation_ev, recipe["test_temp_c"].to_numpy(), params
    )
    cathode = (
        params.cathode_limiting_current_ma_cm2
        * contact
        * np.where(rough_cathode, gain, 1.0)
        * resistance.carbon_network_conductance(recipe["ab_wt_pct"].to_numpy(), params)
        * thermal
    )
    anode = params.anode_limiting_current_ma_cm2 * np.where(rough_anode, gain, 1.0) * thermal
    return 1.0 / (1.0 / cathode + 1.0 / anode)


def emulate_truth(recipes: pd.DataFrame, params: EmulatorParameters = DEFAULT_PARAMETERS) -> pd.DataFrame:
    """Noise-free outcomes of already validated recipes (see :func:`validate_recipes`)."""
    return _blank_unsintered(_physics(recipes, params), recipes, params)


def _blank_unsintered(out: pd.DataFrame, recipes: pd.DataFrame, params: EmulatorParameters) -> pd.DataFrame:
    """Decide ``sintered`` from the sintering index and percolation; no cell, no measurement."""
    out = out.copy()
    out["sintered"] = (out["sintering_index"] >= 0.0) & ~sintering.percolated(
        recipes["ab_wt_pct"].to_numpy(), recipes["alumina_wt_pct"].to_numpy(), params
    )
    out.loc[~out["sintered"], list(RESISTANCE_COLUMNS) + list(CAPACITY_COLUMNS)] = np.nan
    return out[list(OUTCOME_COLUMNS)]


def _physics(
    recipes: pd.DataFrame, params: EmulatorParameters, capacities: Sequence[str] = CAPACITY_COLUMNS
) -> pd.DataFrame:
    """Every outcome as if the layer had sintered (``sintered`` is decided afterwards); of the
    capacity columns only ``capacities`` (each C-rate costs a root search per recipe)."""
    ssa = recipes["glass_ssa_m2_g"].to_numpy()
    temp_c = recipes["calcination_temp_c"].to_numpy()
    time_min = recipes["calcination_time_min"].to_numpy()
    out: dict[str, np.ndarray] = {}  # one frame at the end: inserting columns one by one costs more than the physics
    out["crystallisation_onset_c"] = crystallisation.crystallisation_onset_c(ssa, params=params)
    out["crystallisation_peak_c"] = crystallisation.crystallisation_peak_c(ssa, params=params)
    out["softening_point_c"] = crystallisation.softening_point_c(ssa, params)
    crystal = crystallisation.crystallised_fraction(ssa, temp_c, time_min, params)
    out["crystallised_fraction"] = crystal

    number = sintering.sintering_number(
        ssa,
        recipes["ab_wt_pct"].to_numpy(),
        recipes["alumina_wt_pct"].to_numpy(),
        temp_c,
        time_min,
        out["softening_point_c"],
        crystal,
        params,
    )
    out["sintering_index"] = sintering.sintering_index(number, params)
    depth = interdiffusion.interdiffusion_depth_um(temp_c, time_min, params)
    out["interdiffusion_um"] = depth
    out["interdiffusion_detected"] = interdiffusion.interdiffusion_detected(depth, params)

    bonded = sintering.bonded_fraction(number, params)
    breakdown = resistance.resistance_breakdown(
        glass_ssa_m2_g=ssa,
        alumina_ssa_m2_g=recipes["alumina_ssa_m2_g"].to_numpy(),
        alumina_wt_pct=recipes["alumina_wt_pct"].to_numpy(),
        ab_wt_pct=recipes["ab_wt_pct"].to_numpy(),
        roughening=recipes["roughening"].to_numpy(),
        crystal_fraction=crystal,
        bonded_fraction=bonded,
        interdiffusion_um=depth,
        cell_area_cm2=recipes["cell_area_cm2"].to_numpy(),
        test_temp_c=recipes["test_temp_c"].to_numpy(),
        params=params,
    )
    out["r_bulk_ohm"] = breakdown.bulk_ohm
    out["r_anode_ohm"] = breakdown.anode_ohm
    out["r_charge_transfer_ohm"] = breakdown.charge_transfer_ohm
    out["r_electronic_ohm"] = breakdown.electronic_ohm
    out["r_interphase_ohm"] = breakdown.interphase_ohm
    out["r_cathode_ohm"] = breakdown.cathode_ohm
    out["internal_resistance_ohm"] = breakdown.total_ohm

    contact = (
        resistance.contact_area_index(
            ssa, recipes["alumina_ssa_m2_g"].to_numpy(), recipes["alumina_wt_pct"].to_numpy(), params
        )
        * crystal
        * bonded
    )
    limiting = _limiting_current_ma_cm2(recipes, contact, params)
    late_rise = params.late_rise_factor / resistance.carbon_network_conductance(recipes["ab_wt_pct"].to_numpy(), params)
    rough_cathode, _ = resistance.roughening_faces(recipes["roughening"].to_numpy())
    tau_h = rate.diffusion_time_h(ssa, recipes["test_temp_c"].to_numpy(), rough_cathode, params)
    asr = breakdown.total_ohm * recipes["cell_area_cm2"].to_numpy()
    for c_rate, column in zip(TABLE1_C_RATES, CAPACITY_COLUMNS, strict=True):
        if column not in capacities:
            continue
        out[column] = rate.discharge_capacity_mah_g(
            c_rate,
            total_asr_ohm_cm2=asr,
            limiting_current_ma_cm2=limiting,
            late_rise=late_rise,
            diffusion_time_h=tau_h,
            crystal_fraction=crystal,
            test_temp_c=recipes["test_temp_c"].to_numpy(),
            params=params,
        )
    return pd.DataFrame(out, index=recipes.index)


def _add_noise(truth: pd.DataFrame, noise: float, rng: np.random.Generator) -> pd.DataFrame:
    """Measurement noise: lognormal (relative sd ``noise``) on resistances and capacities, one
    cell-level factor for the capacity curve plus half as much per rate, Gaussian on the DTA
    temperatures, and lot-to-lot variation of the sintering margin (so a marginal recipe may
    fail or succeed)."""
    noisy = truth.copy()
    n = len(truth)
    for column in ("crystallisation_onset_c", "crystallisation_peak_c", "softening_point_c"):
        noisy[column] = truth[column] + rng.normal(0.0, _TEMPERATURE_NOISE_C_PER_UNIT * noise, n)
    noisy["sintering_index"] = truth["sintering_index"] + rng.normal(0.0, noise, n) / np.log(10)
    components = [c for c in RESISTANCE_COLUMNS if c not in ("r_cathode_ohm", "internal_resistance_ohm")]
    for column in components:
        noisy[column] = truth[column] * np.exp(rng.normal(0.0, noise, n))
    noisy["r_cathode_ohm"] = noisy[["r_charge_transfer_ohm", "r_electronic_ohm", "r_interphase_ohm"]].sum(
        axis=1, min_count=1
    )
    noisy["internal_resistance_ohm"] = noisy[["r_bulk_ohm", "r_anode_ohm", "r_cathode_ohm"]].sum(axis=1, min_count=1)
    cell_factor = np.exp(rng.normal(0.0, noise, n))
    for column in CAPACITY_COLUMNS:
        scattered = truth[column] * cell_factor * np.exp(rng.normal(0.0, noise / 2.0, n))
        noisy[column] = np.minimum(scattered, THEORETICAL_CAPACITY_MAH_G)  # no cell beats theory
    return noisy


def emulate(
    recipes: pd.DataFrame | Sequence[Mapping[str, object]] | Mapping[str, object],
    *,
    noise: float = 0.0,
    seed: int | None = None,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
    source: str | None = None,
) -> pd.DataFrame:
    """Outcomes of each recipe, one row per recipe, in the order given.

    Args:
        recipes: a table (DataFrame, list of dicts or one dict) with the columns
            ``glass_ssa_m2_g, alumina_ssa_m2_g, ab_wt_pct, alumina_wt_pct, calcination_temp_c,
            calcination_time_min, roughening`` and optionally ``cell_area_cm2`` (default 1) and
            ``test_temp_c`` (default 30 C). Other columns are ignored.
        noise: relative measurement noise (e.g. 0.05 = 5 %); 0 gives the deterministic truth.
        seed: seed of the noise generator; the same seed and recipes give the same outcomes.
        params: physical parameters (defaults calibrated to the paper).
        source: a file name to prefix validation messages with.

    Returns:
        A DataFrame with the columns :data:`OUTCOME_COLUMNS`. Resistances and capacities are
        NaN where the layer did not sinter (no cell can be measured).

    Raises:
        InputDataError: a recipe is malformed or outside the physical domain.
    """
    if not np.isfinite(noise) or noise < 0:
        raise InputDataError(f"noise must be a finite number >= 0 (a relative sd), got {noise!r}")
    clean = validate_recipes(recipes, source=source, params=params)
    with np.errstate(divide="ignore", invalid="ignore"):  # unsintered rows: no contact, NaN later
        physics = _physics(clean, params)
    if noise > 0:
        physics = _add_noise(physics, noise, np.random.default_rng(seed))
    return _blank_unsintered(physics, clean, params)


def physics_outcomes(
    recipes: pd.DataFrame | Sequence[Mapping[str, object]],
    params: EmulatorParameters = DEFAULT_PARAMETERS,
    *,
    columns: Sequence[str] | None = None,
    validate: bool = True,
    **constants: float,
) -> pd.DataFrame:
    """Noise-free outcomes as if every layer had sintered (no NaN for failed layers).

    The physics-informed surrogate uses these as its prior mean: it needs a value everywhere,
    also where the emulator predicts that the layer would not sinter. ``constants`` replace
    fields of ``params`` by name (how a campaign's ``[prior.constants]`` reach the emulator:
    ``campaigns/nfp_rate.toml``); a name that is not a field of :class:`EmulatorParameters` is
    a TypeError.

    Args:
        columns: the outcome columns wanted (default: every one of :data:`OUTCOME_COLUMNS` but
            ``sintered``); capacities not asked for are not computed.
        validate: False for a table :func:`validate_recipes` has already returned (a fit that
            evaluates the same recipes under hundreds of constants validates them once).
    """
    unknown = sorted(set(constants) - {f.name for f in dataclasses.fields(EmulatorParameters)})
    if unknown:
        raise TypeError(f"physics_outcomes() got constants {unknown} that are not fields of EmulatorParameters")
    params = dataclasses.replace(params, **constants) if constants else params
    clean = validate_recipes(recipes, params=params) if validate else recipes
    wanted = [c for c in OUTCOME_COLUMNS if c != "sintered"] if columns is None else list(columns)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        physics = _physics(clean, params, [c for c in CAPACITY_COLUMNS if c in wanted])
    return physics[[c for c in OUTCOME_COLUMNS if c in physics and c in wanted]]
