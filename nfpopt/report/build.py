"""Write a campaign's report: ``index.html``, its PNG figures and ``experiments.csv`` in one folder."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from nfpopt.campaign import Campaign
from nfpopt.experiments import finished, succeeded
from nfpopt.report import figures
from nfpopt.report.content import ReportContent, gather
from nfpopt.report.fits import fits_section
from nfpopt.report.labels import name_label, pretty_unit, unit_of, words
from nfpopt.report.page import Section, fmt, headers, page, plain_words, table_html

#: The paper's best values at the objectives, for the summary cards of the NFP campaign.
PAPER_BEST = {"internal_resistance_ohm": "E", "capacity_2c_mah_g": "C"}


def write_report(
    campaign: Campaign | ReportContent, directory: Path, *, seed: int = 0, fits: Sequence[Path] = ()
) -> Path:
    """Draw the campaign's report into ``directory`` (created); returns the page's path.

    ``campaign`` may also be what :func:`~nfpopt.report.content.gather` read from it before.
    ``fits``: folders of Nyquist figures from ``nfpopt extract``, shown in their own section.
    """
    content = campaign if isinstance(campaign, ReportContent) else gather(campaign, seed=seed)
    directory.mkdir(parents=True, exist_ok=True)
    content.table.to_csv(directory / "experiments.csv", index=False)
    sections = [
        _progress(content, directory),
        _tradeoff(content, directory),
        _batch(content),
        _surrogates(content, directory),
        _feasibility(content, directory),
        _experiments(content),
    ]
    fitted = fits_section(fits, directory)
    if fitted is not None:
        sections.insert(-1, fitted)
    definition = content.definition
    subtitle = (
        f"{definition.description} · strategy {definition.strategy}, batches of {definition.batch_size} · "
        f"report of {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    )
    path = directory / "index.html"
    path.write_text(page(f"Campaign {definition.name}", subtitle, _cards(content), sections), encoding="utf-8")
    return path


def _save(figure: Figure | None, directory: Path, name: str) -> str | None:
    if figure is None:
        return None
    figure.savefig(directory / name)
    return name


def _cards(content: ReportContent) -> list[tuple[str, str]]:
    counts = content.status.counts
    cards = [(str(sum(counts.values())), "experiments: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v))]
    for objective in content.definition.objectives:
        unit = pretty_unit(content.definition.outcome(objective.outcome).unit)
        best = content.status.best.get(objective.outcome)
        what = f"best {words(objective.outcome, unit)}"
        if best is None:
            cards.append(("–", what + " (no successful result yet)"))
            continue
        cards.append((f"{best['value']:.4g} {unit}", f"{what} (experiment {best['experiment_id']})"))
        cell = PAPER_BEST.get(objective.outcome)
        if content.paper is not None and cell in content.paper.index:
            value = content.paper.loc[cell, objective.outcome]
            cards.append((f"{value:.4g} {unit}", f"paper's best {words(objective.outcome, unit)} (Cell {cell})"))
    return cards


def _progress(content: ReportContent, directory: Path) -> Section:
    section = Section("Progress and best so far")
    if not content.table["status"].isin(["measured", "failed"]).any():
        return section.text("No experiment has been measured yet.", note=True)
    name = _save(figures.progress_figure(content.definition, content.table), directory, "progress.png")
    return section.figure(
        name,
        "Each objective for every finished experiment, in the order made (blue), and the best "
        "successful value so far (black step). Red crosses on the bottom edge are experiments that "
        "failed and gave no result; grey lines separate batches. With two objectives, the last panel "
        "is the hypervolume the successful results dominate above the campaign's thresholds.",
    )


def _tradeoff(content: ReportContent, directory: Path) -> Section:
    section = Section("Trade-off and Pareto front")
    fig = figures.tradeoff_figure(content.definition, content.table, content.paper)
    if fig is None:
        return section.text("Nothing to plot yet: no measured experiment has both values.", note=True)
    caption = (
        "Every measured experiment, coloured by batch; the orange line joins the Pareto front "
        "(recipes no other recipe beats on both objectives)."
    )
    if content.paper is not None:
        caption += (
            " Black stars are the paper's cells (Yamauchi et al., Sci. Rep. 10:9453, 2020) where it "
            "reports both values; cells without a reported value are not drawn."
        )
    return section.figure(_save(fig, directory, "tradeoff.png"), caption)


def _batch(content: ReportContent) -> Section:
    section = Section("Last proposed batch")
    batch = content.last_batch
    if not len(batch):
        return section.text("No batch has been proposed yet.", note=True)
    definition = content.definition
    shown = batch[["experiment_id", "status", *[p.name for p in definition.space.free]]].copy()
    names = {}
    for objective in definition.objectives:
        name, unit = objective.outcome, pretty_unit(unit_of(definition, objective.outcome))
        if f"predicted_{name}_lo90" in batch:
            scale = batch.get(f"predicted_{name}_scale", pd.Series(["linear"])).iloc[0]
            column = f"predicted {words(name, unit)} [90 % interval] ({unit}, {scale} scale)"
            shown[column] = [
                _interval(m, lo, hi)
                for m, lo, hi in zip(
                    batch[f"predicted_{name}"],
                    batch[f"predicted_{name}_lo90"],
                    batch[f"predicted_{name}_hi90"],
                    strict=True,
                )
            ]
            names[column] = column
        elif f"predicted_{name}" in batch:  # batches stored before intervals were recorded
            column = f"predicted {words(name, unit)} ± sd ({unit})"
            shown[column] = [
                _plus_minus(m, s) for m, s in zip(batch[f"predicted_{name}"], _sd(batch, name), strict=True)
            ]
            names[column] = column
        if name in batch:
            shown[name] = batch[name]
    if "p_feasible" in batch:
        shown["p_feasible"] = batch["p_feasible"]
    section.text(
        f"Batch {int(batch['batch'].iloc[0])}: what the strategy predicted when it proposed each recipe, "
        "with the measured value once recorded."
    )
    section.raw(table_html(shown, {**headers(definition, list(shown.columns)), **names}))
    if "rationale" not in batch:
        return section.text(f"The strategy ('{definition.strategy}') stored no explanation with this batch.", note=True)
    reasons = "".join(
        f"<li><b>experiment {int(i)}</b>: {html.escape(plain_words(str(r), definition))}</li>"
        for i, r in zip(batch["experiment_id"], batch["rationale"], strict=True)
        if pd.notna(r)
    )
    return section.raw(f'<p>Why each recipe was chosen:</p><ul class="why">{reasons}</ul>')


def _sd(batch: pd.DataFrame, name: str) -> pd.Series:
    column = f"predicted_{name}_sd"
    return batch[column] if column in batch else pd.Series(float("nan"), index=batch.index)


def _interval(point: object, low: object, high: object) -> str:
    if pd.isna(point):
        return "–"
    return f"{fmt(float(point))} [{fmt(float(low))}, {fmt(float(high))}]"


def _plus_minus(mean: object, sd: object) -> str:
    if pd.isna(mean):
        return "–"
    return fmt(float(mean)) + ("" if pd.isna(sd) else f" ± {fmt(float(sd))}")


def _surrogates(content: ReportContent, directory: Path) -> Section:
    section = Section("Surrogate models")
    if content.models is None or content.reference is None:
        return section.text(f"No surrogate yet: {content.model_note}.", note=True)
    definition, reference = content.definition, content.reference
    recipe = ", ".join(f"{name_label(definition, p.name)} {fmt(reference[p.name])}" for p in definition.space.free)
    section.text(
        f"Gaussian-process models of each objective, fitted on the successful experiments. Slices pass "
        f"through experiment {int(reference['experiment_id'])} (the best so far): {recipe}."
    )
    if content.pair is not None:
        for name, model in content.models.outcomes.items():
            fig = figures.slice_map_figure(definition, model, reference, content.pair, content.table, content.paper)
            section.figure(
                _save(fig, directory, f"map_{name}.png"),
                f"{words(name, unit_of(definition, name))}: predicted mean (left) and its uncertainty (right) over "
                f"{name_label(definition, content.pair[0])} and {name_label(definition, content.pair[1])}, every "
                "other parameter at the recipe marked +. Experiments are projected onto this plane "
                "(circles succeeded, red crosses failed); hatched grey breaks a constraint of the campaign.",
            )
    for name, model in content.models.outcomes.items():
        fig = figures.slices_figure(definition, model, reference)
        section.figure(
            _save(fig, directory, f"slices_{name}.png"),
            f"{words(name, unit_of(definition, name))}, one parameter at a time through the same recipe "
            "(dotted line): predicted value and its 95 % band.",
        )
    return section


def _feasibility(content: ReportContent, directory: Path) -> Section:
    section = Section("Where recipes fail")
    feasibility = content.definition.feasibility
    if feasibility is None:
        return section.text("The campaign records no success/failure outcome.", note=True)
    models = content.models
    if models is None or models.feasibility is None or content.pair is None or content.reference is None:
        return section.text("No feasibility model yet (fewer than two finished experiments).", note=True)
    ok = succeeded(content.definition, finished(content.table))
    if ok.all() or not ok.any():
        return section.text(
            f"Every finished experiment {'succeeded' if ok.all() else 'failed'} so far: "
            "nothing to separate yet, so no map is drawn.",
            note=True,
        )
    fig = figures.feasibility_figure(
        content.definition, models, content.reference, content.pair, content.table, content.paper
    )
    return section.figure(
        _save(fig, directory, "feasibility.png"),
        f"Probability that a recipe succeeds ({words(feasibility)}), learned from every finished "
        "experiment, failures included; the black line is P = 0.5. Red crosses failed, circles succeeded.",
    )


def _experiments(content: ReportContent) -> Section:
    definition, table = content.definition, content.table
    section = Section(f"All experiments ({len(table)})")
    if not len(table):
        return section.text("The campaign has no experiment yet.", note=True)
    lead = ["experiment_id", "batch", "status", "source"]
    recipe = [p.name for p in definition.space.free] + [n for n in definition.space.derived_names if n in table]
    outcomes = [o.outcome for o in definition.objectives] + [c.outcome for c in definition.outcome_constraints]
    if definition.feasibility:
        outcomes.insert(0, definition.feasibility)
    columns = [c for c in dict.fromkeys([*lead, *recipe, *outcomes, "failure_reason", "notes"]) if c in table]
    section.text(
        "Every experiment with its recipe and main outcomes; experiments.csv beside this page has all columns."
    )
    return section.raw(
        table_html(table[columns], headers(definition, columns), text_columns=("failure_reason", "notes"))
    )
