"""Campaign commands: init, import, propose, start, record, abandon, status, export.

Thin: each command opens the store, calls :class:`nfpopt.campaign.Campaign`, prints.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import numpy as np
import pandas as pd
from rich.table import Table

from nfpopt.campaign import Campaign
from nfpopt.cli.common import console, fail, json_records, read_table
from nfpopt.definition import STRATEGIES, load_definition
from nfpopt.exceptions import NfpoptError
from nfpopt.store import DB_ENV_VAR, Store, default_url

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
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


@contextmanager
def open_campaign(db_url: str | None, name: str | None) -> Iterator[Campaign]:
    """Open the store and the campaign; any nfpopt error becomes a clean exit 2."""
    try:
        with Store(db_url or default_url()) as store:
            yield Campaign.open(store, name)
    except NfpoptError as exc:
        fail(str(exc))


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
        f"created campaign [bold]{parsed.name}[/] in {url}: {len(parsed.space.parameters)} "
        f"parameters, objectives {[o.outcome for o in parsed.objectives]}"
    )


@click.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@campaign_option
@json_option
def import_command(table: Path, db_url: str | None, campaign_name: str | None, as_json: bool) -> None:
    """Import prior experiments (recipes and outcomes), e.g. data/yamauchi2020_cells.csv.

    Rows without a recipe, or made under other fixed conditions than the campaign's, are
    skipped and listed; columns the campaign does not know are ignored and listed.
    """
    frame = read_table(table)
    with open_campaign(db_url, campaign_name) as campaign:
        report = campaign.import_experiments(frame, source=str(table), recorded_by=_user())
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
    type=click.IntRange(min=1),
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

    Each recipe comes with its predicted outcomes (mean and sd), its probability of success
    (p_feasible) and why it was chosen, once the campaign has enough results to model.
    """
    with open_campaign(db_url, campaign_name) as campaign:
        batch = campaign.propose(batch_size, strategy=strategy)
    if output is not None:
        batch.to_csv(output, index=False)
    if as_json:
        click.echo(json_records(batch))
        return
    title = f"batch {int(batch['batch'].iloc[0])}: {len(batch)} recipe(s) ({strategy or campaign.definition.strategy})"
    fixed = [p.name for p in campaign.definition.space.parameters if p not in campaign.definition.space.free]
    console.print(_frame_table(_compact(batch.drop(columns=fixed)), title))
    for row in batch.itertuples(index=False):
        console.print(f"  {row.experiment_id}: {row.rationale}")
    if output is not None:
        console.print(f"wrote {output}")


@click.command("start")
@click.argument("ids", nargs=-1, type=int, required=True)
@db_option
@campaign_option
def start_command(ids: tuple[int, ...], db_url: str | None, campaign_name: str | None) -> None:
    """Mark proposed experiments as running (fabrication started)."""
    with open_campaign(db_url, campaign_name) as campaign:
        campaign.start(list(ids))
    console.print(f"running: {list(ids)}")


@click.command("abandon")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--reason", required=True, help="Why the experiments were given up.")
@db_option
@campaign_option
def abandon_command(ids: tuple[int, ...], reason: str, db_url: str | None, campaign_name: str | None) -> None:
    """Give up proposed or running experiments (they stay in the history)."""
    with open_campaign(db_url, campaign_name) as campaign:
        campaign.abandon(list(ids), reason)
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
    with open_campaign(db_url, campaign_name) as campaign:
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
@db_option
@campaign_option
@json_option
def status_command(db_url: str | None, campaign_name: str | None, as_json: bool) -> None:
    """Experiments by status, the best so far and the Pareto set."""
    with open_campaign(db_url, campaign_name) as campaign:
        status = campaign.status()
        objectives = [o.outcome for o in campaign.definition.objectives]
        name = campaign.name
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
                },
                indent=2,
            )
        )
        return
    console.print(f"campaign [bold]{name}[/]: " + ", ".join(f"{k} {v}" for k, v in status.counts.items()))
    for outcome, best in status.best.items():
        console.print(f"  best {outcome}: {best['value']:.4g} (experiment {best['experiment_id']})")
    if len(status.experiments):
        console.print(_frame_table(status.experiments[_summary_columns(status.experiments, objectives)], "experiments"))
    if len(status.pareto):
        console.print(_frame_table(status.pareto[_summary_columns(status.pareto, objectives)], "Pareto set"))


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
def export_command(output: Path | None, db_url: str | None, campaign_name: str | None) -> None:
    """Export every experiment (parameters, outcomes, status, notes) as CSV."""
    with open_campaign(db_url, campaign_name) as campaign:
        table = campaign.table()
    if output is None:
        click.echo(table.to_csv(index=False), nl=False)
    else:
        table.to_csv(output, index=False)
        console.print(f"wrote {len(table)} experiment(s) to {output}")


def _summary_columns(frame: pd.DataFrame, objectives: list[str]) -> list[str]:
    lead = [c for c in ("experiment_id", "batch", "status") if c in frame]
    return lead + [c for c in objectives if c in frame]


def _compact(batch: pd.DataFrame) -> pd.DataFrame:
    """The batch as a chemist reads it: recipe columns, then each prediction as 'mean ± sd'."""
    out = batch.drop(columns=[c for c in batch if c.startswith("predicted_") or c == "rationale"])
    for column in batch:
        if column.startswith("predicted_") and not column.endswith("_sd") and f"{column}_sd" in batch:
            mean, sd = batch[column], batch[f"{column}_sd"]
            out[column.removeprefix("predicted_")] = [f"{m:.3g} ± {s:.2g}" for m, s in zip(mean, sd, strict=True)]
    return out


def _frame_table(frame: pd.DataFrame, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(str(column), justify="right")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "–"
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return str(value)


COMMANDS = (
    init_command,
    import_command,
    propose_command,
    start_command,
    record_command,
    abandon_command,
    status_command,
    export_command,
)
