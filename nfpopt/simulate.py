"""Simulated campaigns: the process emulator (or another simulated lab) stands in for the lab.

The loop is the one a lab runs (propose -> fabricate -> measure -> record), through the same
:class:`~nfpopt.campaign.Campaign` and store, so a simulation exercises everything but the
furnace. The emulator's noise-free truth is kept beside each measurement for scoring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import pandas as pd

from nfpopt.campaign import Campaign
from nfpopt.definition import CampaignDefinition
from nfpopt.emulator import DEFAULT_PARAMETERS, EmulatorParameters, emulate
from nfpopt.exceptions import InputDataError
from nfpopt.recommend.strategies import Proposer, proposer
from nfpopt.store import Store

#: A simulated lab: ``(recipes, noise=, seed=) -> outcomes``, one row per recipe.
Lab = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class SimulationResult:
    """Every experiment of a simulated campaign, as recorded and as the emulator's truth."""

    experiments: pd.DataFrame
    truth: pd.DataFrame
    definition: CampaignDefinition


def simulate_campaign(
    definition: CampaignDefinition,
    prior: pd.DataFrame,
    *,
    n_experiments: int,
    noise: float = 0.0,
    seed: int = 0,
    database: Path,
    propose: Proposer | None = None,
    on_batch: Callable[[int, int], None] | None = None,
    truth_parameters: EmulatorParameters = DEFAULT_PARAMETERS,
    lab: Lab | None = None,
) -> SimulationResult:
    """Run a campaign of ``n_experiments`` new experiments against the emulator.

    Args:
        definition: the campaign (its batch size, strategy and seed are used; ``seed`` is
            added to the campaign's seed so repeated simulations differ).
        prior: experiments known at the start (recipes and outcomes), e.g. the paper's Cell A.
        n_experiments: experiments to propose after the prior ones.
        noise: relative measurement noise of the emulator.
        database: SQLite file to keep the campaign in (created; must not exist).
        propose: the strategy, ``(definition, experiments so far, batch size) -> recipes``
            [default: the campaign's own strategy].
        on_batch: called with (experiments done, n_experiments) after each batch.
        truth_parameters: the physical constants of the simulated lab. Other values than the
            paper-calibrated defaults give a lab whose process differs from the one nfpopt's
            physics-informed surrogate assumes (a test of that surrogate's robustness).
        lab: ``lab(recipes, noise=, seed=) -> outcomes`` (one row per recipe; ``noise=0`` the
            truth) for a campaign that is not the emulator's [default: the emulator with
            ``truth_parameters``].
    """
    if database.exists():
        raise InputDataError(f"{database} exists; a simulation starts from an empty database")
    definition = replace(definition, seed=definition.seed + seed)
    propose = propose or proposer(definition.strategy)
    lab = lab or partial(emulate, params=truth_parameters)
    truths = []
    with Store(f"sqlite:///{database}") as store:
        campaign = Campaign.create(store, definition)
        if len(prior):
            campaign.import_experiments(prior, source="prior experiments")
        done = 0
        while done < n_experiments:
            size = min(definition.batch_size, n_experiments - done)
            batch = campaign.add_batch(propose(definition, campaign.table(), size))
            measured = lab(batch, noise=noise, seed=definition.seed * 100_003 + done)
            truth = lab(batch, noise=0.0, seed=None)
            truth.insert(0, "experiment_id", batch["experiment_id"].to_numpy())
            truths.append(truth)
            results = pd.concat([batch[["experiment_id"]], measured], axis=1)
            campaign.record_results(results, source=f"emulated batch {int(batch['batch'].iloc[0])}")
            done += size
            if on_batch is not None:
                on_batch(done, n_experiments)
        experiments = campaign.table()
    truth = pd.concat(truths, ignore_index=True) if truths else pd.DataFrame()
    return SimulationResult(experiments, truth, definition)
