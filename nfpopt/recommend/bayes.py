"""The Bayesian recommender: feasibility-aware, constrained, multi-objective batches.

Pure: (definition, experiments so far, batch size) -> a batch of recipes with their
predictions and the reason each was chosen. Steps:

1. Too few successful experiments to model -> continue the space-filling design.
2. Fit one surrogate per objective and per outcome-constrained outcome on the successful
   experiments (resistance-like outcomes on a log scale), and a feasibility model on every
   finished experiment, failures included.
3. Candidates that satisfy every known constraint exactly: the untried rows of the candidate
   pool, or scrambled Sobol points plus local perturbations of the best recipes so far,
   filtered by the constraints (mixed categorical levels come with the candidates).
4. Choose the batch jointly by sequential greedy optimisation over the candidates of
   qLogNoisyExpectedHypervolumeImprovement (several objectives) or qLogNoisyExpectedImprovement
   (one), with the outcome constraints as constraints, the pending (proposed or running)
   experiments as X_pending, and the acquisition weighted by the probability of success
   (log P added to the log-acquisition: "constrained EI", Gardner et al. 2014); candidates
   below ``min_p_feasible`` are not offered at all.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from botorch.acquisition.acquisition import AcquisitionFunction
from botorch.acquisition.logei import qLogNoisyExpectedImprovement
from botorch.acquisition.multi_objective.logei import qLogNoisyExpectedHypervolumeImprovement
from botorch.acquisition.multi_objective.objective import GenericMCMultiOutputObjective
from botorch.acquisition.objective import GenericMCObjective
from botorch.models.model import ModelList
from botorch.sampling.list_sampler import ListSampler
from botorch.sampling.normal import SobolQMCNormalSampler
from threadpoolctl import threadpool_limits

from nfpopt.definition import CampaignDefinition
from nfpopt.exceptions import InputDataError
from nfpopt.experiments import PENDING, finished, succeeded
from nfpopt.objectives import Objective, OutcomeSpec, utility_matrix
from nfpopt.priors import PriorModel
from nfpopt.recommend.candidates import candidate_recipes, neighbourhood_design
from nfpopt.recommend.explain import explain
from nfpopt.recommend.greedy import select_batch
from nfpopt.recommend.initial import propose_space_filling
from nfpopt.recommend.top_set import log_p_top_set_of_recipes
from nfpopt.recommend.warm import WarmStart, model_state, read_warm_start
from nfpopt.surrogates import Encoder, FeasibilityModel, OutcomeModel, make_surrogate
from nfpopt.surrogates.botorch_models import botorch_model
from nfpopt.surrogates.encoding import unseen_rows
from nfpopt.surrogates.gp import DTYPE
from nfpopt.surrogates.hurdle import HurdleModel, hurdle_samples

#: The physics-screened initial design draws this many times the batch, then keeps the recipes
#: whose prior's feasibility margin is at least ``_SAFE_MARGIN`` (0.1 decades of the emulator's
#: sintering number).
_PHYSICS_SCREEN = 8
_SAFE_MARGIN = 0.1
_MC_SAMPLES = 64
_PHYSICS_LOCAL_RADIUS = 0.15
_GP_MIN_SPACING = 0.4

#: The last constants refit and the fingerprint of the results it was made on (see :func:`_lab_constants`).
_LAST_REFIT: dict[str, object] = {}
#: The recommender's last fitted models and the key of what they were fitted on (see :func:`recommender_fit`).
_LAST_FIT: dict[str, object] = {}


@dataclass(frozen=True)
class RecommenderSettings:
    """Knobs of the recommender (defaults measured in ``benchmarks``; see docs)."""

    #: One of :data:`nfpopt.surrogates.SURROGATES`.
    surrogate: str = "gp"
    #: Space-filling candidates over the whole space.
    n_candidates: int = 1024
    #: Candidates near the best recipes so far (local moves at several step sizes).
    n_local: int = 512
    #: Quasi-Monte-Carlo samples of the posterior per acquisition evaluation.
    mc_samples: int = _MC_SAMPLES
    #: Candidates whose probability of success is below this are not proposed (unless fewer
    #: than a few batches' worth are left, then the likeliest are kept): a furnace run on a
    #: layer that will not sinter is a run lost.
    min_p_feasible: float = 0.5
    #: Half-width of the initial design around known successful recipes, as a fraction of
    #: each parameter's range (only while the campaign has too few results to model); 0 uses
    #: the campaign-wide Sobol design instead. ``None``: 0.15 for the physics-informed strategy
    #: (whose prior's feasibility margin screens that design), 0 otherwise: without physics, four more recipes
    #: next to a poor known cell (the paper's Cell A, 3929 ohm) teach the model one corner of the
    #: space; from Cell A, `bayes` reached 71 % of the attainable hypervolume after 12
    #: experiments with the campaign-wide design and 0 % with the box (6 seeds each,
    #: ``scripts/recommender_sweep.py``), for more failed layers early (42 % against 25 %).
    local_radius: float | None = None
    #: Widen each GP's sd by its cross-validated misses (:mod:`nfpopt.surrogates.gp`); off only
    #: where the mean alone is read (the model-skill check).
    widen_intervals: bool = True
    #: torch intra-op threads while proposing (see :func:`torch_threads`).
    torch_threads: int = 1
    #: Least distance between two recipes of one batch, in the encoded unit cube (each numeric
    #: range scaled to [0, 1], the roughening one-hot), for a campaign without a candidate pool.
    #: ``None``: 0.4 for the plain GP surrogate, 0 otherwise (measured only for `bayes`): from
    #: Cell A, over 100 campaigns on the family of labs, it raised `bayes`' hypervolume after 12
    #: and 24 experiments by 5.9 and 6.4 points of each lab's maximum (paired by seed) for 25 %
    #: failed layers against 20 % (docs/recommender.md).
    min_spacing: float | None = None

    def spacing(self) -> float:
        """The batch's least recipe distance in effect (see :attr:`min_spacing`)."""
        if self.min_spacing is not None:
            return self.min_spacing
        return _GP_MIN_SPACING if self.surrogate == "gp" else 0.0

    def radius(self) -> float:
        """The initial design's half-width in effect (see :attr:`local_radius`)."""
        if self.local_radius is not None:
            return self.local_radius
        return _PHYSICS_LOCAL_RADIUS if self.surrogate == "physics_gp" else 0.0


