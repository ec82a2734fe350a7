"""Candidate recipes for the acquisition: every one satisfies every known constraint exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import qmc

from nfpopt.definition import CampaignDefinition
from nfpopt.exceptions import InputDataError
from nfpopt.experiments import non_dominated
from nfpopt.objectives import utility_matrix
from nfpopt.space import CategoricalParameter, FixedParameter

#: sds of local moves, as fractions of each parameter's range: from polishing a good recipe
#: to stepping well away from it (each move draws one).
_LOCAL_STEPS = (0.02, 0.05, 0.1, 0.2)
_SWITCH_LEVEL = 0.2  # chance that a local move also changes a categorical level
_MAX_ANCHORS = 8


def untried_pool(definition: CampaignDefinition, experiments: pd.DataFrame) -> pd.DataFrame:
    """Pool rows not yet made or proposed."""
    pool = definition.candidate_pool
    if pool is None:
        raise InputDataError("the campaign has no candidate pool")
    names = list(definition.space.names)
    if not len(experiments) or not all(n in experiments for n in names):
        return pool.reset_index(drop=True)
    tried = {tuple(_key(v) for v in row) for row in experiments[names].itertuples(index=False)}
    mask = np.array([tuple(_key(v) for v in row) not in tried for row in pool[names].itertuples(index=False)])
    return pool[mask].reset_index(drop=True)


def _key(value: object) -> object:
    try:
        return round(float(value), 9)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def _anchors(definition: CampaignDefinition, good: pd.DataFrame) -> pd.DataFrame:
    """The best successful recipes so far: the non-dominated ones, newest first."""
    names = [o.outcome for o in definition.objectives]
    usable = good.dropna(subset=[n for n in names if n in good])
    if not len(usable) or not all(n in usable for n in names):
        return usable.iloc[0:0]
    utility = utility_matrix(usable, definition.objectives)
    return usable[non_dominated(utility)].iloc[::-1].head(_MAX_ANCHORS)


def local_moves(
    definition: CampaignDefinition, anchors: pd.DataFrame, n: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Gaussian moves around ``anchors`` (a trust-region-like local search), clipped to bounds."""
    if not len(anchors) or n <= 0:
        return pd.DataFrame(columns=list(definition.space.names))
    picks = anchors.iloc[rng.integers(len(anchors), size=n)].reset_index(drop=True)
    steps = rng.choice(_LOCAL_STEPS, size=n)
    moved = {}
    for parameter in definition.space.parameters:
        column = picks[parameter.name]
        if isinstance(parameter, FixedParameter):
            moved[parameter.name] = [parameter.value] * n
        elif isinstance(parameter, CategoricalParameter):
            switch = rng.random(n) < _SWITCH_LEVEL
            moved[parameter.name] = np.where(switch, rng.choice(parameter.values, size=n), column.astype(str))
        else:
            span = parameter.upper - parameter.lower
            value = column.astype(float).to_numpy() + rng.normal(0.0, 1.0, n) * steps * span
            value = np.clip(value, parameter.lower, parameter.upper)
            moved[parameter.name] = np.round(value) if parameter.kind == "integer" else value
    return pd.DataFrame(moved)


def candidate_recipes(
    definition: CampaignDefinition,
    experiments: pd.DataFrame,
    good: pd.DataFrame,
    n_global: int,
    n_local: int,
    *,
    seed: int,
) -> pd.DataFrame:
    """Untried pool rows, or Sobol points plus local moves around the best recipes, all feasible."""
    if definition.candidate_pool is not None:
        pool = untried_pool(definition, experiments)
        if not len(pool):
            raise InputDataError("every recipe of the candidate pool has been tried; add recipes to the pool")
        return pool
    space = definition.space
    rng = np.random.default_rng(seed)
    spread = space.sample(n_global, seed=seed, method="sobol")
    local = local_moves(definition, _anchors(definition, good), n_local, rng)
    if len(local):
        local = space.with_derived(local[space.feasible(local)].reset_index(drop=True))
    return pd.concat([spread, local], ignore_index=True)


def neighbourhood_design(
    definition: CampaignDefinition, anchors: pd.DataFrame, n: int, radius: float, *, seed: int
) -> pd.DataFrame:
    """``n`` space-filling recipes in boxes of half-width ``radius`` (fraction of each range)
    around the ``anchors``, taken in turn; categorical levels are kept; every recipe satisfies
    the constraints. Fewer than ``n`` rows when the constraints leave too little room.
    """
    space = definition.space
    free = space.free
    sobol = qmc.Sobol(d=max(1, len(free)), scramble=True, seed=seed)
    unit = sobol.random(1 << int(np.ceil(np.log2(max(64, 16 * n)))))
    rows = []
    for i, offset in enumerate(unit):
        anchor = anchors.iloc[i % len(anchors)]
        recipe: dict[str, object] = {}
        for parameter, u in zip(free, offset, strict=False):
            if isinstance(parameter, CategoricalParameter):
                recipe[parameter.name] = anchor[parameter.name]
                continue
            span = parameter.upper - parameter.lower
            value = float(anchor[parameter.name]) + (2.0 * u - 1.0) * radius * span
            value = float(np.clip(value, parameter.lower, parameter.upper))
            recipe[parameter.name] = round(value) if parameter.kind == "integer" else value
        rows.append(recipe)
    for parameter in space.parameters:
        if isinstance(parameter, FixedParameter):
            for recipe in rows:
                recipe[parameter.name] = parameter.value
    design = pd.DataFrame(rows, columns=list(space.names))
    design = design[space.feasible(design)].head(n).reset_index(drop=True)
    return space.with_derived(design)
