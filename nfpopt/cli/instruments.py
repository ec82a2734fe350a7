"""Instrument commands: ``extract`` (raw files -> results table) and ``sheet`` (batch -> bench).

Thin: parse, call :mod:`nfpopt.instruments`, print. No model is needed, so nothing heavy is
imported here; impedance.py is imported only when a spectrum is read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import pandas as pd

from nfpopt.cli.common import console, err_console, fail
from nfpopt.exceptions import NfpoptError


def check_writable(output: Path) -> None:
    """Stop before any work when ``output`` cannot be written (a missing folder, no permission)."""
    folder = output.expanduser().resolve().parent
    if not folder.is_dir():
        fail(f"cannot write {output}: the folder {folder} does not exist; create it or choose another path")
    if not os.access(folder, os.W_OK):
        fail(f"cannot write {output}: permission denied; choose a path you can write to")


def write_raw(
    result: pd.DataFrame, directory: Path, *, rates: tuple[float, ...], noise: float, seed: int | None
) -> Path:
    """``emulate --raw``: the raw instrument files of every emulated experiment in ``directory``.

    The experiment ids are the table's ``experiment_id`` column (``propose`` writes it), else
    the row numbers from 1.
    """
    from nfpopt.emulator import OUTCOME_COLUMNS
    from nfpopt.instruments import write_raw_folder

    ids = list(range(1, len(result) + 1))
    if "experiment_id" in result:
        ids = [int(i) for i in result["experiment_id"]]
    return write_raw_folder(
        result, result[list(OUTCOME_COLUMNS)], directory, experiment_ids=ids, c_rates=rates, noise=noise, seed=seed
    )


def parse_rates(text: str | None) -> tuple[float, ...]:
    """``"0.1,0.5,2"`` -> (0.1, 0.5, 2.0); None -> the C-rates of the paper's Table 1."""
    from nfpopt.emulator import TABLE1_C_RATES

    if text is None:
        return TABLE1_C_RATES
    try:
        rates = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r}: give C-rates as numbers separated by commas, e.g. 0.1,0.5,2") from None
    unknown = [r for r in rates if r not in TABLE1_C_RATES]
    if not rates or unknown:
        raise click.BadParameter(f"{text!r}: the emulator gives capacities at {list(TABLE1_C_RATES)} C only")
    return rates


