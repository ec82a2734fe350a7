"""BayBE and Ax as proposal strategies, through their own public APIs.

Each peer is wrapped as nfpopt's strategy signature, ``propose(definition, experiments, q)``,
so it runs the same emulator campaign (same starts, noise and seeds) as nfpopt's strategies.
The wrapper is pure: every call builds the peer's campaign afresh from the experiments table
(BayBE's ``Campaign.add_measurements``; Ax's ``Client.attach_trial`` and ``complete_trial``)
and asks it for ``q`` recipes. The peer's random seed comes from the campaign seed and the
number of experiments, so a run is deterministic per seed.

Constraints. Both peers take the mixture constraint natively as a linear inequality
(``ab_wt_pct + alumina_wt_pct <= 40``). The crystallisation-onset constraint is nonlinear
(Kissinger); the peers get its tangent at the lowest glass surface area (a linear relaxation:
the true feasible set lies inside it), and any proposal still below the onset floor is repaired
by raising its calcination temperature to the floor (noted in the rationale).

Failed experiments (the layer did not sinter). BayBE: the row is added with both targets
missing (its Pareto objective accepts partial measurements; a row without any target value
adds nothing to its surrogate). Ax: the trial is marked ``FAILED`` (``Client.mark_trial_failed``),
which Ax leaves out of its models. Neither peer learns where recipes fail; nfpopt's Bayesian
strategies fit a feasibility classifier instead.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from nfpopt.definition import CampaignDefinition
from nfpopt.space import CategoricalParameter, ContinuousParameter, FixedParameter, MixtureConstraint, OnsetConstraint

PEERS = ("baybe", "ax")
#: The same peers told only the mixture constraint; the onset floor is enforced by repair alone.
REPAIR_ONLY = ("baybe_repair", "ax_repair")
Proposer = Callable[[CampaignDefinition, pd.DataFrame, int], pd.DataFrame]


# -- the campaign in linear terms -----------------------------------------------------------------
def linear_constraints(definition: CampaignDefinition, *, onset: bool = True) -> list[tuple[dict[str, float], float]]:
    """The space's constraints as ``sum(coefficient * parameter) >= rhs`` (relaxed where nonlinear).

    Mixture: ``-(sum of components) >= -(total - min_remainder)``. Onset: the tangent of the
    (convex, decreasing) temperature floor at the lowest glass surface area,
    ``T - slope * ssa >= floor(ssa_0) - slope * ssa_0``, dropped when the temperature's lower
    bound already clears the floor everywhere.
    """
    space = definition.space
    out = []
    for constraint in space.constraints:
        if isinstance(constraint, MixtureConstraint) and constraint.remainder is not None:
            coefficients = {name: -1.0 for name in constraint.components}
            out.append((coefficients, -(constraint.total - constraint.min_remainder)))
        elif isinstance(constraint, OnsetConstraint) and onset:
            ssa = space.parameter(constraint.ssa)
            temperature = space.parameter(constraint.temperature)
            floor = float(constraint.minimum_temperature_c(np.array([ssa.lower]))[0])
            if floor <= temperature.lower:
                continue
            step = 1e-4 * (ssa.upper - ssa.lower)
            slope = float(np.diff(constraint.minimum_temperature_c(np.array([ssa.lower, ssa.lower + step])))[0] / step)
            out.append(({constraint.temperature: 1.0, constraint.ssa: -slope}, floor - slope * ssa.lower))
    return out


def repair(definition: CampaignDefinition, recipes: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Recipes moved inside the space: bounds clipped, mixtures scaled down, temperature raised to
    the onset floor; the fixed parameters and derived remainders filled in. Returns the recipes and
    a mask of the rows that had to change."""
    space = definition.space
    out = recipes.copy()
    before = out[[p.name for p in space.free if isinstance(p, ContinuousParameter)]].to_numpy(float).copy()
    for p in space.parameters:
        if isinstance(p, FixedParameter):
            out[p.name] = p.value
        elif isinstance(p, ContinuousParameter):
            out[p.name] = out[p.name].astype(float).clip(p.lower, p.upper)
    for constraint in space.constraints:
        if isinstance(constraint, MixtureConstraint) and constraint.remainder is not None:
            names = list(constraint.components)
            total = out[names].sum(axis=1)
            cap = constraint.total - constraint.min_remainder
            scale = np.minimum(1.0, cap / total.where(total > 0, 1.0))
            out[names] = out[names].mul(scale, axis=0)
        elif isinstance(constraint, OnsetConstraint):
            floor = constraint.minimum_temperature_c(out[constraint.ssa].to_numpy(float)) + 1e-6
            upper = space.parameter(constraint.temperature).upper
            out[constraint.temperature] = np.minimum(np.maximum(out[constraint.temperature], floor), upper)
    after = out[[p.name for p in space.free if isinstance(p, ContinuousParameter)]].to_numpy(float)
    changed = ~np.isclose(before, after, rtol=1e-9, atol=1e-9).all(axis=1)
    return space.with_derived(out), changed


