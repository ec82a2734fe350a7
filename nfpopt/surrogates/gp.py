"""A BoTorch Gaussian process for one outcome (inputs in the unit cube, outcome standardised)."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import torch
from botorch.exceptions.warnings import InputDataWarning
from botorch.fit import fit_gpytorch_mll
from botorch.models import SingleTaskGP
from botorch.models.transforms.outcome import Standardize
from gpytorch.means import ZeroMean
from gpytorch.mlls import ExactMarginalLogLikelihood

DTYPE = torch.float64


class BoTorchGP:
    """``SingleTaskGP`` with BoTorch's default priors (Matern-5/2, ARD), one outcome.

    Categorical parameters arrive one-hot encoded and share the continuous kernel: on the NFP
    problem this was an order of magnitude cheaper than ``MixedSingleTaskGP`` (see
    ``../shared/PERFORMANCE.md``). ``fit`` keeps the fitted model in ``model_``.
    """

    name = "gp"

    def __init__(self, warm_start: dict[str, torch.Tensor] | None = None, *, zero_mean: bool = False) -> None:
        self.warm_start = warm_start
        #: A zero prior mean and no standardisation: far from the data the GP returns to 0
        #: (the feasibility model's "don't know", P = 0.5) instead of to the data's average.
        self.zero_mean = zero_mean

    def fit(self, X: np.ndarray, y: np.ndarray) -> BoTorchGP:
        train_x = torch.as_tensor(X, dtype=DTYPE)
        train_y = torch.as_tensor(np.asarray(y, float).reshape(-1, 1), dtype=DTYPE)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputDataWarning)
            if self.zero_mean:
                model = SingleTaskGP(train_x, train_y, mean_module=ZeroMean(), outcome_transform=None)
            else:
                model = SingleTaskGP(train_x, train_y, outcome_transform=Standardize(m=1))
        if self.warm_start is not None:
            # shapes changed (new parameters): fit from the defaults
            with contextlib.suppress(RuntimeError):
                model.load_state_dict(self.warm_start, strict=False)
        mll = ExactMarginalLogLikelihood(model.likelihood, model)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit_gpytorch_mll(mll)
        model.eval()
        self.model_ = model
        return self

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of the outcome (with observation noise)."""
        with torch.no_grad():
            posterior = self.model_.posterior(torch.as_tensor(X, dtype=DTYPE), observation_noise=True)
            mean = posterior.mean.squeeze(-1).numpy()
            sd = posterior.variance.clamp_min(1e-18).sqrt().squeeze(-1).numpy()
        return mean, sd
