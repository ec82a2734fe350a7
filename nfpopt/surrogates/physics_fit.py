"""Refit a named prior's constants to a campaign's own results.

The physics-informed surrogate uses the campaign's process model (:mod:`nfpopt.priors`) as its
prior mean. A lab whose powders, furnace or alloys differ has other constants; the constants a
campaign file declares under ``[prior.constants]`` are refitted to its finished experiments:

* to ``feasibility`` (which experiments succeeded): a logistic likelihood on the model's
  feasibility margin, sharpness ``_MARGIN_SHARPNESS`` margin units, once both a success and a
  failure have been seen (successes alone would only push the boundary outwards, failures
  alone inwards);
* to an outcome: least squares on the outcome's declared scale (log for a resistance),
  over the successful experiments where it was measured, noise variance a tenth of the
  results' spread (at least ``_MIN_SPREAD_LOG`` on a log scale).

Each fit is a maximum-a-posteriori estimate with a log-normal prior on each constant,
``log(c) ~ N(log(value), spread)``, so a handful of results moves the constants only as far as
the data demand. Constants that name the same evidence (``fit_to``) are fitted together, one
group after the other in the order the file declares them (the emulator's sintering constants
to feasibility, then its resistance constants to the resistance).

Every piece of the negative log-posterior is a sum of squares, so it is minimised as one
(scipy's ``least_squares``, trust-region reflective, a finite-difference Jacobian: a process
model has no gradients; why not BoTorch: this is not a GP): the outcome residuals over their
noise sd, the prior's ``(log(c) - log(value)) / spread``, and for feasibility
``sqrt(2 softplus(-sign * margin / sharpness))``, whose square halved is the logistic loss.
On the NFP emulator at 12-200 results it reaches Nelder-Mead's optimum (within 1e-3 in log
units, Nelder-Mead's own tolerance) in 38-48 model evaluations against Nelder-Mead's 127-144.
``start`` (the constants fitted on the campaign's results a batch ago) starts the search near
the optimum with a smaller budget; the prior stays centred on the declared values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from nfpopt.objectives import OutcomeSpec
from nfpopt.priors import FEASIBILITY, PriorModel
from nfpopt.surrogates.transforms import scale_named

_MARGIN_SHARPNESS = 0.1  # margin units (decades of the sintering number) over which "succeeds" turns to "fails"
_MIN_RESULTS = 3
_MIN_SPREAD_LOG = 1e-2  # log units squared: the noise variance is at least a tenth of this
_MISS = 10.0  # model-scale units a non-finite prediction counts as missing by
_EVALUATIONS_PER_CONSTANT = 200  # model evaluations, from the declared values
_WARM_EVALUATIONS_PER_CONSTANT = 40  # from ``start``
_X_TOLERANCE = 1e-4  # relative step in the log constants at which the search stops

#: The constants -> residuals whose squares, halved and summed, are a negative log-likelihood.
Residuals = Callable[[dict[str, float]], np.ndarray]


def refit_constants(
    prior: PriorModel,
    experiments: pd.DataFrame,
    succeeded: np.ndarray,
    *,
    specs: Mapping[str, OutcomeSpec] | None = None,
    start: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """The prior's declared constants refitted to finished experiments, by name.

    Args:
        prior: the campaign's prior (its constants, their spreads and ``fit_to``).
        experiments: every finished experiment: its recipe and measured outcome columns.
        succeeded: whether each experiment succeeded (all True without a feasibility outcome).
        specs: the campaign's outcome declarations by name, for each outcome's scale
            (default: inferred from the values, :meth:`OutcomeSpec.model_scale`).
        start: constants to start the search from, e.g. an earlier fit (the log-normal prior
            stays centred on the declared values); names not declared are ignored.

    Returns:
        Every declared constant; where the results are too few to fit one, its starting value.
    """
    experiments = experiments.reset_index(drop=True)
    succeeded = np.asarray(succeeded, bool)
    constants = prior.values()
    started = {k: float(v) for k, v in (start or {}).items() if k in constants}
    constants.update(started)
    for evidence, names in _groups(prior):
        parts = [_residuals(prior, experiments, succeeded, e, (specs or {}).get(e)) for e in evidence]
        parts = [part for part in parts if part is not None]
        if parts:
            warm = all(n in started for n in names)
            constants = _fit(prior, constants, names, _joined(parts), warm)
    return constants


def _joined(parts: list[Residuals]) -> Residuals:
    """The residuals of every piece of evidence, one after the other."""
    return lambda constants: np.concatenate([part(constants) for part in parts])


def _groups(prior: PriorModel) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """``(evidence, constant names)`` per distinct ``fit_to``, in declaration order."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for constant in prior.constants:
        groups.setdefault(constant.fit_to, []).append(constant.name)
    return [(evidence, tuple(names)) for evidence, names in groups.items()]


