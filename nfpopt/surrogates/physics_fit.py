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
to feasibility, then its resistance constants to the resistance). Nelder-Mead on the log
constants: a process model has no gradients, and a few constants are few (scipy; why not
BoTorch: this is not a GP). ``start`` (the constants fitted on the campaign's results a batch
ago) starts Nelder-Mead near the optimum, in a small simplex with a smaller budget; the prior
stays centred on the declared values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from nfpopt.objectives import OutcomeSpec
from nfpopt.priors import FEASIBILITY, PriorModel
from nfpopt.surrogates.transforms import scale_named

_MARGIN_SHARPNESS = 0.1  # margin units (decades of the sintering number) over which "succeeds" turns to "fails"
_MIN_RESULTS = 3
_MIN_SPREAD_LOG = 1e-2  # log units squared: the noise variance is at least a tenth of this
_MISS = 10.0  # model-scale units a non-finite prediction counts as missing by
_EVALUATIONS_PER_CONSTANT = 200  # from the declared values
_WARM_EVALUATIONS_PER_CONSTANT = 40  # from ``start``
_WARM_SIMPLEX = 0.02  # log units: the first simplex about ``start`` (scipy's default is 5 % of each)

Loss = Callable[[dict[str, float]], float]


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
        losses = [_loss(prior, experiments, succeeded, e, (specs or {}).get(e)) for e in evidence]
        losses = [loss for loss in losses if loss is not None]
        if losses:
            warm = all(n in started for n in names)
            constants = _fit(prior, constants, names, lambda c, parts=losses: sum(part(c) for part in parts), warm)
    return constants


def _groups(prior: PriorModel) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """``(evidence, constant names)`` per distinct ``fit_to``, in declaration order."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for constant in prior.constants:
        groups.setdefault(constant.fit_to, []).append(constant.name)
    return [(evidence, tuple(names)) for evidence, names in groups.items()]


def _loss(
    prior: PriorModel, experiments: pd.DataFrame, succeeded: np.ndarray, evidence: str, spec: OutcomeSpec | None
) -> Loss | None:
    """The negative log-likelihood of one piece of evidence as a function of the constants, or
    None where the results are too few to say anything."""
    if evidence == FEASIBILITY:
        if len(succeeded) < _MIN_RESULTS or succeeded.all() or not succeeded.any():
            return None
        sign = np.where(succeeded, 1.0, -1.0)

        def feasibility_loss(constants: dict[str, float]) -> float:
            columns = [prior.feasibility_margin]
            margin = prior.predict(experiments, constants, check=False, columns=columns)[columns[0]].to_numpy(float)
            margin = np.nan_to_num(margin, nan=-10.0, posinf=10.0, neginf=-10.0)
            return float(np.sum(np.logaddexp(0.0, -sign * margin / _MARGIN_SHARPNESS)))

        return feasibility_loss
    if evidence not in experiments:
        return None
    measured = pd.to_numeric(experiments[evidence], errors="coerce").to_numpy(float)
    scale = scale_named((spec or OutcomeSpec(evidence)).model_scale(measured[succeeded]))
    keep = succeeded & np.isfinite(measured) & ((measured > 0) if scale.log else True)
    if keep.sum() < _MIN_RESULTS:
        return None
    subset, target = experiments[keep].reset_index(drop=True), scale.forward(measured[keep])
    floor = _MIN_SPREAD_LOG if scale.log else 1e-12 * max(float(np.max(np.abs(target))), 1.0) ** 2
    noise_var = float(max(np.var(target), floor)) * 0.1
    miss = _MISS if scale.log else _MISS * float(np.std(target) or 1.0)

    def outcome_loss(constants: dict[str, float]) -> float:
        predicted = prior.predict(subset, constants, check=False, columns=[evidence])[evidence].to_numpy(float)
        if scale.log:
            predicted = np.clip(predicted, 1e-6, None)
        residual = scale.forward(predicted) - target
        return float(np.sum(np.nan_to_num(residual, nan=miss) ** 2) / (2 * noise_var))

    return outcome_loss


def _fit(
    prior: PriorModel, constants: dict[str, float], names: tuple[str, ...], loss: Loss, warm: bool = False
) -> dict[str, float]:
    """MAP of ``names`` (the rest held), by Nelder-Mead on their logs from ``constants``;
    ``constants`` if it fails. ``warm``: ``constants`` are an earlier fit's (a small simplex)."""
    declared = {c.name: c for c in prior.constants}
    centre = np.log([declared[n].value for n in names])
    spread = np.array([declared[n].spread for n in names])

    def given(log_values: np.ndarray) -> dict[str, float]:
        return {**constants, **{n: float(np.exp(v)) for n, v in zip(names, log_values, strict=True)}}

    def objective(log_values: np.ndarray) -> float:
        return loss(given(log_values)) + float(np.sum((log_values - centre) ** 2 / (2 * spread**2)))

    x0 = np.log([constants[n] for n in names])
    options = {"maxiter": _EVALUATIONS_PER_CONSTANT * len(names), "xatol": 1e-3, "fatol": 1e-4}
    if warm:
        simplex = np.vstack([x0, x0 + _WARM_SIMPLEX * np.eye(len(names))])
        options |= {"maxiter": _WARM_EVALUATIONS_PER_CONSTANT * len(names), "initial_simplex": simplex}
    with np.errstate(all="ignore"):
        result = minimize(objective, x0, method="Nelder-Mead", options=options)
    return given(result.x) if np.isfinite(result.fun) else constants
