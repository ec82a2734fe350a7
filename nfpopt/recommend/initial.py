"""Space-filling and random proposals (and the initial design of every strategy).

Pure: the definition, the experiments so far and a seed in, a batch of recipes out. The same
inputs give the same batch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nfpopt.definition import CampaignDefinition
from nfpopt.exceptions import InputDataError
from nfpopt.recommend.candidates import untried_pool


def propose_space_filling(
    definition: CampaignDefinition, experiments: pd.DataFrame, batch_size: int, *, method: str | None = None
) -> pd.DataFrame:
    """The next ``batch_size`` recipes of a space-filling design (or uniform random draws).

    ``method`` defaults to the campaign's strategy (``sobol`` or ``random``). The design is one
    scrambled Sobol sequence seeded by the campaign's seed; each batch continues it after the
    points already proposed, so batches never repeat and together fill the space. With a
    candidate pool, untried pool rows are drawn instead.

    Raises:
        InputDataError: the pool has fewer untried recipes than ``batch_size``.
    """
    method = method or definition.strategy
    space = definition.space
    done = len(experiments[experiments["source"] == "proposed"]) if len(experiments) else 0
    if definition.candidate_pool is not None:
        untried = untried_pool(definition, experiments)
        if len(untried) < batch_size:
            raise InputDataError(
                f"the candidate pool has {len(untried)} untried recipe(s), fewer than the batch of "
                f"{batch_size}; add recipes to the pool or ask for a smaller batch"
            )
        rng = np.random.default_rng([definition.seed, done])
        chosen = rng.choice(len(untried), size=batch_size, replace=False)
        return untried.iloc[np.sort(chosen)].reset_index(drop=True)
    if method == "sobol":
        design = space.sample(done + batch_size, seed=definition.seed, method="sobol")
        return design.iloc[done:].reset_index(drop=True)
    seed = int(np.random.SeedSequence([definition.seed, done]).generate_state(1)[0])
    return space.sample(batch_size, seed=seed, method="random")
