"""The greedy batch: a least distance between a batch's recipes, and what it keeps."""

from __future__ import annotations

import pandas as pd
import pytest
import torch
from botorch.acquisition.acquisition import AcquisitionFunction

from nfpopt.definition import CampaignDefinition
from nfpopt.recommend.bayes import RecommenderSettings, propose_bayesian
from nfpopt.recommend.greedy import select_batch
from nfpopt.surrogates.encoding import Encoder
from tests.recommend.conftest import FAST


class _PeakAt(AcquisitionFunction):
    """A batch acquisition that ignores the pending recipes: each recipe scores by its closeness
    to one point, the worst case for a batch, whose every pick then crowds that point."""

    def __init__(self, peak: torch.Tensor) -> None:
        super().__init__(model=None)
        self.peak = peak
        self.X_pending = None

    def set_X_pending(self, X_pending: torch.Tensor | None = None) -> None:  # noqa: N803 - BoTorch's name
        self.X_pending = X_pending

    def forward(self, X: torch.Tensor) -> torch.Tensor:  # noqa: N803
        return -torch.linalg.vector_norm(X - self.peak, dim=-1).min(dim=-1).values


def _grid(n: int = 21) -> torch.Tensor:
    """Recipes on an n x n grid of the unit square."""
    axis = torch.linspace(0, 1, n, dtype=torch.float64)
    return torch.cartesian_prod(axis, axis)


def _pairwise_min(points: torch.Tensor) -> float:
    distance = torch.cdist(points, points)
    return float(distance[~torch.eye(len(points), dtype=torch.bool)].min())


def test_without_spacing_a_batch_crowds_the_acquisitions_peak():
    choices = _grid()
    rows = select_batch(_PeakAt(torch.tensor([0.5, 0.5], dtype=torch.float64)), choices, 4)
    assert _pairwise_min(choices[rows]) < 0.1


def test_a_batchs_recipes_keep_the_least_distance_asked():
    choices = _grid()
    rows = select_batch(_PeakAt(torch.tensor([0.5, 0.5], dtype=torch.float64)), choices, 4, min_spacing=0.3)
    assert len(set(rows)) == 4
    assert _pairwise_min(choices[rows]) >= 0.3
    assert rows[0] == int(torch.argmin(torch.linalg.vector_norm(choices - 0.5, dim=-1)))  # the best still leads


def test_a_spacing_too_wide_for_the_candidates_still_fills_the_batch():
    choices = _grid(3)  # 9 recipes at most 1.41 apart
    rows = select_batch(_PeakAt(torch.tensor([0.5, 0.5], dtype=torch.float64)), choices, 4, min_spacing=5.0)
    assert len(set(rows)) == 4


def test_a_negative_spacing_is_refused():
    with pytest.raises(ValueError, match="min_spacing"):
        select_batch(_PeakAt(torch.zeros(2, dtype=torch.float64)), _grid(), 2, min_spacing=-0.1)


def test_bayes_spaces_its_batch_and_physics_does_not_by_default():
    assert RecommenderSettings(surrogate="gp").spacing() == pytest.approx(0.4)
    assert RecommenderSettings(surrogate="physics_gp").spacing() == 0.0
    assert RecommenderSettings(surrogate="gp", min_spacing=0.0).spacing() == 0.0


def test_a_bayes_batch_has_no_near_copies(nfp: CampaignDefinition, nfp_history: pd.DataFrame):
    batch = propose_bayesian(nfp, nfp_history, 4, FAST)
    encoded = torch.as_tensor(Encoder(nfp.space).transform(batch), dtype=torch.float64)
    assert _pairwise_min(encoded) >= 0.4
