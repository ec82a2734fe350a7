"""Campaign commands: init, import, propose, start, record, abandon, status, export, delete.

Thin: each command opens the store, calls :class:`nfpopt.campaign.Campaign`, prints.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
import pandas as pd
from rich.table import Table

from nfpopt.campaign import Campaign, StoredSkill
from nfpopt.cli.common import console, fail, json_option, json_records, named, progress, read_table, warnings_shown
from nfpopt.cli.tables import frame_table, heading, proposal_cells, proposal_tables
from nfpopt.definition import MAX_BATCH_SIZE, STRATEGIES, CampaignDefinition, load_definition
from nfpopt.exceptions import NfpoptError
from nfpopt.experiments import finished
from nfpopt.store import DB_ENV_VAR, ExperimentRecord, Store, default_url
from nfpopt.store.engine import normalise_url

db_option = click.option(
    "--db",
    "db_url",
    envvar=DB_ENV_VAR,
    default=None,
    show_envvar=True,
    help="Campaign database: a SQLAlchemy URL (postgresql+psycopg://...) or a SQLite file path "
    "[default: nfpopt.db in the current folder].",
)
campaign_option = click.option(
    "--campaign", "campaign_name", default=None, help="Campaign name, if the database holds several."
)


@contextmanager
def open_campaign(db_url: str | None, name: str | None, *, read_only: bool = False) -> Iterator[Campaign]:
    """Open the store and the campaign; any nfpopt error becomes a clean exit 2.

    Only ``init`` creates a database: here a path that holds none is refused, and a command
    that only reads (``read_only``) neither migrates nor writes it.
    """
    try:
        with Store(db_url or default_url(), create=False, read_only=read_only) as store:
            yield Campaign.open(store, name)
    except NfpoptError as exc:
        fail(str(exc))


_SQLITE_HEADER = b"SQLite format 3\x00"


def check_output(output: Path | None, db_url: str | None) -> None:
    """Refuse an ``-o`` file that would destroy a database or cannot be written, before anything
    is stored: a batch proposed and then lost to a bad path is a batch proposed twice."""
    if output is None:
        return
    target = output.expanduser().resolve()
    try:
        url = normalise_url(db_url or default_url())
    except NfpoptError as exc:
        fail(str(exc))
    if url.get_backend_name() == "sqlite" and url.database and Path(url.database).expanduser().resolve() == target:
        fail(f"{output} is the campaign's database; write the CSV to another file, e.g. -o batch.csv")
    if target.is_file():
        with target.open("rb") as handle:
            if handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER:
                fail(f"{output} is a SQLite database, not a CSV; write the CSV to another file, e.g. -o batch.csv")
    if not target.parent.is_dir():
        fail(f"cannot write {output}: the folder {target.parent} does not exist; create it or choose another path")
    if not os.access(target.parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        fail(f"cannot write {output}: permission denied; choose a path you can write to")


def _user() -> str | None:
    return os.environ.get("NFPOPT_USER") or os.environ.get("USER") or None


@click.command("init")
@click.argument("definition", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@json_option
def init_command(definition: Path, db_url: str | None, as_json: bool) -> None:
    """Create a campaign in the database from a campaign file (campaigns/*.toml)."""
    try:
        parsed = load_definition(definition)
        with Store(db_url or default_url()) as store:
            Campaign.create(store, parsed)
            url = store.url
    except NfpoptError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps({"campaign": parsed.name, "database": url}))
        return
    console.print(
        named(
            "created campaign ",
            parsed.name,
            f" in {url}: {len(parsed.space.parameters)} parameters, "
            f"objectives {[o.outcome for o in parsed.objectives]}",
        )
    )


@click.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option(
    "--allow-duplicates",
    is_flag=True,
    help="Import rows already imported (same recipe and outcomes, or same label from the same file) again.",
)
@campaign_option
@json_option
def import_command(
    table: Path, db_url: str | None, allow_duplicates: bool, campaign_name: str | None, as_json: bool
) -> None:
    """Import prior experiments (recipes and outcomes), e.g. data/yamauchi2020_cells.csv.

    Rows without a recipe, made under other fixed conditions than the campaign's, or already
    imported (same recipe and outcomes, or the same label from the same file) are skipped and
    listed; columns the campaign does not know are ignored and listed.
    """
    frame = read_table(table)
    with warnings_shown(), open_campaign(db_url, campaign_name) as campaign:
        report = campaign.import_experiments(
            frame, source=str(table), recorded_by=_user(), allow_duplicates=allow_duplicates
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "experiment_ids": report.experiment_ids,
                    "skipped_rows": report.skipped_rows,
                    "ignored_columns": report.ignored_columns,
                },
                indent=2,
            )
        )
        return
    console.print(f"imported {len(report.experiment_ids)} experiment(s): ids {report.experiment_ids}")
    for line in report.skipped_rows:
        console.print(f"  skipped {line}")
    if report.ignored_columns:
        console.print(f"  ignored columns: {', '.join(report.ignored_columns)}")


@click.command("propose")
@click.option(
    "--batch",
    "batch_size",
    type=click.IntRange(min=1, max=MAX_BATCH_SIZE),
    default=None,
    help="Number of recipes [default: the campaign's batch_size].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the batch to this CSV (experiment_id, every parameter, predictions and rationale).",
)
@click.option(
    "--strategy",
    type=click.Choice(STRATEGIES),
    default=None,
    help="Propose with this strategy instead of the campaign's own (e.g. sobol to widen the search).",
)
@db_option
@campaign_option
@json_option
def propose_command(
    batch_size: int | None,
    output: Path | None,
    strategy: str | None,
    db_url: str | None,
    campaign_name: str | None,
    as_json: bool,
) -> None:
    """Propose the next fabrication batch and store it as 'proposed'.

    Each recipe lies on the steps its parameters declare in the campaign file (step = 1 for a
    furnace set to 1 °C), with every constraint still exact and none a repeat of a tried or
    pending recipe; a candidate pool's recipes are proposed as they are.

    Once the campaign has enough results to model, each recipe comes with its predicted outcomes
    (the model's point and 90 % interval, in the outcome's units, with the scale it was modelled
    on), its probability of success (p_feasible, where the campaign has a feasibility outcome)
    and why it was chosen. Above the table, one line per model says how well it predicts results
    it was not fitted on (cross-validated R² or AUC against a constant); a model no better than
    a constant is labelled so.
    """
    check_output(output, db_url)
    with open_campaign(db_url, campaign_name) as campaign, progress("opening the campaign") as step:
        batch = campaign.propose(batch_size, strategy=strategy, judge=True, on_step=step)
        definition = campaign.definition
    skills = {name: skill.as_dict() for name, skill in batch.attrs["model_skill"].items()}
    if output is not None:
        _rounded(batch).to_csv(output, index=False)
    if as_json:
        click.echo(json_records(_rounded(batch)))
        return
    chosen = strategy or definition.strategy
    _print_skill(skills, definition)
    title = f"batch {int(batch['batch'].iloc[0])}: {len(batch)} recipe(s) ({chosen})"
    fixed = [p.name for p in definition.space.parameters if p not in definition.space.free]
    cells = proposal_cells(batch.drop(columns=fixed), _units(definition))
    cut = any(str(v).find("]*") >= 0 for column in cells for v in cells[column])
    caption = "intervals: 90 %; * cut at the outcome's declared bounds" if cut else "intervals: 90 %"
    for table in proposal_tables(cells, title, width=console.width, caption=caption):
        console.print(table)
    exploring = _exploring(skills, batch)
    for row in batch.itertuples(index=False):
        console.print(f"  {row.experiment_id}: {row.rationale}{exploring}", highlight=False, markup=False)
    if output is not None:
        console.print(f"wrote {output}")


def _rounded(batch: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """The batch as a file carries it: predictions and P(success) to ``digits`` significant
    figures (the recipes already lie on their declared steps)."""
    out = batch.copy()
    for column in out:
        probability = column in ("p_feasible", "p_top_set")
        if (column.startswith("predicted_") or probability) and pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(lambda v: float(f"{v:.{digits}g}") if pd.notna(v) else v)
    return out


def _exploring(skills: dict[str, dict[str, object]], batch: pd.DataFrame) -> str:
    """What each rationale adds while a model it leans on is no better than a constant (skills as
    :meth:`~nfpopt.surrogates.skill.Skill.as_dict` gives them; a model not judged has 0 folds)."""
    if not any(c.startswith("predicted_") for c in batch):  # an initial design: no model involved
        return ""
    blind = [name for name, skill in skills.items() if skill["folds"] and not skill["has_skill"]]
    if not blind:
        return ""
    names = ", ".join(blind)
    return f"; the model of {names} is no better than a constant yet: this batch explores rather than exploits"


@click.command("start")
@click.argument("ids", nargs=-1, type=int, required=True)
@db_option
@campaign_option
@json_option
def start_command(ids: tuple[int, ...], db_url: str | None, campaign_name: str | None, as_json: bool) -> None:
    """Mark proposed experiments as running (fabrication started)."""
    with open_campaign(db_url, campaign_name) as campaign:
        campaign.start(list(ids))
    if as_json:
        click.echo(json.dumps({"running": list(ids)}))
        return
    console.print(f"running: {list(ids)}")


@click.command("abandon")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--reason", required=True, help="Why the experiments were given up.")
@db_option
@campaign_option
@json_option
def abandon_command(
    ids: tuple[int, ...], reason: str, db_url: str | None, campaign_name: str | None, as_json: bool
) -> None:
    """Give up proposed or running experiments (they stay in the history)."""
    with open_campaign(db_url, campaign_name) as campaign:
        campaign.abandon(list(ids), reason)
    if as_json:
        click.echo(json.dumps({"abandoned": list(ids), "reason": reason}))
        return
    console.print(f"abandoned: {list(ids)}")


@click.command("record")
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--amend", is_flag=True, help="Replace results already recorded (the old ones stay in history).")
@db_option
@campaign_option
@json_option
def record_command(results: Path, amend: bool, db_url: str | None, campaign_name: str | None, as_json: bool) -> None:
    """Record measured results, keyed by experiment_id: all rows or none.

    A failed fabrication is a row with the feasibility outcome false (e.g. sintered=false) or a
    failure_reason. Columns written by 'propose' (predicted_*, batch, ...) are ignored.
    """
    frame = read_table(results)
    with warnings_shown(), open_campaign(db_url, campaign_name) as campaign:
        records = campaign.record_results(frame, source=str(results), amend=amend, recorded_by=_user())
    summary = {
        "recorded": [r.experiment_id for r in records],
        "failed": [r.experiment_id for r in records if str(r.status) == "failed"],
    }
    if as_json:
        click.echo(json.dumps(summary))
        return
    console.print(f"recorded {len(records)} result(s); failed: {summary['failed'] or 'none'}")


@click.command("status")
@click.option(
    "--skill",
    "judge",
    is_flag=True,
    help="Judge the models now, on every result so far (fits them: loads the modelling libraries, takes seconds).",
)
@db_option
@campaign_option
@json_option
def status_command(judge: bool, db_url: str | None, campaign_name: str | None, as_json: bool) -> None:
    """Experiments by status, the best so far, the Pareto set and each model's skill.

    The skill of a model is how well it predicts results it was not fitted on (5-fold
    cross-validated R² of each modelled outcome, AUC and Brier score of the feasibility
    classifier), against a constant. 'propose' judges the models each time and stores the skill
    with the batch; status shows the newest, saying how many results were recorded since
    (--skill judges them afresh). Below two results: "not enough results to judge the models yet".
    """
    with open_campaign(db_url, campaign_name, read_only=True) as campaign:
        status = campaign.status()
        definition = campaign.definition
        objectives = [o.outcome for o in definition.objectives]
        name = campaign.name
        results = len(finished(status.experiments))
        if judge:
            with progress("judging the models on held-out results (cross-validation)"):
                fresh = campaign.judge_models(status.experiments)
            stored = StoredSkill(0, results, {outcome: skill.as_dict() for outcome, skill in fresh.items()})
        else:
            stored = campaign.stored_skill()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "campaign": name,
                    "counts": status.counts,
                    "best": status.best,
                    "pareto": json.loads(json_records(status.pareto[_summary_columns(status.pareto, objectives)]))
                    if len(status.pareto)
                    else [],
                    "model_skill": stored.models if stored else {},
                    "model_skill_judged": _judged(stored, results),
                },
                indent=2,
            )
        )
        return
    console.print(named("campaign ", name, ": " + ", ".join(f"{k} {v}" for k, v in status.counts.items())))
    for outcome, best in status.best.items():
        console.print(f"  best {outcome}: {best['value']:.4g} (experiment {best['experiment_id']})")
    if stored is None:
        console.print("model skill: not judged yet; 'nfpopt propose' judges the models, 'nfpopt status --skill' now")
    else:
        judged = _judged(stored, results)
        if judged["batch"] and judged["results_since"]:
            console.print(
                f"model skill as judged at batch {judged['batch']} on {stored.results} result(s); "
                f"{judged['results_since']} recorded since ('nfpopt status --skill' judges them afresh):",
                highlight=False,
            )
        _print_skill(stored.models, definition)
    if len(status.experiments):
        console.print(frame_table(status.experiments[_summary_columns(status.experiments, objectives)], "experiments"))
    if len(status.pareto):
        console.print(frame_table(status.pareto[_summary_columns(status.pareto, objectives)], "Pareto set"))


def _judged(stored: StoredSkill | None, results: int) -> dict[str, int | None]:
    """When the skill shown was judged: the batch (None: just now), on how many results, and how
    many results came since."""
    if stored is None:
        return {"batch": None, "results": None, "results_since": None}
    return {"batch": stored.batch or None, "results": stored.results, "results_since": results - stored.results}


@click.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV file to write [default: standard output].",
)
@db_option
@campaign_option
@json_option
def export_command(output: Path | None, db_url: str | None, campaign_name: str | None, as_json: bool) -> None:
    """Export every experiment (parameters, outcomes, status, notes) as CSV (--json: as JSON records)."""
    check_output(output, db_url)
    with open_campaign(db_url, campaign_name, read_only=True) as campaign:
        table = campaign.table()
    if output is not None:
        table.to_csv(output, index=False)
    if as_json:
        click.echo(json.dumps({"file": str(output), "experiments": len(table)}) if output else json_records(table))
    elif output is None:
        click.echo(table.to_csv(index=False), nl=False)
    else:
        console.print(f"wrote {len(table)} experiment(s) to {output}")


@click.command("campaigns")
@db_option
@json_option
def campaigns_command(db_url: str | None, as_json: bool) -> None:
    """List the campaigns in the database, each with its experiments by status."""
    try:
        with Store(db_url or default_url(), read_only=True) as store:
            url = store.url
            rows = [
                {
                    "campaign": record.name,
                    "created_at": record.created_at.isoformat(timespec="seconds"),
                    "counts": _counts(store.experiments(record.name)),
                }
                for record in store.list_campaigns()
            ]
    except NfpoptError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps({"database": url, "campaigns": rows}, indent=2))
        return
    if not rows:
        console.print(f"{url} holds no campaign yet; create one with nfpopt init FILE")
        return
    table = Table(title=f"campaigns in {url}", title_justify="left")
    for head in ("campaign", "created (UTC)", *_STATUSES):
        table.add_column(head, justify="left" if head in ("campaign", "created (UTC)") else "right")
    for row in rows:
        table.add_row(row["campaign"], row["created_at"][:16], *(str(row["counts"][s]) for s in _STATUSES))
    console.print(table)


_STATUSES = ("proposed", "running", "measured", "failed", "abandoned")


def _counts(experiments: Sequence[ExperimentRecord]) -> dict[str, int]:
    """Experiments by status, every status named (0 where none)."""
    statuses = [str(e.status) for e in experiments]
    return {status: statuses.count(status) for status in _STATUSES}


@click.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Delete without asking (for scripts).")
@db_option
@json_option
def delete_command(name: str, yes: bool, db_url: str | None, as_json: bool) -> None:
    """Delete the campaign NAME with all its experiments and results, for good.

    Asks first; export it beforehand (nfpopt export -o backup.csv) to keep a copy.
    """
    if as_json and not yes:
        fail("--json asks no questions: pass --yes as well to delete")
    try:
        with Store(db_url or default_url(), create=False) as store:
            count = len(store.experiments(store.get_campaign(name)))
            question = f"delete campaign {name!r} and its {count} experiment(s) from {store.url}? This cannot be undone"
            if not yes and not click.confirm(question, default=False, abort=False):
                fail("nothing deleted; answer y to delete, or pass --yes in scripts")
            deleted = store.delete_campaign(name)
    except click.Abort:
        fail("nothing deleted (no answer); pass --yes to delete without asking")
    except NfpoptError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps({"deleted": name, "experiments": deleted}))
        return
    console.print(named("deleted campaign ", name, f" and its {deleted} experiment(s)"))


def _summary_columns(frame: pd.DataFrame, objectives: list[str]) -> list[str]:
    lead = [c for c in ("experiment_id", "batch", "status") if c in frame]
    return lead + [c for c in objectives if c in frame]


def _print_skill(skills: dict[str, dict[str, object]], definition: CampaignDefinition) -> None:
    """One 'model skill' line per model; one line in all while every model says the same (too few
    results). ``skills``: :meth:`~nfpopt.surrogates.skill.Skill.as_dict` of each model."""
    if not skills:
        return
    texts = {str(skill["text"]) for skill in skills.values()}
    if len(texts) == 1 and not any(skill["folds"] for skill in skills.values()):
        console.print(f"model skill: {texts.pop()}", highlight=False)
        return
    for outcome, skill in skills.items():
        label = heading(outcome, definition.outcome(outcome).unit) if skill["kind"] == "outcome" else f"P({outcome})"
        console.print(f"model skill, {label}: {skill['text']}", highlight=False, markup=False)


def _units(definition: CampaignDefinition) -> dict[str, str]:
    """Every parameter's, derived remainder's and outcome's unit, by column name."""
    units = {p.name: p.unit for p in definition.space.parameters}
    for constraint in definition.space.constraints:
        if getattr(constraint, "remainder", None):
            units[constraint.remainder] = units.get(constraint.components[0], "")
    return units | {o.name: o.unit for o in definition.outcomes}


COMMANDS = (
    init_command,
    import_command,
    propose_command,
    start_command,
    record_command,
    abandon_command,
    status_command,
    export_command,
    campaigns_command,
    delete_command,
)
