"""What a named prior buys, and what a wrong one costs: the alloy-ageing campaign on a simulated lab.

``campaigns/alloy_ageing_physics.toml`` (maximise hardness, elongation >= 8 %, crack-free
coupons) runs against :mod:`benchmarks.ageing_lab`, a lab whose physics is richer than the
prior's (:mod:`nfpopt.examples.ageing`). Strategies:

* ``random``: uniform recipes within the constraints;
* ``bayes``: the GP without a prior;
* ``physics``: the prior with the constants written in the campaign file (the prior's best fit to
  this lab, :func:`best_constants`);
* ``physics_wrong``: the same prior with every constant wrong by a factor 3 (alternately x3 and
  /3, :data:`WRONG_FACTORS`): the refit and the discrepancy GP must recover.

Each run is scored by the lab's noise-free truth: the best hardness so far among recipes that
are crack-free with elongation >= 8 %, as a share of the attainable (best of
:data:`ATTAINABLE_DRAWS` random recipes) above the 80 HV threshold: the one-objective
hypervolume. ``python -m benchmarks alloy --help``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.ageing_lab import measure
from benchmarks.emulator_campaign import code_version, replace_section
from nfpopt.definition import CampaignDefinition, load_definition
from nfpopt.recommend.strategies import proposer
from nfpopt.simulate import simulate_campaign

DEFINITION = Path("campaigns/alloy_ageing_physics.toml")
RESULTS = Path("benchmarks/results/alloy_prior")
DOCS = Path("docs/priors.md")
STRATEGIES = ("bayes", "physics", "physics_wrong", "random")
CHECKPOINTS = (6, 12, 24)
#: Each constant's factor in ``physics_wrong``, in the campaign file's order.
WRONG_FACTORS = (3.0, 1 / 3, 3.0, 1 / 3, 3.0)
ATTAINABLE_DRAWS = 50_000
ELONGATION_FLOOR_PCT = 8.0
THRESHOLD_HV = 80.0


def campaign(strategy: str, definition: CampaignDefinition) -> CampaignDefinition:
    """The campaign a strategy runs: ``physics_wrong`` with its prior's constants mis-set."""
    if strategy != "physics_wrong":
        return definition
    constants = tuple(
        replace(c, value=c.value * f) for c, f in zip(definition.prior.constants, WRONG_FACTORS, strict=True)
    )
    return replace(definition, prior=replace(definition.prior, constants=constants))


def run(strategy: str, seed: int, n_experiments: int, noise: float, definition: CampaignDefinition) -> pd.DataFrame:
    """One campaign from nothing: per experiment, its truth and whether it counts."""
    chosen = campaign(strategy, definition)
    propose = proposer("physics" if strategy.startswith("physics") else strategy)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        result = simulate_campaign(
            chosen,
            pd.DataFrame(),
            n_experiments=n_experiments,
            noise=noise,
            seed=seed,
            database=Path(folder) / "alloy.db",
            propose=propose,
            lab=measure,
        )
    seconds = time.perf_counter() - started
    truth = result.truth
    physics = strategy.startswith("physics")
    off = {n: constants_off(chosen, result.experiments.head(n), definition) for n in CHECKPOINTS if physics}
    counts = truth["crack_free"].astype(bool) & (truth["elongation_pct"] >= ELONGATION_FLOOR_PCT)
    hardness = truth["hardness_hv"].where(counts, -np.inf).to_numpy(float)
    return pd.DataFrame(
        {
            "strategy": strategy,
            "seed": seed,
            "noise": noise,
            "experiment": np.arange(1, len(truth) + 1),
            "hardness_hv": truth["hardness_hv"].to_numpy(float),
            "counts": counts.to_numpy(bool),
            "best_hv": np.maximum.accumulate(hardness),
            "constants_off": [off.get(n, np.nan) for n in range(1, len(truth) + 1)],
            "seconds": seconds,
        }
    )


def constants_off(chosen: CampaignDefinition, experiments: pd.DataFrame, definition: CampaignDefinition) -> float:
    """How far the constants refitted to ``experiments`` are from the campaign file's (the prior's
    best fit to the lab): the median over constants of ``|log(refitted / right)| / log(3)``, so 1
    is as wrong as ``physics_wrong`` starts."""
    from nfpopt.experiments import finished, succeeded
    from nfpopt.surrogates.physics_fit import refit_constants

    done = finished(experiments)
    specs = {o.name: o for o in chosen.outcomes}
    fitted = refit_constants(chosen.prior, done, succeeded(chosen, done), specs=specs)
    right = definition.prior.values()
    return float(np.median([abs(np.log(fitted[k] / right[k])) / np.log(3.0) for k in right]))


def attainable_hv(definition: CampaignDefinition, draws: int = ATTAINABLE_DRAWS) -> float:
    """The best true hardness of ``draws`` random recipes that are crack-free with elongation >= 8 %."""
    recipes = definition.space.sample(draws, seed=123, method="random")
    truth = measure(recipes)
    counts = truth["crack_free"].astype(bool) & (truth["elongation_pct"] >= ELONGATION_FLOOR_PCT)
    return float(truth.loc[counts, "hardness_hv"].max())


def best_constants(definition: CampaignDefinition, n: int = 600) -> dict[str, float]:
    """The prior's constants fitted to ``n`` noise-free random recipes of the lab, with broad
    spreads: how the "right" values in the campaign file were found."""
    from nfpopt.surrogates.physics_fit import refit_constants

    recipes = definition.space.sample(n, seed=3, method="random")
    truth = measure(recipes)
    broad = tuple(replace(c, spread=5.0) for c in definition.prior.constants)
    return refit_constants(
        replace(definition.prior, constants=broad),
        pd.concat([recipes, truth], axis=1),
        truth["crack_free"].to_numpy(bool),
        specs={o.name: o for o in definition.outcomes},
    )


