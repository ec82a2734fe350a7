"""A BoTorch Gaussian process for one outcome (inputs in the unit cube, outcome standardised).

Three guards keep a few results from collapsing the posterior (measured with
``python -m benchmarks calibration``; see docs/recommender.md):

* a **noise floor**: the fitted noise sd never drops below the measurement noise the outcome's
  scale implies (``noise_floor``, in model-scale units; the likelihood's lower bound);
* an **amplitude floor**: a fixed, short-range kernel term of sd ``amplitude_floor`` (RBF,
  lengthscale ``_FLOOR_LENGTHSCALE`` of the unit cube, not fitted) is added to the fitted kernel.
  Near the results the data condition it away; far from them it remains, so five recipes alike
  near one known cell do not make the model sure of the whole space. A lower bound on the fitted
  amplitude did that too, but made the fit choose long lengthscales (a large, nearly constant
  function), which were overconfident in their turn;
* **cross-validated widening**: after the fit each training point is predicted by a model that did
  not see it; if those predictions miss by more than their sd says, every sd is widened by that
  factor (``inflation_``, never below 1): the median ``|z|`` over its Gaussian value 0.674, robust to
  one barely-sintered layer at 30 kohm or one unstable fold. Up to ``_REFIT_UP_TO`` points the
  held-out models are refitted (5 folds, fitted together as one batched model): with few points
  the hyperparameters themselves overfit, and a leave-one-out that keeps them (closed form,
  Rasmussen & Williams 2006, eq. 5.12) reads 1.05 where refitted folds read 2.8 (lab 1 of the
  benchmark family, 5 results). Beyond that the closed form, which costs nothing.
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np
import torch
from botorch.exceptions.warnings import InputDataWarning
from botorch.fit import fit_gpytorch_mll
from botorch.models import SingleTaskGP
from botorch.models.transforms.outcome import Standardize
from botorch.models.utils.gpytorch_modules import get_covar_module_with_dim_scaled_prior
from gpytorch.constraints import GreaterThan
from gpytorch.kernels import RBFKernel, ScaleKernel
from gpytorch.likelihoods import GaussianLikelihood
from gpytorch.means import ZeroMean
from gpytorch.mlls import ExactMarginalLogLikelihood
from gpytorch.priors import LogNormalPrior

DTYPE = torch.float64
_MIN_NOISE_VARIANCE = 1e-4  # BoTorch's own floor, in standardised units
_MAX_INFLATION = 10.0
_REFIT_UP_TO = 20
_FLOOR_LENGTHSCALE = 0.25
_FOLDS = 5
_Z50 = 0.6745
#: L-BFGS iterations of a marginal-likelihood fit at most (scipy's default is 15,000). BoTorch's
#: fit then spends most of its time in a slow tail: 21 results (log resistance, 9 inputs) took
#: 1.33 s to convergence and 0.56 s capped at 100, the marginal likelihood 0.0009 nats a
#: result lower (0.17 s and 0.008 at 50). At 50 (since 100), one propose's cold fits after 50 and 200
#: random recipes took 56-70 % of the function evaluations, each fit's marginal likelihood equal
#: to 0.0001 nats a result (0.002 for one fit at 200).
_MAX_FIT_ITERATIONS = 50


class BoTorchGP:
    """``SingleTaskGP`` (RBF, ARD, BoTorch's dimension-scaled lengthscale prior), one outcome.

    Categorical parameters arrive one-hot encoded and share the continuous kernel: on the NFP
    problem this was an order of magnitude cheaper than ``MixedSingleTaskGP`` (see
    ``../shared/PERFORMANCE.md``). ``fit`` keeps the fitted model in ``model_`` and the
    leave-one-out widening of its sd in ``inflation_``.
    """

    name = "gp"

    def __init__(
        self,
        warm_start: dict[str, torch.Tensor] | None = None,
        *,
        zero_mean: bool = False,
        noise_floor: float = 0.0,
        amplitude_floor: float = 0.0,
        recalibrate: bool = True,
        fit_hyperparameters: bool = True,
    ) -> None:
        self.warm_start = warm_start
        #: A zero prior mean and no standardisation: far from the data the GP returns to 0
        #: (the feasibility model's "don't know", P = 0.5) instead of to the data's average.
        self.zero_mean = zero_mean
        self.noise_floor, self.amplitude_floor, self.recalibrate = noise_floor, amplitude_floor, recalibrate
        #: False: keep the hyperparameters of ``warm_start`` (a cheap refit on other data, as the
        #: cross-validated model skill does) instead of maximising the marginal likelihood.
        self.fit_hyperparameters = fit_hyperparameters

    def set_floors(self, noise_floor: float, amplitude_floor: float) -> None:
        """Noise and prior-amplitude floors (sd, in the model-scale units of the target)."""
        self.noise_floor, self.amplitude_floor = noise_floor, amplitude_floor

    def fit(self, X: np.ndarray, y: np.ndarray) -> BoTorchGP:
        train_x = torch.as_tensor(np.array(X, float), dtype=DTYPE)
        y = np.asarray(y, float)
        train_y = torch.as_tensor(y.reshape(-1, 1), dtype=DTYPE)
        spread = _spread(y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputDataWarning)
            if self.zero_mean:
                model = SingleTaskGP(train_x, train_y, mean_module=ZeroMean(), outcome_transform=None)
            else:
                model = self._model(train_x, train_y, np.array(spread), spread)
        if self.warm_start is not None:
            # shapes changed (new parameters): fit from the defaults
            with contextlib.suppress(RuntimeError):
                model.load_state_dict(self.warm_start, strict=False)
        if self.fit_hyperparameters or self.warm_start is None:
            _maximise_likelihood(model)
        model.eval()
        self.model_ = model
        self.inflation_ = 1.0
        if self.recalibrate and not self.zero_mean:
            z = self._refit_z(X, y) if len(y) <= _REFIT_UP_TO else _loo_z(model)
            self.inflation_ = _inflation(z)
        return self

    def _refit_z(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Standardised errors of 5-fold held-out predictions (one per result, in their order), each
        fold's model refitted.

        The folds whose training sets are the same size are fitted as one batched model, each
        fold with its own hyperparameters (BoTorch's independent batched L-BFGS): one optimiser
        run instead of five, the same fits (hyperparameters within 1-3 %; at 16 results, five
        folds took 0.5 s batched against 2.0-3.0 s one by one). Each fold's outcome is
        standardised on its own, as in :meth:`fit`; the noise floor of every fold is the one of
        all the results (BoTorch's batched fit takes one bound per parameter for every fold).
        """
        if len(y) < 4:
            return np.array([])
        X, y = np.array(X, float), np.asarray(y, float)
        folds = np.arange(len(y)) % _FOLDS
        held_out = [folds == fold for fold in range(min(_FOLDS, len(y)))]
        z = np.full(len(y), np.nan)  # in the results' order
        for size in sorted({int((~held).sum()) for held in held_out}):
            group = [held for held in held_out if (~held).sum() == size]
            train_x = torch.as_tensor(np.stack([X[~held] for held in group]), dtype=DTYPE)
            train_y = torch.as_tensor(np.stack([y[~held] for held in group])[..., None], dtype=DTYPE)
            spreads = np.array([_spread(y[~held]) for held in group])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InputDataWarning)
                model = self._model(train_x, train_y, spreads, _spread(y))
            _maximise_likelihood(model)
            model.eval()
            mean, sd = _mean_sd(model, np.stack([X[held] for held in group]))
            for i, held in enumerate(group):
                z[held] = (y[held] - mean[i]) / sd[i]
        return z

    def _model(
        self, train_x: torch.Tensor, train_y: torch.Tensor, spreads: np.ndarray, noise_spread: float
    ) -> SingleTaskGP:
        """The GP (unfitted) of ``train_x`` (``[folds x] n x d``) and ``train_y`` (``[folds x] n x 1``).

        ``spreads``: the sd of each fold's outcome (a scalar for one model), which scales the
        amplitude floor into that fold's standardised units; ``noise_spread``: the sd that scales
        the noise floor (one for every fold).
        """
        batch = train_x.shape[:-2]
        return SingleTaskGP(
            train_x,
            train_y,
            covar_module=self._kernel(train_x.shape[-1], spreads, batch),
            likelihood=self._likelihood(noise_spread, batch),
            outcome_transform=Standardize(m=1, batch_shape=batch),
        )

    def _kernel(self, dims: int, spreads: np.ndarray, batch: torch.Size):  # noqa: ANN202 - a gpytorch kernel
        """BoTorch's default kernel, plus a fixed short-range term of the amplitude floor.

        The floor term (standardised units, RBF of lengthscale ``_FLOOR_LENGTHSCALE`` in the unit
        cube, not fitted) is variance the data rule out only where they are: near the results it
        is conditioned away, far from them it remains. Unlike a lower bound on the fitted
        amplitude it leaves the fitted kernel's lengthscales alone.
        """
        base = get_covar_module_with_dim_scaled_prior(ard_num_dims=dims, batch_shape=batch)
        if self.amplitude_floor <= 0:
            return base
        floor = torch.as_tensor((self.amplitude_floor / spreads) ** 2, dtype=DTYPE).reshape(batch)
        short = RBFKernel(ard_num_dims=dims, batch_shape=batch)
        short.lengthscale = torch.full((*batch, 1, dims), _FLOOR_LENGTHSCALE, dtype=DTYPE)
        short.raw_lengthscale.requires_grad_(False)
        fixed = ScaleKernel(short, batch_shape=batch)
        fixed.outputscale = floor
        fixed.raw_outputscale.requires_grad_(False)
        return base + fixed

    def _likelihood(self, spread: float, batch: torch.Size) -> GaussianLikelihood:
        floor = max((self.noise_floor / spread) ** 2, _MIN_NOISE_VARIANCE)
        return GaussianLikelihood(
            noise_prior=LogNormalPrior(loc=-4.0, scale=1.0),
            noise_constraint=GreaterThan(floor, transform=None, initial_value=max(2 * floor, math.exp(-4.0))),
            batch_shape=batch,
        )

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of the outcome (with observation noise)."""
        mean, sd = _mean_sd(self.model_, X)
        return mean, sd * self.inflation_


def _mean_sd(model: SingleTaskGP, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A fitted model's posterior mean and sd at ``X`` (``[folds x] m x d``), observation noise included."""
    with torch.no_grad():
        posterior = model.posterior(torch.as_tensor(X, dtype=DTYPE), observation_noise=True)
        mean = posterior.mean.squeeze(-1).numpy()
        sd = posterior.variance.clamp_min(1e-18).sqrt().squeeze(-1).numpy()
    return mean, sd


