"""``nfpopt``: the command line. Thin: parse, call the library, print. No science here."""

from __future__ import annotations

import importlib
import json
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from nfpopt.cli.common import console, error_record, fail, json_records, read_table
from nfpopt.exceptions import NfpoptError

if TYPE_CHECKING:
    import pandas as pd

#: Modules whose ``COMMANDS`` join the group, imported only when a command is looked up (not for
#: ``--version``); none of them imports a modelling library (torch, scikit-learn) at import.
COMMAND_MODULES = (
    "nfpopt.cli.campaign_commands",
    "nfpopt.cli.demo",
    "nfpopt.cli.report",
    "nfpopt.cli.instruments",
    "nfpopt.cli.worker.commands",
)
#: The module of each command outside ``nfpopt.cli.campaign_commands``: a call imports its own
#: command's module only (``nfpopt worker status`` took 1.4 s importing them all, pandas
#: included; alone, 0.2 s). ``tests/test_imports.py`` checks it against the modules' ``COMMANDS``.
COMMAND_HOMES = {
    "demo": "nfpopt.cli.demo",
    "report": "nfpopt.cli.report",
    "extract": "nfpopt.cli.instruments",
    "sheet": "nfpopt.cli.instruments",
    "worker": "nfpopt.cli.worker.commands",
}


