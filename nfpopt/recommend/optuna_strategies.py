"""Optuna's samplers (TPE, NSGA-II, GP) as nfpopt proposal strategies, for comparison.

Pure, like :func:`~nfpopt.recommend.initial.propose_space_filling`: the definition and the
experiments so far in, a batch of recipes out. Each call rebuilds an in-memory Optuna study from
the experiments table, asks it for ``batch_size`` trials and repairs each into a recipe that
satisfies every known constraint exactly. The same inputs give the same batch.

How the experiments table becomes Optuna trials (Optuna's own behaviour is kept on purpose: the
point is to compare it with nfpopt's recommender):

* ``measured`` with every objective value: a COMPLETE trial. Objectives to minimise or maximise
  keep their direction; a ``target`` objective becomes "minimise ``|value - target|``".
  Outcome constraints become Optuna trial constraints (``lower - value`` or ``value - upper``,
  feasible at <= 0), which all three samplers honour; a missing constraint value counts as met.
* ``failed``, or measured with the feasibility outcome false (e.g. ``sintered = False``): a FAIL
  trial. Optuna's samplers ignore FAIL trials, so they do not learn where recipes fail; nfpopt's
  recommender models that with its feasibility classifier.
* ``measured`` but missing an objective value: skipped (Optuna needs every value of a COMPLETE
  trial).
* ``proposed`` / ``running`` (pending): a RUNNING trial. TPE runs with ``constant_liar=True`` so
  the batch avoids pending recipes; Optuna's GP sampler uses them in its q-batch acquisition
  (qLogEI / qLogEHVI); NSGA-II has no notion of pending trials and ignores them.
* ``abandoned``: skipped (never made).
* A recipe outside the current bounds (e.g. imported from earlier work): numeric values are
  clipped to the bounds, because ``create_trial`` rejects values outside a distribution and the
  clipped recipe is the nearest one the study can represent; a categorical value the campaign
  no longer lists, or a missing parameter value, drops the experiment.

Fixed parameters are not optimised; they are added back to every proposal. NSGA-II's population
size is the campaign's ``batch_size`` (at least 2): completed experiments, in table order, fill
generations of that size, so one lab batch is one generation.

With a candidate pool Optuna has no pool mode: each asked trial is mapped to the nearest untried
pool row (Euclidean distance on numeric parameters scaled to their bounds; a row whose
categorical values all match always beats one that does not), without repeats in a batch.
"""

from __future__ import annotations

import importlib.util
import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import optuna
import pandas as pd
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import FrozenTrial, TrialState, create_trial

from nfpopt.definition import CampaignDefinition
from nfpopt.exceptions import InputDataError, UnsupportedError
from nfpopt.experiments import PENDING
from nfpopt.objectives import Objective
from nfpopt.recommend.candidates import untried_pool
from nfpopt.space import (
    CategoricalParameter,
    ContinuousParameter,
    FixedParameter,
    IntegerParameter,
    MixtureConstraint,
    OnsetConstraint,
    SearchSpace,
)
from nfpopt.space.parameters import finite_number

#: The Optuna samplers nfpopt can run.
SAMPLERS = ("tpe", "nsga2", "gp")
#: Asks per proposal before giving up on a recipe that no repair makes feasible.
MAX_TRIES = 25


