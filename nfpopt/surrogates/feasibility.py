"""Feasibility learned from failures: did the layer sinter (or the experiment otherwise succeed)?

A GP regression on labels (+1 succeeded, -1 failed), the "label regression" form of GP
classification: its latent value is Gaussian, so the probability of success is
``Phi(mu / sd)`` and BoTorch's acquisition functions can take it as an outcome constraint on
posterior samples (latent > 0). Failed recipes stay in this model for good: nothing is
dropped because it failed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from nfpopt.exceptions import InputDataError
from nfpopt.surrogates.encoding import Encoder
from nfpopt.surrogates.gp import BoTorchGP


class FeasibilityModel:
    """Probability that a recipe succeeds, learned from every finished experiment."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    def fit(self, recipes: pd.DataFrame, succeeded: np.ndarray) -> FeasibilityModel:
        labels = np.where(np.asarray(succeeded, bool), 1.0, -1.0)
        if len(labels) < 2:
            raise InputDataError("feasibility: at least two finished experiments are needed")
        self.constant_ = None
        if np.all(labels == labels[0]):
            self.constant_ = float(labels[0])  # one class only: nothing to separate yet
            return self
        self.gp_ = BoTorchGP().fit(self.encoder.transform(recipes), labels)
        return self

    @property
    def model_(self):  # noqa: ANN201 - a BoTorch model, None while only one class was seen
        return None if self.constant_ is not None else self.gp_.model_

    def probability(self, recipes: pd.DataFrame) -> np.ndarray:
        """P(success) for each recipe."""
        if self.constant_ is not None:
            return np.full(len(recipes), 1.0 if self.constant_ > 0 else 0.0)
        mean, sd = self.gp_.predict(self.encoder.transform(recipes))
        return norm.cdf(mean / np.maximum(sd, 1e-9))
