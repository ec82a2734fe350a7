"""A binary Gaussian-process classifier, Laplace approximation, ARD Matern-5/2 kernel.

The feasibility classifier's engine (:mod:`nfpopt.surrogates.feasibility`). The model and the
algorithms are those of Rasmussen & Williams, *Gaussian Processes for Machine Learning* (2006):
a latent GP ``f`` with kernel ``c * Matern52(x, x'; length scales)`` (eq. 4.17), a logistic
likelihood ``P(success | f) = sigmoid(f)``; the posterior mode of ``f`` by Newton's method
(Algorithm 3.1), the approximate log marginal likelihood and its gradient in the log
hyperparameters (Algorithm 5.1) maximised by L-BFGS-B within bounds, and the predictive
probability as the logistic averaged over the latent Gaussian (eq. 3.25), here by the trapezoid
rule on a fine grid (exponentially accurate for this smooth integrand; Gauss-Hermite with 32 or
64 nodes is off by 3e-3 at a latent sd of 10, this rule by < 1e-8; scikit-learn's five-erf
approximation differs from it by < 1e-4 on the NFP campaign).

Why our own and not scikit-learn's ``GaussianProcessClassifier`` (the same model, which this one
replaced, and against which ``tests/surrogates/test_laplace.py`` checks it): importing
scikit-learn costs every ``nfpopt propose`` about 0.35 s of its start-up (it imports
``scipy.stats`` and its own utilities), the classifier itself a tenth of that.

Hyperparameters ``theta`` are ``log([c, length_1, ..., length_d])``, in that order.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cho_solve, cholesky, solve_triangular
from scipy.optimize import minimize

_NEWTON_STEPS = 100
_NEWTON_TOLERANCE = 1e-10  # change of the log marginal likelihood at which Newton stops
#: Standard-normal grid of the predictive average: +-8 sd in steps of 0.1 sd, normalised weights.
_GRID = np.arange(-8.0, 8.05, 0.1)
_GRID_WEIGHTS = np.exp(-0.5 * _GRID**2) / np.exp(-0.5 * _GRID**2).sum()
_SQRT5 = np.sqrt(5.0)


def matern52(a: np.ndarray, b: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``c * (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r)``, ``r`` the length-scaled distance (``n x m``)."""
    r = np.sqrt(_squared_terms(a, b, theta).sum(0))
    return np.exp(theta[0]) * (1.0 + _SQRT5 * r + 5.0 / 3.0 * r**2) * np.exp(-_SQRT5 * r)


def matern52_gradient(x: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``K`` of ``x`` with itself and ``dK / dtheta`` (``(d + 1) x n x n``)."""
    scale = np.exp(theta[0])
    terms = _squared_terms(x, x, theta)  # (x_i - x'_i)^2 / length_i^2
    r = np.sqrt(terms.sum(0))
    decay = np.exp(-_SQRT5 * r)
    k = scale * (1.0 + _SQRT5 * r + 5.0 / 3.0 * r**2) * decay
    # d/d log(length_i) of the Matern-5/2: (5/3) c (1 + sqrt(5) r) exp(-sqrt(5) r) (x_i - x'_i)^2 / length_i^2
    gradient = np.empty((len(theta), len(x), len(x)))
    gradient[0] = k
    np.multiply(5.0 / 3.0 * scale * (1.0 + _SQRT5 * r) * decay, terms, out=gradient[1:])
    return k, gradient


def _squared_terms(a: np.ndarray, b: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``(a_i - b_i)^2 / length_i^2`` per dimension ``i``, ``d x n x m`` (each dimension contiguous)."""
    a, b = a / np.exp(theta[1:]), b / np.exp(theta[1:])
    terms = np.empty((a.shape[1], len(a), len(b)))
    for i in range(a.shape[1]):
        np.subtract.outer(a[:, i], b[:, i], out=terms[i])
    return np.square(terms, out=terms)


def _sigmoid(f: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * f))  # overflow-free logistic


