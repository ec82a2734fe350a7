"""The import graph: what a command that needs no model loads, and which way the layers point."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from nfpopt.campaign import Campaign
from nfpopt.cli.main import cli
from nfpopt.definition import load_definition
from nfpopt.emulator import emulate
from nfpopt.paper import paper_cells_path
from nfpopt.store import Store

ROOT = Path(__file__).resolve().parents[1]
#: What a command that fits no model must not load.
MODELLING = {"torch", "botorch", "gpytorch", "sklearn"}


def _modules_after(code: str) -> set[str]:
    """The top-level modules loaded by running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def _command_loads(args: list[str]) -> set[str]:
    """The top-level modules a fresh ``nfpopt *args`` loads (exit status checked)."""
    code = (
        "from click.testing import CliRunner; from nfpopt.cli.main import cli; "
        f"result = CliRunner().invoke(cli, {args!r}); "
        "assert result.exit_code == 0, (result.output, result.exception)"
    )
    return _modules_after(code)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A campaign with the paper's cells and a batch of three proposals (stored without a model)."""
    folder = tmp_path_factory.mktemp("lab")
    url = f"sqlite:///{folder / 'c.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(ROOT / "campaigns" / "nfp_rate.toml"), "--db", url]).exit_code == 0
    with Store(url) as store:
        campaign = Campaign.open(store)
        recipes = pd.read_csv(paper_cells_path()).iloc[:3][list(campaign.definition.space.names)]
        campaign.add_proposals(campaign.definition.space.with_derived(recipes))
    results = folder / "results.csv"
    pd.DataFrame(
        {"experiment_id": [1], "sintered": [True], "internal_resistance_ohm": [900.0], "capacity_2c_mah_g": [40.0]}
    ).to_csv(results, index=False)
    return {"db": url, "results": str(results), "folder": str(folder)}


def test_import_of_the_cli_loads_no_modelling_library() -> None:
    assert not _modules_after("import nfpopt.cli.main") & MODELLING


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--help"], id="help"),
        pytest.param(["--version"], id="version"),
        pytest.param(["init", "{toml}", "--db", "{new}"], id="init"),
        pytest.param(["import", "{cells}", "--db", "{db}"], id="import"),
        pytest.param(["record", "{results}", "--db", "{db}"], id="record"),
        pytest.param(["status", "--db", "{db}"], id="status"),
        pytest.param(["status", "--db", "{db}", "--json"], id="status_json"),
        pytest.param(["export", "--db", "{db}"], id="export"),
        pytest.param(["start", "2", "--db", "{db}"], id="start"),
        pytest.param(["abandon", "3", "--reason", "furnace down", "--db", "{db}"], id="abandon"),
    ],
)
def test_a_command_that_fits_no_model_loads_no_modelling_library(args: list[str], lab: dict[str, str]) -> None:
    places = lab | {
        "toml": str(ROOT / "campaigns" / "nfp_rate.toml"),
        "new": f"sqlite:///{lab['folder']}/new_{args[0]}.db",
        "cells": str(paper_cells_path()),
    }
    assert not _command_loads([a.format(**places) for a in args]) & MODELLING


def test_a_propose_loads_no_migration_tool_signal_processing_or_optuna(lab: dict[str, str]) -> None:
    """Opening a database at the head, reading a campaign with [instruments] and running the
    campaign's own strategy need none of them (0.2-1 s each on this machine)."""
    args = ["propose", "--batch", "2", "--db", lab["db"].replace("c.db", "c_propose.db"), "--json"]
    shutil.copy(lab["db"].removeprefix("sqlite:///"), args[4].removeprefix("sqlite:///"))
    code = (
        "from click.testing import CliRunner; from nfpopt.cli.main import cli; "
        f"result = CliRunner().invoke(cli, {args!r}); "
        "assert result.exit_code == 0, (result.output, result.exception)\n"
        "import sys; print(' '.join(sorted(sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    loaded = set(run.stdout.split())
    assert not loaded & {"alembic", "optuna", "scipy.signal"}


def test_a_propose_that_fits_and_judges_models_loads_no_scikit_learn(tmp_path: Path) -> None:
    """The physics strategy's fits, acquisition and model-skill check on 12 emulated results:
    the feasibility classifier and the skill's statistics are nfpopt's own (scikit-learn's
    import cost each propose about 0.35 s)."""
    definition = load_definition(ROOT / "campaigns" / "nfp_rate.toml")
    recipes = definition.space.sample(12, seed=0, method="random").reset_index(drop=True)
    url = f"sqlite:///{tmp_path / 'fitted.db'}"
    with Store(url) as store:
        measured = pd.concat([recipes, emulate(recipes, noise=0.03, seed=0)], axis=1)
        Campaign.create(store, definition).import_experiments(measured, source="emulated")
    args = ["propose", "--batch", "2", "--db", url, "--json"]
    code = (
        "from click.testing import CliRunner; from nfpopt.cli.main import cli; "
        f"result = CliRunner().invoke(cli, {args!r}); "
        "assert result.exit_code == 0, (result.output, result.exception)"
    )
    loaded = _modules_after(code)
    assert "botorch" in loaded  # it did fit models
    assert "sklearn" not in loaded


def test_the_recommender_does_not_import_the_campaign() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, nfpopt.recommend; print('nfpopt.campaign' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert loaded.stdout.strip() == "False", loaded.stderr


def test_the_campaign_does_not_import_the_recommender() -> None:
    code = "import sys, nfpopt.campaign; print('nfpopt.recommend' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert loaded.stdout.strip() == "False", loaded.stderr


def test_nfpopt_version_starts_in_under_half_a_second() -> None:
    script = Path(sys.executable).parent / "nfpopt"
    command = [str(script), "--version"] if script.exists() else [sys.executable, "-m", "nfpopt.cli.main", "--version"]
    seconds = []
    for _ in range(3):  # the best of three: the machine may be busy
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds.append(time.perf_counter() - started)
    assert min(seconds) < 0.5


def test_each_command_is_found_in_the_module_the_group_says() -> None:
    """``COMMAND_HOMES`` names the module of every command outside the campaign commands' (a
    command missing from it would still be found, by loading them all, but slowly)."""
    import importlib

    from nfpopt.cli.main import COMMAND_HOMES, COMMAND_MODULES

    found = {command.name: module for module in COMMAND_MODULES for command in importlib.import_module(module).COMMANDS}
    default = COMMAND_MODULES[0]
    assert {name: module for name, module in found.items() if module != default} == COMMAND_HOMES
    assert set(COMMAND_HOMES) < set(found)


def test_the_worker_commands_load_neither_pandas_nor_the_campaign_commands(tmp_path: Path) -> None:
    """``nfpopt worker status`` answers without what a campaign command needs (pandas and the
    database alone took 1.2 s of its 1.4 s)."""
    code = (
        "import os; os.environ['NFPOPT_WORKER_DIR'] = " + repr(str(tmp_path / "w")) + "\n"
        "from click.testing import CliRunner; from nfpopt.cli.main import cli; "
        "result = CliRunner().invoke(cli, ['worker', 'status', '--json']); "
        "assert result.exit_code == 0, (result.output, result.exception)\n"
        "import sys; print(' '.join(sorted(sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    loaded = set(run.stdout.split())
    assert not loaded & ({"pandas", "sqlalchemy", "nfpopt.cli.campaign_commands"} | MODELLING)


def test_a_misspelt_command_still_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["stauts"])
    assert result.exit_code == 2
    assert "No such command 'stauts'" in result.output