@click.command("extract")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Results table to write (what `nfpopt record` takes); fit diagnostics go to <name>_fits.csv "
    "and Nyquist figures to <name>_nyquist/ beside it.",
)
@click.option(
    "--circuit",
    default=None,
    help="Equivalent circuit in impedance.py notation for every spectrum [default: the campaign's, "
    "else the manifest's, else the paper's R0-p(R1,CPE1)-p(R2,CPE2)].",
)
@click.option(
    "--campaign-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The campaign's TOML: its [instruments] circuit and cut-off are used, and only outcomes it "
    "declares are written.",
)
@click.option(
    "--cutoff-v", type=float, default=None, help="Discharge cut-off voltage, V [default: the campaign's, else 2.0]."
)
@click.option("--skip-bad", is_flag=True, help="Leave out experiments with a bad file instead of writing nothing.")
@click.option("--keep-poor-fits", is_flag=True, help="Keep a poor impedance fit, flagged in the notes column.")
@click.option("--no-figures", is_flag=True, help="Do not draw the Nyquist figures.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON (errors too).")
def extract_command(
    folder: Path,
    output: Path,
    circuit: str | None,
    campaign_file: Path | None,
    cutoff_v: float | None,
    skip_bad: bool,
    keep_poor_fits: bool,
    no_figures: bool,
    as_json: bool,
) -> None:
    """Derive the outcomes from a FOLDER of raw instrument files and its manifest.csv.

    Impedance spectra (BioLogic .mpt, Gamry .DTA, ZPlot .z, CSV) are fitted with impedance.py to
    the equivalent circuit: internal_resistance_ohm is the sum of its resistors, and the paper's
    circuit gives the split r_bulk_ohm, r_anode_ohm, r_cathode_ohm. Discharges (BioLogic .mpt or
    .mpr) give the capacity to the cut-off per gram of NFP; DTA traces the tangent onset and the
    peak. A bad file (unreadable, wrong columns, a too narrow spectrum, a poor fit) stops
    everything, naming the file, unless --skip-bad. See docs/instruments.md.
    """
    from nfpopt.instruments import extract_folder

    check_writable(output)
    try:
        definition = None
        if campaign_file is not None:
            from nfpopt.definition import load_definition

            definition = load_definition(campaign_file)
            circuit = circuit or definition.circuit
            cutoff_v = cutoff_v if cutoff_v is not None else definition.cutoff_v
        extraction = extract_folder(
            folder,
            circuit=circuit,
            cutoff_v=2.0 if cutoff_v is None else cutoff_v,
            skip_bad=skip_bad,
            keep_poor_fits=keep_poor_fits,
        )
    except NfpoptError as exc:
        fail(str(exc))
    results = extraction.results
    if definition is not None:
        known = {"experiment_id", "notes", *definition.outcome_names}
        dropped = [c for c in results.columns if c not in known]
        if dropped:
            err_console.print(f"not written (campaign {definition.name} does not declare them): {', '.join(dropped)}")
        results = results[[c for c in results.columns if c in known]]
    results.to_csv(output, index=False)
    fits = output.with_name(f"{output.stem}_fits.csv")
    extraction.diagnostics.to_csv(fits, index=False)
    for experiment_id, problems in extraction.skipped.items():
        err_console.print(f"skipped experiment {experiment_id}: " + "; ".join(problems), highlight=False)
    poor = [str(i) for i, s in extraction.spectra.items() if s.fit.poor]
    if poor:
        err_console.print(f"warning: poor impedance fits kept (flagged in notes): experiments {', '.join(poor)}")
    folder_out = None
    if not no_figures and extraction.spectra:
        from nfpopt.instruments.figures import nyquist_figures

        folder_out = nyquist_figures(extraction.spectra, output.with_name(f"{output.stem}_nyquist"))
    if as_json:
        written = {"results": str(output), "rows": len(results), "fits": str(fits), "poor_fits": poor}
        click.echo(json.dumps({**written, "figures": str(folder_out) if folder_out else None}))
        return
    console.print(f"wrote {len(results)} rows to {output}, fit diagnostics to {fits}")
    if folder_out is not None:
        console.print(f"Nyquist figures with the fits in {folder_out}")


@click.command("sheet")
@click.argument("batch", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mass-g", type=float, required=True, help="Powder to prepare per experiment, g (the components sum to it)."
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Sheet CSV to write."
)
@click.option("--html", "as_html", is_flag=True, help="Also write a printable <name>.html beside the CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON (errors too).")
def sheet_command(batch: Path, mass_g: float, output: Path, as_html: bool, as_json: bool) -> None:
    """Fabrication sheet of a BATCH of recipes (as `nfpopt propose -o` writes it).

    Per experiment: the mass of each component to weigh (<component>_g, summing to --mass-g,
    each within the balance's 0.1 mg of its wt%), binder and solvent, the powders' target
    specific surface areas, the substrate roughening, the furnace programme (ramp, hold,
    H2/N2 4/96 in a carbon container) and empty columns for the technician.
    """
    from nfpopt.cli.common import read_table
    from nfpopt.instruments.sheet import fabrication_sheet

    check_writable(output)
    try:
        sheet = fabrication_sheet(read_table(batch), mass_g, source=str(batch))
    except NfpoptError as exc:
        fail(str(exc))
    sheet.to_csv(output, index=False)
    page = None
    if as_html:
        from nfpopt.instruments.sheet_html import sheet_html

        page = output.with_suffix(".html")
        batches = sorted({int(b) for b in sheet["batch"]}) if "batch" in sheet else []
        title = f"{batch.stem}: batch {', '.join(map(str, batches))}" if batches else batch.stem
        page.write_text(sheet_html(sheet, title=f"Fabrication sheet, {title}"), encoding="utf-8")
    if as_json:
        click.echo(json.dumps({"sheet": str(output), "experiments": len(sheet), "html": str(page) if page else None}))
        return
    console.print(f"wrote the fabrication sheet of {len(sheet)} experiments to {output}")
    if page is not None:
        console.print(f"printable sheet: {page}")


COMMANDS = (extract_command, sheet_command)
