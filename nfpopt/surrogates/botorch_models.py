"""BoTorch views of fitted outcome models, for the acquisition functions.

A plain GP outcome is its ``SingleTaskGP``. A physics-informed outcome adds its named prior's
prediction to the GP's posterior mean, and a GP whose leave-one-out check widened its sd has its
covariance widened alike (:class:`PriorMeanModel`); the prior is computed in numpy on decoded
recipes, so it has no gradient: the recommender optimises over a discrete, constraint-satisfying
candidate set, where none is needed. A hurdle outcome's level is viewed the same way.
"""

from __future__ import annotations

import numpy as np
import torch
from botorch.models.model import Model
from botorch.posteriors.gpytorch import GPyTorchPosterior
from gpytorch.distributions import MultivariateNormal
from linear_operator.operators import DiagLinearOperator

from nfpopt.surrogates.base import OutcomeModel
from nfpopt.surrogates.gp import DTYPE


class PriorMeanModel(Model):
    """Posterior of ``prior(x) + GP(x)`` for a GP fitted to ``y - prior``, covariance times ``inflation^2``."""

    def __init__(self, outcome_model: OutcomeModel) -> None:
        super().__init__()
        self.outcome_model = outcome_model
        self.gp = outcome_model.surrogate.model_  # type: ignore[attr-defined]
        self.inflation = float(getattr(outcome_model.surrogate, "inflation_", 1.0))

    @property
    def num_outputs(self) -> int:
        return 1

    @property
    def batch_shape(self) -> torch.Size:
        return self.gp.batch_shape

    def _prior(self, X: torch.Tensor) -> torch.Tensor:
        if self.outcome_model.prior_mean is None:
            return torch.zeros(X.shape[:-1], dtype=DTYPE)
        flat = X.detach().reshape(-1, X.shape[-1]).cpu().numpy()
        recipes = self.outcome_model.encoder.inverse_transform(flat)
        prior = self.outcome_model._prior(recipes)  # noqa: SLF001 - same package
        return torch.as_tensor(prior, dtype=DTYPE).reshape(X.shape[:-1])

    def posterior(self, X, output_indices=None, observation_noise=False, posterior_transform=None, **kwargs):  # noqa: ANN001, ANN201
        base = self.gp.posterior(X, observation_noise=observation_noise)
        mvn = base.distribution
        covariance = mvn.lazy_covariance_matrix
        if self.inflation != 1.0:
            covariance = covariance * self.inflation**2
        shifted = MultivariateNormal(mvn.mean + self._prior(X), covariance)
        posterior = GPyTorchPosterior(shifted)
        return posterior_transform(posterior) if posterior_transform is not None else posterior


class IndependentPredictionModel(Model):
    """Any fitted surrogate as a BoTorch model: independent Gaussians ``N(mean(x), sd(x)^2)``.

    For the scikit-learn surrogates (tree ensembles, sklearn's GP), whose predictions carry no
    covariance between the recipes of a batch; the joint batch still accounts for pending
    recipes through the acquisition's baseline. No gradient, as for :class:`PriorMeanModel`.
    """

    def __init__(self, outcome_model: OutcomeModel) -> None:
        super().__init__()
        self.outcome_model = outcome_model

    @property
    def num_outputs(self) -> int:
        return 1

    @property
    def batch_shape(self) -> torch.Size:
        return torch.Size([])

    def posterior(self, X, output_indices=None, observation_noise=False, posterior_transform=None, **kwargs):  # noqa: ANN001, ANN201
        flat = X.detach().reshape(-1, X.shape[-1]).cpu().numpy()
        recipes = self.outcome_model.encoder.inverse_transform(flat)
        mean, sd = self.outcome_model.predict_scaled(recipes)
        mean_t = torch.as_tensor(mean, dtype=DTYPE).reshape(X.shape[:-1])
        var_t = torch.as_tensor(np.square(sd), dtype=DTYPE).reshape(X.shape[:-1]).clamp_min(1e-12)
        mvn = MultivariateNormal(mean_t, DiagLinearOperator(var_t))
        posterior = GPyTorchPosterior(mvn)
        return posterior_transform(posterior) if posterior_transform is not None else posterior


def botorch_model(outcome_model) -> Model:  # noqa: ANN001 - an OutcomeModel, HurdleModel level, PriorLevel, ...
    """The BoTorch model of a fitted outcome model (with its prior mean and widening, if any).

    Anything with ``encoder`` and ``predict_scaled`` and no GP inside becomes independent
    Gaussians (:class:`IndependentPredictionModel`).
    """
    from nfpopt.surrogates.hurdle import HurdleModel

    if isinstance(outcome_model, HurdleModel):
        return botorch_model(outcome_model.level_)
    gp = getattr(getattr(outcome_model, "surrogate", None), "model_", None)
    if not isinstance(gp, Model):
        return IndependentPredictionModel(outcome_model)
    if outcome_model.prior_mean is not None or getattr(outcome_model.surrogate, "inflation_", 1.0) != 1.0:
        return PriorMeanModel(outcome_model)
    return gp
