"""Refit the emulator's physical constants to a campaign's own results.

The physics-informed surrogate uses the paper-calibrated emulator as its prior. A lab whose
powders, furnace or cells differ has other constants; a few of them decide most of what the
recommender cares about, and the campaign's results pin them down:

* where layers stop sintering: the rigid-inclusion percolation fraction and the critical
  sintering number, fitted to which recipes sintered and which did not (a logistic likelihood
  on the emulator's sintering index, sharpness ``_INDEX_SCALE`` decades), once both a
  success and a failure have been seen;
* how the resistance scales: the charge-transfer and electronic area-specific resistances, the
  AB percolation threshold and the roughening area gain, fitted to the measured internal
  resistances (least squares on the log scale).

Each fit is a maximum-a-posteriori estimate with a log-normal prior about the paper's value
(sd ``_PRIOR_SD`` in log units), so a handful of results moves the constants only as far as
the data demand. Nelder-Mead on the log constants: the emulator has no gradients, and 2-4
constants are few (scipy; why not BoTorch: this is not a GP). The recipes are validated once,
not in each of the fit's hundred-odd emulator calls. ``start`` (the constants fitted on the
campaign's results a batch ago) starts Nelder-Mead near the optimum, in a small simplex with a
smaller budget; the prior stays about ``base``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from nfpopt.emulator import DEFAULT_PARAMETERS, EmulatorParameters, physics_outcomes, validate_recipes

SINTERING_CONSTANTS = ("rigid_percolation_fraction", "critical_sintering_number")
RESISTANCE_CONSTANTS = (
    "charge_transfer_asr_ohm_cm2",
    "electronic_asr_ohm_cm2",
    "ab_percolation_wt_pct",
    "roughening_area_gain",
)
_PRIOR_SD = 0.3  # log units: the lab's constant is within a factor ~1.35 of the paper's, 1 sd
_INDEX_SCALE = 0.1  # decades of the sintering number over which "sinters" turns to "fails"
_MIN_RESULTS = 3
_EVALUATIONS_PER_CONSTANT = 200  # from the prior's centre
_WARM_EVALUATIONS_PER_CONSTANT = 40  # from ``start``
_WARM_SIMPLEX = 0.02  # log units: the first simplex about ``start`` (scipy's default is 5 % of each)


def _with(base: EmulatorParameters, names: tuple[str, ...], log_values: np.ndarray) -> EmulatorParameters:
    return dataclasses.replace(base, **{n: float(np.exp(v)) for n, v in zip(names, log_values, strict=True)})


def _prior_penalty(base: EmulatorParameters, names: tuple[str, ...], log_values: np.ndarray) -> float:
    start = np.log([getattr(base, n) for n in names])
    return float(np.sum((log_values - start) ** 2) / (2 * _PRIOR_SD**2))


def _fit(
    base: EmulatorParameters,
    names: tuple[str, ...],
    loss,
    start: EmulatorParameters | None = None,  # noqa: ANN001
) -> EmulatorParameters:
    centre = np.log([getattr(base, n) for n in names])
    options = {"maxiter": _EVALUATIONS_PER_CONSTANT * len(names), "xatol": 1e-3, "fatol": 1e-4}
    x0 = centre
    if start is not None:
        x0 = np.log([getattr(start, n) for n in names])
        simplex = np.vstack([x0, x0 + _WARM_SIMPLEX * np.eye(len(names))])
        options |= {"maxiter": _WARM_EVALUATIONS_PER_CONSTANT * len(names), "initial_simplex": simplex}
    with np.errstate(all="ignore"):
        result = minimize(
            lambda v: loss(_with(base, names, v)) + _prior_penalty(base, names, v),
            x0,
            method="Nelder-Mead",
            options=options,
        )
    return _with(base, names, result.x) if np.isfinite(result.fun) else base


def refit_constants(
    recipes: pd.DataFrame,
    succeeded: np.ndarray,
    internal_resistance_ohm: np.ndarray | None = None,
    base: EmulatorParameters = DEFAULT_PARAMETERS,
    *,
    start: EmulatorParameters | None = None,
) -> EmulatorParameters:
    """The emulator's constants refitted to finished experiments.

    Args:
        recipes: every finished experiment's recipe (emulator columns).
        succeeded: whether each layer sintered.
        internal_resistance_ohm: measured resistance per recipe (NaN where not measured).
        base: the prior constants, the paper's by default.
        start: constants to start the search from (an earlier fit on most of these results);
            None starts from ``base``.
    """
    succeeded = np.asarray(succeeded, bool)
    recipes = validate_recipes(recipes, params=base)
    params = base
    # Only from both outcomes: successes alone would just push the boundary outwards (every
    # margin "should" be larger), failures alone inwards.
    if len(succeeded) >= _MIN_RESULTS and succeeded.any() and not succeeded.all():
        sign = np.where(succeeded, 1.0, -1.0)

        def sintering_loss(p: EmulatorParameters) -> float:
            index = physics_outcomes(recipes, p, columns=["sintering_index"], validate=False)
            index = index["sintering_index"].to_numpy(float)
            index = np.nan_to_num(index, nan=-10.0, posinf=10.0, neginf=-10.0)
            return float(np.sum(np.logaddexp(0.0, -sign * index / _INDEX_SCALE)))

        params = _fit(params, SINTERING_CONSTANTS, sintering_loss, start)
    if internal_resistance_ohm is not None:
        measured = np.asarray(internal_resistance_ohm, float)
        keep = succeeded & np.isfinite(measured) & (measured > 0)
        if keep.sum() >= _MIN_RESULTS:
            subset, log_measured = recipes[keep].reset_index(drop=True), np.log(measured[keep])
            noise_var = float(max(np.var(log_measured), 1e-2)) * 0.1

            def resistance_loss(p: EmulatorParameters) -> float:
                predicted = physics_outcomes(subset, p, columns=["internal_resistance_ohm"], validate=False)
                predicted = predicted["internal_resistance_ohm"].to_numpy(float)
                residual = np.log(np.clip(predicted, 1e-6, None)) - log_measured
                return float(np.sum(np.nan_to_num(residual, nan=10.0) ** 2) / (2 * noise_var))

            params = _fit(params, RESISTANCE_CONSTANTS, resistance_loss, start)
    return params