def propose_optuna(
    definition: CampaignDefinition, experiments: pd.DataFrame, batch_size: int, *, sampler: str
) -> pd.DataFrame:
    """The next ``batch_size`` recipes proposed by one of Optuna's samplers.

    Args:
        definition: the campaign's definition (space, objectives, seed, optional pool).
        experiments: the campaign's experiments table (``Campaign.table()``); may be empty.
        batch_size: how many recipes to propose (>= 1).
        sampler: ``"tpe"``, ``"nsga2"`` or ``"gp"``.

    Returns:
        ``batch_size`` rows: the parameters in ``definition.space.names`` order plus derived
        columns (e.g. a mixture's remainder), each satisfying every constraint.

    Raises:
        InputDataError: bad arguments, too few untried pool rows, or no feasible recipe found.
        UnsupportedError: the sampler needs a package that is not installed.
    """
    if sampler not in SAMPLERS:
        raise InputDataError(f"{sampler!r} is not an Optuna sampler nfpopt offers; use one of {list(SAMPLERS)}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InputDataError(f"a batch of {batch_size} recipe(s) was asked for; ask for a whole number of recipes >= 1")
    if sampler == "gp" and importlib.util.find_spec("torch") is None:
        raise UnsupportedError("Optuna's GP sampler needs PyTorch (CPU is enough); install it: pip install torch")
    _check_columns(definition.space, experiments)
    distributions = _distributions(definition.space)
    with _quiet_optuna():
        study = optuna.create_study(
            directions=[_direction(o) for o in definition.objectives],
            sampler=_sampler(sampler, definition, _seed(definition, experiments)),
        )
        study.add_trials(_history(definition, experiments, distributions, sampler))
        if definition.candidate_pool is not None:
            return _from_pool(study, definition, experiments, batch_size, distributions)
        recipes = [_ask_recipe(study, definition.space, distributions, sampler) for _ in range(batch_size)]
    frame = pd.DataFrame(recipes, columns=list(definition.space.names))
    return definition.space.with_derived(frame)


def propose_tpe(definition: CampaignDefinition, experiments: pd.DataFrame, batch_size: int) -> pd.DataFrame:
    """The next batch from Optuna's TPE sampler (see :func:`propose_optuna`)."""
    return propose_optuna(definition, experiments, batch_size, sampler="tpe")


def propose_nsga2(definition: CampaignDefinition, experiments: pd.DataFrame, batch_size: int) -> pd.DataFrame:
    """The next batch from Optuna's NSGA-II sampler (see :func:`propose_optuna`)."""
    return propose_optuna(definition, experiments, batch_size, sampler="nsga2")


def propose_optuna_gp(definition: CampaignDefinition, experiments: pd.DataFrame, batch_size: int) -> pd.DataFrame:
    """The next batch from Optuna's Gaussian-process sampler (see :func:`propose_optuna`)."""
    return propose_optuna(definition, experiments, batch_size, sampler="gp")


# -- the study -------------------------------------------------------------------------------
@contextmanager
def _quiet_optuna() -> Iterator[None]:
    """Silence Optuna's INFO logs and experimental warnings, restoring the verbosity after."""
    previous = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            yield
    finally:
        optuna.logging.set_verbosity(previous)


def _seed(definition: CampaignDefinition, experiments: pd.DataFrame) -> int:
    """One seed per (campaign seed, number of experiments): reproducible, new each batch."""
    return int(np.random.SeedSequence([definition.seed, len(experiments)]).generate_state(1)[0])


def _sampler(name: str, definition: CampaignDefinition, seed: int) -> optuna.samplers.BaseSampler:
    if name == "tpe":
        return optuna.samplers.TPESampler(
            seed=seed, n_startup_trials=definition.initial_design_size, constant_liar=True
        )
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed, population_size=_population_size(definition))
    return optuna.samplers.GPSampler(
        seed=seed, n_startup_trials=definition.initial_design_size, warn_independent_sampling=False
    )


def _population_size(definition: CampaignDefinition) -> int:
    return max(2, definition.batch_size)


def _direction(objective: Objective) -> str:
    return "maximize" if objective.direction == "maximise" else "minimize"


def _distributions(space: SearchSpace) -> dict[str, BaseDistribution]:
    """One Optuna distribution per free parameter."""
    out: dict[str, BaseDistribution] = {}
    for p in space.free:
        if isinstance(p, ContinuousParameter):
            out[p.name] = FloatDistribution(p.lower, p.upper)
        elif isinstance(p, IntegerParameter):
            out[p.name] = IntDistribution(p.lower, p.upper)
        elif isinstance(p, CategoricalParameter):
            out[p.name] = CategoricalDistribution(p.values)
    return out


def _check_columns(space: SearchSpace, experiments: pd.DataFrame) -> None:
    if not len(experiments):
        return
    missing = [c for c in ("status", *(p.name for p in space.free)) if c not in experiments]
    if missing:
        raise InputDataError(
            f"the experiments table lacks column(s) {missing}; pass Campaign.table(), which has "
            "status and one column per parameter"
        )


def _history(
    definition: CampaignDefinition, experiments: pd.DataFrame, distributions: dict[str, BaseDistribution], sampler: str
) -> list[FrozenTrial]:
    """The experiments as Optuna trials (see the module docstring for each status)."""
    trials = []
    for _, row in experiments.iterrows():
        state, values = _state_and_values(definition, row)
        params = _params(row, distributions)
        if state is None or params is None:
            continue
        system_attrs = {}
        if sampler == "nsga2" and state == TrialState.COMPLETE:
            completed = sum(t.state == TrialState.COMPLETE for t in trials)
            # NSGA-II reads each trial's generation from this attribute; added trials lack it.
            key = optuna.samplers.NSGAIISampler._get_generation_key()
            system_attrs[key] = completed // _population_size(definition)
        trials.append(
            create_trial(
                state=state,
                values=values,
                params=params,
                distributions=distributions,
                system_attrs=system_attrs,
                constraints=_constraints(definition, row) if state == TrialState.COMPLETE else None,
            )
        )
    return trials


