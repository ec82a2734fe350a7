"""The family of labs as a benchmark: each lab's attainable maximum and the family's tables.

Runs of ``python -m benchmarks emulator --labs N`` are scored against their own lab's maximum
(:func:`maxima`, a dense search per lab cached as ``attainable-lab<NN>.json``); the tables pool
labs and seeds (:func:`family_summary`) and show each lab (:func:`by_lab`). A strategy's speed
is also put against random search's *on the same lab* (:func:`ratio_to_random`): per lab, the
median over seeds of the experiments to 90 % of that lab's maximum over random search's, then
the median over labs. A run that never got there counts as the budget + 1 (so where random
search's median does not get there either, the ratio is left out as unknown; where only random
search's does not, the ratio shown is an upper bound).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import emulator_campaign as ec
from benchmarks import labs as lab_family
from nfpopt.definition import CampaignDefinition

CALIBRATED_CACHE = Path("benchmarks/results/emulator/attainable.json")
SCENARIO = ["start", "noise"]


def cache_path(folder: Path, index: int) -> Path:
    """Where lab ``index``'s attainable maximum is cached (the calibrated emulator's for -1)."""
    return CALIBRATED_CACHE if index == ec.CALIBRATED else folder / f"attainable-lab{index:02d}.json"


def maxima(definition: CampaignDefinition, indices: Iterable[int], folder: Path) -> dict[int, float]:
    """Each lab's attainable maximum hypervolume: :func:`ec.attainable_hypervolume` with its constants."""
    return {
        i: ec.attainable_hypervolume(definition, cache_path(folder, i), params=ec.lab_parameters(i))
        for i in sorted(set(indices))
    }


def _capped(values: pd.Series, budget: int) -> np.ndarray:
    return np.minimum(values.to_numpy(float), budget + 1)


