"""nfpopt's Laplace GP classifier against scikit-learn's GaussianProcessClassifier, which it
replaced: the same hyperparameters, marginal likelihood and probabilities on the NFP campaign."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.gaussian_process import GaussianProcessClassifier
from sklearn.gaussian_process.kernels import ConstantKernel, Matern

from nfpopt.definition import load_definition
from nfpopt.emulator import emulate
from nfpopt.surrogates import Encoder
from nfpopt.surrogates.laplace import LaplaceGPClassifier, matern52, matern52_gradient

DEFINITION = load_definition(Path(__file__).resolve().parents[2] / "campaigns" / "nfp_rate.toml")


def _features(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    recipes = DEFINITION.space.sample(n, seed=seed, method="random")
    sintered = emulate(recipes, noise=0.03, seed=seed)["sintered"].astype(bool).to_numpy()
    return Encoder(DEFINITION.space).transform(recipes), sintered


def _kernel(dims: int) -> ConstantKernel:
    return ConstantKernel(1.0, (1e-2, 1e2)) * Matern(np.full(dims, 0.5), (5e-2, 1e1), nu=2.5)


def test_the_kernel_and_its_gradient_are_scikit_learns() -> None:
    x, _ = _features(12, seed=0)
    kernel = _kernel(x.shape[1]).clone_with_theta(np.linspace(-1.0, 1.0, x.shape[1] + 1))
    expected, expected_gradient = kernel(x, eval_gradient=True)
    k, gradient = matern52_gradient(x, kernel.theta)
    np.testing.assert_allclose(k, expected, rtol=1e-10)
    np.testing.assert_allclose(np.moveaxis(gradient, 0, -1), expected_gradient, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(matern52(x[:5], x, kernel.theta), expected[:5], rtol=1e-10)


@pytest.mark.parametrize(("n", "restarts"), [(20, 0), (40, 2)])
def test_fit_and_probabilities_are_scikit_learns(n: int, restarts: int) -> None:
    x, y = _features(n, seed=n)
    test, _ = _features(300, seed=99)
    kernel = _kernel(x.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = GaussianProcessClassifier(kernel, n_restarts_optimizer=restarts, random_state=0).fit(x, y)
    ours = LaplaceGPClassifier(kernel.theta, kernel.bounds, restarts=restarts, seed=0).fit(x, y)
    np.testing.assert_allclose(ours.theta_, theirs.kernel_.theta, atol=1e-3)
    value, _ = ours.log_marginal_likelihood(theirs.kernel_.theta)
    assert value == pytest.approx(theirs.log_marginal_likelihood(theirs.kernel_.theta), rel=1e-8)
    # scikit-learn averages the logistic by a five-erf approximation, we by quadrature
    np.testing.assert_allclose(ours.probability(test), theirs.predict_proba(test)[:, 1], atol=5e-4)
