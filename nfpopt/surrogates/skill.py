"""Is a model better than a constant yet? Cross-validated skill of each outcome model and of the
feasibility classifier.

A model that has learnt nothing still returns numbers; this module says whether they are worth
more than a constant. Every measured result is predicted by a model fitted without it (k-fold,
leave-one-out for small campaigns), and scored against the constant a model-free guess would
use, taken from the same training fold:

* **outcome models**: the predictive R² on the model's scale (log units for a log-scaled
  outcome), ``1 - sum (y - y_cv)^2 / sum (y - mean(y_train))^2``: 1 is perfect, 0 is no better
  than the training-fold mean, below 0 is worse;
* **the feasibility classifier**: the area under the ROC curve of its cross-validated P(success)
  (0.5 is chance) and its Brier score beside that of the training-fold base rate.

Thresholds (``has_skill``), each with a test against chance, since a few results often line up
with the recipe by luck:

* outcome: ``n >= 5`` measured, ``R² > 0.1`` and cross-validated predictions that correlate with
  the measurements beyond chance (Pearson, one-sided ``p < 0.05``). Below five held-out
  predictions one or two points decide R². A model without information scores ``R² <= 0`` in
  expectation (the training-fold mean itself scores ``1 - (n / (n - 1))^2 < 0`` under
  leave-one-out); 0.1 asks for a tenth of the variance explained out of sample. R² alone is not
  enough at small n: on pure noise the GP's 5-fold R² exceeded 0.1 in 20 % of draws at n = 6 and
  15 % at n = 10 (3 inputs), and 12 % exceeded 0.33 at n = 12 (the NFP campaign's 8 encoded
  inputs); with the correlation test none of 36 noise draws (n = 8-20, 8 inputs) counted as skill,
  while a smooth outcome of two inputs did in 3, 7 and 12 of 12 draws at n = 8, 12 and 20.
* feasibility: at least 2 failures and 2 successes, ``AUC > 0.6``, a ranking beyond chance
  (Mann-Whitney, one-sided ``p < 0.05``) and a Brier score below the constant's. With 10 of each,
  a chance AUC has an sd of about 0.13 (Hanley & McNeil 1982): with AUC > 0.6 and the Brier
  condition alone, 20-25 % of random labels (n = 12-20) counted as skill, with the test 1 of 60
  (n = 12-40); a label set by one parameter's median did in 16 of 20 draws at n = 12, all at
  20-40. The Brier condition asks that the probabilities themselves beat the base rate (issue
  17's categorical pool: AUC 0.52, Brier 0.237 against 0.222 for a constant).

Measured on the GP and classifier of this package (issue 17) with 12-20 random draws per
setting; ``tests/surrogates/test_skill.py -m slow`` repeats a shorter version.

:func:`campaign_skill` scores the models the recommender fits (:func:`nfpopt.recommend.bayes.fit_models`)
on a campaign's results.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import pandas as pd

from nfpopt.exceptions import NfpoptError
from nfpopt.surrogates import statistics

if TYPE_CHECKING:
    from nfpopt.definition import CampaignDefinition

#: Results below which an outcome model is not judged.
MIN_RESULTS = 5
#: Cross-validated R² an outcome model must exceed to count as skilled.
MIN_R2 = 0.1
#: One-sided p-value below which the cross-validated predictions beat chance.
MAX_P_VALUE = 0.05
#: Cross-validated AUC the feasibility classifier must exceed (with a Brier score below the constant's).
MIN_AUC = 0.6
#: Failures and successes each needed before the feasibility classifier is judged.
MIN_PER_CLASS = 2
#: Finished experiments (measured or failed) below which no model is fitted or judged.
MIN_FINISHED = 2
TOO_FEW_RESULTS = "not enough results to judge the models yet"
#: Folds of the cross-validation (leave-one-out with fewer results; fewer folds when a class
#: of the feasibility outcome has fewer members).
FOLDS = 5


class _OutcomeModel(Protocol):
    """What :func:`outcome_skill` needs of a model (:class:`~nfpopt.surrogates.OutcomeModel` has it)."""

    outcome: str
    scale_: Any  # the fitted scale: ``forward(values)`` and ``log``

    def fit(self, recipes: pd.DataFrame, values: np.ndarray) -> _OutcomeModel: ...

    def predict(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]: ...

    def predict_scaled(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]: ...


class _Classifier(Protocol):
    """What :func:`feasibility_skill` needs (:class:`~nfpopt.surrogates.FeasibilityModel` has it)."""

    def fit(self, recipes: pd.DataFrame, succeeded: np.ndarray) -> _Classifier: ...

    def probability(self, recipes: pd.DataFrame) -> np.ndarray: ...


@dataclass(frozen=True)
class Skill:
    """How much better than a constant one model predicts held-out results."""

    outcome: str
    kind: Literal["outcome", "feasibility"]
    #: Results the skill was judged on (measured values; finished experiments for feasibility).
    n: int
    #: Folds of the cross-validation (``n``: leave-one-out; 0: not judged).
    folds: int
    has_skill: bool
    #: Predictive R² on the model's scale (outcomes).
    r2: float | None = None
    #: ``'log'`` or ``'linear'``: the scale R² was computed on (outcomes).
    scale: str | None = None
    #: Area under the ROC curve of the cross-validated P(success) (feasibility).
    auc: float | None = None
    #: Brier score of the cross-validated P(success), and of the training folds' base rate.
    brier: float | None = None
    brier_constant: float | None = None
    #: One-sided p-value of the cross-validated predictions against chance (Pearson
    #: correlation for outcomes, Mann-Whitney for feasibility): how often a model that knows
    #: nothing would do as well.
    p_value: float | None = None
    #: Why the model was not judged (too few results, no failures yet, ...).
    note: str | None = None

    @property
    def scheme(self) -> str:
        """``'5-fold'`` or ``'leave-one-out'``."""
        return "leave-one-out" if self.folds == self.n else f"{self.folds}-fold"

    def describe(self) -> str:
        """The short text the terminal shows, e.g. ``R² 0.62 on a log scale (5-fold, n=24)``."""
        if self.note is not None:
            return self.note
        where = f"{self.scheme}, n={self.n}"
        if self.kind == "outcome":
            scores = f"R² {self.r2:.2f}" + (" on a log scale" if self.scale == "log" else "")
            good = self.r2 > MIN_R2
        else:
            scores = f"AUC {self.auc:.2f}, Brier {self.brier:.3f} vs {self.brier_constant:.3f} for a constant"
            good = self.auc > MIN_AUC and self.brier < self.brier_constant
        if self.has_skill:
            return f"{scores} ({where})"
        if good:  # scores well, but no better than luck allows at this n
            return (
                f"not yet distinguishable from a constant ({scores}, chance p {self.p_value:.2f}, {where}): exploring"
            )
        if self.kind == "feasibility" and self.auc > MIN_AUC:
            return (
                f"ranks failures, but its probabilities are no better than a constant's ({scores}, {where}): exploring"
            )
        return f"no better than a constant ({scores}, {where}): exploring"

    def as_dict(self) -> dict[str, object]:
        """The JSON form: the metric values, n, folds, has_skill and the text."""
        metrics = (
            {"r2": self.r2, "scale": self.scale}
            if self.kind == "outcome"
            else {"auc": self.auc, "brier": self.brier, "brier_constant": self.brier_constant}
        ) | {"p_value": self.p_value}
        rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
        return {
            "kind": self.kind,
            **rounded,
            "n": self.n,
            "folds": self.folds,
            "has_skill": self.has_skill,
            "text": self.describe(),
        }


def outcome_skill(
    make_model: Callable[[], _OutcomeModel],
    recipes: pd.DataFrame,
    values: np.ndarray,
    *,
    folds: int = FOLDS,
    seed: int = 0,
    outcome: str | None = None,
) -> Skill:
    """Cross-validated R² of the models ``make_model()`` builds, against the training-fold mean.

    ``recipes`` (one row each) and ``values`` (NaN: not measured, skipped) are the training data;
    each fold is fitted by a fresh ``make_model()`` and predicts the held-out rows: ``folds``-fold
    (shuffled by ``seed``), leave-one-out when there are no more measured values than folds.
    """
    values = np.asarray(values, float)
    index = np.flatnonzero(np.isfinite(values))
    name = outcome or make_model().outcome
    n = len(index)
    if n < MIN_RESULTS:
        return Skill(
            name, "outcome", n, 0, False, note=f"not enough results to judge ({n} measured, {MIN_RESULTS} needed)"
        )
    parts = []
    for train, test in _folds(n, folds, seed):
        model = make_model().fit(_rows(recipes, index[train]), values[index[train]])
        held = _rows(recipes, index[test])
        mean, _ = model.predict_scaled(held)
        parts.append((model.scale_, values[index[train]], values[index[test]], np.asarray(mean, float), model, held))
    scales = {bool(getattr(scale, "log", False)) for scale, *_ in parts}
    if len(scales) == 1:
        log = scales.pop()
        measured = np.concatenate([scale.forward(test) for scale, _, test, *_ in parts])
        predicted = np.concatenate([mean for *_, mean, _, _ in parts])
        constant = np.concatenate(
            [np.full(len(test), np.mean(scale.forward(train))) for scale, train, test, *_ in parts]
        )
    else:  # folds chose different scales (rare): compare in the outcome's units
        log = False
        measured = np.concatenate([test for _, _, test, *_ in parts])
        predicted = np.concatenate([np.asarray(model.predict(held)[0], float) for *_, model, held in parts])
        constant = np.concatenate([np.full(len(test), np.mean(train)) for _, train, test, *_ in parts])
    spread = float(np.sum((measured - constant) ** 2))
    if spread <= 0:
        return Skill(
            name,
            "outcome",
            n,
            len(parts),
            False,
            note=f"every measured value is the same (n={n}): nothing to explain yet",
        )
    r2 = 1.0 - float(np.sum((measured - predicted) ** 2)) / spread
    p_value = _correlation_p(predicted, measured)
    skilled = r2 > MIN_R2 and p_value < MAX_P_VALUE
    return Skill(name, "outcome", n, len(parts), skilled, r2=r2, scale="log" if log else "linear", p_value=p_value)


def feasibility_skill(
    make_classifier: Callable[[], _Classifier],
    recipes: pd.DataFrame,
    succeeded: np.ndarray,
    *,
    folds: int = FOLDS,
    seed: int = 0,
    outcome: str = "feasibility",
) -> Skill:
    """Cross-validated AUC and Brier score of the classifiers ``make_classifier()`` builds.

    Stratified ``folds``-fold (fewer if a class has fewer members; shuffled by ``seed``) over
    ``recipes`` and whether each succeeded; the constant is each training fold's success rate.
    """
    labels = np.asarray(succeeded, bool)
    n, n_ok = len(labels), int(labels.sum())
    note = _too_few(labels)
    if note is not None:
        return Skill(outcome, "feasibility", n, 0, False, note=note)
    k = min(folds, n_ok, n - n_ok)
    p, constant = np.empty(n), np.empty(n)
    for train, test in statistics.stratified_k_folds(labels, k, seed):
        classifier = make_classifier().fit(_rows(recipes, train), labels[train])
        p[test] = classifier.probability(_rows(recipes, test))
        constant[test] = labels[train].mean()
    auc = statistics.roc_auc(labels, p)
    brier, brier_constant = float(np.mean((p - labels) ** 2)), float(np.mean((constant - labels) ** 2))
    p_value = statistics.mann_whitney_greater(p[labels], p[~labels])
    skilled = auc > MIN_AUC and p_value < MAX_P_VALUE and brier < brier_constant
    scores = {"auc": auc, "brier": brier, "brier_constant": brier_constant, "p_value": p_value}
    return Skill(outcome, "feasibility", n, k, skilled, **scores)


def campaign_skill(
    definition: CampaignDefinition,
    experiments: pd.DataFrame,
    *,
    surrogate: str = "gp",
    seed: int = 0,
    folds: int = FOLDS,
) -> dict[str, Skill]:
    """The skill of every model the recommender fits on this campaign, by outcome name.

    One entry per objective and outcome-constraint outcome, plus the feasibility outcome if the
    campaign has one. The models are those of :func:`nfpopt.recommend.bayes.fit_models` with
    ``surrogate`` (one of :data:`nfpopt.surrogates.SURROGATES`), on the same data: the successful
    experiments for outcomes, every finished one for feasibility. Each fold refits a copy of the
    recommender's model from scratch; with ``physics_gp`` the constants of the named prior are
    those refitted to every result, held-out ones included (slightly optimistic). Where the
    recommender has just fitted its models on these very results (a propose), those are judged
    and not fitted again.

    Costs ``folds + 1`` fits of each model (see docs/recommender.md for the time it takes).
    """
    from nfpopt.experiments import finished, succeeded

    limits = [c.outcome for c in definition.outcome_constraints]
    names = list(dict.fromkeys([o.outcome for o in definition.objectives] + limits))
    done = finished(experiments).reset_index(drop=True) if len(experiments) else experiments
    if len(done) < MIN_FINISHED:  # nothing to fit: answer without importing the recommender (torch)
        outcomes = {name: Skill(name, "outcome", 0, 0, False, note=TOO_FEW_RESULTS) for name in names}
        feasibility = definition.feasibility
        return outcomes | (
            {feasibility: Skill(feasibility, "feasibility", len(done), 0, False, note=TOO_FEW_RESULTS)}
            if feasibility
            else {}
        )

    from nfpopt.recommend.bayes import RecommenderSettings, fit_models, recommender_fit, successful, torch_threads

    good = successful(definition, experiments)
    values = {n: good[n].astype(float).to_numpy() if n in good else np.full(len(good), np.nan) for n in names}
    labels = succeeded(definition, done)
    judged = [n for n in names if np.isfinite(values[n]).sum() >= MIN_RESULTS]
    feasibility = definition.feasibility if definition.feasibility and _too_few(labels) is None else None
    # The models the recommender has just fitted on these results, if it has (a propose judges
    # the models it proposed with); else fitted here.
    fitted, reason = recommender_fit(definition, experiments, surrogate), None
    with torch_threads(1):
        if fitted is None and (judged or feasibility):
            try:
                settings = RecommenderSettings(surrogate=surrogate, widen_intervals=False)  # skill reads means
                fitted = fit_models(definition, experiments, settings, seed=seed)
            except NfpoptError as exc:
                reason = f"not enough results to model ({exc})"
        skills: dict[str, Skill] = {}
        for name in names:
            if name not in judged or fitted is None:
                n = int(np.isfinite(values[name]).sum())
                note = reason if name in judged else f"not enough results to judge ({n} measured, {MIN_RESULTS} needed)"
                skills[name] = Skill(name, "outcome", n, 0, False, note=note)
                continue
            factory = _copies(fitted.outcomes[name])
            skills[name] = _guarded(
                name,
                "outcome",
                len(good),
                lambda f=factory, o=name: outcome_skill(f, good, values[o], folds=folds, seed=seed, outcome=o),
            )
        if definition.feasibility:
            name = definition.feasibility
            template = fitted.feasibility if fitted is not None and feasibility else None
            if template is None:
                note = _too_few(labels) or reason or TOO_FEW_RESULTS
                skills[name] = Skill(name, "feasibility", len(labels), 0, False, note=note)
            else:
                skills[name] = _guarded(
                    name,
                    "feasibility",
                    len(labels),
                    lambda: feasibility_skill(_copies(template), done, labels, folds=folds, seed=seed, outcome=name),
                )
    return skills


def _copies(template: object) -> Callable[[], Any]:
    """Fresh models like ``template``: a deep copy, which ``fit`` refits from scratch.

    Cheap refits, so that ``propose`` and ``status`` can afford the skill: each copy keeps the
    hyperparameters of the model fitted on every result (a GP's kernel, the classifier's kernel)
    and skips the GP's cross-validated widening of its sd (skill scores the mean). Slightly
    optimistic, as any cross-validation that does not re-tune is.
    """

    def fresh() -> Any:
        model = copy.deepcopy(template)
        for part in (model, getattr(model, "level_template", None), getattr(model, "level_", None)):
            surrogate = getattr(part, "surrogate", None)
            if hasattr(surrogate, "recalibrate"):
                surrogate.recalibrate = False
            if hasattr(surrogate, "fit_hyperparameters") and getattr(surrogate, "model_", None) is not None:
                state = surrogate.model_.state_dict()  # the fold standardises its own targets
                surrogate.warm_start = {k: v for k, v in state.items() if not k.startswith("outcome_transform")}
                surrogate.fit_hyperparameters = False
        classifiers = (model, getattr(model, "delivers_", None))
        for classifier in classifiers:
            if hasattr(classifier, "fixed_theta") and hasattr(classifier, "classifier_"):
                classifier.fixed_theta = classifier.classifier_.theta_
        return model

    return fresh


def _guarded(name: str, kind: Literal["outcome", "feasibility"], n: int, judge: Callable[[], Skill]) -> Skill:
    """``judge()``, or a Skill saying why a fold could not be fitted (bad data, a numerical failure):
    a diagnostic must not stop a proposal."""
    try:
        return judge()
    except (NfpoptError, ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
        return Skill(name, kind, n, 0, False, note=f"could not be cross-validated ({exc})")


def _too_few(labels: np.ndarray) -> str | None:
    """Why the feasibility classifier cannot be judged yet, or None."""
    n, n_ok = len(labels), int(np.sum(labels))
    if n - n_ok < MIN_PER_CLASS:
        return f"not enough failures yet ({n - n_ok} of {n} failed, {MIN_PER_CLASS} needed)"
    if n_ok < MIN_PER_CLASS:
        return f"not enough successes yet ({n_ok} of {n} succeeded, {MIN_PER_CLASS} needed)"
    return None


def _folds(n: int, folds: int, seed: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``folds``-fold splits of ``n`` rows, shuffled by ``seed``; leave-one-out if ``n <= folds``."""
    k = min(folds, n)
    yield from statistics.k_folds(n, k, seed if k < n else None)


def _correlation_p(predicted: np.ndarray, measured: np.ndarray) -> float:
    """One-sided p-value that cross-validated predictions correlate with the measurements by chance."""
    if np.ptp(predicted) == 0 or np.ptp(measured) == 0:
        return 1.0  # a constant prediction carries no ranking at all
    return statistics.pearson_greater(predicted, measured)


def _rows(recipes: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    return recipes.iloc[rows].reset_index(drop=True)