class LaplaceGPClassifier:
    """P(class 1) from binary labels; ``fit(x, y) -> self``, then :meth:`probability`."""

    def __init__(
        self,
        theta: np.ndarray,
        bounds: np.ndarray,
        *,
        optimise: bool = True,
        restarts: int = 0,
        seed: int = 0,
        predictive: str = "laplace",
    ):
        """``theta``: the log hyperparameters to start from (or to keep, ``optimise=False``);
        ``bounds``: their ``(d + 1) x 2`` limits; ``restarts``: further searches from starts drawn
        uniformly within the bounds by ``np.random.RandomState(seed)``. ``predictive``: how
        :meth:`probability` reads the posterior, ``"laplace"`` (around its mode) or ``"ep"``
        (expectation propagation on the kernel the Laplace fit chose, :mod:`nfpopt.surrogates.ep`)."""
        if predictive not in ("laplace", "ep"):
            raise ValueError(f"predictive must be 'laplace' or 'ep', not {predictive!r}")
        self.theta, self.bounds, self.optimise = np.asarray(theta, float), np.asarray(bounds, float), optimise
        self.restarts, self.seed, self.predictive = restarts, seed, predictive
        self._ep = None

    def fit(self, x: np.ndarray, y: np.ndarray) -> LaplaceGPClassifier:
        """Fit on ``x`` (``n x d``) and labels ``y`` (True/1: class 1)."""
        self.x_, self.y_ = np.asarray(x, float), np.asarray(y, bool).astype(float)
        theta = self.theta
        if self.optimise:
            rng = np.random.RandomState(self.seed)
            starts = [theta] + [rng.uniform(self.bounds[:, 0], self.bounds[:, 1]) for _ in range(self.restarts)]
            fits = [self._maximise(start) for start in starts]
            theta = min(fits, key=lambda fit: fit[1])[0]
        self.theta_ = theta
        self._posterior = self._mode(matern52(self.x_, self.x_, theta))
        self._ep = None
        return self

    def _maximise(self, start: np.ndarray) -> tuple[np.ndarray, float]:
        """``(theta, -log marginal likelihood)`` at the optimum reached from ``start``."""

        def negative(theta: np.ndarray) -> tuple[float, np.ndarray]:
            value, gradient = self.log_marginal_likelihood(theta)
            return -value, -gradient

        result = minimize(negative, start, method="L-BFGS-B", jac=True, bounds=self.bounds)
        return result.x, float(result.fun)

    def log_marginal_likelihood(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """The Laplace approximation of ``log p(y | theta)`` and its gradient (R&W Algorithm 5.1)."""
        k, dk = matern52_gradient(self.x_, theta)
        value, pi, sqrt_w, chol, a = self._mode(k)
        r = sqrt_w[:, None] * cho_solve((chol, True), np.diag(sqrt_w))
        c = solve_triangular(chol, sqrt_w[:, None] * k, lower=True)
        s2 = -0.5 * (np.diag(k) - np.einsum("ij,ij->j", c, c)) * (pi * (1 - pi) * (1 - 2 * pi))
        flat = dk.reshape(len(theta), -1)  # every dK/dtheta_j at once, as matrix products
        s1 = 0.5 * flat @ np.outer(a, a).ravel() - 0.5 * flat @ r.T.ravel()
        b = dk @ (self.y_ - pi)  # (d + 1) x n
        s3 = b - (k @ (r @ b.T)).T
        return value, s1 + s3 @ s2

    def _mode(self, k: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Newton's method for the posterior mode of ``f`` (R&W Algorithm 3.1), from ``f = 0``;
        returns the log marginal likelihood there, ``pi``, ``sqrt(W)``, ``chol(B)``, ``a``.

        Always from 0, not from the mode at the last hyperparameters: Newton without a line search
        stops at its first step that does not improve, which from a far mode came early enough
        to make the likelihood noisy (86 L-BFGS-B evaluations instead of 12 at 200 results)."""
        f, value = np.zeros(len(self.y_)), -np.inf
        for _ in range(_NEWTON_STEPS):
            pi = _sigmoid(f)
            w = pi * (1 - pi)
            sqrt_w = np.sqrt(w)
            chol = cholesky(np.eye(len(f)) + sqrt_w[:, None] * k * sqrt_w, lower=True)
            b = w * f + (self.y_ - pi)
            a = b - sqrt_w * cho_solve((chol, True), sqrt_w * (k @ b))
            f = k @ a
            previous = value
            likelihood = -np.logaddexp(0.0, -(2 * self.y_ - 1) * f).sum()
            value = -0.5 * a @ f + likelihood - np.log(np.diag(chol)).sum()
            if value - previous < _NEWTON_TOLERANCE:
                break
        return float(value), pi, sqrt_w, chol, a

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(class 1) at ``x`` (``m x d``): the logistic averaged over the latent predictive Gaussian
        (or the EP predictive, ``predictive="ep"``)."""
        if self.predictive == "ep":
            return self._ep_probability(np.asarray(x, float))
        _, pi, sqrt_w, chol, _ = self._posterior
        cross = matern52(np.asarray(x, float), self.x_, self.theta_)
        mean = cross @ (self.y_ - pi)
        v = solve_triangular(chol, sqrt_w[:, None] * cross.T, lower=True)
        variance = np.maximum(np.exp(self.theta_[0]) - np.einsum("ij,ij->j", v, v), 0.0)
        latent = mean[:, None] + np.sqrt(variance)[:, None] * _GRID
        return _sigmoid(latent) @ _GRID_WEIGHTS

    def _ep_probability(self, x: np.ndarray) -> np.ndarray:
        from nfpopt.surrogates.ep import PROBIT_MATCH, EPPosterior

        if self._ep is None:  # once per fit: O(n^3) per sweep
            k = PROBIT_MATCH * matern52(self.x_, self.x_, self.theta_)
            self._ep = EPPosterior(k + 1e-10 * np.eye(len(k)), self.y_ > 0.5)
        k_star = PROBIT_MATCH * matern52(x, self.x_, self.theta_)
        return self._ep.probability(k_star, np.full(len(x), PROBIT_MATCH * np.exp(self.theta_[0])))