def _state_and_values(definition: CampaignDefinition, row: pd.Series) -> tuple[TrialState | None, list[float] | None]:
    status = row["status"]
    if status in PENDING:
        return TrialState.RUNNING, None
    if status == "failed" or (status == "measured" and _is_false(row.get(definition.feasibility or ""))):
        return TrialState.FAIL, None
    if status != "measured":
        return None, None
    measured = [finite_number(row.get(o.outcome)) for o in definition.objectives]
    values = [v for v in measured if v is not None]
    if len(values) < len(measured):
        return None, None
    return TrialState.COMPLETE, [_loss(o, v) for o, v in zip(definition.objectives, values, strict=True)]


def _is_false(value: object) -> bool:
    """True only for a recorded false (True/False/None/NaN, Python or NumPy booleans)."""
    return value is not None and not pd.isna(value) and not bool(value)  # type: ignore[arg-type]


def _loss(objective: Objective, value: float) -> float:
    """The value Optuna optimises: as measured, or ``|value - target|`` for a target."""
    return abs(value - float(objective.target)) if objective.direction == "target" else value  # type: ignore[arg-type]


def _constraints(definition: CampaignDefinition, row: pd.Series) -> dict[str, float] | None:
    """Outcome constraints as Optuna constraint values (feasible at <= 0; missing counts as met)."""
    if not definition.outcome_constraints:
        return None
    out = {}
    for limit in definition.outcome_constraints:
        value = finite_number(row.get(limit.outcome))
        out[limit.outcome] = 0.0 if value is None else max(limit.lower - value, value - limit.upper)
    return out


def _params(row: pd.Series, distributions: dict[str, BaseDistribution]) -> dict[str, Any] | None:
    """The row's recipe inside the distributions: numbers clipped; None if it cannot be."""
    params: dict[str, Any] = {}
    for name, dist in distributions.items():
        value = row.get(name)
        if isinstance(dist, CategoricalDistribution):
            if str(value).strip() not in dist.choices:
                return None
            params[name] = str(value).strip()
            continue
        number = finite_number(value)
        if number is None:
            return None
        clipped = min(max(number, dist.low), dist.high)  # type: ignore[attr-defined]
        params[name] = int(round(clipped)) if isinstance(dist, IntDistribution) else float(clipped)
    return params


# -- asking ----------------------------------------------------------------------------------
def _ask_recipe(
    study: optuna.Study, space: SearchSpace, distributions: dict[str, BaseDistribution], sampler: str
) -> dict[str, Any]:
    """Ask until a repaired proposal is feasible; tell the study the recipe as RUNNING."""
    violated = "the parameter bounds"
    for _ in range(MAX_TRIES):
        recipe, violated_now = _repair(space, _ask(study, distributions, space))
        if violated_now is None:
            _pend(study, recipe, distributions)
            return recipe
        violated = violated_now
    raise InputDataError(
        f"Optuna's {sampler} sampler proposed no recipe satisfying {violated} in {MAX_TRIES} tries; "
        "widen the parameter bounds or relax the constraint"
    )


def _ask(study: optuna.Study, distributions: dict[str, BaseDistribution], space: SearchSpace) -> dict[str, Any]:
    """One raw proposal with the fixed parameters added; the asked trial is closed as FAIL.

    The proposal is re-added as RUNNING after repair (:func:`_pend`), so pending trials hold the
    recipes actually proposed, not Optuna's unrepaired ones.
    """
    trial = study.ask(distributions)
    params = dict(trial.params)
    study.tell(trial, state=TrialState.FAIL)
    fixed = {p.name: p.value for p in space.parameters if isinstance(p, FixedParameter)}
    return {name: params.get(name, fixed.get(name)) for name in space.names}


def _pend(study: optuna.Study, recipe: dict[str, Any], distributions: dict[str, BaseDistribution]) -> None:
    params = {name: recipe[name] for name in distributions}
    study.add_trial(create_trial(state=TrialState.RUNNING, params=params, distributions=distributions))


