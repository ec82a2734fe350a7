"""Can a lab trust the numbers beside a proposal? ``python -m benchmarks calibration --strategy S``.

Whole simulated campaigns on the family of labs (:mod:`benchmarks.labs`, labs 1..N, seeds
0..K-1) with the strategy's proposer wrapped so that every batch it returns is kept with its
predictions. For the proposals that were then made and measured:

* **intervals**, per predicted outcome: the share of measurements (noisy, as the lab sees them;
  only where the layer sintered and the outcome was measured) inside the predicted 90 %
  interval ``[predicted_<o>_lo90, predicted_<o>_hi90]``, or, where a strategy gives only an sd,
  ``predicted_<o> +- 1.645 predicted_<o>_sd`` (the table says which); the shares below and
  above it; the median interval width, in the outcome's unit and over the measured value. For
  a hurdle outcome the rows where "delivers nothing" alone holds more than 90 % (its interval
  is {0}, holding 1 - P(delivers): no interval holds exactly 90 % there) are scored apart, their
  predicted share of zeros beside the measured one;
* **what was found**: the truth hypervolume after 12 and 24 experiments (% of each lab's
  attainable maximum) and the share of proposals that failed to sinter, beside the calibration;
* **P(success)**: a reliability table of ``p_feasible`` (bins :data:`BINS`: count, mean
  predicted, share that sintered), the Brier score beside that of a constant forecast (the
  campaign's running base rate: the share of its experiments recorded so far that sintered),
  and the share that sintered among proposals with P >= 0.8.

Proposals without predictions (the initial design, before there is a model) are left out and
counted. Issue 12's targets: 90 % intervals covering 80-95 % of ``internal_resistance_ohm`` and
``capacity_2c_mah_g``; among proposals with P(success) >= 0.8, at least 80 % sinter.

Every proposal lands in ``<out>/proposals-<strategy>-<start>.csv``; the printed tables, the
summary CSV and the ``calibration`` section of ``docs/benchmarks.md`` are rebuilt from every
such file in ``<out>``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import emulator_campaign as ec
from benchmarks import family
from nfpopt.definition import CampaignDefinition, load_definition

RESULTS = Path("benchmarks/results/calibration")
DOCS = Path("docs/benchmarks.md")
Z90 = 1.6448536269514722  # standard normal quantile at 0.95: a central 90 % interval is mean +- Z90 sd
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0)
TARGET_OUTCOMES = ("internal_resistance_ohm", "capacity_2c_mah_g")
COVERAGE_TARGET = (0.80, 0.95)
CONFIDENT_P = 0.8  # "P(success) >= 0.8" ...
CONFIDENT_TARGET = 0.8  # ... of which at least 80 % sinter
ZERO_ALONE = 0.9  # a hurdle's interval is {0} where P(nothing delivered) >= this
HV_CHECKPOINTS = (12, 24)  # experiments after which the campaigns' hypervolume is reported


# -- collecting proposals --------------------------------------------------------------------
def capturing(propose: Callable) -> tuple[Callable, list[pd.DataFrame]]:
    """``propose`` wrapped to keep every batch it returns, with the campaign's base rate so far."""
    batches: list[pd.DataFrame] = []

    def wrapper(definition: CampaignDefinition, experiments: pd.DataFrame, batch_size: int) -> pd.DataFrame:
        batch = propose(definition, experiments, batch_size)
        batches.append(batch.reset_index(drop=True).assign(base_rate=_base_rate(definition, experiments)))
        return batch

    return wrapper, batches


def _base_rate(definition: CampaignDefinition, experiments: pd.DataFrame) -> float:
    """Share of the experiments recorded so far that sintered (NaN before any)."""
    name = definition.feasibility or "sintered"
    known = experiments[name].dropna() if name in experiments else pd.Series(dtype=object)
    return float(known.astype(bool).mean()) if len(known) else float("nan")


