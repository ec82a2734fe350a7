"""``nfpopt demo``: a whole simulated campaign against the emulator, from the paper's Cell A."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click
import pandas as pd
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nfpopt.campaign import Campaign
from nfpopt.cli.common import console, err_console, fail, json_records
from nfpopt.definition import load_definition
from nfpopt.exceptions import NfpoptError
from nfpopt.paper import data_dir, paper_cells
from nfpopt.store import Store

_SHOWN = {
    "glass_ssa_m2_g": "glass m²/g",
    "alumina_ssa_m2_g": "β″ m²/g",
    "ab_wt_pct": "AB wt%",
    "alumina_wt_pct": "β″ wt%",
    "calcination_temp_c": "T °C",
    "calcination_time_min": "t min",
    "roughening": "roughening",
    "internal_resistance_ohm": "R Ω",
    "capacity_2c_mah_g": "2 C mAh/g",
}


def default_campaign_file() -> Path:
    """The paper's campaign file in the checkout (``campaigns/nfp_rate.toml``)."""
    return data_dir().parent / "campaigns" / "nfp_rate.toml"


@click.command("demo")
@click.option(
    "--experiments",
    type=click.IntRange(min=1),
    default=24,
    show_default=True,
    help="New experiments to run after Cell A.",
)
@click.option("--noise", type=float, default=0.03, show_default=True, help="Relative measurement noise.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the simulation.")
@click.option(
    "--campaign-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Campaign definition [default: campaigns/nfp_rate.toml].",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Keep the simulated campaign in this new SQLite file [default: a temporary one].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON for scripts.")
def demo_command(
    experiments: int, noise: float, seed: int, campaign_file: Path | None, db_path: Path | None, as_json: bool
) -> None:
    """Simulate the paper's campaign from Cell A alone, the emulator standing in for the lab.

    Ends with the best recipes found beside the paper's best cell, E.
    """
    from nfpopt.simulate import simulate_campaign  # the recommender (torch): only for this command

    try:
        definition = load_definition(campaign_file or default_campaign_file())
        cells = paper_cells()
        prior = cells.loc[["A"]].reset_index()
        with tempfile.TemporaryDirectory() as scratch:
            database = db_path or Path(scratch) / "demo.db"
            with Progress(
                TextColumn("simulated campaign"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
            ) as progress:
                task = progress.add_task("campaign", total=experiments)
                result = simulate_campaign(
                    definition,
                    prior,
                    n_experiments=experiments,
                    noise=noise,
                    seed=seed,
                    database=database,
                    on_batch=lambda done, _: progress.update(task, completed=done),
                )
            with Store(f"sqlite:///{database}") as store:
                campaign = Campaign.open(store)
                status = campaign.status()
    except NfpoptError as exc:
        fail(str(exc))
    table = result.experiments
    new = table[table["source"] == "proposed"]
    if as_json:
        pareto = status.pareto[["experiment_id", *(c for c in _SHOWN if c in status.pareto)]]
        summary = {"experiments": len(new), "failed": int((new["status"] == "failed").sum())}
        click.echo(json.dumps(summary | {"pareto": json.loads(json_records(pareto))}, indent=2))
        return
    console.print(
        f"{len(new)} experiments ({definition.strategy}, batches of {definition.batch_size}, noise "
        f"{noise:g}): {int((new['status'] == 'failed').sum())} did not sinter"
    )
    console.print(_best_table(status.pareto, cells.loc["E"]))


def _best_table(pareto: pd.DataFrame, cell_e: pd.Series) -> Table:
    table = Table(title="best recipes found (Pareto set, measured) vs the paper's Cell E", title_justify="left")
    table.add_column("recipe")
    for head in _SHOWN.values():
        table.add_column(head, justify="right")
    rows = pareto.sort_values("internal_resistance_ohm") if len(pareto) else pareto
    for _, row in rows.iterrows():
        table.add_row(f"experiment {int(row['experiment_id'])}", *(_fmt(row.get(c)) for c in _SHOWN))
    table.add_row("paper: Cell E", *(_fmt(cell_e.get(c)) for c in _SHOWN), style="bold")
    return table


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return f"{value:.4g}" if isinstance(value, float | int) and not isinstance(value, bool) else str(value)


COMMANDS = (demo_command,)
