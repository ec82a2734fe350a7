"""``nfpopt worker start|stop|status``: keep nfpopt's libraries loaded between calls (opt-in)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import click

from nfpopt.cli.common import console, fail, json_option, progress
from nfpopt.cli.worker import client, server
from nfpopt.cli.worker.protocol import (
    MAX_SOCKET_PATH,
    OFF_ENV_VAR,
    SUPPORTED,
    WorkerPaths,
    private_dir,
    worker_dir,
)
from nfpopt.exceptions import WorkerError

#: Seconds ``worker start`` waits for the imports (a few seconds; more on a busy machine).
START_TIMEOUT_S = 180.0
#: Seconds ``worker stop`` waits for the worker to end once it has no command running.
STOP_TIMEOUT_S = 10.0


@click.group("worker")
def worker_group() -> None:
    """Keep nfpopt loaded between calls: a background worker (opt-in, Linux).

    Every nfpopt call spends seconds importing torch and BoTorch before it starts. While a worker
    runs, each call is handed to it and runs in a fresh copy of it (a fork) with everything
    already imported: the same command, the same output and exit status, the database read
    afresh, less the imports. Settings that libraries read when they load (OMP_NUM_THREADS,
    MKL_NUM_THREADS, matplotlib's) are the worker's: start it with the ones you want. A call
    runs by itself again when the worker is stopped, when NFPOPT_NO_WORKER is set, or when
    nfpopt or its packages changed since the worker started.

    The worker listens on a socket in $NFPOPT_WORKER_DIR (default $XDG_RUNTIME_DIR/nfpopt or
    ~/.cache/nfpopt, private to you) and stops after its idle minutes or with `nfpopt worker stop`.
    """


@worker_group.command("start", short_help="Start the worker: import once, then wait for calls.")
@click.option(
    "--idle-minutes",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Stop the worker after this many minutes without a call.",
)
@json_option
def start_command(idle_minutes: float, as_json: bool) -> None:
    """Start this environment's worker in the background (if none runs) and wait until it answers."""
    paths = _paths()
    answer = client.ask(paths, "status")
    if answer is not None and answer.get("usable"):
        _report_start(answer, started=False, as_json=as_json)
        return
    if answer is not None:  # a worker of older code: replaced
        client.ask(paths, "stop")
    with progress("starting the worker: importing torch, BoTorch, pandas, ..."):
        answer = _launch_and_wait(paths, idle_minutes)
    _report_start(answer, started=True, as_json=as_json)


@worker_group.command("stop", short_help="Stop the worker (running commands finish first).")
@json_option
def stop_command(as_json: bool) -> None:
    """Stop this environment's worker; commands it is running finish first."""
    paths = WorkerPaths.of(worker_dir())
    answer = client.ask(paths, "stop")
    if answer is None:
        _say({"stopped": False}, "no worker is running", as_json)
        return
    running = int(answer.get("commands_running", 0))
    if running == 0:
        _wait_gone(int(answer["pid"]))
    after = f"; it ends when its {running} running command(s) do" if running else ""
    _say({"stopped": True, **answer}, f"stopped the worker (pid {answer['pid']}){after}", as_json)


@worker_group.command("status", short_help="Whether a worker runs, and for this nfpopt.")
@json_option
def status_command(as_json: bool) -> None:
    """Say whether this environment's worker runs, since when, and whether it takes this call's commands."""
    paths = WorkerPaths.of(worker_dir())
    answer = client.ask(paths, "status")
    if answer is None:
        record = {"running": False, "socket": str(paths.socket)}
        _say(record, "no worker is running; nfpopt worker start starts one", as_json)
        return
    if as_json:
        click.echo(json.dumps({"running": True, **answer}, indent=2))
        return
    console.print(
        f"worker running (pid {answer['pid']}) since {answer['started_at']}: {answer['served']} command(s) served"
    )
    console.print(f"  runs nfpopt {answer['version']} from {answer['package']} with {answer['executable']}")
    console.print(f"  stops after {answer['idle_minutes']:g} idle minutes, or with nfpopt worker stop")
    console.print(f"  socket {answer['socket']}, log {answer['log']}")
    if not answer.get("usable"):
        console.print(f"  takes no call from here: {answer['refusal']}; nfpopt worker start replaces it")


def _paths() -> WorkerPaths:
    """This environment's worker paths in a private folder, or a clear exit if none can be had."""
    if not SUPPORTED:
        fail(f"the worker needs Linux (Unix sockets with SO_PEERCRED, Linux 5.3 or later); {sys.platform} lacks them")
    try:
        paths = WorkerPaths.of(private_dir(worker_dir()))
    except WorkerError as exc:
        fail(str(exc))
    if len(str(paths.socket).encode()) > MAX_SOCKET_PATH:
        fail(
            f"the worker's socket path {paths.socket} is longer than the {MAX_SOCKET_PATH} bytes a Unix socket "
            "takes; set NFPOPT_WORKER_DIR to a shorter folder"
        )
    return paths


def _launch_and_wait(paths: WorkerPaths, idle_minutes: float) -> dict[str, Any]:
    """Start a worker process and wait until one (it, or another that was starting) answers."""
    command = [sys.executable, "-P", "-m", server.__name__, "--dir", str(paths.socket.parent)]
    with open(paths.log, "w") as log:
        paths.log.chmod(0o600)
        process = subprocess.Popen(
            [*command, "--idle-minutes", repr(idle_minutes)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd="/",
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        answer = client.ask(paths, "status")
        if answer is not None and answer.get("usable"):
            return answer
        code = process.poll()
        if code is not None and code != server.LOCKED:
            fail(f"the worker stopped while starting (exit status {code}): {_log_tail(paths)}")
        time.sleep(0.1)
    fail(f"the worker did not answer within {START_TIMEOUT_S:g} s; see {paths.log}")


def _log_tail(paths: WorkerPaths, lines: int = 5) -> str:
    try:
        text = paths.log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return f"see {paths.log}"
    return " | ".join(text[-lines:]) or f"see {paths.log}"


def _wait_gone(pid: int) -> None:
    """Wait (a little) until the process ``pid`` has ended."""
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[0] == "Z":
                    return  # ended, waiting for its parent to collect it
        except OSError:
            return
        time.sleep(0.05)


def _report_start(answer: dict[str, Any], *, started: bool, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"started": started, **answer}, indent=2))
        return
    already = "started the worker" if started else "the worker is already running"
    console.print(
        f"{already} (pid {answer['pid']}): nfpopt calls now run in it, without the imports; it stops after "
        f"{answer['idle_minutes']:g} idle minutes, or with nfpopt worker stop ({OFF_ENV_VAR}=1 skips it for a call)"
    )


def _say(record: dict[str, Any], text: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(record, indent=2))
    else:
        console.print(text)


COMMANDS = (worker_group,)