def _finish(definition: CampaignDefinition, raw: pd.DataFrame, peer: str) -> pd.DataFrame:
    recipes, changed = repair(definition, raw)
    columns = [*definition.space.names, *definition.space.derived_names]
    out = recipes[columns].reset_index(drop=True)
    note = f"{peer} proposal"
    out["rationale"] = np.where(changed, note + " (repaired into the constraints)", note)
    return out


def observations(definition: CampaignDefinition, experiments: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Measured and failed experiments (recipes + objective outcomes) and a mask of the failed ones.

    Every objective's outcome column is there, NaN where nothing was measured: a campaign that
    starts from the paper's Cell A has no 2 C capacity column until one is measured.
    """
    done = experiments[experiments["status"].isin(["measured", "failed"])].reset_index(drop=True)
    missing = [o.outcome for o in definition.objectives if o.outcome not in done]
    done = done.reindex(columns=[*done.columns, *missing])
    failed = (done["status"] == "failed").to_numpy(bool, copy=True)
    if definition.feasibility and definition.feasibility in done:
        failed = failed | done[definition.feasibility].map(lambda v: v is False or v == 0).to_numpy(bool)
    return done, failed


def _seed(definition: CampaignDefinition, experiments: pd.DataFrame) -> int:
    return int(np.random.SeedSequence([definition.seed, len(experiments)]).generate_state(1)[0] % (2**31))


def _free(definition: CampaignDefinition):
    return [p for p in definition.space.parameters if not isinstance(p, FixedParameter)]


# -- BayBE ------------------------------------------------------------------------------------------
def propose_baybe(
    definition: CampaignDefinition, experiments: pd.DataFrame, batch_size: int, *, onset: bool = True
) -> pd.DataFrame:
    """``batch_size`` recipes from BayBE's default two-phase recommender (random, then BoTorch with
    its Pareto objective: qLogNEHVI)."""
    try:
        from baybe import Campaign
        from baybe.constraints import ContinuousLinearConstraint
        from baybe.objectives import ParetoObjective
        from baybe.parameters import CategoricalParameter as BCategorical
        from baybe.parameters import NumericalContinuousParameter
        from baybe.searchspace import SearchSpace
        from baybe.targets import NumericalTarget
        from baybe.utils.random import set_random_seed
    except ImportError as error:
        raise ImportError("the BayBE peer needs `pip install 'nfpopt[bench]'` (baybe)") from error

    parameters = []
    for p in _free(definition):
        if isinstance(p, ContinuousParameter):
            parameters.append(NumericalContinuousParameter(p.name, bounds=(p.lower, p.upper)))
        elif isinstance(p, CategoricalParameter):
            parameters.append(BCategorical(p.name, values=list(p.values), encoding="OHE"))
    constraints = [
        ContinuousLinearConstraint(parameters=list(c), operator=">=", coefficients=list(c.values()), rhs=rhs)
        for c, rhs in linear_constraints(definition, onset=onset)
    ]
    targets = [NumericalTarget(o.outcome, minimize=o.direction == "minimise") for o in definition.objectives]
    campaign = Campaign(
        searchspace=SearchSpace.from_product(parameters, constraints),
        objective=ParetoObjective(targets),
    )
    done, failed = observations(definition, experiments)
    if len(done):
        names = [p.name for p in parameters]
        target_names = [t.name for t in targets]
        table = done[names + target_names].copy()
        for name in target_names:
            table[name] = table[name].astype(float).where(~failed)
        table = table[table[target_names].notna().any(axis=1)]  # BayBE needs one value per row
        # BayBE 0.15 cannot fit a target that has no value yet (from Cell A alone no 2 C capacity
        # is known: "ValueError: Can provide at most `d` indices!" inside its GP fit). Until every
        # target has one, it gets no measurements and recommends from its initial (random) phase.
        if len(table) and table[target_names].notna().any(axis=0).all():
            campaign.add_measurements(table, numerical_measurements_must_be_within_tolerance=False)
    set_random_seed(_seed(definition, experiments))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = campaign.recommend(batch_size=batch_size)
    return _finish(definition, raw.reset_index(drop=True), "BayBE")


# -- Ax ---------------------------------------------------------------------------------------------
def _ax_constraint(coefficients: dict[str, float], rhs: float) -> str:
    terms = " + ".join(f"{c:.10g} * {n}" for n, c in coefficients.items()).replace("+ -", "- ")
    return f"{terms} >= {rhs:.10g}"


def propose_ax(
    definition: CampaignDefinition, experiments: pd.DataFrame, batch_size: int, *, onset: bool = True
) -> pd.DataFrame:
    """``batch_size`` recipes from Ax's ``Client`` with its default ("fast") generation strategy:
    a Sobol initialisation (center point first), then BoTorch (qLogNEHVI for two objectives)."""
    try:
        from ax.api import ChoiceParameterConfig, Client, RangeParameterConfig
    except ImportError as error:
        raise ImportError("the Ax peer needs `pip install 'nfpopt[bench]'` (ax-platform)") from error
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in ("ax", "pyro"):
            logging.getLogger(name).setLevel(logging.ERROR)

    parameters = []
    for p in _free(definition):
        if isinstance(p, ContinuousParameter):
            parameters.append(RangeParameterConfig(p.name, bounds=(p.lower, p.upper), parameter_type="float"))
        elif isinstance(p, CategoricalParameter):
            parameters.append(ChoiceParameterConfig(p.name, list(p.values), parameter_type="str", is_ordered=False))
    seed = _seed(definition, experiments)
    client = Client(random_seed=seed)
    client.configure_experiment(
        parameters=parameters,
        parameter_constraints=[_ax_constraint(c, rhs) for c, rhs in linear_constraints(definition, onset=onset)],
    )
    objective = ", ".join(("-" if o.direction == "minimise" else "") + o.outcome for o in definition.objectives)
    thresholds = [
        f"{o.outcome} {'<=' if o.direction == 'minimise' else '>='} {o.threshold:g}"
        for o in definition.objectives
        if o.threshold is not None
    ]
    client.configure_optimization(objective=objective, outcome_constraints=thresholds)
    client.configure_generation_strategy(initialization_random_seed=seed)
    done, failed = observations(definition, experiments)
    names = [p.name for p in _free(definition)]
    for row, did_fail in zip(done.to_dict(orient="records"), failed, strict=True):
        recipe = {n: (str(row[n]) if isinstance(row[n], str) else float(row[n])) for n in names}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            index = client.attach_trial(recipe)
        values = {o.outcome: float(row[o.outcome]) for o in definition.objectives if pd.notna(row.get(o.outcome))}
        if did_fail or not values:
            client.mark_trial_failed(index)
        else:
            client.complete_trial(index, raw_data=values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trials = client.get_next_trials(max_trials=batch_size)
    raw = pd.DataFrame(list(trials.values()))
    return _finish(definition, raw, "Ax")


def peer_proposer(name: str) -> Proposer:
    """The proposal function of peer ``name``: ``baybe`` or ``ax`` (onset tangent given as a linear
    constraint), or ``baybe_repair`` / ``ax_repair`` (onset enforced by repair only)."""
    table = {"baybe": propose_baybe, "ax": propose_ax}
    base = name.removesuffix("_repair")
    if base not in table or name not in (*PEERS, *REPAIR_ONLY):
        raise ValueError(f"unknown peer {name!r}; use one of {[*PEERS, *REPAIR_ONLY]}")
    return partial(table[base], onset=not name.endswith("_repair"))


def available(name: str) -> str | None:
    """``None`` if peer ``name`` can be imported here, else the import error's text."""
    module = {"baybe": "baybe", "ax": "ax.api"}[name.removesuffix("_repair")]
    try:
        __import__(module)
    except Exception as error:  # noqa: BLE001 - report whatever stops the import
        return f"{type(error).__name__}: {error}"
    return None
