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
    acquisition: AcquisitionFunction,
    choices: torch.Tensor,
    q: int,
    *,
    base_pending: torch.Tensor | None = None,
    min_spacing: float = 0.0,
) -> list[int]:
    """Indices of ``q`` distinct rows of ``choices`` (``n x d``) chosen greedily, lazily.

    ``base_pending`` (``m x d``) are recipes already proposed or running; the acquisition is
    conditioned on them and on each chosen recipe in turn. The acquisition's pending set is
    restored afterwards.

    ``min_spacing`` (Euclidean distance in the rows' own space, e.g. the encoded unit cube):
    once a row is chosen, rows nearer to it than this are not offered for the rest of the
    batch, unless that would leave fewer rows than the batch still needs. Conditioning on the
    pending recipes alone lets four near-copies of one recipe each score as a fresh chance
    (docs/recommender.md, "a minimum spacing between the recipes of a batch").
    """
    if min_spacing < 0:
        raise ValueError(f"min_spacing must be >= 0, got {min_spacing}")
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
            if min_spacing > 0 and step < q - 1:
                _exclude_near(bounds, choices, best, min_spacing, still_needed=q - step - 1)
    acquisition.set_X_pending(base_pending)
    return chosen


def _exclude_near(bounds: torch.Tensor, choices: torch.Tensor, chosen: int, radius: float, still_needed: int) -> None:
    """Set to -inf the bounds of rows within ``radius`` of row ``chosen``, in place, unless
    fewer than ``still_needed`` offered rows would then be left."""
    near = torch.linalg.vector_norm(choices - choices[chosen], dim=-1) < radius
    offered = torch.isfinite(bounds)
    if int((offered & ~near).sum()) >= still_needed:
        bounds[near] = -torch.inf


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
