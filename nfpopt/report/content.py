"""What the report shows, gathered from a campaign before anything is drawn.

Pure reads: the experiments, the status, the surrogates fitted on the finished experiments (as
the Bayesian recommender fits them), the last proposed batch with its stored explanation, and,
for a campaign on the paper's recipe variables, the paper's cells for reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from nfpopt.campaign import MODEL_SKILL, MODEL_STATE, Campaign, CampaignStatus
from nfpopt.definition import CampaignDefinition
from nfpopt.exceptions import NfpoptError
from nfpopt.experiments import finished
from nfpopt.recommend.bayes import FittedModels, RecommenderSettings, fit_models
from nfpopt.space import CategoricalParameter, FixedParameter

#: Parameter pairs a chemist reads first, used for the maps when a campaign has them
#: (the NFP sintering window: carbon content against firing temperature).
PREFERRED_PAIRS = (("ab_wt_pct", "calcination_temp_c"),)
#: Points per parameter in a one-dimensional slice.
SLICE_POINTS = 41


@dataclass(frozen=True)
class ReportContent:
    """Everything a report draws, for one campaign at one moment."""

    definition: CampaignDefinition
    table: pd.DataFrame
    status: CampaignStatus
    #: Surrogates fitted on the finished experiments; None while there are too few.
    models: FittedModels | None
    #: Why there are no models (empty when there are).
    model_note: str
    #: The last proposed batch: recipe, status, stored predictions and rationale.
    last_batch: pd.DataFrame
    #: The paper's cells when the campaign varies the paper's recipe variables, else None.
    paper: pd.DataFrame | None
    #: The recipe the slices pass through (the best so far).
    reference: pd.Series | None
    #: The two numeric parameters of the maps (None with fewer than two).
    pair: tuple[str, str] | None


def gather(campaign: Campaign, *, seed: int = 0) -> ReportContent:
    """Read the campaign and fit its surrogates; nothing is written."""
    definition = campaign.definition
    table = campaign.table()
    status = campaign.status()
    models, note = fit_surrogates(definition, table, seed=seed)
    reference = reference_recipe(definition, table, status)
    return ReportContent(
        definition=definition,
        table=table,
        status=status,
        models=models,
        model_note=note,
        last_batch=last_batch(campaign, table),
        paper=paper_reference(definition),
        reference=reference,
        pair=choose_pair(definition, models, reference),
    )


def fit_surrogates(
    definition: CampaignDefinition, table: pd.DataFrame, *, seed: int = 0
) -> tuple[FittedModels | None, str]:
    """The recommender's surrogates on ``table``, or None and the reason there are none yet."""
    if not len(table) or not table["status"].isin(["measured", "failed"]).any():
        return None, "no finished experiment yet: nothing to model"
    torch.manual_seed(seed)
    try:
        return fit_models(definition, table, RecommenderSettings(), seed=seed), ""
    except NfpoptError as exc:
        return None, f"too few results to model yet ({exc})"


def last_batch(campaign: Campaign, table: pd.DataFrame) -> pd.DataFrame:
    """The newest proposed batch: id, status, recipe, outcomes and the stored explanation.

    The explanation (``predicted_*``, ``p_feasible``, ``rationale``) is what the strategy said
    when it proposed the batch; strategies that give none leave those columns out.
    """
    proposed = table[table["source"] == "proposed"] if len(table) else table
    if not len(proposed) or proposed["batch"].isna().all():
        return proposed.iloc[0:0]
    newest = int(proposed["batch"].max())
    rows = proposed[proposed["batch"] == newest].reset_index(drop=True)
    stored = {
        e.experiment_id: {k: v for k, v in (e.prediction or {}).items() if k not in (MODEL_SKILL, MODEL_STATE)}
        for e in campaign.experiments()
        if e.batch == newest
    }
    explanation = pd.DataFrame([stored.get(int(i), {}) for i in rows["experiment_id"]])
    return pd.concat([rows, explanation], axis=1)


def paper_reference(definition: CampaignDefinition) -> pd.DataFrame | None:
    """The paper's cells when every free parameter of ``definition`` is a column of the paper's table."""
    from nfpopt.paper import paper_cells

    try:
        cells = paper_cells()
    except NfpoptError:
        return None
    free = [p.name for p in definition.space.free]
    if not free or not all(name in cells for name in free):
        return None
    return cells


def reference_recipe(definition: CampaignDefinition, table: pd.DataFrame, status: CampaignStatus) -> pd.Series | None:
    """The best successful recipe so far (first objective), else the newest finished one."""
    done = finished(table)
    if not len(done):
        return None
    first = definition.objectives[0]
    best = status.best.get(first.outcome)
    if best is not None:
        return table.loc[table["experiment_id"] == best["experiment_id"]].iloc[0]
    return done.iloc[-1]


def numeric_free(definition: CampaignDefinition) -> list[str]:
    """Free parameters that are numbers (the axes of slices and maps)."""
    return [p.name for p in definition.space.parameters if not isinstance(p, CategoricalParameter | FixedParameter)]


def grid(definition: CampaignDefinition, reference: pd.Series, axes: dict[str, np.ndarray]) -> pd.DataFrame:
    """Recipes equal to ``reference`` except along ``axes`` (meshed), with derived columns."""
    names = list(axes)
    mesh = np.meshgrid(*axes.values(), indexing="ij")
    size = mesh[0].size
    recipes = pd.DataFrame({name: [reference[name]] * size for name in definition.space.names})
    for name, values in zip(names, mesh, strict=True):
        recipes[name] = values.ravel()
    return definition.space.with_derived(recipes)


def span(definition: CampaignDefinition, name: str, points: int = SLICE_POINTS) -> np.ndarray:
    """Evenly spaced values across a numeric parameter's bounds."""
    parameter = definition.space.parameter(name)
    return np.linspace(float(parameter.lower), float(parameter.upper), points)  # type: ignore[union-attr]


def sensitivity(definition: CampaignDefinition, models: FittedModels, reference: pd.Series) -> pd.Series:
    """How far each objective's predicted mean moves along each numeric parameter.

    For every numeric parameter, the range of the predicted mean (on the model's scale) along
    a one-dimensional slice through ``reference``, divided by the largest such range of that
    objective, then summed over the objectives: 1 per objective for the most influential.
    """
    names = numeric_free(definition)
    score = pd.Series(0.0, index=names)
    for model in models.outcomes.values():
        ranges = pd.Series(
            {
                n: float(np.ptp(model.predict_scaled(grid(definition, reference, {n: span(definition, n)}))[0]))
                for n in names
            }
        )
        score += ranges / max(float(ranges.max()), 1e-12)
    return score.sort_values(ascending=False)


def choose_pair(
    definition: CampaignDefinition, models: FittedModels | None, reference: pd.Series | None
) -> tuple[str, str] | None:
    """The maps' two axes: a preferred pair if present, else the two most influential."""
    names = numeric_free(definition)
    if len(names) < 2:
        return None
    for pair in PREFERRED_PAIRS:
        if all(n in names for n in pair):
            return pair
    if models is None or reference is None:
        return names[0], names[1]
    ranked = list(sensitivity(definition, models, reference).index)
    return ranked[0], ranked[1]