def _spread(y: np.ndarray) -> float:
    """The outcome's sd (1 for one value or a constant one, as BoTorch's ``Standardize`` does)."""
    spread = float(np.std(y, ddof=1)) if len(y) > 1 else 1.0
    return spread if spread >= 1e-8 else 1.0


def _maximise_likelihood(model: SingleTaskGP) -> None:
    """Fit the hyperparameters (MAP), at most ``_MAX_FIT_ITERATIONS`` L-BFGS iterations; a batched
    model's members each on their own (BoTorch's independent batched L-BFGS)."""
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_gpytorch_mll(mll, optimizer_kwargs={"options": {"maxiter": _MAX_FIT_ITERATIONS}})


def _inflation(z: np.ndarray) -> float:
    """The widening that makes held-out errors ``z`` (in sd units) look Gaussian; 1 at least."""
    z = np.abs(z[np.isfinite(z)])
    if len(z) < 3:
        return 1.0
    return float(np.clip(np.median(z) / _Z50, 1.0, _MAX_INFLATION))


def _loo_z(model: SingleTaskGP) -> np.ndarray:
    """Closed-form leave-one-out errors over their sd, hyperparameters kept (R&W eq. 5.12)."""
    x = model.train_inputs[0]
    y = model.train_targets
    with torch.no_grad():
        x_in = model.input_transform(x) if getattr(model, "input_transform", None) is not None else x
        covariance = model.covar_module(x_in).to_dense()
        covariance = covariance + model.likelihood.noise.reshape(-1)[0] * torch.eye(len(y), dtype=y.dtype)
        residual = y - model.mean_module(x_in)
        precision = torch.cholesky_inverse(torch.linalg.cholesky(covariance))
        z = (precision @ residual) / precision.diagonal().sqrt()
    return z.numpy()