def campaign_proposals(run: ec.Run, definition: CampaignDefinition, propose: Callable | None = None) -> pd.DataFrame:
    """One row per proposal of ``run``: its predictions, what was measured and the truth.

    ``propose`` replaces the run's strategy (for tests). Batches line up with the simulation's
    truth rows in order; the measurements are joined by experiment id.
    """
    wrapper, batches = capturing(propose or ec.strategy_proposer(run.strategy))
    simulated = ec.simulate_run(run, definition, propose=wrapper)
    proposed = pd.concat(batches, ignore_index=True) if batches else pd.DataFrame()
    truth = simulated.result.truth.reset_index(drop=True)
    if len(proposed) != len(truth):
        raise RuntimeError(f"{len(proposed)} proposals but {len(truth)} experiments in {run}")
    outcomes = [c for c in truth.columns if c != "experiment_id"]
    experiments = simulated.result.experiments.set_index("experiment_id")
    measured = experiments.loc[truth["experiment_id"], [c for c in outcomes if c in experiments]]
    recipe = [*definition.space.names, *definition.space.derived_names]
    predictions = proposed.drop(columns=[c for c in (*recipe, *outcomes) if c in proposed])
    head = pd.DataFrame(
        {
            "strategy": run.strategy,
            "start": run.start,
            "noise": run.noise,
            "lab": run.lab,
            "seed": run.seed,
            "experiment": np.arange(1, len(truth) + 1),
            "experiment_id": truth["experiment_id"].to_numpy(),
        }
    )
    sintered = truth["sintered"].astype(bool).to_numpy()
    found = pd.DataFrame({"sintered": sintered, **{c: truth[c].where(sintered) for c in ec.OBJECTIVE_COLUMNS}})
    head["hypervolume"] = ec.hypervolume_curve(simulated.prior_truth, found, definition)
    parts = [
        head,
        proposed[[c for c in recipe if c in proposed]],
        predictions,
        measured.reset_index(drop=True).add_prefix("measured_"),
        truth[outcomes].add_prefix("truth_"),
    ]
    return pd.concat(parts, axis=1)


def _job(run: ec.Run, definition_path: str) -> pd.DataFrame:
    import torch

    torch.set_num_threads(1)
    return campaign_proposals(run, load_definition(definition_path))


def collect(plan: Sequence[ec.Run], *, jobs: int = 1, definition_path: Path = ec.DEFINITION) -> pd.DataFrame:
    """Every proposal of every run of ``plan`` (joblib, ``jobs`` processes), in plan order."""
    from joblib import Parallel, delayed

    frames = Parallel(n_jobs=jobs)(delayed(_job)(run, str(definition_path)) for run in plan)
    return pd.concat(frames, ignore_index=True)


# -- the arithmetic --------------------------------------------------------------------------
def predicted_outcomes(table: pd.DataFrame) -> list[str]:
    """Outcomes with a predicted interval (or sd) and a measurement in ``table``."""
    suffixes = ("_sd", "_lo90", "_hi90", "_scale")
    names = [c.removeprefix("predicted_") for c in table.columns if c.startswith("predicted_")]
    return [
        n for n in names if not n.endswith(suffixes) and f"measured_{n}" in table and interval(table, n) is not None
    ]


def interval(table: pd.DataFrame, outcome: str) -> tuple[pd.Series, pd.Series, str] | None:
    """The predicted 90 % interval of ``outcome`` per row and where it came from (None: no interval).

    ``predicted_<o>_lo90`` / ``_hi90`` where the strategy gives them, else ``predicted_<o>`` +-
    1.645 ``predicted_<o>_sd`` (a normal interval on the outcome's own scale).
    """
    lo, hi = f"predicted_{outcome}_lo90", f"predicted_{outcome}_hi90"
    if lo in table and hi in table and table[lo].notna().any():
        return table[lo].astype(float), table[hi].astype(float), "lo90/hi90"
    mean, sd = f"predicted_{outcome}", f"predicted_{outcome}_sd"
    if mean not in table or sd not in table:
        return None
    return (
        table[mean].astype(float) - Z90 * table[sd].astype(float),
        table[mean].astype(float) + Z90 * table[sd].astype(float),
        "mean ± 1.645 sd",
    )


def _measured_sintered(table: pd.DataFrame) -> pd.Series:
    """The measured ``sintered`` as 0/1 (a missing value counts as not sintered)."""
    return table["measured_sintered"].astype("boolean").fillna(False).astype(float)


