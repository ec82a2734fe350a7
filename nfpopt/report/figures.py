"""The report's figures, drawn with matplotlib's object API (no pyplot, no global state).

Each function takes plain pieces (definition, experiments, fitted models, reference recipe)
and returns a :class:`matplotlib.figure.Figure`, so notebooks can draw the same figures for
models they fit themselves. Saving a ``Figure`` uses the Agg canvas; no display is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.patheffects import withStroke
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from nfpopt.definition import CampaignDefinition
from nfpopt.experiments import finished, non_dominated, succeeded
from nfpopt.objectives import Objective, utility_matrix
from nfpopt.recommend.bayes import FittedModels
from nfpopt.report.content import grid, numeric_free, span
from nfpopt.report.labels import name_label, objective_label, pretty_unit, words
from nfpopt.scoring import hypervolume
from nfpopt.space import CategoricalParameter
from nfpopt.surrogates import OutcomeModel
from nfpopt.surrogates.transforms import choose_scale

MAP_POINTS = 45
FAILED = {"marker": "x", "color": "#c0392b", "s": 45, "linewidths": 1.8}
SUCCEEDED = {"marker": "o", "facecolor": "white", "edgecolor": "black", "s": 36, "linewidths": 1.2}
PAPER = {"marker": "*", "color": "black", "s": 150, "zorder": 5}
#: Paper cells drawn in the maps and trade-off plots (co-fired coin cells and the references).
PAPER_LABELS = {
    "A": "Cell A",
    "B": "Cell B",
    "C": "Cell C",
    "D": "Cell D",
    "E": "Cell E",
    "liquid_ref": "liquid electrolyte",
    "AB5": "5 wt% AB",
}

#: Label offsets (points) where paper cells lie close together (D and E in the trade-off plot).
_LABEL_OFFSETS = {"E": (8, -13)}
_HALO = [withStroke(linewidth=3, foreground="white")]


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _wide_range(values: pd.Series | np.ndarray) -> bool:
    """Positive values spanning more than a decade: draw on a log axis (as the models do)."""
    return choose_scale(np.asarray(values, float)).log


# -- progress --------------------------------------------------------------------------------
def progress_figure(definition: CampaignDefinition, table: pd.DataFrame) -> Figure:
    """Each objective per experiment with the best so far; failures marked; hypervolume if 2+."""
    done = finished(table).sort_values("experiment_id")
    objectives = definition.objectives
    reference = [o.threshold for o in objectives]
    with_hv = len(objectives) > 1 and all(r is not None for r in reference)
    panels = len(objectives) + int(with_hv)
    fig = _figure(4.3 * panels, 3.6)
    axes = fig.subplots(1, panels, squeeze=False)[0]
    x = np.arange(1, len(done) + 1)
    ok = succeeded(definition, done)
    for ax, objective in zip(axes, objectives, strict=False):
        values = done[objective.outcome].astype(float) if objective.outcome in done else pd.Series(np.nan, done.index)
        ax.scatter(x[ok], values[ok], color="#2c7fb8", s=22, label="measured", zorder=3)
        best = _best_so_far(values.where(ok), objective)
        ax.step(x, best, where="post", color="black", lw=1.6, label="best so far")
        _mark_failures(ax, x[~ok])
        _batch_lines(ax, done)
        if _wide_range(values[ok]):
            ax.set_yscale("log")
        elif values[ok].min() >= 0:
            ax.set_ylim(-0.06 * max(values[ok].max(), 1.0), 1.06 * max(values[ok].max(), 1.0))
        ax.set_xlabel("experiment (in the order made)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(objective_label(definition, objective))
        ax.legend(fontsize=8, loc="best")
    if with_hv:
        ax = axes[-1]
        volumes = [hypervolume(done.iloc[: i + 1][ok[: i + 1]], objectives, reference) for i in range(len(done))]
        ax.step(x, volumes, where="post", color="black", lw=1.6)
        _batch_lines(ax, done)
        ax.set_xlabel("experiment (in the order made)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("hypervolume dominated (objective units)")
        points = [_with_unit(definition, o.outcome, r) for o, r in zip(objectives, reference, strict=True)]
        ax.set_title("reference point: " + ", ".join(points), fontsize=8)
    return fig


def _best_so_far(values: pd.Series, objective: Objective) -> np.ndarray:
    """The best value among the first i experiments, for each i (NaN until the first success)."""
    best, out = np.nan, []
    for value in values.to_numpy(float):
        if np.isfinite(value) and (np.isnan(best) or objective.utility(value) > objective.utility(best)):
            best = value
        out.append(best)
    return np.array(out)


def _with_unit(definition: CampaignDefinition, name: str, value: float) -> str:
    unit = definition.outcome(name).unit
    return f"{words(name, unit)} {value:g} {pretty_unit(unit)}".strip()


def _mark_failures(ax, positions: np.ndarray) -> None:  # noqa: ANN001 - a matplotlib Axes
    if not len(positions):
        return
    where = blended_transform_factory(ax.transData, ax.transAxes)
    ax.scatter(positions, np.full(len(positions), 0.03), transform=where, label="failed (no result)", **FAILED)


def _batch_lines(ax, done: pd.DataFrame) -> None:  # noqa: ANN001
    batches = done["batch"].to_numpy()
    for i in range(1, len(batches)):
        if batches[i] != batches[i - 1] and not pd.isna(batches[i]):
            ax.axvline(i + 0.5, color="0.85", lw=0.8, zorder=0)


# -- trade-off -------------------------------------------------------------------------------
def tradeoff_figure(definition: CampaignDefinition, table: pd.DataFrame, paper: pd.DataFrame | None) -> Figure | None:
    """First objective against the second (or the first outcome constraint), Pareto set joined."""
    first = definition.objectives[0]
    if len(definition.objectives) > 1:
        y_name, y_label = definition.objectives[1].outcome, objective_label(definition, definition.objectives[1])
    elif definition.outcome_constraints:
        y_name = definition.outcome_constraints[0].outcome
        limit = definition.outcome_constraints[0]
        bounds = [
            f"≥ {limit.lower:g}" if np.isfinite(limit.lower) else "",
            f"≤ {limit.upper:g}" if np.isfinite(limit.upper) else "",
        ]
        y_label = f"{name_label(definition, y_name)}, must be {' and '.join(b for b in bounds if b)}"
    else:
        return None
    measured = table[table["status"] == "measured"] if len(table) else table
    if not len(measured) or first.outcome not in measured or y_name not in measured:
        return None
    measured = measured.dropna(subset=[first.outcome, y_name])
    if not len(measured):
        return None
    fig = _figure(7.5, 5.2)
    ax = fig.subplots()
    batch = measured["batch"].astype(float).fillna(0).to_numpy()
    points = ax.scatter(
        measured[first.outcome], measured[y_name], c=batch, cmap="viridis", s=40, edgecolor="k", lw=0.4, zorder=3
    )
    bar = fig.colorbar(points, ax=ax, label="batch (0: imported)")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    if len(definition.objectives) > 1:
        _pareto_line(ax, definition, measured, y_name)
    for limit in definition.outcome_constraints[:1] if len(definition.objectives) == 1 else ():
        for bound in (limit.lower, limit.upper):
            if np.isfinite(bound):
                ax.axhline(bound, color="#c0392b", ls="--", lw=1, label=f"limit {bound:g}")
    if paper is not None:
        _paper_points(ax, paper, first.outcome, y_name)
    if _wide_range(pd.concat([measured[first.outcome], _paper_values(paper, first.outcome)])):
        ax.set_xscale("log")
    ax.set_xlabel(objective_label(definition, first))
    ax.set_ylabel(y_label)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="best")
    return fig


def _paper_values(paper: pd.DataFrame | None, column: str) -> pd.Series:
    if paper is None or column not in paper:
        return pd.Series(dtype=float)
    return paper[column].astype(float)


def _pareto_line(ax, definition: CampaignDefinition, measured: pd.DataFrame, y_name: str) -> None:  # noqa: ANN001
    good = measured[succeeded(definition, measured)]
    objectives = definition.objectives[:2]
    if not len(good):
        return
    utility = utility_matrix(good, objectives)
    front = good[non_dominated(utility)].sort_values(objectives[0].outcome)
    ax.plot(
        front[objectives[0].outcome],
        front[y_name],
        "-o",
        color="#d95f02",
        mfc="none",
        ms=11,
        lw=1.5,
        label="Pareto front (measured)",
        zorder=4,
    )


def _paper_points(ax, paper: pd.DataFrame, x_name: str, y_name: str) -> None:  # noqa: ANN001
    if x_name not in paper or y_name not in paper:
        return
    shown = paper.loc[[c for c in PAPER_LABELS if c in paper.index]].dropna(subset=[x_name, y_name])
    if not len(shown):
        return
    ax.scatter(shown[x_name], shown[y_name], label="Yamauchi et al. 2020", **PAPER)
    for cell, row in shown.iterrows():
        ax.annotate(
            PAPER_LABELS[str(cell)],
            (row[x_name], row[y_name]),
            textcoords="offset points",
            xytext=_LABEL_OFFSETS.get(str(cell), (7, 5)),
            fontsize=9,
            fontweight="bold",
            path_effects=_HALO,
        )


# -- surrogate slices and maps -------------------------------------------------------------
def slice_map_figure(
    definition: CampaignDefinition,
    model: OutcomeModel,
    reference: pd.Series,
    pair: tuple[str, str],
    experiments: pd.DataFrame | None = None,
    paper: pd.DataFrame | None = None,
) -> Figure:
    """Predicted mean and its sd over two parameters, the others held at ``reference``."""
    x_name, y_name = pair
    xs, ys = span(definition, x_name, MAP_POINTS), span(definition, y_name, MAP_POINTS)
    recipes = grid(definition, reference, {x_name: xs, y_name: ys})
    mean, sd = (v.reshape(len(xs), len(ys)).T for v in model.predict(recipes))
    allowed = definition.space.feasible(recipes).reshape(len(xs), len(ys)).T
    fig = _figure(11, 4.4)
    axes = fig.subplots(1, 2)
    unit = definition.outcome(model.outcome).unit if model.outcome in definition.outcome_names else ""
    log = bool(getattr(model.scale_, "log", False))  # resistance-like outcomes, modelled on a log scale
    for ax, values, title in zip(axes, (mean, sd), ("predicted mean", "uncertainty (1 sd)"), strict=True):
        norm = LogNorm(*_positive_limits(values)) if log and _wide_range(values) else Normalize()
        mesh = ax.pcolormesh(xs, ys, values, shading="auto", cmap="viridis" if ax is axes[0] else "magma", norm=norm)
        fig.colorbar(mesh, ax=ax, label=f"{title}: {name_label(definition, model.outcome)}" if unit else title)
        _shade_disallowed(ax, xs, ys, allowed)
        _points(ax, definition, experiments, x_name, y_name)
        _paper_map_points(ax, paper, x_name, y_name)
        ax.plot(reference[x_name], reference[y_name], "P", color="white", mec="black", ms=12, label="slice through")
        ax.set_xlabel(name_label(definition, x_name))
        ax.set_ylabel(name_label(definition, y_name))
        ax.set_title(f"{words(model.outcome, unit)}: {title}", fontsize=10)
    axes[0].legend(fontsize=7, loc="upper right", framealpha=0.85)
    return fig


def feasibility_figure(
    definition: CampaignDefinition,
    models: FittedModels,
    reference: pd.Series,
    pair: tuple[str, str],
    experiments: pd.DataFrame | None = None,
    paper: pd.DataFrame | None = None,
) -> Figure | None:
    """Probability of success over two parameters, the experiments marked (failed: red x)."""
    if models.feasibility is None:
        return None
    x_name, y_name = pair
    xs, ys = span(definition, x_name, MAP_POINTS), span(definition, y_name, MAP_POINTS)
    recipes = grid(definition, reference, {x_name: xs, y_name: ys})
    p = models.feasibility.probability(recipes).reshape(len(xs), len(ys)).T
    allowed = definition.space.feasible(recipes).reshape(len(xs), len(ys)).T
    fig = _figure(7.5, 5.2)
    ax = fig.subplots()
    mesh = ax.pcolormesh(xs, ys, p, shading="auto", cmap="RdYlGn", vmin=0, vmax=1)
    fig.colorbar(mesh, ax=ax, label=f"P(success: {words(definition.feasibility or 'success')})")
    if 0 < p.min() < 0.5 < p.max():
        lines = ax.contour(xs, ys, p, levels=[0.5], colors="black", linewidths=1.5)
        ax.clabel(lines, fmt="P = %.1f", fontsize=8)
    _shade_disallowed(ax, xs, ys, allowed)
    _points(ax, definition, experiments, x_name, y_name)
    _paper_map_points(ax, paper, x_name, y_name)
    ax.set_xlabel(name_label(definition, x_name))
    ax.set_ylabel(name_label(definition, y_name))
    ax.legend(fontsize=8, loc="upper right", framealpha=0.85)
    return fig


def slices_figure(
    definition: CampaignDefinition, model: OutcomeModel, reference: pd.Series, *, columns: int = 4
) -> Figure:
    """One panel per free parameter: the predicted mean of ``model`` and its 95 % band."""
    names = numeric_free(definition) + [
        p.name for p in definition.space.parameters if isinstance(p, CategoricalParameter)
    ]
    rows = -(-len(names) // columns)
    fig = _figure(3.0 * min(columns, len(names)), 2.7 * rows)
    axes = fig.subplots(rows, min(columns, len(names)), squeeze=False, sharey=True).ravel()
    log = bool(getattr(model.scale_, "log", False))
    for ax, name in zip(axes, names, strict=False):
        _one_slice(ax, definition, model, reference, name)
        if log:
            ax.set_yscale("log")
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    for ax in axes[:: min(columns, len(names))]:
        ax.set_ylabel(name_label(definition, model.outcome))
    return fig


def _one_slice(ax, definition: CampaignDefinition, model: OutcomeModel, reference: pd.Series, name: str) -> None:  # noqa: ANN001
    parameter = definition.space.parameter(name)
    categorical = isinstance(parameter, CategoricalParameter)
    xs = np.array(parameter.values, dtype=object) if categorical else span(definition, name)
    mean, low, high = band(model, grid(definition, reference, {name: xs}))
    if model.outcome in definition.outcome_names:  # a band stops at the physical range (0 mAh/g)
        spec = definition.outcome(model.outcome)
        low, high = np.clip(low, spec.lower, spec.upper), np.clip(high, spec.lower, spec.upper)
    if categorical:
        at = np.arange(len(xs))
        ax.errorbar(at, mean, yerr=[mean - low, high - mean], fmt="o", color="#2c7fb8", capsize=4)
        ax.set_xticks(at, list(xs))
        ax.set_xlim(-0.5, len(xs) - 0.5)
    else:
        ax.fill_between(xs, low, high, color="#2c7fb8", alpha=0.25, label="95 % band")
        ax.plot(xs, mean, color="#2c7fb8", lw=1.8, label="predicted")
        ax.axvline(float(reference[name]), color="black", ls=":", lw=1)
    ax.set_xlabel(name_label(definition, name))
    ax.grid(alpha=0.3)


def band(model: OutcomeModel, recipes: pd.DataFrame, z: float = 1.96) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predicted value and a ``z``-sd band in the outcome's units (computed on the model's scale,
    so a log-scaled outcome gets an asymmetric band that stays positive)."""
    mean, sd = model.predict_scaled(recipes)
    scale = model.scale_
    return scale.inverse(mean), scale.inverse(mean - z * sd), scale.inverse(mean + z * sd)