def ratio_to_random(runs_table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, lab and strategy: median experiments to 90 % over random search's (same lab)."""
    rows = []
    for key, group in runs_table.groupby([*SCENARIO, "lab"], sort=False):
        budget = int(group["experiments"].max())
        capped = group.assign(count=_capped(group["to_90pct"], budget))
        medians = capped.groupby("strategy")["count"].median()
        random = medians.get("random", np.nan)
        for strategy, median in medians.items():
            # Neither got there within the budget: the ratio is unknown, not 1.
            ratio = np.nan if median > budget and random > budget else median / random
            rows.append({**dict(zip([*SCENARIO, "lab"], key, strict=True)), "strategy": strategy, "ratio": ratio})
    return pd.DataFrame(rows, columns=[*SCENARIO, "lab", "strategy", "ratio"])


def _row(group: pd.DataFrame, ratios: pd.Series) -> dict[str, str]:
    budget = int(group["experiments"].max())
    row = {"experiments to 90 % of the lab's max": ec._fmt_count(group["to_90pct"], budget)}
    for n in ec.CHECKPOINTS:
        # "–" where these runs stopped short of the checkpoint (a pandas NaN would print "nan")
        has = group[f"hv_{n}"].notna().any()
        row[f"HV@{n} (% of the lab's max)"] = ec._fmt_iqr(group[f"hv_{n}"], 100.0, 0) if has else "–"
    row["failed to sinter"] = f"{100 * group['failed_fraction'].mean():.0f} %"
    finite = ratios.dropna()
    known = f"{finite.median():.2f} ({len(finite)}/{len(ratios)} labs)" if len(finite) else "–"
    row["× random's experiments to 90 % (labs where known)"] = known
    row["s / campaign"] = f"{group['campaign_seconds'].median():.0f}"
    return row


def family_summary(runs_table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and strategy, over every lab and seed: medians [IQR] as display strings."""
    ratios = ratio_to_random(runs_table)
    rows = []
    for (start, noise, strategy), group in ec.canonical_order(runs_table).groupby([*SCENARIO, "strategy"], sort=False):
        mine = ratios[(ratios["start"] == start) & (ratios["noise"] == noise) & (ratios["strategy"] == strategy)]
        head = {"start": start, "noise": noise, "strategy": strategy, "labs": group["lab"].nunique()}
        rows.append({**head, "runs": len(group), **_row(group, mine["ratio"])})
    return pd.DataFrame(rows)


def by_lab(runs_table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, lab and strategy, over seeds: the same columns as :func:`family_summary`."""
    ratios = ratio_to_random(runs_table)
    ordered = ec.canonical_order(runs_table)
    ordered = ordered.loc[ordered["lab"].sort_values(kind="stable").index]
    rows = []
    for (start, noise, index, strategy), group in ordered.groupby([*SCENARIO, "lab", "strategy"], sort=False):
        mine = ratios[
            (ratios["start"] == start)
            & (ratios["noise"] == noise)
            & (ratios["lab"] == index)
            & (ratios["strategy"] == strategy)
        ]
        head = {"start": start, "noise": noise, "lab": index, "strategy": strategy, "seeds": len(group)}
        rows.append({**head, **_row(group, mine["ratio"])})
    return pd.DataFrame(rows)


def describe_labs(found: dict[int, float]) -> pd.DataFrame:
    """The labs of a report: sintering boundary, shares that sinter / deliver, attainable maximum."""
    table = lab_family.describe([i for i in found if i != ec.CALIBRATED])
    return pd.DataFrame(
        {
            "lab": table["lab"],
            "AB wt% where layers stop sintering (12.4 wt% alumina)": table["boundary_ab_wt_pct"].map("{:.2f}".format),
            "recipes that sinter": table["sintered_share"].map("{:.0%}".format),
            "recipes with 2 C capacity > 0": table["delivering_share"].map("{:.1%}".format),
            "attainable max (ohm·mAh/g)": [f"{found[i]:,.0f}" for i in table["lab"]],
        }
    )


def targets(runs_table: pd.DataFrame) -> list[str]:
    """Issue 12's targets on the family, each with pass / fail (for the strategies present).

    ``physics``: median ratio to random search's experiments to 90 % at most 0.5 and at most 15 %
    of its proposals failed; ``bayes``: median HV@24 above random search's IQR (labs and seeds pooled).
    """
    ratios = ratio_to_random(runs_table)
    lines = []
    for (start, noise), group in runs_table.groupby(SCENARIO, sort=False):
        strategies = set(group["strategy"])
        where = f"{_label(start)}, noise {noise:g}"
        if {"physics", "random"} <= strategies:
            mine = ratios[(ratios["start"] == start) & (ratios["noise"] == noise) & (ratios["strategy"] == "physics")]
            ratio = float(mine["ratio"].median())
            failed = 100 * group.loc[group["strategy"] == "physics", "failed_fraction"].mean()
            ok = ratio <= 0.5 and failed <= 15
            lines.append(
                f"* {where}: `physics` at most half random search's experiments to 90 % (ratio {ratio:.2f}) "
                f"with at most 15 % failed ({failed:.0f} %): **{_verdict(ok)}**"
            )
        if {"bayes", "random"} <= strategies and group["hv_24"].notna().any():
            bayes = ec.median_iqr(group.loc[group["strategy"] == "bayes", "hv_24"].dropna())
            random = ec.median_iqr(group.loc[group["strategy"] == "random", "hv_24"].dropna())
            lines.append(
                f"* {where}: `bayes` HV@24 median {100 * bayes[0]:.0f} % above random search's IQR "
                f"[{100 * random[1]:.0f}, {100 * random[2]:.0f}]: **{_verdict(bayes[0] > random[2])}**"
            )
    return lines


def _verdict(ok: bool) -> str:
    return "pass" if ok else "fail"


def _label(start: str) -> str:
    return "Cell A alone" if start == "cell_a" else "a small Sobol design"


def markdown_report(runs_table: pd.DataFrame, found: dict[int, float]) -> str:
    """The labs, then one summary and one per-lab table per scenario."""
    parts = [ec.markdown_table(describe_labs(found))]
    goals = targets(runs_table)
    if goals:
        parts.append("Issue 12's targets on the family:\n\n" + "\n".join(goals))
    summary_rows = family_summary(runs_table)
    per_lab = by_lab(runs_table)
    for (start, noise), group in summary_rows.groupby(SCENARIO, sort=False):
        title = f"#### Start: {_label(start)}; noise {noise:g}; labs and seeds pooled"
        parts.append(title + "\n\n" + ec.markdown_table(group.drop(columns=SCENARIO)))
        mine = per_lab[(per_lab["start"] == start) & (per_lab["noise"] == noise)].drop(columns=SCENARIO)
        parts.append("<details><summary>by lab</summary>\n\n" + ec.markdown_table(mine) + "\n\n</details>")
    return "\n\n".join(parts)