def _repair(space: SearchSpace, recipe: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Mixture and onset constraints repaired; the first constraint still violated, if any."""
    recipe = dict(recipe)
    for constraint in space.constraints:
        if isinstance(constraint, MixtureConstraint):
            _repair_mixture(space, constraint, recipe)
        elif isinstance(constraint, OnsetConstraint):
            _repair_onset(space, constraint, recipe)
    frame = pd.DataFrame([recipe], columns=list(space.names))
    if space.feasible(frame)[0]:
        return recipe, None
    broken = [c.describe() for c in space.constraints if c.violation(frame)[0] > 0]
    return recipe, (broken[0] if broken else "the parameter bounds")


def _repair_mixture(space: SearchSpace, constraint: MixtureConstraint, recipe: dict[str, Any]) -> None:
    """Bring the components' sum to the allowed total, moving each within its bounds.

    With a remainder only an excess is removed (sum down to ``total - min_remainder``);
    without one the sum is set to ``total``. The change is shared in proportion to each
    component's room (its distance to the bound it moves towards), so scaling down is
    proportional to each amount above its lower bound and no bound is crossed. Infeasible
    bounds leave the recipe unchanged (the caller resamples).
    """
    names = constraint.components
    values = np.array([float(recipe[n]) for n in names])
    lower = np.array([getattr(space.parameter(n), "lower", recipe[n]) for n in names], float)
    upper = np.array([getattr(space.parameter(n), "upper", recipe[n]) for n in names], float)
    goal = constraint.total - constraint.min_remainder if constraint.remainder else constraint.total
    change = goal - values.sum()
    if constraint.remainder and change >= 0:
        return
    room = np.clip(upper - values if change > 0 else values - lower, 0.0, None)
    if abs(change) > room.sum() or room.sum() == 0:
        return
    values = np.clip(values + change * room / room.sum(), lower, upper)
    recipe.update({n: float(v) for n, v in zip(names, values, strict=True)})


def _repair_onset(space: SearchSpace, constraint: OnsetConstraint, recipe: dict[str, Any]) -> None:
    """Raise the temperature to the onset floor, at most to its upper bound."""
    floor = float(constraint.minimum_temperature_c(np.array([float(recipe[constraint.ssa])]))[0])
    temperature = space.parameter(constraint.temperature)
    if float(recipe[constraint.temperature]) >= floor:
        return
    upper = getattr(temperature, "upper", floor)
    if isinstance(temperature, IntegerParameter):
        recipe[constraint.temperature] = min(math.ceil(floor), int(upper))
    else:
        recipe[constraint.temperature] = min(floor, float(upper))


# -- candidate pools -------------------------------------------------------------------------
def _from_pool(
    study: optuna.Study,
    definition: CampaignDefinition,
    experiments: pd.DataFrame,
    batch_size: int,
    distributions: dict[str, BaseDistribution],
) -> pd.DataFrame:
    """Each asked trial mapped to the nearest untried pool row, without repeats."""
    pool = untried_pool(definition, experiments)
    if len(pool) < batch_size:
        raise InputDataError(
            f"the candidate pool has {len(pool)} untried recipe(s), fewer than the batch of "
            f"{batch_size}; add recipes to the pool or ask for a smaller batch"
        )
    distance = _pool_distance(definition.space, pool)
    available = np.ones(len(pool), dtype=bool)
    chosen = []
    for _ in range(batch_size):
        asked = _ask(study, distributions, definition.space)
        index = int(np.argmin(np.where(available, distance(asked), np.inf)))
        available[index] = False
        chosen.append(index)
        _pend(study, _params(pool.iloc[index], distributions) or {}, distributions)
    return pool.iloc[chosen].reset_index(drop=True)


def _pool_distance(space: SearchSpace, pool: pd.DataFrame) -> Callable[[dict[str, Any]], np.ndarray]:
    """Distance from a recipe to every pool row: scaled Euclidean plus a categorical penalty.

    Numeric parameters are scaled by their bounds, so the numeric part is at most
    ``sqrt(n_numeric)``; each categorical mismatch adds more than that, so rows matching every
    categorical value come first.
    """
    numeric = [p for p in space.free if isinstance(p, ContinuousParameter | IntegerParameter)]
    categorical = [p for p in space.free if isinstance(p, CategoricalParameter)]
    span = np.array([p.upper - p.lower for p in numeric], float)
    scaled = pool[[p.name for p in numeric]].to_numpy(float) / span
    labels = pool[[p.name for p in categorical]].astype(str).to_numpy()
    penalty = math.sqrt(len(numeric)) + 1.0

    def distance(recipe: dict[str, Any]) -> np.ndarray:
        point = np.array([float(recipe[p.name]) for p in numeric]) / span
        mismatches = (labels != np.array([str(recipe[p.name]) for p in categorical])).sum(axis=1)
        return np.sqrt(((scaled - point) ** 2).sum(axis=1)) + penalty * mismatches

    return distance