def coverage(table: pd.DataFrame, outcome: str) -> dict[str, object]:
    """Coverage of ``outcome``'s 90 % intervals over the rows that predicted it and measured it."""
    found = interval(table, outcome)
    if found is None:
        raise KeyError(f"no predicted interval or sd of {outcome!r} in the proposals")
    low, high, source = found
    value = table[f"measured_{outcome}"].astype(float)
    sintered = _measured_sintered(table).astype(bool)
    use = sintered & value.notna() & low.notna() & high.notna()
    atom = _zero_alone(table, outcome) & use
    atom_row = {
        "zero_alone_n": int(atom.sum()),
        "zero_alone_predicted": float((1 - table.loc[atom, f"p_delivers_{outcome}"]).mean()) if atom.any() else np.nan,
        "zero_alone_measured": float((value[atom] == 0).mean()) if atom.any() else np.nan,
    }
    use &= ~atom
    low, high, value = low[use], high[use], value[use]
    truth = table.loc[use, f"truth_{outcome}"].astype(float) if f"truth_{outcome}" in table else value
    width = high - low
    nonzero = value != 0
    scale_column = f"predicted_{outcome}_scale"
    scales = sorted(set(table.loc[use, scale_column].dropna().astype(str))) if scale_column in table else []
    n = int(use.sum())

    def share(mask: pd.Series) -> float:
        return float(mask.mean()) if n else float("nan")

    inside = share((value >= low) & (value <= high))
    row: dict[str, object] = {
        "outcome": outcome,
        "interval": source,
        "scale": "/".join(scales) or "–",
        "n": n,
        "coverage": inside,
        "below": share(value < low),
        "above": share(value > high),
        "coverage_of_truth": share((truth >= low) & (truth <= high)),
        "median_width": float(width.median()) if n else float("nan"),
        "median_relative_width": float((width[nonzero] / value[nonzero].abs()).median()) if nonzero.any() else np.nan,
        "measured_zero": int((~nonzero).sum()),
        **atom_row,
    }
    if outcome in TARGET_OUTCOMES:
        row["target"] = "80-95 %"
        row["pass"] = bool(COVERAGE_TARGET[0] <= inside <= COVERAGE_TARGET[1]) if n else None
    return row


def _zero_alone(table: pd.DataFrame, outcome: str) -> pd.Series:
    """Rows where a hurdle outcome's "delivers nothing" alone holds more than 90 % (P(delivers) <= 0.1).

    There no interval holds exactly 90 %: the smallest that holds at least 90 % is {0}, and it
    holds 1 - P(delivers), which even a perfectly calibrated model's zeros then fill more than
    90 % of the time. Those rows are scored apart, predicted against measured share of zeros, and
    the 80-95 % coverage target is read on the others.
    """
    column = f"p_delivers_{outcome}"
    if column not in table:
        return pd.Series(False, index=table.index)
    return table[column].astype(float) <= 1 - ZERO_ALONE


DELIVERY_BANDS = (0.0, 1 - ZERO_ALONE, 0.5, 0.9, 0.95, 1.0)  # P(delivers): where the interval starts at 0 or not


def delivery_bands(table: pd.DataFrame, outcome: str, bands: Sequence[float] = DELIVERY_BANDS) -> pd.DataFrame:
    """A hurdle outcome's proposals by band of P(delivers): how many, mean P, the share that then
    delivered (> 0), and the coverage of their 90 % intervals with the share measured above them.

    The bands part the interval's forms: {0} (P <= 0.1), from 0 to a capacity (0.1-0.95, the
    atom holds the lower tail) and central (> 0.95); a level whose upper tail is too wide shows
    as fewer than 10 % above where the interval starts at 0.
    """
    found = interval(table, outcome)
    column = f"p_delivers_{outcome}"
    if found is None or column not in table:
        return pd.DataFrame()
    low, high, _ = found
    value = table[f"measured_{outcome}"].astype(float)
    use = _measured_sintered(table).astype(bool) & value.notna() & low.notna() & table[column].notna()
    p, value, low, high = table.loc[use, column].astype(float), value[use], low[use], high[use]
    cut = pd.cut(p, list(bands), include_lowest=True)
    frame = pd.DataFrame(
        {"p": p, "delivered": value > 0, "inside": (value >= low) & (value <= high), "above": value > high}
    )
    grouped = frame.groupby(cut, observed=False)
    out = grouped.agg(
        count=("p", "size"),
        mean_p=("p", "mean"),
        delivered=("delivered", "mean"),
        coverage=("inside", "mean"),
        above=("above", "mean"),
    ).reset_index(drop=True)
    edges = zip(bands[:-1], bands[1:], strict=True)
    out.insert(0, "band", [f"{'[' if i == 0 else '('}{a:g}, {b:g}]" for i, (a, b) in enumerate(edges)])
    return out


