"""Joint batch selection over a discrete candidate set: lazy sequential greedy.

BoTorch's ``optimize_acqf_discrete`` scores every candidate again for each of the q recipes
of a batch (each new recipe conditions the acquisition on the ones already chosen, passed as
pending). Batch acquisition values of the expected-improvement family only fall as pending
recipes are added (they are submodular; Wilson, Hutter & Deisenroth, NeurIPS 2018), so a
candidate's earlier score is an upper bound on its later one. The lazy greedy of Minoux (1978)
uses that: after the first full pass it re-scores candidates in order of their bounds and stops
as soon as the best fresh score beats every remaining bound. Same batch as the eager greedy when
the acquisition is submodular, a fraction of the evaluations (measured in ``benchmarks``).
"""

from __future__ import annotations

import torch
from botorch.acquisition.acquisition import AcquisitionFunction

_CHUNK = 128


def _scores(acquisition: AcquisitionFunction, choices: torch.Tensor) -> torch.Tensor:
    """Acquisition value of each candidate alone, ``n x d -> n`` (chunked to bound memory)."""
    return torch.cat([acquisition(part.unsqueeze(-2)) for part in choices.split(_CHUNK)])


def select_batch(
    acquisition: AcquisitionFunction, choices: torch.Tensor, q: int, *, base_pending: torch.Tensor | None = None
) -> list[int]:
    """Indices of ``q`` distinct rows of ``choices`` (``n x d``) chosen greedily, lazily.

    ``base_pending`` (``m x d``) are recipes already proposed or running; the acquisition is
    conditioned on them and on each chosen recipe in turn. The acquisition's pending set is
    restored afterwards.
    """
    if q > len(choices):
        raise ValueError(f"cannot choose {q} distinct recipes from {len(choices)} candidates")
    chosen: list[int] = []
    with torch.no_grad():
        bounds = _scores(acquisition, choices)
        for step in range(q):
            if step:
                pending = choices[chosen]
                if base_pending is not None:
                    pending = torch.cat([base_pending, pending])
                acquisition.set_X_pending(pending)
                bounds = _refresh_lazily(acquisition, choices, bounds)
            best = int(torch.argmax(bounds))
            chosen.append(best)
            bounds[best] = -torch.inf
    acquisition.set_X_pending(base_pending)
    return chosen


def _refresh_lazily(acquisition: AcquisitionFunction, choices: torch.Tensor, bounds: torch.Tensor) -> torch.Tensor:
    """Re-score candidates best bound first until the best fresh score beats all other bounds."""
    bounds = bounds.clone()
    fresh = torch.zeros(len(bounds), dtype=torch.bool)
    order = torch.argsort(bounds, descending=True)
    start = 0
    while start < len(order):
        block = order[start : start + _CHUNK]
        block = block[torch.isfinite(bounds[block])]
        if not len(block):
            break
        bounds[block] = _scores(acquisition, choices[block])
        fresh[block] = True
        start += _CHUNK
        best_fresh = bounds[fresh].max()
        remaining = order[start:]
        if not len(remaining) or best_fresh >= bounds[remaining].max():
            break
    # Candidates not re-scored keep their (upper-bound) value but can no longer win this step.
    return torch.where(fresh, bounds, torch.minimum(bounds, bounds[fresh].max()))