def summary(runs: pd.DataFrame, maximum: float) -> pd.DataFrame:
    """Median and IQR over seeds of the hypervolume share at each checkpoint, per strategy."""
    rows = []
    for strategy, group in runs.groupby("strategy", sort=False):
        row: dict[str, object] = {"strategy": strategy, "runs": group["seed"].nunique()}
        for checkpoint in CHECKPOINTS:
            at = group[group["experiment"] == checkpoint]["best_hv"].to_numpy(float)
            share = 100 * np.clip(at - THRESHOLD_HV, 0.0, None) / (maximum - THRESHOLD_HV)
            q1, median, q3 = np.percentile(share, [25, 50, 75]) if len(share) else (np.nan,) * 3
            row[f"hv_{checkpoint}_median"], row[f"hv_{checkpoint}_q1"], row[f"hv_{checkpoint}_q3"] = median, q1, q3
            row[f"best_hv_{checkpoint}_median"] = float(np.median(at)) if len(at) else np.nan
        for checkpoint in CHECKPOINTS[1:]:
            off = group.loc[group["experiment"] == checkpoint, "constants_off"].to_numpy(float)
            row[f"constants_off_{checkpoint}_median"] = float(np.median(off)) if np.isfinite(off).any() else np.nan
        row["seconds_per_run"] = float(group.groupby("seed")["seconds"].first().median())
        rows.append(row)
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame, maximum: float, command: str, code: str) -> str:
    """The docs table: hypervolume share, median [IQR], at each checkpoint, and the constants' recovery."""
    later = CHECKPOINTS[1:]
    head = ["strategy", "runs", *(f"HV@{c}" for c in CHECKPOINTS), "best HV@24"]
    head += [*(f"constants off @{c}" for c in later), "s / run"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in table.itertuples(index=False):
        r = row._asdict()
        cells = [f"`{r['strategy']}`", str(r["runs"])]
        cells += [f"{r[f'hv_{c}_median']:.0f} % [{r[f'hv_{c}_q1']:.0f}, {r[f'hv_{c}_q3']:.0f}]" for c in CHECKPOINTS]
        cells.append(f"{r[f'best_hv_{CHECKPOINTS[-1]}_median']:.1f}")
        cells += [_share(r[f"constants_off_{c}_median"]) for c in later]
        lines.append("| " + " | ".join([*cells, f"{r['seconds_per_run']:.0f}"]) + " |")
    intro = (
        f"Hypervolume share: the best true hardness so far (crack-free, elongation >= 8 %) above 80 HV, as a "
        f"share of the attainable {maximum:.1f} HV (best of {ATTAINABLE_DRAWS:,} random recipes); median "
        f"[IQR] over seeds. Constants off: how far the constants refitted to the first 12 / 24 results lie from "
        f"the prior's best fit to the lab, median over seeds of the median over constants of "
        f"|log(refitted / best)| / log 3 (100 % = as wrong as `physics_wrong` starts). "
        f"Last command: `{command}` (code {code})."
    )
    return intro + "\n\n" + "\n".join(lines)


def _share(value: float) -> str:
    return "–" if not np.isfinite(value) else f"{100 * value:.0f} %"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks alloy", description=__doc__)
    parser.add_argument("--seeds", type=int, default=5, help="optimiser seeds (added to the campaign's seed)")
    parser.add_argument("--experiments", type=int, default=CHECKPOINTS[-1], help="experiments per campaign")
    parser.add_argument("--strategies", default=",".join(STRATEGIES), help=f"comma-separated, of {STRATEGIES}")
    parser.add_argument("--noise", type=float, default=0.02, help="relative measurement noise of the lab")
    parser.add_argument("--jobs", type=int, default=1, help="parallel campaigns (joblib processes)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results folder (default {RESULTS})")
    parser.add_argument("--docs", default=str(DOCS), help="markdown page whose table to regenerate ('' to skip)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run every (strategy, seed) campaign, write ``runs.csv`` and ``summary.csv``, regenerate the docs table."""
    args = _parser().parse_args(argv)
    strategies = args.strategies.split(",")
    unknown = set(strategies) - set(STRATEGIES)
    if unknown:
        raise SystemExit(f"unknown strategies {sorted(unknown)}; use any of {list(STRATEGIES)}")
    definition = load_definition(DEFINITION)
    plan = [(s, seed) for s in strategies for seed in range(args.seeds)]
    if args.jobs == 1:
        frames = [run(s, seed, args.experiments, args.noise, definition) for s, seed in plan]
    else:
        from joblib import Parallel, delayed

        frames = Parallel(n_jobs=args.jobs)(
            delayed(run)(s, seed, args.experiments, args.noise, definition) for s, seed in plan
        )
    runs = pd.concat(frames, ignore_index=True)
    maximum = attainable_hv(definition)
    table = summary(runs, maximum)
    args.out.mkdir(parents=True, exist_ok=True)
    code = code_version()
    runs.assign(code=code).to_csv(args.out / "runs.csv", index=False)
    table.assign(attainable_hv=maximum, code=code).to_csv(args.out / "summary.csv", index=False)
    command = "python -m benchmarks alloy " + shlex.join(sys.argv[2:] if argv is None else list(argv))
    text = markdown(table, maximum, command.strip(), code)
    print(text)
    if args.docs:
        replace_section(Path(args.docs), "alloy", text)
    return 0