def delivery_table(frame: pd.DataFrame, outcome: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            f"P(delivers) of {outcome}": frame["band"],
            "proposals": frame["count"],
            "mean P": frame["mean_p"].map(lambda v: "–" if pd.isna(v) else f"{v:.2f}"),
            "delivered": frame["delivered"].map(_pct),
            "90 % coverage": frame["coverage"].map(_pct),
            "measured above": frame["above"].map(_pct),
        }
    )


def with_predictions(table: pd.DataFrame) -> pd.Series:
    """Rows that carry any prediction (P(success) or an outcome); the initial design has none."""
    columns = [c for c in table.columns if c.startswith("predicted_") or c == "p_feasible"]
    if not columns:
        return pd.Series(False, index=table.index)
    return table[columns].notna().any(axis=1)


def reliability(table: pd.DataFrame, bins: Sequence[float] = BINS) -> pd.DataFrame:
    """Per bin of ``p_feasible`` (right-closed, the first also holds 0): count, mean P, share sintered."""
    p = table["p_feasible"].astype(float)
    sintered = _measured_sintered(table)
    cut = pd.cut(p, list(bins), include_lowest=True)
    grouped = pd.DataFrame({"bin": cut, "p": p, "sintered": sintered}).groupby("bin", observed=False)
    frame = grouped.agg(count=("p", "size"), mean_p=("p", "mean"), sintered=("sintered", "mean")).reset_index()
    edges = zip(bins[:-1], bins[1:], strict=True)
    frame["bin"] = [f"{'[' if i == 0 else '('}{low:g}, {high:g}]" for i, (low, high) in enumerate(edges)]
    return frame


def feasibility_scores(table: pd.DataFrame) -> dict[str, object]:
    """Brier score of ``p_feasible``, of the running base rate, and the share sintering at P >= 0.8."""
    p = table["p_feasible"].astype(float)
    sintered = _measured_sintered(table)
    base = table["base_rate"].astype(float)
    confident = p >= CONFIDENT_P
    share = float(sintered[confident].mean()) if confident.any() else float("nan")
    return {
        "n": int(len(p)),
        "brier": float(((p - sintered) ** 2).mean()) if len(p) else float("nan"),
        "brier_base_rate": float(((base - sintered) ** 2).mean()) if base.notna().any() else float("nan"),
        "confident_n": int(confident.sum()),
        "confident_sintered": share,
        "confident_pass": bool(share >= CONFIDENT_TARGET) if confident.any() else None,
    }


def campaign_outcome(proposals: pd.DataFrame, maxima: dict[int, float] | None = None) -> dict[str, object]:
    """What the campaigns found beside how well they predicted it: the truth hypervolume after
    each checkpoint (median and IQR over campaigns, % of each lab's attainable maximum) and the
    share of proposals that failed to sinter. Empty where the proposals carry no hypervolume."""
    if "hypervolume" not in proposals:
        return {}
    labs = sorted(set(proposals["lab"]))
    maxima = maxima or family.maxima(load_definition(ec.DEFINITION), labs, family_folder())
    out: dict[str, object] = {"failed": float(1 - _measured_sintered(proposals).mean())}
    for checkpoint in HV_CHECKPOINTS:
        at = proposals[proposals["experiment"] == checkpoint]
        if len(at):
            shares = 100 * at["hypervolume"].astype(float) / at["lab"].map(maxima)
            out[f"hv@{checkpoint}"] = ec.median_iqr(shares)
    return out


def family_folder() -> Path:
    """Where the family's attainable maxima are cached."""
    return Path("benchmarks/results/labs")