class LazyGroup(click.Group):
    """A group that imports a command's module when the command is looked up (every module to list them), and
    answers an error as JSON (``{"error", "file", "row", "column"}``) when ``--json`` was given."""

    def __init__(
        self, *args: Any, modules: tuple[str, ...] = (), homes: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        """``modules``: every module with ``COMMANDS``; ``homes``: command name -> its module, for
        the commands that need not load the first of ``modules``."""
        super().__init__(*args, **kwargs)
        self.modules, self.homes = modules, dict(homes or {})
        self._loaded: set[str] = set()

    def _load(self, modules: tuple[str, ...]) -> None:
        for module in modules:
            if module in self._loaded:
                continue
            self._loaded.add(module)
            for command in importlib.import_module(module).COMMANDS:
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load(self.modules)
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and self.modules:  # emulate and replay are here already
            self._load((self.homes.get(cmd_name, self.modules[0]),))
        if cmd_name not in self.commands:  # misspelt, or missing from ``homes``: click lists them all
            self._load(self.modules)
        return super().get_command(ctx, cmd_name)

    def main(self, args: Any = None, *pargs: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode or "--json" not in argv:
            return super().main(argv, *pargs, standalone_mode=standalone_mode, **kwargs)
        try:
            code = super().main(argv, *pargs, standalone_mode=False, **kwargs)
        except click.ClickException as exc:  # usage errors, unreadable files: as JSON too
            click.echo(json.dumps(error_record(exc.format_message())))
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(json.dumps(error_record("aborted")))
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def emulate_table(table: pd.DataFrame, *, noise: float, seed: int | None, source: str) -> pd.DataFrame:
    """Inputs plus emulated outcomes; input columns named like an outcome get ``_reported``.

    Rows whose ``cell_type`` is not ``glass_ceramic`` (e.g. the paper's liquid-electrolyte
    reference) are not co-fired cells and are dropped.
    """
    import pandas as pd

    from nfpopt.cli.tables import REPORTED_SUFFIX
    from nfpopt.emulator import OUTCOME_COLUMNS, emulate

    if "cell_type" in table:
        table = table[table["cell_type"].fillna("glass_ceramic") == "glass_ceramic"]
    table = table.reset_index(drop=True)
    outcomes = emulate(table, noise=noise, seed=seed, source=source)
    clashes = {c: c + REPORTED_SUFFIX for c in table.columns if c in OUTCOME_COLUMNS}
    merged = pd.concat([table.rename(columns=clashes), outcomes], axis=1)
    return merged


@click.group(
    cls=LazyGroup,
    modules=COMMAND_MODULES,
    homes=COMMAND_HOMES,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="nfpopt")
def cli() -> None:
    """nfpopt: plan materials-processing experiments with Bayesian optimisation.

    Its first campaign is the NFP glass-ceramic cathode co-fired on beta''-alumina of
    Yamauchi et al., Sci. Rep. 10:9453 (2020). Every command takes --json; an error then
    comes as one JSON object ({"error", "file", "row", "column"}) and exit status 2.
    Repeated calls start in a fraction of a second while `nfpopt worker start` keeps the
    libraries loaded in a background worker (opt-in; see `nfpopt worker --help`).
    """


@cli.command("emulate")
@click.argument("recipes", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--noise",
    type=float,
    default=0.0,
    show_default=True,
    help="Relative measurement noise (0.05 = 5 %); 0 is the deterministic truth.",
)
@click.option("--seed", type=int, default=None, help="Seed of the noise; same seed, same outcomes.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write recipes and outcomes to this CSV.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON records.")
@click.option(
    "--raw",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write each experiment's raw instrument files (impedance, discharges, DTA) and a manifest "
    "into this new folder, for `nfpopt extract`.",
)
@click.option("--rates", default=None, help="With --raw: C-rates to discharge at, e.g. 0.1,0.5,2 [default: Table 1's].")
def emulate_command(
    recipes: Path,
    noise: float,
    seed: int | None,
    output: Path | None,
    as_json: bool,
    raw: Path | None,
    rates: str | None,
) -> None:
    """Evaluate a CSV of recipes with the paper-calibrated process emulator.

    RECIPES needs the columns glass_ssa_m2_g, alumina_ssa_m2_g, ab_wt_pct, alumina_wt_pct,
    calcination_temp_c, calcination_time_min, roughening (none|cathode|both) and optionally
    cell_area_cm2 and test_temp_c. If the file already holds outcomes (e.g. the paper's cells,
    data/yamauchi2020_cells.csv), they are kept as <name>_reported and shown side by side.
    With --raw DIR it also writes what the instruments would export (docs/instruments.md).
    """
    from nfpopt.cli.instruments import parse_rates, write_raw
    from nfpopt.cli.tables import REPORTED_SUFFIX, outcome_table, side_by_side_table

    c_rates = parse_rates(rates) if raw is not None else ()
    try:
        result = emulate_table(read_table(recipes), noise=noise, seed=seed, source=str(recipes))
        if raw is not None:
            write_raw(result, raw, rates=c_rates, noise=noise, seed=seed)
    except NfpoptError as exc:
        fail(str(exc))
    if output is not None:
        result.to_csv(output, index=False)
    if as_json:
        click.echo(json_records(result))
        return
    if any(c.endswith(REPORTED_SUFFIX) for c in result.columns):
        console.print(side_by_side_table(result, f"{recipes.name}: reported vs emulated"))
    else:
        console.print(outcome_table(result, f"{recipes.name}: emulated outcomes"))
    if output is not None:
        console.print(f"wrote {len(result)} rows to {output}")
    if raw is not None:
        console.print(f"wrote raw instrument files and manifest.csv to {raw}")


@cli.command("replay")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON records.")
def replay_command(as_json: bool) -> None:
    """Replay the paper's cells (A-E, pouch, low temperature, 5 wt% AB) through the emulator."""
    from nfpopt.cli.tables import side_by_side_table
    from nfpopt.paper import paper_cells_path

    path = paper_cells_path()
    result = emulate_table(read_table(path), noise=0.0, seed=None, source=str(path))
    if as_json:
        click.echo(json_records(result))
        return
    console.print(side_by_side_table(result, "Yamauchi et al. 2020: reported → emulated"))


def main() -> None:
    """Console-script entry point: the call goes to this environment's worker if one runs
    (``nfpopt worker start``), else it runs here."""
    from nfpopt.cli.worker.client import exit_like, forward

    try:
        status = forward(sys.argv)
    except KeyboardInterrupt:
        status = -signal.SIGINT
    if status is not None:
        exit_like(status)
    cli()


if __name__ == "__main__":
    main()
