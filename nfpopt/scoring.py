"""How good is a set of recipes? The hypervolume they dominate, scored on the objectives.

Used to compare strategies (benchmarks, the recommender's slow tests): each strategy's
recipes are scored with the emulator's noise-free truth, so measurement noise cannot flatter a
strategy that happened to get lucky readings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from botorch.utils.multi_objective.hypervolume import Hypervolume

from nfpopt.objectives import Objective, utility_matrix


def hypervolume(table: pd.DataFrame, objectives: Sequence[Objective], reference: Sequence[float]) -> float:
    """Hypervolume dominated by the rows of ``table`` above the ``reference`` point.

    ``reference`` is given in the outcomes' own units (e.g. ``[1000.0, 0.0]`` for 1000 ohm and
    0 mAh/g); rows with a missing objective value (a layer that did not sinter) add nothing.
    """
    if len(reference) != len(objectives):
        raise ValueError(f"reference has {len(reference)} values for {len(objectives)} objectives")
    ref = np.array([o.utility(r) for o, r in zip(objectives, reference, strict=True)], float)
    if not len(table):
        return 0.0
    points = utility_matrix(table, objectives)
    points = points[np.all(np.isfinite(points), axis=1) & np.all(points > ref, axis=1)]
    if not len(points):
        return 0.0
    return float(Hypervolume(torch.as_tensor(ref)).compute(torch.as_tensor(points)))