# -- reports ----------------------------------------------------------------------------------
def summarise(proposals: pd.DataFrame) -> dict[str, object]:
    """Every number of the report for one strategy's proposals."""
    predicted = with_predictions(proposals)
    rows = proposals[predicted]
    outcomes = [o for o in predicted_outcomes(rows) if rows[f"predicted_{o}"].notna().any()]
    has_p = "p_feasible" in rows and rows["p_feasible"].notna().any()
    return {
        "proposals": len(proposals),
        "without_predictions": int((~predicted).sum()),
        "campaigns": proposals.groupby(["lab", "seed"]).ngroups,
        "coverage": pd.DataFrame([coverage(rows, o) for o in outcomes]),
        "reliability": reliability(rows[rows["p_feasible"].notna()]) if has_p else pd.DataFrame(),
        "scores": feasibility_scores(rows[rows["p_feasible"].notna()]) if has_p else None,
    }


def _pct(value: float) -> str:
    return "–" if pd.isna(value) else f"{100 * value:.0f} %"


def _verdict(ok: object) -> str:
    """pass / fail, or "no data" where nothing was measured (``None`` / NaN)."""
    if ok is None or (isinstance(ok, float) and np.isnan(ok)):
        return "no data"
    return "**pass**" if bool(ok) else "**fail**"


def coverage_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The coverage rows as display strings."""
    if frame.empty:
        return frame
    shown = pd.DataFrame(
        {
            "outcome": frame["outcome"],
            "interval": frame["interval"],
            "scale": frame["scale"],
            "measured": frame["n"],
            "90 % coverage (measured)": frame["coverage"].map(_pct),
            "below": frame["below"].map(_pct),
            "above": frame["above"].map(_pct),
            "coverage (truth)": frame["coverage_of_truth"].map(_pct),
            "median width": frame["median_width"].map(lambda v: "–" if pd.isna(v) else f"{v:.3g}"),
            "median width / value": frame["median_relative_width"].map(_pct),
            "measured = 0": frame["measured_zero"],
            "left out: {0} alone holds > 90 % (predicted / measured share of 0)": [
                "–" if not n else f"{n}: {_pct(pred)} / {_pct(meas)}"
                for n, pred, meas in zip(
                    frame["zero_alone_n"], frame["zero_alone_predicted"], frame["zero_alone_measured"], strict=True
                )
            ],
        }
    )
    if "target" in frame:
        verdicts = zip(frame["target"], frame["pass"], strict=True)
        shown["target 80-95 %"] = [_verdict(ok) if isinstance(t, str) else "–" for t, ok in verdicts]
    return shown


def reliability_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "P(success)": frame["bin"],
            "proposals": frame["count"],
            "mean P": frame["mean_p"].map(lambda v: "–" if pd.isna(v) else f"{v:.2f}"),
            "sintered": frame["sintered"].map(_pct),
        }
    )


def markdown(proposals: pd.DataFrame) -> str:
    """One strategy's report (the proposals of one CSV): command, code, tables, targets."""
    first = proposals.iloc[0]
    found = summarise(proposals)
    labs = sorted(set(proposals["lab"]))
    lines = [
        f"#### `{first['strategy']}` from {'Cell A alone' if first['start'] == 'cell_a' else 'a small Sobol design'}, "
        f"noise {first['noise']:g}: labs {', '.join(map(str, labs))} × {proposals['seed'].nunique()} seeds "
        f"({found['campaigns']} campaigns, {found['proposals']} proposals)",
        "",
        f"Command: `{first.get('command', '(not recorded)')}` (nfpopt at {first.get('code', '(not recorded)')}). "
        f"{found['without_predictions']} proposals carried no prediction (initial design before a model) and are "
        "left out.",
        "",
    ]
    if found["coverage"].empty:
        lines.append("No outcome predictions: this strategy gives none.")
    else:
        lines += [ec.markdown_table(coverage_table(found["coverage"])), ""]
        for outcome in found["coverage"]["outcome"]:
            bands = delivery_bands(proposals[with_predictions(proposals)], outcome)
            if len(bands):
                lines += [ec.markdown_table(delivery_table(bands, outcome)), ""]
    scores = found["scores"]
    if scores is None:
        lines.append("No P(success): this strategy gives none.")
    else:
        lines += [
            ec.markdown_table(reliability_table(found["reliability"])),
            "",
            f"Brier score {scores['brier']:.3f} over {scores['n']} proposals; a constant forecast (the campaign's "
            f"running base rate) {scores['brier_base_rate']:.3f}. Proposals with P(success) ≥ {CONFIDENT_P:g}: "
            f"{scores['confident_n']}, of which {_pct(scores['confident_sintered'])} sintered (target ≥ "
            f"{100 * CONFIDENT_TARGET:.0f} %): {_verdict(scores['confident_pass'])}.",
        ]
    outcome = campaign_outcome(proposals)
    if outcome:
        found_at = [
            f"after {k} experiments {v[0]:.0f} % [{v[1]:.0f}, {v[2]:.0f}]"
            for k in HV_CHECKPOINTS
            if (v := outcome.get(f"hv@{k}")) is not None
        ]
        lines += [
            "",
            "What these campaigns found, beside how well they predicted it: hypervolume of the recipes made "
            f"(truth, % of each lab's attainable maximum, median [IQR]) {', '.join(found_at)}; "
            f"{_pct(outcome['failed'])} of the proposals failed to sinter.",
        ]
    return "\n".join(lines)


