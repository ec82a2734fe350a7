"""The calling end: the ``nfpopt`` entry point hands its call to a running worker, when there is
a usable one, and waits for the command's exit status; Ctrl-C (and SIGTERM, SIGHUP) reach the
command as if it ran here.

A call is run here instead, silently, when no worker listens; with one line on standard error
when the worker refuses it (another Python, or nfpopt changed since the worker started).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Sequence
from types import FrameType
from typing import IO, Any

from nfpopt.cli.worker.protocol import (
    OFF_ENV_VAR,
    SUPPORTED,
    Identity,
    WorkerPaths,
    connect,
    read_message,
    send,
    worker_dir,
)

#: Seconds to wait for a worker to connect and to accept or refuse a call.
ANSWER_TIMEOUT_S = 30.0
#: The signals passed on to the command while it runs in the worker.
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def forward(argv: Sequence[str]) -> int | None:
    """Run the command line ``argv`` (``sys.argv``) in this environment's worker.

    Returns its exit status (negative: killed by that signal), or ``None`` to run it here.
    """
    if not _wanted(argv):
        return None
    paths = WorkerPaths.of(worker_dir())
    if not paths.socket.exists():
        return None
    connection = connect(paths.socket, ANSWER_TIMEOUT_S)
    if connection is None:
        return None
    with connection, connection.makefile("rb") as replies:
        try:
            send(connection, _call(argv), fds=(0, 1, 2))
        except OSError:
            return None  # part of the call at most: the worker runs nothing, the call runs here
        try:
            answer = read_message(replies)
        except (OSError, ValueError) as exc:  # it may have started the command: not run twice
            print(f"nfpopt: the worker took the call but did not answer ({exc!r}); {_advice('')}", file=sys.stderr)
            return 1
        if answer is None or not answer.get("accepted"):  # closed unanswered: it ran nothing
            return _refused(answer)
        return _wait(connection, replies)


def ask(paths: WorkerPaths, kind: str, timeout_s: float = 10.0) -> dict[str, Any] | None:
    """The worker's answer to ``kind`` (``"status"`` or ``"stop"``), ``None`` if none listens."""
    connection = connect(paths.socket, timeout_s)
    if connection is None:
        return None
    with connection, connection.makefile("rb") as replies:
        try:
            send(connection, {"kind": kind, "identity": Identity.current().as_message()})
            return read_message(replies)
        except (OSError, ValueError):
            return None


def exit_like(status: int) -> None:
    """End this process as the command ended: with its exit code, or killed by its signal."""
    if status < 0:
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
        sys.exit(128 - status)
    sys.exit(status)


def _wanted(argv: Sequence[str]) -> bool:
    """Whether to try the worker at all: not when it is switched off or cannot exist here, not
    for ``nfpopt worker ...`` itself nor without a command, not for ``python -m nfpopt.cli.main`` (the worker runs the
    console script), not with a standard stream closed."""
    if os.environ.get(OFF_ENV_VAR) or not SUPPORTED or not argv or argv[0].endswith(".py"):
        return False
    command = next((a for a in argv[1:] if not a.startswith("-")), None)
    if command in (None, "worker"):  # --version and --help alone are quicker here
        return False
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)
    except OSError:
        return False
    return True


def _call(argv: Sequence[str]) -> dict[str, Any]:
    """What the worker needs to run ``argv`` as this process would."""
    umask = os.umask(0o022)
    os.umask(umask)
    return {
        "kind": "run",
        "identity": Identity.current().as_message(),
        "argv": list(argv),
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "umask": umask,
    }


def _refused(answer: dict[str, Any] | None) -> None:
    """Say why the worker did not take the call, which then runs here."""
    reason = answer.get("refused") if answer else None
    if reason:
        print(
            f"nfpopt: not using the worker: {reason}; running here ({_advice(str(reason))})",
            file=sys.stderr,
            flush=True,
        )
    return None


def _advice(reason: str) -> str:
    if "changed since" in reason:
        return "it stops now; nfpopt worker start starts a new one"
    return f"set {OFF_ENV_VAR}=1 to skip it, or restart it with nfpopt worker stop; nfpopt worker start"


def _wait(connection: socket.socket, replies: IO[bytes]) -> int:
    """Pass signals on until the worker sends the command's exit status."""

    def pass_on(signum: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(OSError):
            send(connection, {"signal": signum})

    previous = {s: signal.signal(s, pass_on) for s in FORWARDED}
    try:
        connection.settimeout(None)
        result = read_message(replies)
    except (OSError, ValueError):
        result = None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if result is None:
        log = WorkerPaths.of(worker_dir()).log
        print(f"nfpopt: the worker ended before the command did; see {log}", file=sys.stderr)
        return 1
    return -int(result["signal"]) if "signal" in result else int(result["exit"])
