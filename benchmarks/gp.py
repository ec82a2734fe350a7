"""Gaussian-process strategies: the notebook's GPy baseline rebuilt in BoTorch, and nfpopt's GP.

:class:`GaussianProcessStrategy` mirrors the notebook's GPy model;
:class:`NfpoptGPStrategy` runs nfpopt's own surrogate in the same loop.

The notebook fits ``GPy.models.GPRegression`` with kernel ``Matern52(ARD) + Bias``, zero
mean, Gaussian noise initialised at 0.01, and ``optimize_restarts(num_restarts=10,
optimizer='bfgs', max_iters=100, robust=True)``; predictions include the noise variance
(GPy's ``predict`` default). Here:

* kernel ``ScaleKernel(MaternKernel(nu=2.5, ard_num_dims=d or None)) + ConstantKernel()``,
  ``ZeroMean``, ``GaussianLikelihood`` (noise >= 1e-6, initial 0.01), lengthscales
  (>= 0.01, see :data:`MIN_LENGTHSCALE`),
  output scale and bias variance initialised at 1 like GPy, and no hyperparameter priors
  (type-II maximum likelihood like GPy, unlike BoTorch's default ``SingleTaskGP``);
* BoTorch's ``fit_gpytorch_mll_scipy`` (L-BFGS-B, at most 100 iterations) from these
  initial values.
  By default there are **no** random restarts, to keep a 600-candidate benchmark within
  minutes on a laptop; ``n_restarts=k`` adds ``k`` fits from random initial values (raw
  parameters drawn from N(0, 1), as GPy/paramz ``randomize`` does) and keeps the best
  marginal likelihood. GPy also re-used the previous step's hyperparameters as the start
  of the first fit (the kernel object was shared between steps); this stateless version
  does not;
* predictive std includes the observation noise (``observation_noise=True``), as GPy's.

A fit that raises (e.g. ``NotPSDError``) falls back to the initial hyperparameters with a
warning, instead of ending the run (quirk c).
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import torch
from botorch.acquisition.logei import qLogNoisyExpectedImprovement
from botorch.models import SingleTaskGP
from botorch.optim.fit import fit_gpytorch_mll_scipy
from botorch.sampling.normal import SobolQMCNormalSampler
from gpytorch.constraints import GreaterThan
from gpytorch.kernels import ConstantKernel, MaternKernel, ScaleKernel
from gpytorch.likelihoods import GaussianLikelihood
from gpytorch.means import ZeroMean
from gpytorch.mlls import ExactMarginalLogLikelihood
from linear_operator.utils.errors import NotPSDError

from benchmarks.strategies import Acquisition, SurrogateStrategy, argmax_last
from nfpopt.recommend.top_set import log_p_top_set, top_set_threshold
from nfpopt.surrogates.gp import BoTorchGP

INITIAL_NOISE = 0.01
"""GPy ``noise_var`` used by the notebook."""

MIN_LENGTHSCALE = 0.01
"""Lower bound on lengthscales (standardised inputs). GPy had none; without it, a fit on
few points can drive a lengthscale to ~1e-8, where GPyTorch's distance computation loses
precision and the kernel matrix stops being positive definite."""


def _build_model(X: np.ndarray, y: np.ndarray, ard: bool) -> SingleTaskGP:
    """A zero-mean GP with Matern-5/2 (+ constant) kernel on float64 tensors."""
    train_X = torch.as_tensor(X, dtype=torch.float64)
    train_Y = torch.as_tensor(y, dtype=torch.float64).unsqueeze(-1)
    matern = MaternKernel(
        nu=2.5,
        ard_num_dims=X.shape[1] if ard else None,
        lengthscale_constraint=GreaterThan(MIN_LENGTHSCALE),
    )
    matern.lengthscale = 1.0
    scaled = ScaleKernel(matern)
    scaled.outputscale = 1.0
    bias = ConstantKernel()
    bias.constant = torch.tensor(1.0)
    likelihood = GaussianLikelihood(noise_constraint=GreaterThan(1e-6))
    likelihood.noise = INITIAL_NOISE
    return SingleTaskGP(
        train_X,
        train_Y,
        likelihood=likelihood,
        covar_module=scaled + bias,
        mean_module=ZeroMean(),
        outcome_transform=None,
    ).to(torch.float64)


def _fit(mll: ExactMarginalLogLikelihood, max_iter: int) -> float:
    """Maximise the marginal likelihood in place from the current hyperparameters.

    Calls BoTorch's L-BFGS-B fitter directly, without ``fit_gpytorch_mll``'s retry
    policy: that policy retries from prior samples, and this model has no priors, so a
    line-search warning would end in ``ModelFittingError``. Like GPy, the point where the
    optimiser stops is accepted.

    Returns:
        The marginal log likelihood per data point reached, or ``-inf`` if the fit raised.
    """
    mll.train()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fit_gpytorch_mll_scipy(mll, options={"maxiter": max_iter})
    except (NotPSDError, ValueError, RuntimeError):
        return float("-inf")
    finally:
        mll.eval()
    return -float(result.fval) if np.isfinite(result.fval) else float("-inf")


class GaussianProcessStrategy(SurrogateStrategy):
    """GP-BO with a Matern-5/2 (+ bias) kernel, anisotropic (ARD) or isotropic.

    Args:
        acquisition: the acquisition function.
        ard: one lengthscale per input (True) or one shared lengthscale (False).
        n_restarts: extra fits from random initial hyperparameters (GPy used 9 + 1).
        max_iter: L-BFGS-B iterations per fit (GPy: ``max_iters=100``).
        **flags: ``scale_candidates`` and ``raw_y_best``, see
            :class:`benchmarks.strategies.SurrogateStrategy`.
    """

    def __init__(
        self,
        acquisition: Acquisition,
        ard: bool = True,
        n_restarts: int = 0,
        max_iter: int = 100,
        **flags: bool,
    ) -> None:
        super().__init__(acquisition, **flags)
        self.ard = ard
        self.n_restarts = n_restarts
        self.max_iter = max_iter

    @property
    def surrogate_label(self) -> str:  # type: ignore[override]
        """``gp-ard`` or ``gp-iso``."""
        return "gp-ard" if self.ard else "gp-iso"

    def predict(
        self,
        X_train: np.ndarray,
        y_train: np.ndarray,
        X_test: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fit the GP (with restarts) and return predictive mean and std at ``X_test``."""
        with torch.random.fork_rng():
            torch.manual_seed(int(rng.integers(2**31 - 1)))
            model = _build_model(X_train, y_train, self.ard)
            mll = ExactMarginalLogLikelihood(model.likelihood, model)
            initial_state = {k: v.clone() for k, v in model.state_dict().items()}
            best_value = _fit(mll, self.max_iter)
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
            for _ in range(self.n_restarts):
                _randomise(model)
                value = _fit(mll, self.max_iter)
                if value > best_value:
                    best_value = value
                    best_state = {k: v.clone() for k, v in model.state_dict().items()}
            if not np.isfinite(best_value):
                warnings.warn(
                    "GP fit failed; using the initial hyperparameters for this step",
                    RuntimeWarning,
                    stacklevel=2,
                )
                best_state = initial_state
            model.load_state_dict(best_state)
            model.eval()
            with torch.no_grad():
                test = torch.as_tensor(X_test, dtype=torch.float64)
                posterior = model.posterior(test, observation_noise=True)
                mean = posterior.mean.squeeze(-1).numpy()
                std = posterior.variance.clamp_min(0).sqrt().squeeze(-1).numpy()
        return mean, std


