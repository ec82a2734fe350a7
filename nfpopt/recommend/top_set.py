"""Finding a pool's best recipes, not only its one best: P(a candidate is in the top set).

Where a campaign screens a finite pool of recipes and the goal is to find as many of its best
``top_fraction`` as possible (Liang et al. 2021's Top%: a materials library, a set of
formulations), the expected improvement over the best result so far is the wrong question:
once one excellent recipe is measured it sends the search elsewhere, while the top set's other
members usually lie next to it. The question is which unmeasured recipe is likeliest to be
among the pool's best. The pool's top-set threshold is not known; its estimate here is the
``ceil(top_fraction x pool size)``-th largest of the values measured so far and the model's
predicted means for the rest of the pool, and each candidate scores
P(f > threshold) = Phi((mean - threshold) / sd) under the model's Gaussian predictive. It is
the probability of improvement (Kushner 1964) with the top set's threshold as its target, in
the spirit of active search (Garnett et al., ICML 2012), whose aim is as many positives as
possible. Pure numpy / scipy: a closed form, so no BoTorch acquisition object is needed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import norm

from nfpopt.exceptions import InputDataError
from nfpopt.objectives import Objective

if TYPE_CHECKING:
    from nfpopt.surrogates import OutcomeModel


def top_set_size(pool_size: int, top_fraction: float) -> int:
    """How many recipes the pool's best ``top_fraction`` holds: ``ceil(top_fraction x pool_size)``,
    at least 1 (Liang et al.: 9 of AgNP's 164, 5 of AutoAM's 100, 30 of Crossed barrel's 600).

    Raises:
        InputDataError: ``top_fraction`` not in (0, 1] or an empty pool.
    """
    if not 0.0 < top_fraction <= 1.0:
        raise InputDataError(f"top_fraction must lie in (0, 1], got {top_fraction}; e.g. 0.05 for the best 5 %")
    if pool_size < 1:
        raise InputDataError("the pool is empty: a top set needs at least one recipe")
    # The product is rounded first so that 0.05 x 100 is 5, not 6 (5.000000000000001 in floats).
    return max(1, math.ceil(round(top_fraction * pool_size, 9)))


def top_set_threshold(measured: np.ndarray, predicted_mean: np.ndarray, top_fraction: float) -> float:
    """The value a recipe must beat to be among the pool's best (larger is better).

    ``measured``: the values of the recipes measured so far; ``predicted_mean``: the model's mean
    for every unmeasured recipe of the pool. The threshold is the ``top_set_size``-th largest of
    both together, the pool as the model now sees it.
    """
    values = np.concatenate([np.asarray(measured, float).ravel(), np.asarray(predicted_mean, float).ravel()])
    values = values[np.isfinite(values)]
    if not len(values):
        raise InputDataError("no finite measured or predicted value to place the top set's threshold")
    k = min(top_set_size(len(values), top_fraction), len(values))
    return float(np.sort(values)[-k])


def log_p_top_set(mean: np.ndarray, sd: np.ndarray, threshold: float) -> np.ndarray:
    """log P(f > ``threshold``) for each candidate under a Gaussian predictive (larger is better).

    In log space so that candidates far below the threshold are still ranked (their
    probabilities underflow to 0 long before their logs stop differing). A zero sd counts as
    certainty: log 1 above the threshold, -inf below it.
    """
    mean, sd = np.asarray(mean, float), np.asarray(sd, float)
    if mean.shape != sd.shape:
        raise InputDataError(f"mean {mean.shape} and sd {sd.shape} must have one value per candidate")
    if np.any(sd < 0) or not np.all(np.isfinite(mean)):
        raise InputDataError("predictive sds must be >= 0 and means finite")
    with np.errstate(divide="ignore"):
        z = (mean - threshold) / np.where(sd > 0, sd, 1.0)
        certain = np.where(mean > threshold, 0.0, -np.inf)
        return np.where(sd > 0, norm.logcdf(z), certain)


def log_p_top_set_of_recipes(
    model: OutcomeModel,
    objective: Objective,
    measured: np.ndarray,
    candidates: pd.DataFrame,
    top_fraction: float,
) -> np.ndarray:
    """log P(in the pool's top set) of each candidate recipe, for one objective's outcome model.

    ``measured``: the objective's measured values (the outcome's units); ``candidates``: the
    untried rows of the pool. Both are compared on the model's scale (log for a log-scale
    outcome) as utilities, larger better: the outcome itself where it is maximised, its
    negative where minimised.
    """
    if objective.direction not in ("maximise", "minimise"):
        raise InputDataError(f"a top set ranks by an objective maximised or minimised, not {objective.direction!r}")
    sign = 1.0 if objective.direction == "maximise" else -1.0
    measured = np.asarray(measured, float)
    measured = measured[np.isfinite(measured)]
    if model.scale_.log:
        measured = measured[measured > 0]
    mean, sd = model.predict_scaled(candidates)
    seen = sign * np.asarray(model.scale_.forward(measured), float) if len(measured) else np.array([])
    threshold = top_set_threshold(seen, sign * mean, top_fraction)
    return log_p_top_set(sign * mean, sd, threshold)