@dataclass
class FittedModels:
    """Everything fitted on one campaign state."""

    encoder: Encoder
    outcomes: dict[str, OutcomeModel | HurdleModel]
    feasibility: FeasibilityModel | None
    #: The named prior's constants refitted to the results, by name (physics strategy), else None.
    constants: dict[str, float] | None = None


def successful(definition: CampaignDefinition, experiments: pd.DataFrame) -> pd.DataFrame:
    """Measured experiments that succeeded (feasibility outcome not false), indexed 0..n-1."""
    if not len(experiments):
        return experiments
    return experiments[succeeded(definition, experiments)].reset_index(drop=True)


def _require_prior(definition: CampaignDefinition) -> PriorModel:
    """The campaign's named prior; the ``physics`` strategy has nothing to work with without one."""
    if definition.prior is None:
        raise InputDataError(
            f"campaign {definition.name!r}: strategy 'physics' needs a [prior] table in the campaign file naming "
            "its process model (docs/priors.md); add one, or use strategy 'bayes'"
        )
    return definition.prior


def results_key(definition: CampaignDefinition, experiments: pd.DataFrame) -> str:
    """A fingerprint of what the models are fitted on: the campaign's definition and every finished
    experiment's recipe, status and outcomes. Pending experiments do not enter it."""
    done = finished(experiments)
    names = [*definition.space.names, "status", *(o.name for o in definition.outcomes)]
    rows = done[[c for c in names if c in done]].astype(str)  # a value's repr: exact, any column type
    digest = hashlib.sha256(definition.self_contained_text().encode())
    digest.update(",".join(rows.columns).encode())
    digest.update(pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _lab_constants(
    definition: CampaignDefinition, experiments: pd.DataFrame, start: Mapping[str, float] | None = None
) -> dict[str, float]:
    """The prior's constants refitted to this campaign's finished experiments (physics strategy
    only); ``start``: constants fitted earlier on most of them, to start the search from."""
    from nfpopt.surrogates import physics_fit

    prior = _require_prior(definition)
    done = finished(experiments)
    if not len(done) or not prior.constants:
        return prior.values()
    sintered = np.asarray(succeeded(definition, done), bool)
    # One propose fits the recommender's models and then judges their skill on the same results:
    # the refit (least squares over the process model, 0.15 s at 50 results on the NFP emulator) is
    # a pure function of them, so the last one is kept and reused for the same results.
    key = results_key(definition, experiments)
    if _LAST_REFIT.get("key") != key:
        specs = {o.name: o for o in definition.outcomes}
        refitted = physics_fit.refit_constants(prior, done, sintered, specs=specs, start=start)
        _LAST_REFIT.update(key=key, constants=refitted)
    return _LAST_REFIT["constants"]  # type: ignore[return-value]


def recommender_fit(definition: CampaignDefinition, experiments: pd.DataFrame, surrogate: str) -> FittedModels | None:
    """The models the recommender fitted last, if it fitted them with ``surrogate`` on exactly these
    results (:func:`results_key`); else None. The model skill judges these instead of fitting again."""
    if _LAST_FIT.get("key") != (results_key(definition, experiments), surrogate):
        return None
    return _LAST_FIT["fitted"]  # type: ignore[return-value]


def fit_models(
    definition: CampaignDefinition,
    experiments: pd.DataFrame,
    settings: RecommenderSettings,
    *,
    seed: int = 0,
    warm: WarmStart | None = None,
) -> FittedModels:
    """Fit the surrogates the recommender needs on the campaign's experiments.

    Each outcome is modelled on its declared scale; a ``hurdle`` outcome without a physics prior
    as P(delivers) times its positive level (:mod:`nfpopt.surrogates.hurdle`). ``warm``: where an
    earlier propose's fits ended, to start the constants refit and each GP's fit from.
    """
    encoder = Encoder(definition.space)
    good = successful(definition, experiments)
    physics = settings.surrogate == "physics_gp"
    named = _require_prior(definition) if physics else None
    start = warm.constants if warm is not None else None
    constants = _lab_constants(definition, experiments, start=start) if physics else None
    models: dict[str, OutcomeModel | HurdleModel] = {}
    for name in modelled_outcomes(definition):
        spec = definition.outcome(name)
        prior = named.mean(name, constants) if named is not None and name in named.outcomes else None
        surrogate = make_surrogate(settings.surrogate, seed, widen=settings.widen_intervals)
        model = OutcomeModel(name, encoder, surrogate, prior_mean=prior, spec=spec)
        values = good[name].astype(float).to_numpy() if name in good else np.full(len(good), np.nan)
        if spec.hurdle and prior is None:
            series = rate_series(definition, spec)
            models[name] = HurdleModel(name, encoder, model, spec, seed=seed, series=series).fit(good, values)
        else:
            if warm is not None and name in warm.gp and hasattr(surrogate, "warm_start"):
                surrogate.warm_start = warm.gp[name]  # a start only: the fit still runs
            models[name] = model.fit(good, values)
    feasibility = None
    done = finished(experiments)
    if definition.feasibility and len(done) >= 2:
        margin = named.margin(constants) if named is not None else None
        theta = warm.feasibility if warm is not None else None
        feasibility = FeasibilityModel(encoder, seed=seed, physics=margin, start=theta)
        feasibility = feasibility.fit(done, succeeded(definition, done))
    return FittedModels(encoder, models, feasibility, constants)


def rate_series(definition: CampaignDefinition, spec: OutcomeSpec) -> dict[str, float]:
    """The hurdle outcomes of ``spec``'s unit with a declared ``rate_c``: name -> C-rate."""
    return {o.name: float(o.rate_c) for o in definition.outcomes if o.hurdle and o.rate_c and o.unit == spec.unit}


def modelled_outcomes(definition: CampaignDefinition) -> list[str]:
    """The outcomes the recommender models: every objective's, then every outcome constraint's."""
    names = [o.outcome for o in definition.objectives] + [c.outcome for c in definition.outcome_constraints]
    return list(dict.fromkeys(names))


def _utility(objective: Objective, model: OutcomeModel, y: torch.Tensor) -> torch.Tensor:
    if objective.direction == "maximise":
        return y
    if objective.direction == "minimise":
        return -y
    target = float(model.scale_.forward(np.array([objective.target]))[0])
    return -(y - target).abs()


def _reference_point(definition: CampaignDefinition, fitted: FittedModels, good: pd.DataFrame) -> list[float]:
    """Thresholds as utilities on the model scale; the worst observed value where none is given.

    While no result beats every threshold (a campaign that starts at 3929 ohm against a 1000 ohm
    threshold), the hypervolume behind the thresholds is 0 for every recipe within reach and the
    acquisition is flat; so until one does, each coordinate moves back to just behind the worst
    result so far, and getting closer to the thresholds counts.
    """
    declared = []
    for objective in definition.objectives:
        model = fitted.outcomes[objective.outcome]
        values = good[objective.outcome].astype(float).to_numpy() if objective.outcome in good else np.array([])
        values = values[np.isfinite(values)]
        values = values[values > 0] if model.scale_.log else values
        utilities = _utility(objective, model, torch.as_tensor(model.scale_.forward(values)))
        worst = float(utilities.min() - 0.1 * (utilities.max() - utilities.min() + 1e-9)) if len(values) else -1e9
        if objective.threshold is not None and (not model.scale_.log or objective.threshold > 0):
            value = float(model.scale_.forward(np.array([objective.threshold]))[0])
            declared.append((float(_utility(objective, model, torch.tensor(value))), worst))
        else:
            declared.append((worst, worst))
    ref = [threshold for threshold, _ in declared]
    if not _thresholds_beaten(definition, good):
        ref = [min(threshold, worst) for threshold, worst in declared]
    return ref


def _thresholds_beaten(definition: CampaignDefinition, good: pd.DataFrame) -> bool:
    """True if one successful result is better than every objective's threshold (none: beaten)."""
    objectives = [o for o in definition.objectives if o.threshold is not None]
    if not objectives or not len(good):
        return not objectives
    utilities = utility_matrix(good, objectives)
    thresholds = np.array([o.reference() for o in objectives], float)
    return bool(np.any(np.all(utilities > thresholds, axis=1)))


class _Outputs:
    """The acquisition's model outputs: one per modelled outcome, plus a latent per hurdle outcome."""

    def __init__(self, fitted: FittedModels) -> None:
        self.names = list(fitted.outcomes)
        self.models = [botorch_model(fitted.outcomes[n]) for n in self.names]
        self.index = {n: i for i, n in enumerate(self.names)}
        self.latent: dict[str, int] = {}
        for name, model in fitted.outcomes.items():
            if isinstance(model, HurdleModel):
                self.latent[name] = len(self.models)
                self.models.append(botorch_model(model.latent()))

    def value(self, samples: torch.Tensor, name: str) -> torch.Tensor:
        """Samples of ``name`` on its model scale (0 where a hurdle outcome's latent says "nothing")."""
        level = samples[..., self.index[name]]
        if name in self.latent:
            return hurdle_samples(level, samples[..., self.latent[name]])
        return level


def _constraints(definition: CampaignDefinition, fitted: FittedModels, outputs: _Outputs) -> list:
    """Constraint callables on posterior samples: feasible where each returns <= 0."""
    constraints = []
    for limit in definition.outcome_constraints:
        scale = fitted.outcomes[limit.outcome].scale_
        if math.isfinite(limit.lower) and (not scale.log or limit.lower > 0):
            low = float(scale.forward(np.array([limit.lower]))[0])
            constraints.append(lambda Z, n=limit.outcome, b=low: b - outputs.value(Z, n))
        if math.isfinite(limit.upper):
            high = float(scale.forward(np.array([limit.upper]))[0])
            constraints.append(lambda Z, n=limit.outcome, b=high: outputs.value(Z, n) - b)
    return constraints


def build_acquisition(
    definition: CampaignDefinition,
    experiments: pd.DataFrame,
    fitted: FittedModels,
    settings: RecommenderSettings,
    *,
    seed: int,
):
    """The joint batch acquisition function on the encoded space."""
    outputs = _Outputs(fitted)
    model = ModelList(*outputs.models)
    good = successful(definition, experiments)
    x_baseline = torch.as_tensor(fitted.encoder.transform(good), dtype=DTYPE)
    pending = experiments[experiments["status"].isin(PENDING)] if len(experiments) else experiments
    x_pending = torch.as_tensor(fitted.encoder.transform(pending), dtype=DTYPE) if len(pending) else None
    sampler = ListSampler(
        *[
            SobolQMCNormalSampler(sample_shape=torch.Size([settings.mc_samples]), seed=seed + i)
            for i in range(len(outputs.models))
        ]
    )
    objectives = definition.objectives
    constraints = _constraints(definition, fitted, outputs) or None

    def utilities(samples: torch.Tensor, X: torch.Tensor | None = None) -> torch.Tensor:
        columns = [_utility(o, fitted.outcomes[o.outcome], outputs.value(samples, o.outcome)) for o in objectives]
        return torch.stack(columns, dim=-1)

    if len(objectives) == 1:
        return qLogNoisyExpectedImprovement(
            model,
            X_baseline=x_baseline,
            sampler=sampler,
            objective=GenericMCObjective(lambda samples, X=None: utilities(samples)[..., 0]),
            X_pending=x_pending,
            prune_baseline=True,
            constraints=constraints,
        )
    return qLogNoisyExpectedHypervolumeImprovement(
        model,
        ref_point=_reference_point(definition, fitted, good),
        X_baseline=x_baseline,
        sampler=sampler,
        objective=GenericMCMultiOutputObjective(utilities),
        X_pending=x_pending,
        prune_baseline=True,
        constraints=constraints,
    )


class SuccessWeighted(AcquisitionFunction):
    """``log acquisition(X) + sum over the q recipes of log P(success)``.

    The probability comes from the feasibility classifier (numpy, no gradient): fine for the
    recommender, which scores a discrete set of constraint-satisfying candidates. Each recipe's
    log P is computed once and remembered: the greedy batch scores the same candidates again at
    every step, and with the physics prior each new one costs an emulator call.
    """

    def __init__(self, base: AcquisitionFunction, feasibility: FeasibilityModel) -> None:
        super().__init__(model=base.model)
        self.base, self.feasibility = base, feasibility
        self._log_p: dict[bytes, float] = {}

    @property
    def X_pending(self) -> torch.Tensor | None:  # noqa: N802 - BoTorch's name
        return self.base.X_pending

    def set_X_pending(self, X_pending: torch.Tensor | None = None) -> None:  # noqa: N803
        self.base.set_X_pending(X_pending)

    def remember(self, X: torch.Tensor) -> list[bytes]:
        """Compute log P(success) of the recipes ``X`` (``... x d``) not scored yet, in one call
        (the candidates, before the greedy batch scores them chunk by chunk); their keys."""
        flat = X.detach().reshape(-1, X.shape[-1]).cpu().numpy()
        keys, unseen = unseen_rows(flat, self._log_p)
        if unseen:
            recipes = self.feasibility.encoder.inverse_transform(flat[list(unseen.values())])
            self._log_p |= dict(zip(unseen, np.log(self.feasibility.probability(recipes)), strict=True))
        return keys

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """``X``: ``batch x q x d`` -> ``batch``."""
        log_p = np.array([self._log_p[key] for key in self.remember(X)]).reshape(X.shape[:-1])
        return self.base(X) + torch.as_tensor(log_p, dtype=X.dtype).sum(dim=-1)


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run torch and the BLAS behind numpy/scikit-learn with ``n`` threads, then restore them.

    The recommender's matrices are small (tens to hundreds of experiments): thread start-up
    and contention cost more than they save. A GP fit at 30 experiments took 1.2 s with one
    thread and 13 s with two on a busy 2-core machine (``benchmarks``' speed table).
    """
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(limits=n):
            yield
    finally:
        torch.set_num_threads(before)


def propose_bayesian(
    definition: CampaignDefinition,
    experiments: pd.DataFrame,
    batch_size: int,
    settings: RecommenderSettings | None = None,
    *,
    warm_start: object = None,
) -> pd.DataFrame:
    """The next batch: recipes plus ``predicted_*``, ``p_feasible`` and ``rationale`` columns.

    ``warm_start``: the ``attrs["model_state"]`` of an earlier batch (:mod:`nfpopt.recommend.warm`),
    where its fits start; ignored if it is not a valid state. The batch's own state is returned in
    its ``attrs["model_state"]`` when models were fitted.
    """
    settings = settings or RecommenderSettings()
    with torch_threads(settings.torch_threads):
        return _propose_bayesian(definition, experiments, batch_size, settings, read_warm_start(warm_start))


def _propose_bayesian(
    definition: CampaignDefinition,
    experiments: pd.DataFrame,
    batch_size: int,
    settings: RecommenderSettings,
    warm: WarmStart | None,
) -> pd.DataFrame:
    seed = int(np.random.SeedSequence([definition.seed, len(experiments)]).generate_state(1)[0])
    good = successful(definition, experiments)
    modelled = [o.outcome for o in definition.objectives] + [c.outcome for c in definition.outcome_constraints]
    measured = min((int(good[n].notna().sum()) if n in good else 0) for n in modelled) if len(good) else 0
    if measured < 2 or len(finished(experiments)) < definition.initial_design_size:
        return initial_design(definition, experiments, good, batch_size, settings, seed=seed)
    torch.manual_seed(seed)
    fitted = fit_models(definition, experiments, settings, seed=seed, warm=warm)
    _LAST_FIT.update(key=(results_key(definition, experiments), settings.surrogate), fitted=fitted)
    candidates = candidate_recipes(definition, experiments, good, settings.n_candidates, settings.n_local, seed=seed)
    candidates = likely_to_succeed(candidates, fitted, settings.min_p_feasible, keep_at_least=4 * batch_size)
    if definition.top_fraction is not None:
        return _propose_top_set(definition, fitted, good, candidates, batch_size, settings)
    acquisition = build_acquisition(definition, experiments, fitted, settings, seed=seed)
    if fitted.feasibility is not None:
        acquisition = SuccessWeighted(acquisition, fitted.feasibility)
    choices = torch.as_tensor(fitted.encoder.transform(candidates), dtype=DTYPE)
    if isinstance(acquisition, SuccessWeighted):
        acquisition.remember(choices)
    _plan_deliveries(fitted, choices)
    q = min(batch_size, len(candidates))
    # A pool's rows are the lab's own recipes, often a few hundred in a small space, and the
    # spacing was measured on continuous spaces only: a pool's batch is left as the greedy picks it.
    spacing = settings.spacing() if definition.candidate_pool is None else 0.0
    rows = select_batch(acquisition, choices, q, base_pending=acquisition.X_pending, min_spacing=spacing)
    batch = candidates.iloc[rows].reset_index(drop=True)
    out = explain(definition, fitted, batch, good, min_p_feasible=settings.min_p_feasible)
    out.attrs["model_state"] = model_state(fitted)
    return out


def _propose_top_set(
    definition: CampaignDefinition,
    fitted: FittedModels,
    good: pd.DataFrame,
    candidates: pd.DataFrame,
    batch_size: int,
    settings: RecommenderSettings,
) -> pd.DataFrame:
    """The ``batch_size`` untried pool rows likeliest to be among the pool's best ``top_fraction``
    and to succeed: the batch that maximises the expected number of successful top-set members,
    sum over its rows of P(success) x P(in the top set). That sum is linear in the rows, so the
    batch is simply the best-scoring rows; no greedy conditioning is needed. The batch's table
    adds ``p_top_set`` and says it in each reason."""
    objective = definition.objectives[0]
    model = fitted.outcomes[objective.outcome]
    measured = good[objective.outcome].astype(float).to_numpy() if objective.outcome in good else np.array([])
    log_p = log_p_top_set_of_recipes(model, objective, measured, candidates, float(definition.top_fraction))
    score = log_p.copy()
    if fitted.feasibility is not None:
        score += np.log(fitted.feasibility.probability(candidates))
    rows = np.argsort(-score, kind="stable")[: min(batch_size, len(candidates))]
    batch = candidates.iloc[rows].reset_index(drop=True)
    out = explain(definition, fitted, batch, good, min_p_feasible=settings.min_p_feasible)
    out["p_top_set"] = np.exp(log_p[rows])
    share = f"{100 * float(definition.top_fraction):g} %"
    out["rationale"] = [
        f"P(among the pool's best {share}) {p:.2f}; {why}"
        for p, why in zip(out["p_top_set"], out["rationale"], strict=True)
    ]
    out.attrs["model_state"] = model_state(fitted)
    return out


def _plan_deliveries(fitted: FittedModels, choices: torch.Tensor) -> None:
    """Each hurdle outcome's planning P(delivers) of every candidate, in one prediction: the
    hurdle model keeps them, and the greedy batch, which asks chunk by chunk and again at every
    step, reads them back (one GP prediction per chunk before, 0.1 s of a propose at 50 results).
    The recipes are decoded from ``choices``, as the acquisition decodes them, so that each one's
    key is the one it will ask with."""
    recipes = fitted.encoder.inverse_transform(choices.numpy())
    for model in fitted.outcomes.values():
        if isinstance(model, HurdleModel):
            model.p_searching(recipes)


def initial_design(
    definition: CampaignDefinition,
    experiments: pd.DataFrame,
    good: pd.DataFrame,
    batch_size: int,
    settings: RecommenderSettings,
    *,
    seed: int,
) -> pd.DataFrame:
    """The design while there are too few results to model.

    With known successful recipes (e.g. an imported earlier cell) and no pool: a space-filling
    design in a box around them (``settings.radius()``), so the first furnace runs stay
    where a layer is known to sinter. The physics-informed strategy also screens that design
    with its prior's feasibility margin, where the prior gives one (constants refitted to the
    results so far): only recipes it expects to succeed with a margin are kept. Otherwise: the
    campaign-wide scrambled Sobol design.
    """
    if len(good) and definition.candidate_pool is None and settings.radius() > 0:
        prior = _require_prior(definition) if settings.surrogate == "physics_gp" else None
        screened = prior is not None and prior.feasibility_margin is not None
        oversample = _PHYSICS_SCREEN if screened else 1
        batch = neighbourhood_design(definition, good, batch_size * oversample, settings.radius(), seed=seed)
        if screened and len(batch):
            margin = prior.margin(_lab_constants(definition, experiments))
            batch = batch[margin(batch) > _SAFE_MARGIN].reset_index(drop=True)
        batch = batch.head(batch_size)
        if len(batch) == batch_size:
            return batch.assign(rationale="initial design near the recipes known to succeed (too few results to model)")
    batch = propose_space_filling(definition, experiments, batch_size, method="sobol")
    return batch.assign(rationale="initial space-filling design (too few results to model)")


def likely_to_succeed(
    candidates: pd.DataFrame, fitted: FittedModels, min_p_feasible: float, *, keep_at_least: int
) -> pd.DataFrame:
    """Candidates with P(success) >= ``min_p_feasible``; the likeliest ``keep_at_least`` if fewer pass."""
    if fitted.feasibility is None or not len(candidates):
        return candidates
    p = fitted.feasibility.probability(candidates)
    passing = p >= min_p_feasible
    if passing.sum() >= keep_at_least:
        return candidates[passing].reset_index(drop=True)
    order = np.argsort(-p, kind="stable")[:keep_at_least]
    return candidates.iloc[np.sort(order)].reset_index(drop=True)
