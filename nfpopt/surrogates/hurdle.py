"""Hurdle outcomes: exactly 0 where the process delivers nothing, a level where it does.

A 2 C capacity is 0 over most of the NFP space (the cell's resistance is too high for the cell to
deliver anything at that rate) and 40-70 mAh/g where it does. One GP through both sees a flat floor
of zeros with nothing to climb; a hurdle model splits the two questions (Cragg 1971, "hurdle"
models of zero-inflated data):

* **does it deliver?** a classifier of ``value > 0`` on the experiments where the outcome was
  measured (:class:`~nfpopt.surrogates.feasibility.FeasibilityModel`), distance-aware, so that away
  from the recipes seen to deliver nothing it answers "don't know" rather than "no". Where the
  outcome is one of a **rate series** (capacities declared with ``rate_c``), the classifier learns
  from the neighbouring rates too (1 C and 5 C for 2 C), with log10 of the rate as one more input: a
  cell that still delivers at 1 C but not at 2 C tells it that 2 C is near, which the zeros at 2 C
  alone never could (from the paper's Cell A, every cell nearby delivers nothing at 2 C);
* **how much, where it does?** an :class:`~nfpopt.surrogates.base.OutcomeModel` of the positive
  values only; with fewer than two of them, a broad prior over the declared bounds.

In a rate series the search plans with a third model: a GP of each cell's **rate margin**, the
decades of C-rate between 2 C and the rate where the cell stops delivering, a latent margin that
the zeros censor (:meth:`HurdleModel.p_searching`); what is reported is the classifier's
P(delivers) pooled with P(margin > 0) (:meth:`HurdleModel.p_delivers`).

For the acquisition the two become two Gaussian outputs: the level's posterior and a latent
``u ~ N(probit(P(delivers)), 1)``, ``P(u > 0) = P(delivers)``; the outcome's Monte-Carlo sample is
the level's sample where ``u > 0`` and 0 elsewhere (:func:`hurdle_samples`).
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import torch
from scipy.special import expit, logit
from scipy.stats import norm

from nfpopt.objectives import OutcomeSpec
from nfpopt.surrogates.base import Interval, OutcomeModel, bounded
from nfpopt.surrogates.encoding import Encoder, unseen_rows
from nfpopt.surrogates.feasibility import FeasibilityModel
from nfpopt.surrogates.transforms import OutcomeScale

_P_CLIP = 1e-4
_MIN_LEVEL_POINTS = 2
#: Pseudo-count ``a`` of the Beta(a, a) prior on "the next cell delivers" while none has: after n
#: cells that delivered nothing, P = a / (n + 2a). A U-shaped prior (a < 1/2): a hurdle is declared
#: because at a given rate a recipe space mostly delivers or mostly does not. Measured on the
#: family of labs (`bayes`, 50 campaigns, 255 cells proposed while nothing delivered near 2 C,
#: 2 of which then delivered): Laplace's a = 1 said 12 %, Jeffreys' 1/2 7.9 %, 0.1 says 1.9 %; the
#: likelihood of what happened peaks near a = 0.05. Only what is reported: the search plans with
#: the rate margin, or 0.5 outside a rate series (:meth:`HurdleModel.p_searching`).
_NOTHING_DELIVERED_PSEUDO_COUNT = 0.1
#: The level's linear noise floor, as a share of the declared range: half the 1 % of other
#: linear outcomes. The level only models cells that deliver, whose values lie well inside the
#: declared range (2 C capacities mostly 40-60 of 0-97 mAh/g); with 1 % its held-out errors on
#: the family of labs were 0.73 of its sd and the capacity's intervals covered 96 %. A physics
#: prior's discrepancy keeps the 1 %: at 0.5 % `physics`' capacity intervals covered 77 %, the
#: first batches' overestimates below them (docs/recommender.md).
_LEVEL_NOISE_FLOOR_LINEAR = 0.005


class PriorLevel:
    """The level before two positive values are known: a broad Gaussian over the declared range."""

    def __init__(self, outcome: str, encoder: Encoder, spec: OutcomeSpec, positives: np.ndarray) -> None:
        self.outcome, self.encoder, self.spec, self.prior_mean = outcome, encoder, spec, None
        self.scale_ = OutcomeScale(log=False)
        finite = math.isfinite(spec.lower) and math.isfinite(spec.upper)
        centre = 0.5 * (spec.lower + spec.upper) if finite else 1.0
        self.mean_ = float(positives[0]) if len(positives) else centre
        self.sd_ = 0.25 * (spec.upper - spec.lower) if finite else max(abs(self.mean_), 1.0)

    def predict_scaled(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return np.full(len(recipes), self.mean_), np.full(len(recipes), self.sd_)


class DeliversLatent:
    """``N(probit(P(delivers | x)), 1)``: the latent whose sign decides a hurdle sample."""

    def __init__(self, outcome: str, encoder: Encoder, delivers) -> None:  # noqa: ANN001
        self.outcome, self.encoder, self.delivers = f"{outcome} delivers", encoder, delivers

    def predict_scaled(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        p = np.clip(self.delivers(recipes), _P_CLIP, 1 - _P_CLIP)
        return norm.ppf(p), np.ones(len(recipes))


class HurdleModel:
    """P(value > 0) times the value where positive, in the outcome's units (linear scale).

    ``series``: the outcomes of this outcome's rate series, name -> C-rate (1/h); the classifier of
    "delivers" learns from the next rate below and above ``spec.rate_c`` too.
    """

    def __init__(
        self,
        outcome: str,
        encoder: Encoder,
        level: OutcomeModel,
        spec: OutcomeSpec,
        *,
        seed: int = 0,
        series: dict[str, float] | None = None,
    ) -> None:
        self.outcome, self.encoder, self.level_template, self.spec, self.seed = outcome, encoder, level, spec, seed
        level.noise_floor_linear = _LEVEL_NOISE_FLOOR_LINEAR
        self.prior_mean = None
        rate = spec.rate_c
        others = {n: r for n, r in (series or {}).items() if rate and n != outcome}
        below = max((r for r in others.values() if r < rate), default=None)
        above = min((r for r in others.values() if r > rate), default=None)
        near = {n: r for n, r in others.items() if r in (below, above)}  # the neighbouring rates only
        self.series = {outcome: float(rate), **near} if rate and near else {}
        #: The whole rate series, this outcome included: where each cell stops delivering.
        self.rates = {outcome: float(rate), **others} if rate and others else {}

    def fit(self, recipes: pd.DataFrame, values: np.ndarray) -> HurdleModel:
        values = np.asarray(values, float)
        keep = np.isfinite(values)
        measured, values = recipes.iloc[np.flatnonzero(keep)].reset_index(drop=True), values[keep]
        positive = values > 0
        self.n_train_, self.n_delivering_ = len(values), int(positive.sum())
        if positive.sum() >= _MIN_LEVEL_POINTS:
            self.level_ = self.level_template.fit(measured[positive].reset_index(drop=True), values[positive])
        else:
            self.level_ = PriorLevel(self.outcome, self.encoder, self.spec, values[positive])
        self.scale_ = self.level_.scale_
        rows, delivered = self._delivery_table(recipes, measured, positive)
        self.delivers_ = None
        self.margin_, self._p_margin_seen = self._fit_margin(recipes), {}
        if len(delivered) >= 2:
            margin = self._rate_feature if self.series else None
            # one optimiser start: the stacked table is up to three times the experiments. Read by
            # expectation propagation: the Laplace predictive said 0.79 on average where 93 % of
            # the cells then delivered (family of labs; docs/recommender.md).
            classifier = FeasibilityModel(self.encoder, seed=self.seed, restarts=0, physics=margin, predictive="ep")
            self.delivers_ = classifier.fit(rows, delivered)
        return self

    def _fit_margin(self, recipes: pd.DataFrame) -> OutcomeModel | None:
        """A GP (the level's kind) of each cell's :meth:`rate_margin`; None without a rate series."""
        if len(self.rates) < 2:
            return None
        margin = self.rate_margin(recipes)
        if np.isfinite(margin).sum() < 2:
            return None
        decades = np.log10(np.array(list(self.rates.values())) / self.spec.rate_c)
        lower, upper = float(decades.min()) - 1.0, float(decades.max()) + 1.0  # its noise floor is 1 % of this
        spec = OutcomeSpec(f"{self.outcome} rate margin", lower=lower, upper=upper, scale="linear")
        surrogate = copy.deepcopy(self.level_template.surrogate)
        if hasattr(surrogate, "recalibrate"):
            # Its sd is only read as P(margin > 0): without the held-out widening (five refits)
            # the family of labs measured the same (HV@24 73 %, coverage 94 % / 93 %), faster.
            surrogate.recalibrate = False
        model = OutcomeModel(spec.name, self.encoder, surrogate, spec=spec)
        return model.fit(recipes, margin)

    def rate_margin(self, recipes: pd.DataFrame) -> np.ndarray:
        """Decades of C-rate between this outcome's rate and where each cell stops delivering.

        Where it stops: between the fastest rate it delivered at and the next rate of the
        series (half a decade above the fastest of the series), 10 % of the way plus 80 % times
        the share of the cell's best capacity it still delivered at that rate (a cell that kept
        all of it is nearly at the next rate, one that kept 5 % barely past its own); half a
        decade below the slowest rate for a cell that delivered at none; NaN for a cell without
        rate data. Negative: the cell delivers nothing at this rate, and by how far. A latent
        margin that the zeros censor: cells that all deliver 0 at 2 C differ in it, so it points
        towards delivering.
        """
        names = sorted((n for n in self.rates if n in recipes), key=self.rates.get)
        if not names:
            return np.full(len(recipes), np.nan)
        log_rates = np.log10([self.rates[n] for n in names])
        values = recipes[names].astype(float).to_numpy()
        seen = np.isfinite(values).any(axis=1)
        capacity = np.clip(np.nan_to_num(values, nan=0.0), 0.0, None)
        best = capacity.max(axis=1)
        kept = np.divide(capacity, best[:, None], out=np.zeros_like(capacity), where=best[:, None] > 0)
        # each rate's gap to the next (half a decade above the fastest)
        gaps = np.diff(np.append(log_rates, log_rates[-1] + 0.5))
        stop = np.full(len(recipes), log_rates[0] - 0.5)
        for i in range(len(log_rates)):
            along = 0.1 + 0.8 * kept[:, i]  # never at either rate: it delivered at one, not at the other
            stop = np.where(capacity[:, i] > 0, log_rates[i] + along * gaps[i], stop)
        return np.where(seen, stop - np.log10(self.spec.rate_c), np.nan)

    def _delivery_table(
        self, recipes: pd.DataFrame, measured: pd.DataFrame, positive: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Recipes (with their ``_rate_c``) and whether each delivered: this outcome, then its series."""
        if not self.series:
            return measured, positive
        frames, labels = [measured.assign(_rate_c=self.spec.rate_c)], [positive]
        for name, rate in self.series.items():
            if name == self.outcome or name not in recipes:
                continue
            other = recipes[name].astype(float).to_numpy()
            seen = np.isfinite(other)
            frames.append(recipes.iloc[np.flatnonzero(seen)].assign(_rate_c=rate))
            labels.append(other[seen] > 0)
        return pd.concat(frames, ignore_index=True), np.concatenate(labels)

    def _rate_feature(self, rows: pd.DataFrame) -> np.ndarray:
        """Decades of C-rate above this outcome's (the classifier's extra input), x3 to span its +-3."""
        rates = rows["_rate_c"].to_numpy(float) if "_rate_c" in rows else np.full(len(rows), self.spec.rate_c)
        return 3.0 * np.log10(rates / self.spec.rate_c)

    def p_delivers(self, recipes: pd.DataFrame) -> np.ndarray:
        """P(value > 0) per recipe; 0.5 ("don't know") before two measurements, then never 0 or 1.

        In a rate series with a rate-margin GP, the classifier's P and P(rate margin > 0) pooled
        logarithmically with equal weights, ``logit P = (logit P_classifier + logit P_margin) / 2``
        (a product of the two experts' odds, renormalised). The classifier learns from the zeros
        and the margin from where each cell stops delivering; each is wrong where the other is
        not. Replayed on the stored states of two calibration runs of the family of labs
        (``scripts/delivery_classifier.py``), the pool's Brier score and log loss were 0.102 and
        0.334 against the classifier's 0.108 and 0.374 (778 cells, 8887b8a), 0.065 and 0.228
        against 0.070 and 0.252 (856 cells, bd2438f); the margin alone 0.126 / 0.082.
        """
        p = self.p_classifier(recipes)
        if self.margin_ is None:
            return p
        classifier = np.clip(p, _P_CLIP, 1 - _P_CLIP)
        return expit(0.5 * logit(classifier) + 0.5 * logit(self._p_margin(recipes)))

    def p_classifier(self, recipes: pd.DataFrame) -> np.ndarray:
        """The delivery classifier's P(value > 0) (a Beta prior's mean while only one class is seen)."""
        if self.delivers_ is None:
            return np.full(len(recipes), 0.5)
        if self.delivers_.constant_ is not None:  # one class only
            # A Beta prior's posterior mean either way: the rule of succession, (n + 1) / (n + 2),
            # after n deliveries; a / (n + 2a) after n cells that delivered nothing
            # (:data:`_NOTHING_DELIVERED_PSEUDO_COUNT`). Not 0.5: on the family of labs 95 % of
            # the proposals made at "0.5, don't know" then delivered nothing.
            return np.full(len(recipes), self.delivers_.constant_ or self.p_nothing_delivered_yet())
        if self.series:
            recipes = recipes.assign(_rate_c=self.spec.rate_c)
        return self.delivers_.probability(recipes)

    def p_nothing_delivered_yet(self) -> float:
        """P(the next cell delivers) after ``n_train_`` cells that all delivered nothing."""
        a = _NOTHING_DELIVERED_PSEUDO_COUNT
        return a / (self.n_train_ + 2 * a)

    def nothing_delivered_yet(self) -> bool:
        """True while every cell measured delivered nothing (P(delivers) is then one constant)."""
        return self.delivers_ is not None and self.delivers_.constant_ == 0.0

    def p_searching(self, recipes: pd.DataFrame) -> np.ndarray:
        """The P(delivers) the acquisition plans with.

        In a rate series: P(rate margin > 0) under a GP of each cell's :meth:`rate_margin`, which
        every measured cell informs, whether or not it delivered at this rate. From the paper's
        Cell A every cell nearby delivers nothing at 2 C for many experiments, and the margin
        is then the only thing that says where delivering is nearer: with it `bayes` found a
        cell that delivers at 2 C in 18 of 20 campaigns by 24 experiments, against 15 of 20
        planning with 0.5 (docs/recommender.md). Without a series: :meth:`p_delivers`, except
        while nothing has been delivered yet, when it plans with 0.5, optimism where nothing
        is known (the reported a / (n + 2a) says how likely the next cell is to deliver, not
        where).
        """
        if self.margin_ is not None:
            return self._p_margin(recipes)
        if self.nothing_delivered_yet():
            return np.full(len(recipes), 0.5)
        return self.p_classifier(recipes)

    def _p_margin(self, recipes: pd.DataFrame) -> np.ndarray:
        """P(rate margin > 0) per recipe, each recipe's computed once: the acquisition asks again
        for the same candidates at every step of the greedy batch (a GP prediction each time)."""
        keys, unseen = unseen_rows(self.encoder.transform(recipes), self._p_margin_seen)
        if unseen:
            rows = list(unseen.values())
            mean, sd = self.margin_.predict_scaled(recipes.iloc[rows])
            p = np.clip(norm.cdf(mean / np.maximum(sd, 1e-9)), _P_CLIP, 1 - _P_CLIP)
            self._p_margin_seen.update(zip(unseen, p, strict=True))
        return np.array([self._p_margin_seen[key] for key in keys])

    def latent(self) -> DeliversLatent:
        """The second output of this outcome in the acquisition (see the module docstring)."""
        return DeliversLatent(self.outcome, self.encoder, self.p_searching)

    def predict_scaled(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd of the mixture (0 with 1 - p, the level with p)."""
        p = self.p_delivers(recipes)
        mean, sd = self.level_.predict_scaled(recipes)
        mixture_mean = p * mean
        variance = p * (sd**2 + mean**2) - mixture_mean**2
        return mixture_mean, np.sqrt(np.clip(variance, 0.0, None))

    def predict(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return self.predict_scaled(recipes)

    def predict_interval(self, recipes: pd.DataFrame, level: float = 0.9) -> Interval:
        """The mixture's median and a ``level`` interval: from 0 where "nothing delivered" is likely enough."""
        mean, sd = self.level_.predict_scaled(recipes)
        point, low, high = mixture_interval(self.p_delivers(recipes), mean, sd, level)
        return bounded(Interval(point, low, high, "linear", np.zeros(len(point), bool)), self.spec)


def mixture_interval(
    p: np.ndarray, mean: np.ndarray, sd: np.ndarray, level: float = 0.9
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and ``level`` interval of "0 with probability 1 - p, else normal(mean, sd)".

    Central (equal tails) where the lower tail lies in the level's part. Where it falls on the
    atom at 0 the interval starts at 0, holds the atom, and ends at the mixture's ``level``
    quantile, so that it still holds ``level`` of the probability: the central [q05, q95] would
    hold 95 % there, and did (99 % of 2 C capacities covered on the family of labs).
    """
    p, mean, sd = (np.asarray(a, float) for a in (p, mean, sd))
    tail = (1 - level) / 2

    def quantile(q: float) -> np.ndarray:
        # q of the mixture: 0 while q <= 1 - p, else the level's quantile (q - (1 - p)) / p
        inner = np.clip((q - (1 - p)) / np.maximum(p, 1e-12), 1e-12, 1 - 1e-12)
        return np.where(q <= 1 - p, 0.0, mean + norm.ppf(inner) * sd)

    on_atom = tail <= 1 - p
    low = np.where(on_atom, 0.0, quantile(tail))
    high = np.where(on_atom, quantile(level), quantile(1 - tail))
    return quantile(0.5), low, high


def hurdle_samples(level: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
    """Posterior samples of a hurdle outcome: the level where the latent is positive, else 0."""
    return torch.where(latent > 0, level, torch.zeros_like(level))
