"""Why each recipe of a batch: its predictions with 90 % intervals in the outcome's units, its
P(success), and one line of reason in the campaign's terms (pure: fitted models in, table out)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nfpopt.definition import CampaignDefinition
from nfpopt.objectives import Objective
from nfpopt.surrogates.base import Interval
from nfpopt.surrogates.hurdle import HurdleModel

if TYPE_CHECKING:
    from nfpopt.recommend.bayes import FittedModels


def explain(
    definition: CampaignDefinition,
    fitted: FittedModels,
    batch: pd.DataFrame,
    good: pd.DataFrame,
    *,
    min_p_feasible: float | None = None,
) -> pd.DataFrame:
    """Predictions with 90 % intervals, probability of success and a one-line reason per recipe.

    Per modelled outcome ``x``: ``predicted_x`` (the model's point: the median on a log scale or of
    a hurdle mixture), ``predicted_x_lo90`` / ``predicted_x_hi90`` (central 90 % interval in the
    outcome's units, within its declared bounds), ``predicted_x_scale`` (``log`` / ``linear``) and,
    for an outcome with declared bounds, ``predicted_x_truncated`` (the interval was cut there).
    A hurdle outcome adds ``p_delivers_x``. ``p_feasible`` only where the campaign has a
    feasibility outcome.
    """
    out = batch.copy()
    intervals = {}
    for name, model in fitted.outcomes.items():
        interval = intervals[name] = model.predict_interval(batch)
        out[f"predicted_{name}"] = interval.point
        out[f"predicted_{name}_lo90"], out[f"predicted_{name}_hi90"] = interval.low, interval.high
        out[f"predicted_{name}_scale"] = interval.scale
        if definition.outcome(name).bounded:
            out[f"predicted_{name}_truncated"] = interval.truncated
        if isinstance(model, HurdleModel):
            out[f"p_delivers_{name}"] = model.p_delivers(batch)
    if definition.feasibility and fitted.feasibility is not None:
        out["p_feasible"] = fitted.feasibility.probability(batch)
    reasons = []
    for i in range(len(batch)):
        parts = [
            _objective_reason(definition, objective, intervals[objective.outcome], good, i)
            for objective in definition.objectives
        ]
        for name, interval in intervals.items():
            if interval.truncated[i]:
                parts.append(f"{name}: interval cut at its declared bounds")
        if "p_feasible" in out:
            p = float(out["p_feasible"].iloc[i])
            reason = f"P(success) {p:.2f}"
            if min_p_feasible is not None and p < min_p_feasible:
                reason += f", below the success floor {min_p_feasible:g}: kept because too few candidates pass it"
            parts.append(reason)
        reasons.append("; ".join(parts))
    out["rationale"] = reasons
    return out


def _objective_reason(
    definition: CampaignDefinition, objective: Objective, interval: Interval, good: pd.DataFrame, i: int
) -> str:
    """Why recipe ``i`` for one objective: beats the best so far, may beat it (explore), or the trade-off."""
    name, unit = objective.outcome, definition.outcome(objective.outcome).unit
    observed = good[name].astype(float).dropna().to_numpy() if name in good else np.array([])
    point, low, high = (float(v[i]) for v in (interval.point, interval.low, interval.high))
    shown = f"{point:.3g} [{low:.3g}, {high:.3g}] {unit}".rstrip()
    if objective.direction == "target" or not len(observed):
        return f"{name}: predicted {shown}"
    best = max(observed, key=objective.utility)
    reach = high if objective.direction == "maximise" else low  # the interval's end on the good side
    if objective.utility(point) > objective.utility(best):
        return f"{name}: predicted {shown}, better than the best so far ({best:.3g}): exploit"
    if objective.utility(reach) > objective.utility(best):
        return f"{name}: predicted {shown}; its 90 % interval reaches past the best so far ({best:.3g}): explore"
    if definition.top_fraction is not None:  # chosen as likely to be in the pool's top set: said beside it
        return f"{name}: predicted {shown}"
    if len(definition.objectives) == 1:
        return f"{name}: predicted {shown}; the largest expected improvement over the best so far ({best:.3g}) on offer"
    return f"{name}: predicted {shown}; chosen for the trade-off with the other objectives"