def _randomise(model: SingleTaskGP) -> None:
    """Draw every raw (unconstrained) hyperparameter from N(0, 1), like paramz."""
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.randn_like(parameter))


NfpoptAcquisition = Literal["qlognei", "lcb", "ptop", "mix"]


class NfpoptGPStrategy:
    """nfpopt's own surrogate, :class:`nfpopt.surrogates.gp.BoTorchGP`, in the pool loop.

    As nfpopt's recommender does, inputs are mapped to the unit cube with the bounds of the
    search space (here the pool's per-column minimum and maximum, which are known before
    any experiment) and the outcome is standardised inside the model (``Standardize``);
    the GP is ``SingleTaskGP`` with BoTorch's default priors (Matern-5/2, ARD). The model
    maximises ``-y``. Candidates are scored one at a time (q = 1) by

    * ``qlognei``: ``qLogNoisyExpectedImprovement`` with the observed points as baseline
      and ``mc_samples`` scrambled-Sobol posterior samples (nfpopt's acquisition for one
      objective), or
    * ``lcb``: ``mu + ratio * sigma`` of ``-y`` (the baselines' LCB with ratio ``ratio``), or
    * ``ptop``: P(the candidate is among the pool's best ``top_fraction``), the top set's
      threshold estimated from the measured values and the predicted means of the rest of the
      pool (:mod:`nfpopt.recommend.top_set`): the question Top% asks, where qLogNEI asks
      for one point better than the best so far, or
    * ``mix``: ``ptop`` and ``qlognei`` in turn (``ptop`` where an even number of points has
      been measured), a round-robin portfolio of the two (cf. Hoffman, Brochu & de Freitas 2011,
      GP-Hedge): ``ptop`` settles next to the incumbent where the top set is compact and
      ``qlognei`` looks further afield, and each lost on a pool where the other did not.

    Ties go to the last candidate, like the baselines.
    """

    def __init__(
        self,
        acquisition: NfpoptAcquisition = "qlognei",
        ratio: float = 2.0,
        mc_samples: int = 64,
        top_fraction: float = 0.05,
    ) -> None:
        self.acquisition = acquisition
        self.ratio = ratio
        self.mc_samples = mc_samples
        #: The share of the pool that counts as its top set (Liang et al.: the best 5 %).
        self.top_fraction = top_fraction

    @property
    def name(self) -> str:
        """``nfpopt-gp-qlognei``, ``nfpopt-gp-ptop``, ``nfpopt-gp-mix`` or ``nfpopt-gp-lcb<ratio>``."""
        suffix = f"lcb{self.ratio:g}" if self.acquisition == "lcb" else self.acquisition
        return f"nfpopt-gp-{suffix}"

    def select(
        self,
        X_observed: np.ndarray,
        y_observed: np.ndarray,
        X_candidates: np.ndarray,
        rng: np.random.Generator,
    ) -> int:
        """See :meth:`benchmarks.pool.Strategy.select`."""
        pool = np.vstack([X_observed, X_candidates])
        low, span = pool.min(axis=0), np.ptp(pool, axis=0)
        span = np.where(span > 0, span, 1.0)
        train, test = (X_observed - low) / span, (X_candidates - low) / span
        seed = int(rng.integers(2**31 - 1))
        # Near-duplicate pool points (e.g. mixtures) make GPyTorch add jitter and warn at
        # every step; the benchmark's log would be nothing but those warnings.
        with torch.random.fork_rng(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.manual_seed(seed)
            surrogate = BoTorchGP().fit(train, -y_observed)
            acquisition_now = self.acquisition
            if acquisition_now == "mix":
                acquisition_now = "ptop" if len(y_observed) % 2 == 0 else "qlognei"
            if acquisition_now == "lcb":
                mean, std = surrogate.predict(test)
                return argmax_last(mean + self.ratio * std)
            if acquisition_now == "ptop":
                mean, std = surrogate.predict(test)
                threshold = top_set_threshold(-np.asarray(y_observed, float), mean, self.top_fraction)
                return argmax_last(log_p_top_set(mean, std, threshold))
            acquisition = qLogNoisyExpectedImprovement(
                surrogate.model_,
                X_baseline=torch.as_tensor(train, dtype=torch.float64),
                sampler=SobolQMCNormalSampler(torch.Size([self.mc_samples]), seed=seed),
            )
            with torch.no_grad():
                scores = acquisition(torch.as_tensor(test, dtype=torch.float64).unsqueeze(-2))
        return argmax_last(scores.numpy())