def _floor(mean: np.ndarray) -> float:
    """Bands of positive outcomes stop at 0 rather than going negative."""
    return 0.0 if np.all(mean >= 0) else -np.inf


def _positive_limits(values: np.ndarray) -> tuple[float, float]:
    v = values[np.isfinite(values) & (values > 0)]
    return float(v.min()), float(v.max())


def _shade_disallowed(ax, xs: np.ndarray, ys: np.ndarray, allowed: np.ndarray) -> None:  # noqa: ANN001
    if allowed.all():
        return
    ax.contourf(xs, ys, (~allowed).astype(float), levels=[0.5, 1.5], colors="none", hatches=["///"])
    ax.contourf(xs, ys, (~allowed).astype(float), levels=[0.5, 1.5], colors=["0.5"], alpha=0.45)
    ax.plot([], [], color="0.6", lw=6, alpha=0.6, label="outside the campaign's constraints")


def _points(ax, definition: CampaignDefinition, experiments: pd.DataFrame | None, x: str, y: str) -> None:  # noqa: ANN001
    if experiments is None or not len(experiments):
        return
    done = finished(experiments)
    ok = succeeded(definition, done)
    ax.scatter(done[x][ok], done[y][ok], label="succeeded", zorder=4, **SUCCEEDED)
    ax.scatter(done[x][~ok], done[y][~ok], label="failed", zorder=4, **FAILED)


