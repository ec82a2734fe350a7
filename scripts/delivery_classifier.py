"""How well P(delivers at 2 C) would have been reported: the classifier read by Laplace or by
expectation propagation, the rate margin, or the two pooled.

    python scripts/delivery_classifier.py
    python scripts/delivery_classifier.py --labs 1 --variants ep pooled

Rebuilds every campaign state of a stored calibration run (``python -m benchmarks calibration``;
default: ``benchmarks/results/calibration/proposals-bayes-cell_a.csv``): the lab's Cell A plus
the batches measured so far. It refits the 2 C hurdle on each state and scores the P(delivers)
it gives the next batch against what those cells then did. The reported P does not steer the
search (it plans with the rate margin), so the proposals are the same whichever reading is
used, and this replays them exactly: the variant that matches the stored run reproduces its
column to the last digit (printed as ``stored``). Variants: ``laplace``, ``ep`` (the classifier
alone, nfpopt's reading from bd2438f until the pool), ``laplace-2c-only`` (the classifier without
the neighbouring rates), ``margin`` (P(rate margin > 0), the P the search plans with) and
``pooled`` (the classifier by EP and the margin pooled logarithmically: nfpopt's reading now,
:meth:`nfpopt.surrogates.hurdle.HurdleModel.p_delivers`).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import emulator_campaign as ec  # noqa: E402
from nfpopt.definition import load_definition  # noqa: E402
from nfpopt.recommend.bayes import rate_series, successful  # noqa: E402
from nfpopt.surrogates import Encoder, OutcomeModel, make_surrogate  # noqa: E402
from nfpopt.surrogates.hurdle import HurdleModel  # noqa: E402

OUTCOME = "capacity_2c_mah_g"
BINS = [0.0, 0.1, 0.5, 0.9, 1.0]


def states(definition, proposals: pd.DataFrame):
    """(lab, seed, experiments so far, next batch) for every state after a first batch."""
    names = list(definition.space.names)
    outcomes = [o.name for o in definition.outcomes]
    for (lab, seed), group in proposals.groupby(["lab", "seed"]):
        group = group.sort_values("experiment")
        run = ec.Run("bayes", "cell_a", 0.03, int(seed), int(group.experiment.max()), int(lab))
        start = ec.starting_experiments(definition, "cell_a", 0.03, run.campaign_seed, ec.lab_parameters(int(lab)))
        start = start.assign(status="measured", source="imported", experiment_id=0)
        made = group[names].copy()
        for name in outcomes:
            made[name] = group[f"measured_{name}"].to_numpy() if f"measured_{name}" in group else np.nan
        made = made.assign(status="measured", source="proposed", experiment_id=group.experiment.to_numpy())
        size = 4
        for end in range(size, int(group.experiment.max()), size):
            state = pd.concat([start, made[made.experiment_id <= end]], ignore_index=True)
            following = group[(group.experiment > end) & (group.experiment <= end + size)]
            yield lab, seed, state, following


def p_delivers(definition, state: pd.DataFrame, batch: pd.DataFrame, variant: str) -> np.ndarray:
    spec = definition.outcome(OUTCOME)
    encoder = Encoder(definition.space)
    good = successful(definition, state)
    level = OutcomeModel(spec.name, encoder, make_surrogate("gp", 0, widen=True), spec=spec)
    model = HurdleModel(spec.name, encoder, level, spec, seed=0, series=rate_series(definition, spec))
    if variant == "laplace-2c-only":
        model.series = {}
    model.fit(good, good[spec.name].astype(float).to_numpy())
    classifier = getattr(model.delivers_, "classifier_", None)
    if classifier is not None:
        classifier.predictive = "ep" if variant in ("ep", "pooled") else "laplace"
    recipes = batch[list(definition.space.names)].reset_index(drop=True)
    if variant == "pooled":
        return model.p_delivers(recipes)
    if variant == "margin":
        return model.p_searching(recipes)
    return model.p_classifier(recipes)


def report(table: pd.DataFrame, column: str) -> str:
    delivered = table["delivered"].astype(float)
    p = table[column]
    brier = float(((p - delivered) ** 2).mean())
    log_loss = float(-(delivered * np.log(p.clip(1e-6)) + (1 - delivered) * np.log((1 - p).clip(1e-6))).mean())
    bins = table.groupby(pd.cut(p, BINS, include_lowest=True), observed=True).agg(
        p=(column, "mean"), delivered=("delivered", "mean"), n=("delivered", "size")
    )
    cells = "; ".join(f"{b}: {r.p:.2f} / {100 * r.delivered:.0f} % ({r.n})" for b, r in bins.iterrows())
    return f"{column}: Brier {brier:.3f}, log loss {log_loss:.3f}, n = {len(table)}; mean P / delivered: {cells}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", default=str(ROOT / "benchmarks/results/calibration/proposals-bayes-cell_a.csv"))
    parser.add_argument("--labs", default="1,2,3,4,5", help="comma-separated lab indices")
    parser.add_argument("--variants", nargs="+", default=["laplace", "ep", "laplace-2c-only", "margin", "pooled"])
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    definition = load_definition(ROOT / "campaigns" / "nfp_rate.toml")
    proposals = pd.read_csv(args.proposals)
    proposals = proposals[proposals.lab.isin([int(x) for x in args.labs.split(",")])]
    rows = []
    for lab, seed, state, batch in states(definition, proposals):
        if len(successful(definition, state)) < 2:
            continue  # no model yet: the initial design carried no prediction
        measured = batch[f"measured_{OUTCOME}"].to_numpy(float)
        keep = batch["measured_sintered"].astype(bool).to_numpy() & np.isfinite(measured)
        row = {"stored": batch[f"p_delivers_{OUTCOME}"].to_numpy(float)[keep], "delivered": measured[keep] > 0}
        for variant in args.variants:
            row[variant] = p_delivers(definition, state, batch, variant)[keep]
        rows.append(pd.DataFrame(row).assign(lab=lab, seed=seed))
    table = pd.concat(rows, ignore_index=True)
    for column in ["stored", *args.variants]:
        print(report(table, column))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
