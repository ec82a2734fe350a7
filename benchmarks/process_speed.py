"""What a lab waits for: ``nfpopt propose --batch 4`` as a whole process (start-up, imports,
fits, acquisition, model skill, storing), beside the same call in a warm process and beside the
import floor (what loading the libraries alone costs); and the same process handing its call to
a worker started beforehand (``nfpopt worker start``), which has imported the libraries once.

Run through ``python -m benchmarks speed --process``. Each timed process proposes on a fresh
copy of one database of ``n`` emulated random recipes (the table of :mod:`benchmarks.speed`),
with the campaign's own strategy: the first propose of a campaign (nothing fitted before), then,
with that batch's results recorded, the next one, which starts its fits where the first ended
(what a lab waits for batch after batch).

BoTorch compiles a C++ kernel for qLogNEHVI on first use (about a minute here) into
``$TORCH_EXTENSIONS_DIR``, by default shared by every environment of the user, and rebuilds it
whenever another environment used it last. The timed processes get a folder of this
environment's own, and one untimed propose builds the kernel first: a lab pays it once.

The timed processes also get worker folders of the benchmark's own (``NFPOPT_WORKER_DIR``): the
ones that start cold run with ``NFPOPT_NO_WORKER`` set, the others with the benchmark's worker,
so a worker the user started never takes a call of either.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import emulator_campaign as ec
from nfpopt.campaign import Campaign
from nfpopt.definition import CampaignDefinition, load_definition
from nfpopt.emulator import emulate
from nfpopt.store import Store

#: The import floor: each line alone in a fresh interpreter.
FLOORS = {
    "python": "pass",
    "click + rich": "import click, rich.console",
    "pandas + SQLAlchemy + click + rich": "import pandas, sqlalchemy, click, rich.console",
    "torch + BoTorch": "import torch, botorch",
    # what any propose of a Bayesian strategy loads, nfpopt aside: torch's first broadcast_shapes
    # (every GPyTorch kernel calls it) imports sympy; scipy.stats comes with scipy.stats.qmc, the
    # candidates' Sobol points (and ``norm`` in the surrogates)
    "all a propose loads": (
        "import pandas, sqlalchemy, click, rich.console, torch, botorch, scipy.optimize, scipy.stats; "
        "torch.broadcast_shapes((1,), (2,))"
    ),
    # what torch's Sobol engine in place of scipy's would leave (it would change every batch)
    "all a propose loads but scipy.stats": (
        "import pandas, sqlalchemy, click, rich.console, torch, botorch, scipy.optimize; "
        "torch.broadcast_shapes((1,), (2,))"
    ),
}


def nfpopt_executable() -> str:
    """The ``nfpopt`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "nfpopt"
    return str(script) if script.exists() else shutil.which("nfpopt") or "nfpopt"


def child_environment(worker_folder: Path | None = None, *, worker: bool = False) -> dict[str, str]:
    """This environment, with a C++ extension folder of its own (see the module's docstring) and
    the worker folder ``worker_folder``: its worker takes the calls with ``worker``, none without."""
    folder = os.environ.get("TORCH_EXTENSIONS_DIR", f"{sys.prefix}/torch_extensions")
    env = {k: v for k, v in os.environ.items() if k != "NFPOPT_NO_WORKER"} | {"TORCH_EXTENSIONS_DIR": folder}
    if worker_folder is not None:
        env["NFPOPT_WORKER_DIR"] = str(worker_folder)
    return env if worker else env | {"NFPOPT_NO_WORKER": "1"}


def own_extension_folder() -> None:
    """The warm in-process calls build and load BoTorch's kernel in the same folder as the processes."""
    os.environ["TORCH_EXTENSIONS_DIR"] = child_environment()["TORCH_EXTENSIONS_DIR"]


def timed(command: Sequence[str], repeats: int, env: dict[str, str] | None = None) -> float:
    """Median wall seconds of ``repeats`` runs of ``command`` (each must succeed) in ``env``
    (:func:`child_environment` by default)."""
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env or child_environment())
        seconds.append(time.perf_counter() - started)
    return float(np.median(seconds))


@contextmanager
def worker(env: dict[str, str]) -> Iterator[float]:
    """A worker (``nfpopt worker start``) for the processes of ``env``, until the block ends;
    yields the seconds its start took (its imports)."""
    started = time.perf_counter()
    subprocess.run([nfpopt_executable(), "worker", "start"], check=True, capture_output=True, env=env)
    try:
        yield time.perf_counter() - started
    finally:
        subprocess.run([nfpopt_executable(), "worker", "stop"], check=True, capture_output=True, env=env)


def import_floor(repeats: int) -> dict[str, float]:
    """Seconds to start Python and import each group of :data:`FLOORS`, and ``nfpopt --version``."""
    floor = {name: timed([sys.executable, "-c", code], repeats) for name, code in FLOORS.items()}
    return floor | {"nfpopt --version": timed([nfpopt_executable(), "--version"], repeats)}


def campaign_database(definition: CampaignDefinition, n: int, path: Path, seed: int = 0) -> str:
    """A SQLite campaign at ``path`` holding ``n`` emulated random recipes; returns its URL."""
    recipes = definition.space.sample(n, seed=seed, method="random").reset_index(drop=True)
    measured = pd.concat([recipes, emulate(recipes, noise=0.03, seed=seed)], axis=1)
    url = f"sqlite:///{path}"
    with Store(url) as store:
        Campaign.create(store, definition).import_experiments(measured, source="emulated random recipes")
    return url


def record_emulated(url: str, seed: int) -> None:
    """Record the emulator's outcomes (3 % noise) for every proposed experiment at ``url``."""
    with Store(url) as store:
        campaign = Campaign.open(store)
        table = campaign.table()
        proposed = table[table["status"] == "proposed"].reset_index(drop=True)
        outcomes = emulate(proposed, noise=0.03, seed=seed)
        names = [o.name for o in campaign.definition.outcomes if o.name in outcomes]
        results = pd.concat([proposed[["experiment_id"]], outcomes[names]], axis=1)
        campaign.record_results(results, source="emulated results")


def process_seconds(database: Path, repeats: int, env: dict[str, str]) -> tuple[float, float, float]:
    """Median seconds of a whole ``nfpopt propose --batch 4`` (the campaign's first), of the next
    one after that batch's results are recorded, and of ``nfpopt status``, each on a fresh copy
    of ``database``, the processes in ``env``."""
    propose, following, status = [], [], []
    for repeat in range(repeats):
        copy = database.with_name(f"copy{repeat}.sqlite")
        shutil.copy(database, copy)
        url = f"sqlite:///{copy}"
        command = [nfpopt_executable(), "propose", "--batch", "4", "--db", url, "--json"]
        propose.append(timed(command, 1, env))
        status.append(timed([nfpopt_executable(), "status", "--db", url, "--json"], 1, env))
        record_emulated(url, seed=repeat)
        following.append(timed(command, 1, env))
    return float(np.median(propose)), float(np.median(following)), float(np.median(status))


def in_process_seconds(database: Path, repeats: int) -> float:
    """Median seconds of ``Campaign.propose(4, judge=True)`` in this (warm) process: the work of
    the command without its start-up and imports."""
    seconds = []
    for repeat in range(repeats + 1):  # the first is a warm-up
        copy = database.with_name(f"warm{repeat}.sqlite")
        shutil.copy(database, copy)
        with Store(f"sqlite:///{copy}") as store:
            campaign = Campaign.open(store)
            started = time.perf_counter()
            campaign.propose(4, judge=True)
            seconds.append(time.perf_counter() - started)
    return float(np.median(seconds[1:]))


#: How each timed process runs its call: by itself, or handed to a worker started beforehand.
PROCESSES = ("new process", "through a worker")


def measure(sizes: Sequence[int], repeats: int, definition_path: Path = ec.DEFINITION) -> tuple[pd.DataFrame, float]:
    """Two rows per size (:data:`PROCESSES`): whole-process propose and status, the warm
    in-process propose; and the seconds the worker took to start."""
    definition = load_definition(definition_path)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        cold = child_environment(Path(folder) / "no-worker")
        warm = child_environment(Path(folder) / "worker", worker=True)
        databases = {n: Path(folder) / f"n{n}.sqlite" for n in sizes}
        for n, database in databases.items():
            campaign_database(definition, n, database)
        warm_up = Path(folder) / "warm-up.sqlite"  # builds BoTorch's C++ kernel, untimed
        shutil.copy(databases[sizes[0]], warm_up)
        timed([nfpopt_executable(), "propose", "--db", f"sqlite:///{warm_up}"], 1, cold)
        cold_seconds = {n: process_seconds(database, repeats, cold) for n, database in databases.items()}
        with worker(warm) as start_s:
            warm_seconds = {n: process_seconds(database, repeats, warm) for n, database in databases.items()}
        for n, database in databases.items():
            in_process = in_process_seconds(database, repeats)
            for process, seconds in zip(PROCESSES, (cold_seconds[n], warm_seconds[n]), strict=True):
                rows.append(_row(n, definition.strategy, process, seconds, in_process, repeats))
    return pd.DataFrame(rows), start_s


def _row(
    n: int, strategy: str, process: str, seconds: tuple[float, float, float], in_process: float, repeats: int
) -> dict[str, object]:
    propose, following, status = seconds
    return {
        "experiments": n,
        "strategy": strategy,
        "process": process,
        "process_propose_s": propose,
        "process_next_propose_s": following,
        "in_process_propose_s": in_process,
        "process_status_s": status,
        "repeats": repeats,
    }


def markdown(frame: pd.DataFrame, floor: dict[str, float]) -> str:
    """The process table and the import floor."""
    rows = pd.DataFrame(
        {
            "experiments": frame["experiments"],
            "strategy": frame["strategy"],
            "each call": frame["process"],
            "`nfpopt propose --batch 4` (process, s)": frame["process_propose_s"].map("{:.1f}".format),
            "the next one, results recorded (process, s)": frame["process_next_propose_s"].map("{:.1f}".format),
            "same call in a warm process (s)": frame["in_process_propose_s"].map("{:.1f}".format),
            "`nfpopt status` (process, s)": frame["process_status_s"].map("{:.2f}".format),
            "repeats": frame["repeats"],
        }
    )
    floors = pd.DataFrame({"import floor": list(floor), "s": [f"{v:.2f}" for v in floor.values()]})
    return ec.markdown_table(rows) + "\n\n" + ec.markdown_table(floors)


def main(sizes: Sequence[int], repeats: int, out: Path, docs: str) -> int:
    """Measure, write ``speed_process.csv`` and the ``speed-process`` section of ``docs``."""
    own_extension_folder()
    floor = import_floor(repeats)
    frame, start_s = measure(sizes, repeats)
    floor["nfpopt worker start (once)"] = start_s
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "speed_process.csv", index=False)
    pd.Series(floor, name="seconds").rename_axis("import").to_csv(out / "import_floor.csv")
    print(frame.to_string(index=False))
    print(pd.Series(floor).to_string())
    if docs:
        command = f"python -m benchmarks speed --process --sizes {','.join(map(str, sizes))} --repeats {repeats}"
        ec.replace_section(
            Path(docs),
            "speed-process",
            f"Command: `{command}` (nfpopt at {ec.code_version()}).\n\n" + markdown(frame, floor),
        )
    return 0
