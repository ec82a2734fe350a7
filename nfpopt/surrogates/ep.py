"""Expectation propagation for a fitted GP classifier's predictive probability.

The Laplace approximation (:mod:`nfpopt.surrogates.laplace`) centres the latent posterior on its
mode, which for a GP classifier lies nearer 0 than the posterior mean, so its probabilities are
too close to 0.5 (Kuss & Rasmussen, JMLR 6, 2005; Nickisch & Rasmussen, JMLR 9, 2008, who found
expectation propagation the closest to the exact posterior of the approximations they compared).
Measured on the family of labs (docs/recommender.md): where the delivery classifier of the 2 C
capacity said 0.79 on average, 93 % of the cells delivered.

Here EP (Rasmussen & Williams 2006, Algorithms 3.5 and 3.6) runs on the kernel whose
hyperparameters the Laplace fit chose, with a probit likelihood Phi(f), so that the moments of
each site's tilted distribution are closed-form. The fit's latent is a logit; Phi(f sqrt(pi/8))
is the usual match of sigmoid(f), so the kernel is scaled by pi/8 for the probit's latent.
Written out rather than taken from a library: none of the installed ones (scikit-learn,
GPyTorch, BoTorch) offers EP for GP classification.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cho_solve, cholesky, solve_triangular
from scipy.special import log_ndtr, ndtr

#: logistic(f) is close to Phi(f sqrt(pi / 8)): the probit latent's variance is pi / 8 the logit's.
PROBIT_MATCH = np.pi / 8.0
_SWEEPS = 50
_TOLERANCE = 1e-6  # largest change of a site precision between two sweeps at which EP stops
_MIN_SITE_PRECISION = 1e-10


class EPPosterior:
    """The EP approximation of ``p(f | y)`` for a kernel matrix ``k`` and labels ``y`` (True/1: class 1).

    ``probability(k_star, k_star_diagonal)`` is the predictive P(class 1) at new inputs from their
    kernel against the training inputs (``m x n``) and their prior variances (``m``).
    """

    def __init__(self, k: np.ndarray, y: np.ndarray) -> None:
        k = np.asarray(k, float)
        signs = np.where(np.asarray(y, bool), 1.0, -1.0)
        n = len(signs)
        nu, tau = np.zeros(n), np.zeros(n)  # site natural parameters
        sigma, mu = k.copy(), np.zeros(n)
        for _ in range(_SWEEPS):
            before = tau.copy()
            for i in range(n):
                cavity_tau = 1.0 / sigma[i, i] - tau[i]
                cavity_nu = mu[i] / sigma[i, i] - nu[i]
                var, mean = 1.0 / cavity_tau, cavity_nu / cavity_tau
                z = signs[i] * mean / np.sqrt(1.0 + var)
                ratio = np.exp(-0.5 * z * z - 0.5 * np.log(2 * np.pi) - log_ndtr(z))  # N(z) / Phi(z), stable
                hat_mean = mean + signs[i] * var * ratio / np.sqrt(1.0 + var)
                hat_var = var - var**2 * ratio * (z + ratio) / (1.0 + var)
                new_tau = max(1.0 / hat_var - cavity_tau, _MIN_SITE_PRECISION)
                change, tau[i] = new_tau - tau[i], new_tau
                nu[i] = hat_mean / hat_var - cavity_nu
                column = sigma[:, i].copy()
                sigma -= np.outer(column, column) / (1.0 / change + sigma[i, i]) if change else 0.0
                mu = sigma @ nu
            # recompute from scratch each sweep, against the rank-one updates' drift (Algorithm 3.5)
            root = np.sqrt(tau)
            self._chol = cholesky(np.eye(n) + root[:, None] * k * root, lower=True)
            v = solve_triangular(self._chol, root[:, None] * k, lower=True)
            sigma = k - v.T @ v
            mu = sigma @ nu
            if np.max(np.abs(tau - before)) < _TOLERANCE:
                break
        #: The approximate posterior's mean and variance of ``f`` at the training inputs.
        self.mean_, self.variance_ = mu, np.diag(sigma).copy()
        self._root = np.sqrt(tau)
        self._weights = nu - self._root * cho_solve((self._chol, True), self._root * (k @ nu))

    def probability(self, k_star: np.ndarray, k_star_diagonal: np.ndarray) -> np.ndarray:
        """P(class 1) at new inputs: Phi(mean / sqrt(1 + variance)) of the latent predictive (Algorithm 3.6)."""
        k_star = np.atleast_2d(np.asarray(k_star, float))
        mean = k_star @ self._weights
        v = solve_triangular(self._chol, self._root[:, None] * k_star.T, lower=True)
        variance = np.maximum(np.asarray(k_star_diagonal, float) - np.einsum("ij,ij->j", v, v), 0.0)
        return ndtr(mean / np.sqrt(1.0 + variance))
