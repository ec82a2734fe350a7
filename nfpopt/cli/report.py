"""``nfpopt report``: the campaign as an HTML page with figures, opened from disk."""

from __future__ import annotations

import json
from pathlib import Path

import click

from nfpopt.cli.campaign_commands import campaign_option, db_option, open_campaign
from nfpopt.cli.common import console, json_option, progress


@click.command("report")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("report"),
    show_default=True,
    help="Folder to write index.html, the figures (PNG) and experiments.csv into (created).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the surrogate fits.")
@click.option(
    "--fits",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="A folder of Nyquist figures from `nfpopt extract` (RESULTS_nyquist/) to show; repeatable.",
)
@db_option
@campaign_option
@json_option
def report_command(
    output: Path, seed: int, fits: tuple[Path, ...], db_url: str | None, campaign_name: str | None, as_json: bool
) -> None:
    """Write a report of the campaign: progress, Pareto front, surrogates, last batch, experiments.

    Open OUTPUT/index.html in a browser; it needs no server.
    """
    from nfpopt.report import write_report  # matplotlib and torch load only for this command

    with (
        open_campaign(db_url, campaign_name, read_only=True) as campaign,
        progress("writing the report: fitting the models, drawing"),
    ):
        path = write_report(campaign, output, seed=seed, fits=fits)
    if as_json:
        click.echo(json.dumps({"report": str(path)}))
        return
    console.print(f"wrote {path}")


COMMANDS = (report_command,)
