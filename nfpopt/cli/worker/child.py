"""One call in a forked copy of the worker: become the calling process (its standard streams,
folder, environment, umask and arguments), run the command line as a fresh process would, and
end with its exit status, which the worker sends back.

The command line (``nfpopt.cli``) is imported here, after the streams are the caller's: its
consoles measure the terminal when imported. Signals the caller passes on go to this process's
own group (it and anything it started, as Ctrl-C in a terminal would); the caller's end of the
socket closing (it was killed) hangs the command up with SIGHUP.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import signal
import socket
import sys
import threading
import traceback
from collections.abc import Iterable, Sequence
from typing import IO, Any, NoReturn, Protocol

from nfpopt.cli.worker.protocol import read_message


class Closable(Protocol):
    def close(self) -> None: ...


def run(connection: socket.socket, call: dict[str, Any], fds: Sequence[int], inherited: Iterable[Closable]) -> NoReturn:
    """Run ``call`` (see :func:`nfpopt.cli.worker.client.forward`) with the caller's stdin,
    stdout and stderr ``fds``; ``inherited`` are the worker's own handles, closed first."""
    status = 1
    try:
        _leave_worker(inherited)
        _become_caller(call, fds)
        _watch_caller(connection)
        status = _command(call["argv"])
    except BaseException:  # noqa: B036 - whatever happens, this process must end here
        traceback.print_exc()
    finally:
        _end(status)


def _leave_worker(inherited: Iterable[Closable]) -> None:
    """Drop the worker's sockets, lock and signal handling; lead a process group of its own."""
    signal.set_wakeup_fd(-1)
    for handle in inherited:
        handle.close()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    os.setpgid(0, 0)


def _become_caller(call: dict[str, Any], fds: Sequence[int]) -> None:
    """Take on the caller's standard streams, folder, umask, environment and arguments."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(call["env"])
    like = (sys.stdin, sys.stdout, sys.stderr)
    sys.stdin, sys.stdout, sys.stderr = (_text_stream(fd, like[fd]) for fd in range(3))
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    sys.argv = list(call["argv"])
    os.umask(int(call["umask"]))
    os.chdir(call["cwd"])
    _reseed()


def _text_stream(fd: int, like: IO[str]) -> IO[str]:
    """A text stream on ``fd`` as Python opens one at start-up: line-buffered on a terminal
    (standard error always), in ``PYTHONIOENCODING`` if the caller set it."""
    encoding, _, errors = os.environ.get("PYTHONIOENCODING", "").partition(":")
    writing = fd != 0
    raw = open(fd, "wb" if writing else "rb", closefd=False)  # noqa: SIM115 - open until the process ends
    return io.TextIOWrapper(
        raw,
        encoding=encoding or like.encoding,
        errors=errors or like.errors,
        line_buffering=writing and (fd == 2 or os.isatty(fd)),
    )


def _reseed() -> None:
    """A fresh process seeds NumPy's global generator from the system; a fork copies the
    worker's (Python's ``random`` reseeds itself after a fork)."""
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def _watch_caller(connection: socket.socket) -> None:
    """Relay the caller's signals from a thread; hang up when the caller's end closes."""
    connection.settimeout(None)
    threading.Thread(target=_relay, args=(connection,), name="nfpopt-caller", daemon=True).start()


def _relay(connection: socket.socket) -> None:
    with connection.makefile("rb") as messages:
        while True:
            try:
                message = read_message(messages)
            except (OSError, ValueError):
                break
            if message is None:
                break
            signum = message.get("signal")
            if isinstance(signum, int):
                os.killpg(0, signum)
    os.killpg(0, signal.SIGHUP)


def _command(argv: Sequence[str]) -> int:
    """Run the command line as the console script does; its exit status."""
    from nfpopt.cli.main import cli

    try:
        cli.main(args=list(argv[1:]), prog_name=os.path.basename(argv[0]))
    except SystemExit as exc:
        return _exit_status(exc.code)
    return 0


def _exit_status(code: object) -> int:
    """The exit status Python gives ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _end(status: int) -> NoReturn:
    """Run the command's exit handlers and flush its output, then end without unwinding into
    the worker's loop (whose clean-up belongs to the worker)."""
    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