def _paper_map_points(ax, paper: pd.DataFrame | None, x: str, y: str) -> None:  # noqa: ANN001
    if paper is None or x not in paper or y not in paper:
        return
    shown = paper.loc[[c for c in PAPER_LABELS if c in paper.index]].dropna(subset=[x, y])
    seen: dict[tuple[float, float], list[str]] = {}
    for cell, row in shown.iterrows():
        seen.setdefault((float(row[x]), float(row[y])), []).append(str(cell))
    for (px, py), cells in seen.items():
        ax.scatter([px], [py], **{**PAPER, "s": 110})
        ax.annotate(
            _cells_text(cells),
            (px, py),
            textcoords="offset points",
            xytext=(6, 5),
            fontsize=8.5,
            weight="bold",
            path_effects=_HALO,
            zorder=3.5,
        )


def _cells_text(cells: Sequence[str]) -> str:
    """``['C', 'D', 'E']`` -> ``Cells C-E``; one cell by its label."""
    if len(cells) == 1:
        return PAPER_LABELS[cells[0]]
    letters = [c for c in cells if len(c) == 1]
    others = [PAPER_LABELS[c] for c in cells if len(c) != 1]
    text = f"Cells {letters[0]}–{letters[-1]}" if len(letters) > 1 else ", ".join(PAPER_LABELS[c] for c in letters)
    return ", ".join([text, *others]) if text else ", ".join(others)