def _residuals(
    prior: PriorModel, experiments: pd.DataFrame, succeeded: np.ndarray, evidence: str, spec: OutcomeSpec | None
) -> Residuals | None:
    """The residuals of one piece of evidence as a function of the constants (half their summed
    squares is its negative log-likelihood), or None where the results are too few to say anything."""
    if evidence == FEASIBILITY:
        if len(succeeded) < _MIN_RESULTS or succeeded.all() or not succeeded.any():
            return None
        sign = np.where(succeeded, 1.0, -1.0)

        def feasibility_residuals(constants: dict[str, float]) -> np.ndarray:
            columns = [prior.feasibility_margin]
            margin = prior.predict(experiments, constants, check=False, columns=columns)[columns[0]].to_numpy(float)
            margin = np.nan_to_num(margin, nan=-10.0, posinf=10.0, neginf=-10.0)
            return np.sqrt(2.0 * np.logaddexp(0.0, -sign * margin / _MARGIN_SHARPNESS))

        return feasibility_residuals
    if evidence not in experiments:
        return None
    measured = pd.to_numeric(experiments[evidence], errors="coerce").to_numpy(float)
    scale = scale_named((spec or OutcomeSpec(evidence)).model_scale(measured[succeeded]))
    keep = succeeded & np.isfinite(measured) & ((measured > 0) if scale.log else True)
    if keep.sum() < _MIN_RESULTS:
        return None
    subset, target = experiments[keep].reset_index(drop=True), scale.forward(measured[keep])
    floor = _MIN_SPREAD_LOG if scale.log else 1e-12 * max(float(np.max(np.abs(target))), 1.0) ** 2
    noise_sd = float(np.sqrt(max(np.var(target), floor) * 0.1))
    miss = _MISS if scale.log else _MISS * float(np.std(target) or 1.0)

    def outcome_residuals(constants: dict[str, float]) -> np.ndarray:
        predicted = prior.predict(subset, constants, check=False, columns=[evidence])[evidence].to_numpy(float)
        if scale.log:
            predicted = np.clip(predicted, 1e-6, None)
        return np.nan_to_num(scale.forward(predicted) - target, nan=miss) / noise_sd

    return outcome_residuals


def _fit(
    prior: PriorModel, constants: dict[str, float], names: tuple[str, ...], residuals: Residuals, warm: bool = False
) -> dict[str, float]:
    """MAP of ``names`` (the rest held), by least squares on their logs from ``constants``;
    ``constants`` if it fails. ``warm``: ``constants`` are an earlier fit's (a smaller budget)."""
    declared = {c.name: c for c in prior.constants}
    centre = np.log([declared[n].value for n in names])
    spread = np.array([declared[n].spread for n in names])

    def given(log_values: np.ndarray) -> dict[str, float]:
        return {**constants, **{n: float(np.exp(v)) for n, v in zip(names, log_values, strict=True)}}

    def posterior(log_values: np.ndarray) -> np.ndarray:
        return np.concatenate([residuals(given(log_values)), (log_values - centre) / spread])

    budget = (_WARM_EVALUATIONS_PER_CONSTANT if warm else _EVALUATIONS_PER_CONSTANT) * len(names)
    with np.errstate(all="ignore"):
        x0 = np.log([constants[n] for n in names])
        x0 = _better_start(posterior, x0, centre) if warm else x0
        try:
            result = least_squares(posterior, x0, method="trf", x_scale="jac", xtol=_X_TOLERANCE, max_nfev=budget)
        except ValueError:  # non-finite residuals at the start: nothing to fit from
            return constants
    return given(result.x) if np.isfinite(result.cost) else constants


def _better_start(posterior: Callable[[np.ndarray], np.ndarray], start: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """``start`` or the declared values (``centre``), whichever the posterior prefers.

    Clipped parts of a process model are flat: from a start where they bind (the emulator's AB
    percolation threshold above some recipes' AB content), a gradient search stops at once
    (cost 5.5 against 0.03 from the declared values, NFP emulator at 50 results). Two
    evaluations more tell the two starts apart.
    """
    costs = [float(np.sum(posterior(x) ** 2)) for x in (start, centre)]
    return centre if not np.isfinite(costs[0]) or costs[1] < costs[0] else start
