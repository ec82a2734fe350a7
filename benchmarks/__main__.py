"""One entry point for every benchmark: ``python -m benchmarks {emulator,calibration,speed,liang2021,alloy} ...``.

* ``emulator``: simulated campaigns on the paper-calibrated emulator, nfpopt's strategies beside
  random, Sobol, Optuna and the peers (BayBE, Ax); CSV + PNG under ``--out`` and the tables of
  ``docs/benchmarks.md`` regenerated from every CSV there. ``--labs N``: the same on labs 1..N
  of a family whose fitted constants differ from the paper's (``benchmarks/labs.py``), results
  under ``benchmarks/results/labs``.
* ``calibration``: whole campaigns on the family of labs; coverage of the predicted 90 %
  intervals and reliability of P(success) (``python -m benchmarks calibration --help``).
* ``speed``: proposal latency of nfpopt and the peers at 10 / 50 / 200 experiments.
* ``liang2021``: the pool-based benchmark on Liang et al. 2021's published data
  (``python -m benchmarks liang2021 --help``).
* ``alloy``: what a named prior buys and what a wrong one costs, on the alloy-ageing campaign
  against a simulated lab (``python -m benchmarks alloy --help``).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from benchmarks import emulator_campaign as ec
from benchmarks import family

RESULTS = Path("benchmarks/results/emulator")
LAB_RESULTS = Path("benchmarks/results/labs")
DOCS = Path("docs/benchmarks.md")
DEFAULT_STRATEGIES = (*ec.NFPOPT_STRATEGIES, *ec.PEER_STRATEGIES)


def _emulator_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks emulator", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 seeds, 12 experiments, fast strategies (CI smoke)")
    parser.add_argument("--seeds", type=int, help="seeds per scenario (default 20; 2 with --quick)")
    parser.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="seeds run from this one (default 0): more seeds of a slow strategy in a sweep of their own",
    )
    parser.add_argument("--experiments", type=int, help="new experiments per campaign (default 48; 12 with --quick)")
    parser.add_argument("--strategies", help=f"comma-separated (default: {','.join(DEFAULT_STRATEGIES)})")
    parser.add_argument("--starts", default=",".join(ec.STARTS), help="cell_a, design or both")
    parser.add_argument("--noises", default=",".join(f"{n:g}" for n in ec.NOISES), help="relative noise levels")
    parser.add_argument("--jobs", type=int, default=-1, help="parallel runs (default: every local core)")
    parser.add_argument("--backend", default="loky", choices=("loky", "dask", "ray"))
    parser.add_argument("--scheduler", help="address of a running Dask scheduler or Ray cluster (default: a local one)")
    parser.add_argument(
        "--labs", type=int, default=0, help="run on labs 1..N of the family (default 0: the calibrated emulator only)"
    )
    parser.add_argument("--tag", help="this sweep's CSV is sweep-<tag>.csv (default: 'quick' or 'full')")
    parser.add_argument("--out", type=Path, help=f"results folder (default {RESULTS}; {LAB_RESULTS} with --labs)")
    parser.add_argument("--report-only", action="store_true", help="rebuild tables and plot from the stored CSVs")
    parser.add_argument("--docs", default=str(DOCS), help="markdown page whose tables to regenerate ('' to skip)")
    return parser


def emulator_main(argv: Sequence[str] | None = None) -> int:
    """Run the sweep, write ``<out>/sweep-<tag>.csv``, then the tables and plot from every CSV in ``<out>``."""
    args = _emulator_parser().parse_args(argv)
    if args.labs < 0:
        raise SystemExit(f"--labs is a count of labs, got {args.labs}; use 0 for the calibrated emulator only")
    args.out = args.out or (LAB_RESULTS if args.labs else RESULTS)
    if args.report_only:
        write_report(args.out, Path(args.docs) if args.docs else None, command=_command(argv))
        return 0
    if args.first_seed < 0:
        raise SystemExit(f"--first-seed is a seed number, 0 or more, got {args.first_seed}")
    seeds = args.seeds or (2 if args.quick else 20)
    n_experiments = args.experiments or (12 if args.quick else 48)
    strategies = (
        args.strategies.split(",")
        if args.strategies
        else (["random", "sobol", "tpe"] if args.quick else list(DEFAULT_STRATEGIES))
    )
    extra = {"optuna_gp", "bayes_random_forest", "bayes_sklearn_gp", *ec.PEER_VARIANTS}
    unknown = set(strategies) - set(DEFAULT_STRATEGIES) - extra
    if unknown:
        raise SystemExit(f"unknown strategies {sorted(unknown)}; use any of {list(DEFAULT_STRATEGIES)}")
    plan = ec.runs(
        strategies,
        seeds,
        n_experiments,
        starts=args.starts.split(","),
        noises=[float(n) for n in args.noises.split(",")],
        labs=range(1, args.labs + 1) if args.labs else (ec.CALIBRATED,),
        first_seed=args.first_seed,
    )
    results = _sweep_with_progress(plan, args)
    args.out.mkdir(parents=True, exist_ok=True)
    tag = args.tag or ("quick" if args.quick else "full")
    results["code"] = ec.code_version()
    results.to_csv(args.out / f"sweep-{tag}.csv", index=False)
    write_report(args.out, Path(args.docs) if args.docs else None, command=_command(argv))
    return 0


def _sweep_with_progress(plan: list[ec.Run], args: argparse.Namespace) -> pd.DataFrame:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(f"{len(plan)} campaigns", total=len(plan))

        def done(run: ec.Run, frame: pd.DataFrame) -> None:
            where = "" if run.lab == ec.CALIBRATED else f" lab {run.lab}"
            progress.update(task, advance=1, description=f"{run.strategy} {run.start} {run.noise:g}{where} #{run.seed}")

        return ec.sweep(plan, jobs=args.jobs, backend=args.backend, scheduler=args.scheduler, on_done=done)


def _command(argv: Sequence[str] | None) -> str:
    words = list(sys.argv[1:] if argv is None else ["emulator", *argv])
    return "python -m benchmarks " + shlex.join(words)


def load_results(folder: Path) -> pd.DataFrame:
    """Every sweep's rows in ``folder`` (later files win for a repeated run)."""
    # ``code`` is a commit hash; one such as 1234567 or 12e4567 must not be read as a number.
    frames = [pd.read_csv(path, dtype={"code": str}) for path in sorted(folder.glob("sweep-*.csv"))]
    if not frames:
        return pd.DataFrame()
    # Sweeps stored before labs existed have no ``lab`` column: the calibrated emulator's.
    table = ec.with_lab(pd.concat(frames, ignore_index=True))
    return table.drop_duplicates(["strategy", "start", "noise", "seed", "lab", "experiment"], keep="last")


