"""Proposal latency: how long a batch of 4 takes (model fit + acquisition) at 10, 50 and 200 experiments.

The experiments are emulated uniformly random recipes (with 3 % noise; failures included), the
same table for every strategy. Each strategy is timed ``repeats`` times on that table (medians
reported) and its batch scored beside the time, so a faster setting cannot hide a worse one:
``batch_gain`` is the truth hypervolume the 4 proposed recipes add to what the table already
holds (share of the attainable maximum); the emulator campaign's median hypervolume after 24
experiments is joined from ``runs.csv`` when that sweep has been run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import emulator_campaign as ec
from nfpopt.campaign import Campaign
from nfpopt.definition import CampaignDefinition, load_definition
from nfpopt.emulator import emulate
from nfpopt.scoring import hypervolume
from nfpopt.store import Store

SIZES = (10, 50, 200)
STRATEGIES = ("bayes", "baybe", "ax")
RESULTS = Path("benchmarks/results/emulator")


def experiments_table(definition: CampaignDefinition, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` emulated random recipes as a campaign's experiments table (through a throwaway store)."""
    recipes = definition.space.sample(n, seed=seed, method="random").reset_index(drop=True)
    measured = pd.concat([recipes, emulate(recipes, noise=0.03, seed=seed)], axis=1)
    with tempfile.TemporaryDirectory() as folder, Store(f"sqlite:///{folder}/speed.sqlite") as store:
        campaign = Campaign.create(store, definition)
        campaign.import_experiments(measured, source="emulated random recipes")
        return campaign.table()


def batch_gain(definition: CampaignDefinition, table: pd.DataFrame, batch: pd.DataFrame, maximum: float) -> float:
    """Truth hypervolume the batch adds to the table's recipes, as a share of ``maximum``."""
    space = definition.space
    columns = [*space.names]

    def truth(recipes: pd.DataFrame) -> pd.DataFrame:
        found = emulate(space.with_derived(recipes[columns].reset_index(drop=True)))
        return found[found["sintered"].astype(bool)]

    before = truth(table)
    after = pd.concat([before, truth(batch)], ignore_index=True)
    gain = hypervolume(after, definition.objectives, ec.REFERENCE) - hypervolume(
        before, definition.objectives, ec.REFERENCE
    )
    return gain / maximum


def time_strategy(
    strategy: str, definition: CampaignDefinition, table: pd.DataFrame, repeats: int, maximum: float
) -> dict[str, float]:
    """Median wall time of ``repeats`` proposals of 4 and the median batch gain."""
    propose = ec.strategy_proposer(strategy)
    seconds, gains = [], []
    for repeat in range(repeats):
        seeded = replace(definition, seed=definition.seed + repeat)
        started = time.perf_counter()
        batch = propose(seeded, table, 4)
        seconds.append(time.perf_counter() - started)
        gains.append(batch_gain(definition, table, batch, maximum))
    return {"seconds": float(np.median(seconds)), "batch_gain": float(np.median(gains)), "repeats": repeats}


PEER_THREADS = 1
"""Torch and BLAS threads for every timed strategy. nfpopt runs single-threaded by design
(``RecommenderSettings.torch_threads``); the peers get the same, so that the table compares
algorithms, not thread settings. With their default 2 threads on this 2-core machine, beside
one other single-threaded job, the peers' times moved up to 14x between two calls (Ax: 22 s
and 222 s for the same batch at 10 experiments); single-threaded, Ax took 18 s for it."""


def warm_up(strategy: str, definition: CampaignDefinition, table: pd.DataFrame) -> None:
    """One untimed proposal, so that imports, compilation and caches are not timed.

    A lab's planning service pays these once, not per batch; timed cold, nfpopt's first
    batch at 10 experiments took 24 s, against 0.4 s warm.
    """
    ec.strategy_proposer(strategy)(definition, table, 4)


