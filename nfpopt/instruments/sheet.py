"""The fabrication sheet of a batch: what to weigh, how to fire it, and where to write results.

Per proposed recipe (Yamauchi et al. 2020, Methods): the mass of each powder component for a
batch of ``mass_g`` grams (``<component>_g``, from the recipe's ``<component>_wt_pct``, rounded
to the balance's 0.1 mg so that they still sum to ``mass_g``), the binder and solvent of the
slurry, the powders' target specific surface areas, the substrate roughening, the furnace
programme (ramp, hold, H2/N2 4/96 in a carbon container), and empty columns for the
technician (weighed masses, sintered, the raw files of each measurement, notes).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nfpopt.emulator.parameters import DEFAULT_PARAMETERS
from nfpopt.exceptions import InputDataError

#: Resolution of an analytical balance, g (0.1 mg).
BALANCE_RESOLUTION_G = 1e-4
#: Slurry additions per 100 wt% of powder (paper, Methods): binder and solvent.
BINDER_WT_PCT = 10.0  # propylene carbonate
SOLVENT_WT_PCT = 30.0  # N-methylpyrrolidone
ATMOSPHERE = "H2/N2 = 4/96 v/v, carbon container, dew point <= -40 C"
ROUGHENING = {
    "none": "none (substrate as sintered)",
    "cathode": "cathode face: porous layer of 5 m2/g beta''-alumina + 20 um acrylic beads (25:75 vol), "
    "20 wt% PPC binder, 100 um doctor-bladed, 1600 C 1 h",
    "both": "both faces: porous layer of 5 m2/g beta''-alumina + 20 um acrylic beads (25:75 vol), "
    "20 wt% PPC binder, 100 um doctor-bladed, 1600 C 1 h",
}
#: What the technician fills in, besides one ``weighed_<component>_g`` per component.
MEASUREMENT_COLUMNS = ("sintered", "impedance_file", "discharge_files", "dta_file", "notes")
_REMAINDER = "nfp_wt_pct"
_MIN_MASS_G = 0.01


def components(recipes: pd.DataFrame) -> list[str]:
    """The ``<component>_wt_pct`` columns of a batch, the mixture's remainder (NFP glass) first."""
    columns = [c for c in recipes.columns if str(c).endswith("_wt_pct")]
    return sorted(columns, key=lambda c: (c != _REMAINDER, columns.index(c)))


def _with_remainder(recipes: pd.DataFrame) -> pd.DataFrame:
    """The batch with ``nfp_wt_pct`` (100 minus the others) where ``propose`` did not write it."""
    if _REMAINDER in recipes:
        return recipes
    others = [c for c in recipes.columns if str(c).endswith("_wt_pct")]
    if not others:
        raise InputDataError("no <component>_wt_pct columns; a fabrication sheet needs the recipe's weight fractions")
    out = recipes.copy()
    out[_REMAINDER] = 100.0 - out[others].sum(axis=1)
    return out


def weigh(fractions_wt_pct: np.ndarray, mass_g: float) -> np.ndarray:
    """Masses (g) on the balance's grid summing exactly to ``mass_g``, each within one step of
    its share (largest-remainder rounding)."""
    steps_total = round(mass_g / BALANCE_RESOLUTION_G)
    exact = np.asarray(fractions_wt_pct, float) / 100.0 * steps_total
    steps = np.floor(exact).astype(int)
    short = steps_total - steps.sum()
    steps[np.argsort(-(exact - steps), kind="stable")[:short]] += 1
    return steps * BALANCE_RESOLUTION_G


def _check(recipes: pd.DataFrame, names: list[str], mass_g: float, source: str) -> None:
    if not (math.isfinite(mass_g) and mass_g >= _MIN_MASS_G):
        raise InputDataError(f"--mass-g {mass_g!r}: give the powder batch in grams, at least {_MIN_MASS_G} g")
    for position, (_, row) in enumerate(recipes.iterrows(), start=1):
        values = pd.to_numeric(row[names], errors="coerce")
        bad = [n for n, v in values.items() if not (math.isfinite(v) and 0.0 <= v <= 100.0)]
        if bad:
            raise InputDataError(
                f"{source}: row {position}, column '{bad[0]}': {row[bad[0]]!r} is not a weight fraction in [0, 100]"
            )
        if abs(values.sum() - 100.0) > 0.05:
            raise InputDataError(
                f"{source}: row {position}: {' + '.join(names)} = {values.sum():g} wt%, not 100; fix the recipe"
            )


def fabrication_sheet(recipes: pd.DataFrame, mass_g: float, *, source: str = "batch") -> pd.DataFrame:
    """One row per recipe: masses to weigh, slurry, powders, roughening, furnace, empty measurements."""
    recipes = _with_remainder(recipes.reset_index(drop=True))
    names = components(recipes)
    _check(recipes, names, mass_g, source)
    sheet = pd.DataFrame(index=recipes.index)
    for column in ("experiment_id", "batch"):
        if column in recipes:
            sheet[column] = recipes[column]
    masses = np.vstack([weigh(row, mass_g) for row in recipes[names].to_numpy(float)])
    for position, name in enumerate(names):
        sheet[name] = recipes[name]
        sheet[name.removesuffix("_wt_pct") + "_g"] = masses[:, position].round(4)
    sheet["powder_total_g"] = masses.sum(axis=1).round(4)
    sheet["binder_ppc_g"] = round(mass_g * BINDER_WT_PCT / 100.0, 4)
    sheet["solvent_nmp_g"] = round(mass_g * SOLVENT_WT_PCT / 100.0, 4)
    for column, meaning in (
        ("glass_ssa_m2_g", "glass_target_ssa_m2_g"),
        ("alumina_ssa_m2_g", "alumina_target_ssa_m2_g"),
    ):
        if column in recipes:
            sheet[meaning] = recipes[column]
    sheet["coating"] = "doctor blade 100 um on the cathode area, dry 70 C 3 h"
    if "cell_area_cm2" in recipes:
        sheet["cathode_area_cm2"] = recipes["cell_area_cm2"]
    if "roughening" in recipes:
        sheet["substrate_roughening"] = [ROUGHENING.get(str(r), str(r)) for r in recipes["roughening"]]
    sheet["furnace_ramp_c_min"] = DEFAULT_PARAMETERS.furnace_heating_rate_c_min
    if "calcination_temp_c" in recipes:
        sheet["furnace_hold_c"] = recipes["calcination_temp_c"]
    if "calcination_time_min" in recipes:
        sheet["furnace_hold_min"] = recipes["calcination_time_min"]
    sheet["furnace_atmosphere"] = ATMOSPHERE
    sheet["furnace_cooling"] = "furnace cooling in the same atmosphere"
    for name in names:
        sheet["weighed_" + name.removesuffix("_wt_pct") + "_g"] = ""
    for column in MEASUREMENT_COLUMNS:
        sheet[column] = ""
    return sheet