def load(folder: Path) -> dict[str, pd.DataFrame]:
    """Every stored proposals CSV in ``folder``, by file stem."""
    return {
        path.stem: pd.read_csv(path, dtype={"code": str, "command": str})
        for path in sorted(folder.glob("proposals-*.csv"))
    }


def summary_frame(stored: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per stored file and outcome (coverage) plus one for P(success), for ``summary.csv``."""
    rows = []
    for name, proposals in stored.items():
        found = summarise(proposals)
        key = {"file": name, "strategy": proposals["strategy"].iloc[0], "start": proposals["start"].iloc[0]}
        rows += [{**key, **row} for row in found["coverage"].to_dict(orient="records")]
        if found["scores"] is not None:
            rows.append({**key, "outcome": "p_feasible", **found["scores"]})
    return pd.DataFrame(rows)


def write_report(folder: Path, docs: Path | None) -> str:
    """``summary.csv`` and the docs section from every proposals CSV in ``folder``; returns the text."""
    stored = load(folder)
    if not stored:
        return ""
    summary_frame(stored).to_csv(folder / "summary.csv", index=False)
    body = "\n\n".join(markdown(p) for p in stored.values())
    if docs is not None:
        ec.replace_section(docs, "calibration", body)
    return body


# -- the command ------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks calibration", description=__doc__.split("\n")[0])
    parser.add_argument("--strategy", default="physics", help="nfpopt strategy whose predictions to check")
    parser.add_argument("--labs", type=int, default=5, help="labs 1..N of the family (default 5)")
    parser.add_argument("--seeds", type=int, default=10, help="campaigns per lab (default 10)")
    parser.add_argument("--experiments", type=int, default=24, help="new experiments per campaign (default 24)")
    parser.add_argument("--start", default="cell_a", choices=ec.STARTS)
    parser.add_argument("--noise", type=float, default=0.03, help="relative measurement noise (default 0.03)")
    parser.add_argument("--jobs", type=int, default=1, help="campaigns at once (default 1)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results folder (default {RESULTS})")
    parser.add_argument("--docs", default=str(DOCS), help="markdown page of the calibration section ('' to skip)")
    parser.add_argument("--report-only", action="store_true", help="rebuild the report from the stored CSVs")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    docs = Path(args.docs) if args.docs else None
    if not args.report_only:
        if args.labs < 1 or args.seeds < 1 or args.experiments < 1:
            raise SystemExit(
                f"--labs, --seeds and --experiments must each be at least 1, got "
                f"({args.labs=}, {args.seeds=}, {args.experiments=})"
            )
        plan = [
            ec.Run(args.strategy, args.start, args.noise, seed, args.experiments, lab)
            for lab in range(1, args.labs + 1)
            for seed in range(args.seeds)
        ]
        proposals = collect(plan, jobs=args.jobs)
        words = sys.argv[1:] if argv is None else ["calibration", *argv]
        proposals["command"] = "python -m benchmarks " + shlex.join(words)
        proposals["code"] = ec.code_version()
        args.out.mkdir(parents=True, exist_ok=True)
        proposals.to_csv(args.out / f"proposals-{args.strategy}-{args.start}.csv", index=False)
    print(write_report(args.out, docs))
    return 0
