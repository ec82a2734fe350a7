"""``nfpopt worker``: a call handed to the worker prints and exits as the same call run by itself;
the worker stops when asked, when idle, or when nfpopt changed; a stale socket is cleaned up.

Each test's worker lives in a short temporary folder of its own (a Unix socket's path holds at
most 107 bytes), through ``NFPOPT_WORKER_DIR``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from nfpopt.campaign import Campaign
from nfpopt.cli.worker import client
from nfpopt.cli.worker.protocol import DIR_ENV_VAR, OFF_ENV_VAR, SUPPORTED, Identity, WorkerPaths
from nfpopt.definition import load_definition
from nfpopt.emulator import emulate
from nfpopt.store import Store

pytestmark = pytest.mark.skipif(not SUPPORTED, reason="the worker needs Linux")

ROOT = Path(__file__).resolve().parents[2]
NFP = ROOT / "campaigns" / "nfp_rate.toml"
SCRIPT = Path(sys.executable).parent / "nfpopt"

Run = Callable[..., subprocess.CompletedProcess[str]]


def _runner(folder: Path, **extra: str) -> Run:
    """Run ``nfpopt *args`` as a process whose worker folder is ``folder``."""
    env = {k: v for k, v in os.environ.items() if k != OFF_ENV_VAR} | {DIR_ENV_VAR: str(folder)} | extra

    def run(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        command = [str(SCRIPT), *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)

    return run


def _alone(folder: Path) -> Run:
    """Run ``nfpopt *args`` by itself, a worker or not."""
    return _runner(folder, **{OFF_ENV_VAR: "1"})


def _start(run: Run, *options: str) -> dict[str, object]:
    started = run("worker", "start", "--json", *options)
    assert started.returncode == 0, started.stderr
    return json.loads(started.stdout)


def _served(run: Run) -> int:
    return int(json.loads(run("worker", "status", "--json").stdout)["served"])


def _gone(pid: int, within_s: float = 30.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="nfw-"))
    yield path
    _runner(path)("worker", "stop")  # if a test left its worker running
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def worker() -> Iterator[Run]:
    """A worker for the whole module; the runner hands calls to it."""
    path = Path(tempfile.mkdtemp(prefix="nfw-"))
    run = _runner(path)
    pid = int(_start(run)["pid"])
    yield run
    run("worker", "stop")
    if not _gone(pid, within_s=10):  # never left behind, whatever the tests did to it
        os.kill(pid, signal.SIGTERM)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A campaign with 12 emulated results: a propose fits every model."""
    definition = load_definition(NFP)
    recipes = definition.space.sample(12, seed=0, method="random").reset_index(drop=True)
    path = tmp_path_factory.mktemp("fitted") / "fitted.db"
    with Store(f"sqlite:///{path}") as store:
        measured = pd.concat([recipes, emulate(recipes, noise=0.03, seed=0)], axis=1)
        Campaign.create(store, definition).import_experiments(measured, source="emulated")
    return path


def test_a_command_through_the_worker_prints_and_exits_as_by_itself(worker: Run, tmp_path: Path) -> None:
    alone = _alone(Path(tempfile.gettempdir()) / "nfw-none")
    for run, name in ((worker, "w.db"), (alone, "a.db")):
        assert run("init", NFP, "--db", name, "--json", cwd=tmp_path).returncode == 0
    before = _served(worker)
    through = worker("status", "--db", "w.db", "--json", cwd=tmp_path)
    by_itself = alone("status", "--db", "a.db", "--json", cwd=tmp_path)
    assert _served(worker) == before + 1
    assert through.returncode == by_itself.returncode == 0
    assert through.stdout.replace("w.db", "a.db") == by_itself.stdout


def test_an_error_and_its_exit_status_come_back_unchanged(worker: Run, tmp_path: Path) -> None:
    alone = _alone(Path(tempfile.gettempdir()) / "nfw-none")
    through = worker("status", "--db", "missing.db", "--json", cwd=tmp_path)
    by_itself = alone("status", "--db", "missing.db", "--json", cwd=tmp_path)
    assert through.returncode == by_itself.returncode == 2
    assert json.loads(through.stdout) == json.loads(by_itself.stdout)
    usage = worker("propose", "--batch", "x", cwd=tmp_path)
    assert usage.returncode == 2 and "Usage: nfpopt propose" in usage.stderr


