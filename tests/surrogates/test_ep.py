"""Expectation propagation for the GP classifier's predictive (Rasmussen & Williams, Algorithms 3.5-3.6)."""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.stats import norm

from nfpopt.surrogates.ep import PROBIT_MATCH, EPPosterior
from nfpopt.surrogates.laplace import LaplaceGPClassifier, matern52


def test_one_observation_gives_the_exact_posterior_mean_and_variance():
    """With one site EP matches the tilted distribution's moments exactly: its Gaussian has the
    mean and variance of the exact posterior p(f | y) = Phi(f) N(f; 0, k) / Z, by quadrature."""
    k = 2.0
    posterior = EPPosterior(np.array([[k]]), np.array([True]))

    def moment(power: int) -> float:
        return quad(lambda f: f**power * norm.cdf(f) * norm.pdf(f, scale=np.sqrt(k)), -40, 40)[0]

    mean = moment(1) / moment(0)
    variance = moment(2) / moment(0) - mean**2
    assert posterior.mean_[0] == pytest.approx(mean, abs=1e-8)
    assert posterior.variance_[0] == pytest.approx(variance, abs=1e-8)
    # the predictive at the training input itself: Phi(mean / sqrt(1 + variance)) of that Gaussian
    p = posterior.probability(np.array([[k]]), np.array([k]))[0]
    assert p == pytest.approx(norm.cdf(mean / np.sqrt(1 + variance)), abs=1e-8)


def _separable(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, 2))
    return x, x[:, 0] + 0.1 * rng.normal(size=n) > 0.5


def test_ep_is_less_conservative_than_laplace_deep_inside_a_class():
    """Laplace's mode lies nearer 0 than the posterior mean (Kuss & Rasmussen 2005): deep inside
    a well-populated class EP says more clearly which class it is."""
    x, y = _separable(40, 0)
    theta, bounds = np.log([4.0, 0.3, 0.3]), np.log([[0.01, 100.0], [0.01, 10.0], [0.01, 10.0]])
    laplace = LaplaceGPClassifier(theta, bounds).fit(x, y)
    ep = LaplaceGPClassifier(theta, bounds, predictive="ep").fit(x, y)
    inside = np.array([[0.95, 0.5], [0.05, 0.5]])
    assert np.all(ep.theta_ == laplace.theta_)  # the same kernel: only the predictive differs
    p_laplace, p_ep = laplace.probability(inside), ep.probability(inside)
    assert p_ep[0] > p_laplace[0] > 0.5 > p_laplace[1] > p_ep[1]


def test_ep_predictions_are_probabilities_and_reach_the_prior_far_away():
    x, y = _separable(30, 1)
    k = PROBIT_MATCH * matern52(x, x, np.log([4.0, 0.2, 0.2])) + 1e-10 * np.eye(30)
    posterior = EPPosterior(k, y)
    far = np.zeros((1, 30))  # no covariance with any training input: the prior, Phi(0) = 0.5
    assert posterior.probability(far, np.array([PROBIT_MATCH * 4.0]))[0] == pytest.approx(0.5)
    near = PROBIT_MATCH * matern52(np.random.default_rng(2).random((50, 2)), x, np.log([4.0, 0.2, 0.2]))
    p = posterior.probability(near, np.full(50, PROBIT_MATCH * 4.0))
    assert np.all((p > 0) & (p < 1))


def test_an_unknown_predictive_is_refused():
    with pytest.raises(ValueError, match="'laplace' or 'ep'"):
        LaplaceGPClassifier(np.zeros(2), np.zeros((2, 2)), predictive="vi")
