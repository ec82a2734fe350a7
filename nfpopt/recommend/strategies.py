"""Every proposal strategy behind one call: ``propose(definition, experiments, batch_size)``.

A campaign names its strategy in its file (``[campaign] strategy = "bayes"``); benchmarks
and simulations pass another name to compare. Each strategy is pure: the same definition,
experiments and batch size give the same batch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd

from nfpopt.definition import STRATEGIES, CampaignDefinition
from nfpopt.exceptions import InputDataError
from nfpopt.recommend.bayes import RecommenderSettings, propose_bayesian
from nfpopt.recommend.initial import propose_space_filling

Proposer = Callable[[CampaignDefinition, pd.DataFrame, int], pd.DataFrame]

_BAYES_SURROGATES = {
    "bayes": "gp",
    "physics": "physics_gp",
    "bayes_extra_trees": "extra_trees",
    "bayes_random_forest": "random_forest",
    "bayes_sklearn_gp": "sklearn_gp",
}


def proposer(strategy: str, settings: RecommenderSettings | None = None) -> Proposer:
    """The proposal function of ``strategy`` (one of :data:`~nfpopt.definition.STRATEGIES`).

    ``settings`` tunes the Bayesian strategies (their surrogate comes from the name).
    """
    if strategy in _BAYES_SURROGATES:
        base = settings or RecommenderSettings()
        chosen = RecommenderSettings(**{**base.__dict__, "surrogate": _BAYES_SURROGATES[strategy]})
        return partial(propose_bayesian, settings=chosen)
    if strategy in ("random", "sobol"):
        return partial(propose_space_filling, method=strategy)
    if strategy in ("tpe", "nsga2", "optuna_gp"):
        from nfpopt.recommend import optuna_strategies  # Optuna loads only for its own strategies

        return getattr(optuna_strategies, f"propose_{strategy}")
    raise InputDataError(f"unknown strategy {strategy!r}; use one of {list(STRATEGIES)}")


def propose(
    definition: CampaignDefinition,
    experiments: pd.DataFrame,
    batch_size: int,
    *,
    strategy: str | None = None,
    settings: RecommenderSettings | None = None,
    warm_start: object = None,
) -> pd.DataFrame:
    """The next ``batch_size`` recipes by ``strategy`` (default: the campaign's own).

    Returns one row per recipe with every parameter (and derived mixture remainder). The
    Bayesian strategies add, per modelled outcome, ``predicted_<outcome>`` (the median),
    ``predicted_<outcome>_lo90`` / ``_hi90`` (90 % interval, outcome units), ``_scale`` and, for
    bounded outcomes, ``_truncated``; ``p_feasible`` where the campaign has a feasibility outcome;
    and a one-line ``rationale`` (see :func:`nfpopt.recommend.explain.explain`). The others add a
    ``rationale`` only. ``warm_start``: an earlier Bayesian batch's ``attrs["model_state"]``, where
    the Bayesian strategies start their fits (:mod:`nfpopt.recommend.warm`); they return their own
    in ``attrs["model_state"]``.
    """
    if batch_size < 1:
        raise InputDataError(f"batch size must be at least 1, got {batch_size}")
    name = strategy or definition.strategy
    chosen = proposer(name, settings)
    if warm_start is not None and name in _BAYES_SURROGATES:
        chosen = partial(chosen, warm_start=warm_start)
    batch = chosen(definition, experiments, batch_size)
    state = batch.attrs.get("model_state")
    if "rationale" not in batch:
        batch = batch.assign(rationale=f"{name} proposal")
    batch = batch.reset_index(drop=True)
    if state is not None:
        batch.attrs["model_state"] = state
    return batch