def test_a_propose_that_fits_models_runs_in_the_worker_twice_as_by_itself(
    worker: Run, fitted: Path, tmp_path: Path
) -> None:
    """Forked after torch was imported: the models fit (no deadlock), twice, with the batch a
    process of its own proposes."""
    alone = _alone(Path(tempfile.gettempdir()) / "nfw-none")
    copies = [tmp_path / f"{name}.db" for name in ("w", "a")]
    for copy in copies:
        shutil.copy(fitted, copy)
    first = worker("propose", "--batch", "2", "--db", copies[0], "--json")
    by_itself = alone("propose", "--batch", "2", "--db", copies[1], "--json")
    assert first.returncode == by_itself.returncode == 0, first.stderr
    assert json.loads(first.stdout) == json.loads(by_itself.stdout)
    again = worker("propose", "--batch", "2", "--db", copies[0], "--json")
    assert again.returncode == 0 and len(json.loads(again.stdout)) == 2


def test_status_reports_the_worker_and_start_again_finds_it(worker: Run) -> None:
    status = json.loads(worker("worker", "status", "--json").stdout)
    assert status["running"] and status["usable"] and not status["stopping"]
    assert status["executable"] == sys.executable and Path(str(status["socket"])).is_socket()
    again = _start(worker)
    assert again["started"] is False and again["pid"] == status["pid"]


def test_stop_ends_the_worker_and_removes_its_socket(folder: Path) -> None:
    run = _runner(folder)
    started = _start(run, "--idle-minutes", "5")
    stopped = json.loads(run("worker", "stop", "--json").stdout)
    assert stopped["stopped"] and stopped["pid"] == started["pid"]
    assert not Path(str(started["socket"])).exists() and _gone(int(started["pid"]))
    assert json.loads(run("worker", "status", "--json").stdout)["running"] is False
    assert json.loads(run("worker", "stop", "--json").stdout) == {"stopped": False}
    assert run("init", NFP, "--db", folder / "c.db").returncode == 0  # runs by itself again


def test_a_call_of_another_nfpopt_version_runs_here_and_retires_the_worker(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    started = _start(_runner(folder))
    monkeypatch.setenv(DIR_ENV_VAR, str(folder))
    monkeypatch.delenv(OFF_ENV_VAR, raising=False)
    upgraded = replace(Identity.current(), version="99.0")
    monkeypatch.setattr(Identity, "current", classmethod(lambda cls: upgraded))
    assert client.forward([str(SCRIPT), "status", "--json"]) is None
    out, err = capfd.readouterr()
    assert out == "" and "not using the worker: the worker runs nfpopt 0.1.0, this call nfpopt 99.0" in err
    assert _gone(int(started["pid"])) and not Path(str(started["socket"])).exists()


def test_the_worker_stops_after_its_idle_minutes(folder: Path) -> None:
    started = _start(_runner(folder), "--idle-minutes", "0.05")
    assert _gone(int(started["pid"]), within_s=60) and not Path(str(started["socket"])).exists()


def test_a_stale_socket_is_removed_and_the_call_runs_by_itself(folder: Path) -> None:
    stale = WorkerPaths.of(folder).socket
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(str(stale))  # a worker killed without clean-up leaves this: nobody listens
    result = _runner(folder)("init", NFP, "--db", folder / "c.db", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["campaign"] == "nfp_rate"
    assert not stale.exists()


@pytest.mark.parametrize("how", ["interrupted", "killed"])
def test_ctrl_c_or_the_death_of_the_caller_ends_the_command(worker: Run, tmp_path: Path, how: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != OFF_ENV_VAR}
    env[DIR_ENV_VAR] = str(Path(json.loads(worker("worker", "status", "--json").stdout)["socket"]).parent)
    demo = [str(SCRIPT), "demo", "--experiments", "40", "--db", str(tmp_path / "demo.db")]
    caller = subprocess.Popen(demo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while json.loads(worker("worker", "status", "--json").stdout)["commands_running"] == 0:
        assert time.monotonic() < deadline and caller.poll() is None
        time.sleep(0.1)
    time.sleep(1.0)
    caller.send_signal(signal.SIGINT if how == "interrupted" else signal.SIGKILL)
    code = caller.wait(timeout=60)
    assert code == (1 if how == "interrupted" else -signal.SIGKILL)
    deadline = time.monotonic() + 30
    while json.loads(worker("worker", "status", "--json").stdout)["commands_running"]:
        assert time.monotonic() < deadline, "the command went on without its caller"
        time.sleep(0.2)


def test_the_client_loads_nothing_heavy() -> None:
    code = "import sys, nfpopt.cli.worker.client; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split())
    assert not loaded & {"torch", "pandas", "numpy", "click", "rich", "sqlalchemy"}