def write_report(folder: Path, docs: Path | None, command: str) -> None:
    """Per-run CSV, the plot and the markdown tables, from every sweep stored in ``folder``.

    Runs on the calibrated emulator fill the ``emulator`` section of ``docs``, runs on the
    family of labs the ``labs`` section (each scored against its own lab's maximum).
    """
    results = load_results(folder)
    if results.empty:
        return
    definition = ec.load_definition(ec.DEFINITION)
    calibrated = results[results["lab"] == ec.CALIBRATED]
    maxima = (
        {ec.CALIBRATED: ec.attainable_hypervolume(definition, folder / "attainable.json")} if len(calibrated) else {}
    )
    maxima.update(family.maxima(definition, results.loc[results["lab"] != ec.CALIBRATED, "lab"], folder))
    per_run = ec.per_run(results, maxima)
    per_run.to_csv(folder / "runs.csv", index=False)
    ec.plot(results, maxima, folder / "hypervolume.png")
    if docs is None:
        return
    if len(calibrated):
        maximum = maxima[ec.CALIBRATED]
        body = (
            f"Attainable maximum hypervolume: {maximum:,.0f} ohm·mAh/g (reference 1000 ohm, 0 mAh/g; "
            f"Cell D alone: {ec.cell_d_share(maximum):.0f} % of it). Last command: `{command}`. "
            f"Sweeps ran on nfpopt {_versions(calibrated)}.\n\n"
            + ec.markdown_report(per_run[per_run["lab"] == ec.CALIBRATED])
        )
        ec.replace_section(docs, "emulator", body)
    in_labs = per_run[per_run["lab"] != ec.CALIBRATED]
    if len(in_labs):
        body = (
            f"Labs {_ranges(in_labs['lab'])} of the family; each run scored against its own lab's attainable "
            f"maximum. Last command: `{command}`. Sweeps ran on nfpopt "
            f"{_versions(results[results['lab'] != ec.CALIBRATED])}.\n\n"
            + family.markdown_report(in_labs, {i: maxima[i] for i in sorted(set(in_labs["lab"]))})
        )
        ec.replace_section(docs, "labs", body)


def _ranges(indices: pd.Series) -> str:
    found = sorted(set(int(i) for i in indices))
    contiguous = found == list(range(found[0], found[-1] + 1))
    return f"{found[0]}-{found[-1]}" if contiguous and len(found) > 1 else ", ".join(map(str, found))


def _versions(results: pd.DataFrame) -> str:
    """The code versions the stored sweeps record (older sweeps did not record one)."""
    found = results["code"].fillna("(not recorded)") if "code" in results else pd.Series(["(not recorded)"])
    return ", ".join(sorted(set(found)))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = ("emulator", "calibration", "speed", "liang2021", "alloy")
    if not argv or argv[0] not in commands:
        print(f"usage: python -m benchmarks {{{','.join(commands)}}} [options]  (--help after the command)")
        return 2
    command, rest = argv[0], argv[1:]
    os.environ.setdefault("PYTHONWARNINGS", "ignore")  # loky workers inherit it: quiet peers
    if command == "emulator":
        return emulator_main(rest)
    if command == "calibration":
        from benchmarks.calibration import main as calibration_main

        return calibration_main(rest)
    if command == "speed":
        from benchmarks.speed import main as speed_main

        return speed_main(rest)
    if command == "alloy":
        from benchmarks.alloy_prior import main as alloy_main

        return alloy_main(rest)
    from benchmarks.liang2021 import main as liang_main

    return liang_main(rest)


if __name__ == "__main__":
    raise SystemExit(main())