def measure(
    strategies: Sequence[str],
    sizes: Sequence[int],
    repeats: int,
    definition_path: Path = ec.DEFINITION,
    warm: bool = True,
) -> pd.DataFrame:
    """One row per strategy and size, with the ratio of its median time to nfpopt's (``bayes``).

    With ``warm``, every strategy first makes one untimed proposal (see :func:`warm_up`)
    on the smallest table.
    """
    import torch

    from nfpopt.recommend.bayes import torch_threads

    definition = load_definition(definition_path)
    maximum = ec.attainable_hypervolume(definition, RESULTS / "attainable.json")
    rows = []
    with torch_threads(PEER_THREADS):
        if warm:
            smallest = experiments_table(definition, min(sizes))
            for strategy in strategies:
                torch.manual_seed(0)
                warm_up(strategy, definition, smallest)
        for n in sizes:
            table = experiments_table(definition, n)
            for strategy in strategies:
                torch.manual_seed(0)
                timed = time_strategy(strategy, definition, table, repeats, maximum)
                rows.append({"strategy": strategy, "experiments": n, **timed})
    frame = pd.DataFrame(rows)
    reference = frame[frame["strategy"] == "bayes"].set_index("experiments")["seconds"]
    frame["ratio_to_nfpopt"] = frame["seconds"] / frame["experiments"].map(reference)
    return frame


def merge(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` added to the rows already in ``path`` (newer rows win), ratios recomputed."""
    if path.exists():
        frame = pd.concat([pd.read_csv(path), frame], ignore_index=True)
        frame = frame.drop_duplicates(["strategy", "experiments"], keep="last")
    frame = frame.sort_values(["experiments", "strategy"]).reset_index(drop=True)
    reference = frame[frame["strategy"] == "bayes"].set_index("experiments")["seconds"]
    frame["ratio_to_nfpopt"] = frame["seconds"] / frame["experiments"].map(reference)
    return frame


def campaign_quality(folder: Path) -> pd.Series:
    """Median HV after 24 experiments (share of max) per strategy, from the emulator sweep, if run."""
    path = folder / "runs.csv"
    if not path.exists():
        return pd.Series(dtype=float)
    runs = pd.read_csv(path)
    return runs.groupby("strategy")["hv_24"].median()


def markdown(frame: pd.DataFrame, quality: pd.Series) -> str:
    """The latency table: seconds, ratio to nfpopt, batch gain and campaign HV@24."""
    rows = []
    for row in frame.itertuples(index=False):
        hv24 = quality.get(row.strategy, np.nan)
        rows.append(
            {
                "strategy": row.strategy,
                "experiments": row.experiments,
                "median s / batch of 4": f"{row.seconds:.1f}",
                "× nfpopt": f"{row.ratio_to_nfpopt:.2f}" if np.isfinite(row.ratio_to_nfpopt) else "–",
                "batch HV gain (% of max)": f"{100 * row.batch_gain:.1f}",
                "campaign HV@24 (% of max, median)": "–" if pd.isna(hv24) else f"{100 * hv24:.0f}",
                "repeats": row.repeats,
            }
        )
    return ec.markdown_table(pd.DataFrame(rows))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks speed", description=__doc__)
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="experiments already in the table")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="sizes 10, one repeat")
    parser.add_argument("--cold", action="store_true", help="time the first proposal too (no untimed warm-up)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--docs", default="docs/benchmarks.md", help="'' to skip")
    parser.add_argument(
        "--process",
        action="store_true",
        help="time `nfpopt propose --batch 4` as a whole process beside the warm call and the import floor",
    )
    args = parser.parse_args(argv)
    sizes = [10] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeats = 1 if args.quick else args.repeats
    if args.process:
        from benchmarks.process_speed import main as process_main

        return process_main(sizes, repeats, args.out, args.docs)
    frame = measure(args.strategies.split(","), sizes, repeats, warm=not args.cold)
    args.out.mkdir(parents=True, exist_ok=True)
    frame = merge(args.out / "speed.csv", frame)
    frame.to_csv(args.out / "speed.csv", index=False)
    print(frame.to_string(index=False))
    if args.docs:
        command = "python -m benchmarks speed " + " ".join(argv if argv is not None else [])
        ec.replace_section(
            Path(args.docs),
            "speed",
            f"Command: `{command.strip()}` (nfpopt at {ec.code_version()}).\n\n"
            + markdown(frame, campaign_quality(args.out)),
        )
    return 0
