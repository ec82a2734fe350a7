"""Tables and plots of pool-based benchmark results (side effects live here only).

* :func:`curves_frame`: one row per (run, learning cycle): the long CSV of Top% curves;
* :func:`summarise`: one row per (dataset, strategy): AF at Top% 0.5/0.8 with their
  5-95 % bands, EF at a few cycles, peak EF, cycles to reach 50/80/100 % (median curve),
  and runtime per run;
* :func:`write_report`: writes ``curves.csv``, ``summary.csv``, ``summary.md`` and one
  ``topk_<dataset>.png`` per dataset into a folder;
* :func:`compare_with_published`: the Crossed-barrel check against PUBLISHED.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import metrics
from benchmarks.pool import RunResult

EF_CYCLES = (10, 25, 50)
"""Learning cycles at which the summary reports EF of the median curve."""


def curves_frame(results: Sequence[RunResult]) -> pd.DataFrame:
    """Long table: dataset, strategy, seed, cycle (1..N), pool_index (-1 after a stop),
    top_count and top_fraction (padded as :meth:`RunResult.top_fraction` does)."""
    frames = []
    for result in results:
        n_done = len(result.top_counts)
        pool_index = np.full(result.n_pool, -1)
        pool_index[:n_done] = result.order
        counts = np.full(result.n_pool, result.n_top if result.horizon == result.n_pool else result.top_counts[-1])
        counts[:n_done] = result.top_counts
        frames.append(
            pd.DataFrame(
                {
                    "dataset": result.dataset,
                    "strategy": result.strategy,
                    "seed": result.seed,
                    "cycle": np.arange(1, result.n_pool + 1),
                    "pool_index": pool_index,
                    "top_count": counts,
                    "top_fraction": result.top_fraction(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _groups(results: Sequence[RunResult]) -> list[tuple[tuple[str, str], list[RunResult]]]:
    def key(r: RunResult) -> tuple[str, str]:
        return r.dataset, r.strategy

    return [(k, list(g)) for k, g in groupby(sorted(results, key=key), key=key)]


def summary_row(runs: Sequence[RunResult]) -> dict[str, float | int | str]:
    """Metrics of all runs of one (dataset, strategy) pair.

    Runs are aggregated with :func:`metrics.default_folds` folds. Values that need the
    curve beyond the shortest run's :attr:`RunResult.horizon` (runs cut by ``max_cycles``)
    are NaN (EF) or -1 (cycles), and AF is NaN at levels the curves do not reach.
    """
    curves = np.stack([run.top_fraction() for run in runs])
    n_folds = metrics.default_folds(len(runs))
    agg = metrics.aggregate_folds(curves, n_folds=n_folds)
    horizon = min(run.horizon for run in runs)
    row: dict[str, float | int | str] = {
        "dataset": runs[0].dataset,
        "strategy": runs[0].strategy,
        "runs": len(runs),
        "folds": n_folds,
        "N": runs[0].n_pool,
        "n_top": runs[0].n_top,
        "horizon": horizon,
    }
    for level in (0.8, 0.5):
        tag = f"AF{int(level * 100)}"
        row[tag] = metrics.acceleration_factor_at(agg.median, level)
        row[f"{tag}_lo"] = metrics.acceleration_factor_at(agg.low, level)
        row[f"{tag}_hi"] = metrics.acceleration_factor_at(agg.high, level)
    ef = metrics.enhancement_factor(agg.median)
    for cycle in EF_CYCLES:
        row[f"EF@{cycle}"] = float(ef[cycle - 1]) if cycle <= horizon else float("nan")
    row["EF_peak"], row["EF_peak_cycle"] = metrics.peak_enhancement(agg.median, horizon)
    for level in (0.5, 0.8, 1.0):
        reached = metrics.cycles_to_reach(agg.median, level)
        row[f"cycles_to_{int(level * 100)}"] = reached if reached is not None and reached <= horizon else -1
    row["runtime_s_per_run"] = float(np.mean([run.runtime_s for run in runs]))
    row["measured_per_run"] = float(np.mean([len(run.order) for run in runs]))
    return row


def summarise(results: Sequence[RunResult]) -> pd.DataFrame:
    """One row per (dataset, strategy); see :func:`summary_row`."""
    return pd.DataFrame([summary_row(runs) for _, runs in _groups(results)])


def markdown_table(frame: pd.DataFrame, digits: int = 2) -> str:
    """A GitHub-flavoured markdown table (no ``tabulate`` dependency)."""

    def cell(value: object) -> str:
        return f"{value:.{digits}f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("|" + "---|" * len(frame.columns))
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines) + "\n"


def plot_top_fraction(results: Sequence[RunResult], path: Path) -> None:
    """Top% (median and 5-95 % band, rounded to 0.005) vs learning cycle, one dataset.

    Each strategy is drawn up to its shortest run's horizon (runs cut by ``max_cycles``
    are not extended with padded values).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    n_pool = results[0].n_pool
    cycles = np.arange(1, n_pool + 1)
    ax.plot(cycles, metrics.random_baseline(n_pool), "k--", label="random (i/N)")
    for (_, strategy), runs in _groups(results):
        curves = np.stack([r.top_fraction() for r in runs])
        agg = metrics.aggregate_folds(curves, n_folds=metrics.default_folds(len(runs)))
        shown = slice(0, min(run.horizon for run in runs))
        (line,) = ax.plot(cycles[shown], metrics.round_to_grid(agg.median[shown]), label=strategy)
        low, high = metrics.round_to_grid(agg.low[shown]), metrics.round_to_grid(agg.high[shown])
        ax.fill_between(cycles[shown], low, high, color=line.get_color(), alpha=0.2)
    ax.axhline(0.8, color="k", alpha=0.2, linestyle="--")
    ax.set(xscale="log", ylim=(0, 1.05), xlabel="learning cycle i", ylabel="Top%")
    ax.set_title(f"{results[0].dataset} (N={n_pool}, {len(results)} runs in all)")
    ax.legend(frameon=False, fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(results: Sequence[RunResult], output_dir: Path) -> pd.DataFrame:
    """Write curves.csv, summary.csv, summary.md and per-dataset PNGs; return the summary."""
    output_dir.mkdir(parents=True, exist_ok=True)
    curves_frame(results).to_csv(output_dir / "curves.csv", index=False)
    summary = summarise(results)
    summary.to_csv(output_dir / "summary.csv", index=False)
    (output_dir / "summary.md").write_text(markdown_table(summary))
    for dataset in sorted({r.dataset for r in results}):
        subset = [r for r in results if r.dataset == dataset]
        plot_top_fraction(subset, output_dir / f"topk_{dataset}.png")
    return summary


def results_from_curves(frame: pd.DataFrame) -> list[RunResult]:
    """Rebuild run results from a ``curves.csv`` written by :func:`write_report`.

    Lets the summary and plots be regenerated without re-running. Runtimes are not stored
    in the CSV and come back as NaN.
    """
    measured_rows = frame[(frame.pool_index >= 0) & (frame.top_fraction > 0)]
    ratios = (measured_rows.top_count / measured_rows.top_fraction).groupby(measured_rows.dataset).median()
    results = []
    for (dataset, strategy, seed), run in frame.groupby(["dataset", "strategy", "seed"], sort=False):
        run = run.sort_values("cycle")
        measured = run[run.pool_index >= 0]
        n_pool, counts = len(run), tuple(int(c) for c in measured.top_count)
        n_top = int(round(ratios[dataset]))
        complete = len(counts) == n_pool or counts[-1] == n_top
        order = tuple(int(i) for i in measured.pool_index)
        horizon = n_pool if complete else len(counts)
        results.append(RunResult(dataset, strategy, int(seed), order, counts, n_pool, n_top, float("nan"), horizon))
    return results


def compare_with_published(summary: pd.DataFrame) -> pd.DataFrame:
    """AF at Top% 0.8 on Crossed barrel against the values recomputed from stored runs.

    ``within_band`` is True when the measured median lies inside the published 5-95 %
    band of the fold means.
    """
    from benchmarks.liang2021 import PUBLISHED_CROSSED_BARREL

    rows = []
    for strategy, ref in PUBLISHED_CROSSED_BARREL.items():
        match = summary[(summary.dataset == "crossed_barrel") & (summary.strategy == strategy)]
        measured = float(match.AF80.iloc[0]) if len(match) else float("nan")
        rows.append(
            {
                "strategy": strategy,
                "source": ref.source,
                "published_AF80": ref.af80,
                "published_band": f"{ref.band[0]}-{ref.band[1]}",
                "measured_AF80": measured,
                "measured_band": (f"{match.AF80_lo.iloc[0]:.2f}-{match.AF80_hi.iloc[0]:.2f}" if len(match) else ""),
                "runs": int(match.runs.iloc[0]) if len(match) else 0,
                "within_band": bool(ref.band[0] <= measured <= ref.band[1]),
            }
        )
    return pd.DataFrame(rows)
