"""The worker: a background process that has imported what a propose or a report needs, once,
and forks a fresh copy of itself for each ``nfpopt`` call handed to it (:mod:`.child`). So each
command runs in a process of its own, reads the database afresh and shares nothing with the
calls before it, as a new process would, less the seconds of imports.

Started by ``nfpopt worker start`` as ``python -P -m nfpopt.cli.worker.server --dir DIR``, in
a session of its own, with its output in a log beside its socket. It answers on a Unix socket
in a private folder, to processes of its own user only (SO_PEERCRED), and stops when asked
(``nfpopt worker stop``, SIGTERM), after its idle minutes without a call, or when a call finds
nfpopt changed since it started (see :class:`~.protocol.Identity`); commands still running
then end first.

Nothing here runs a torch computation before forking: a copy forked after torch's OpenMP
thread pool exists can deadlock in its first parallel loop.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib
import os
import selectors
import signal
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from nfpopt.cli.worker import child
from nfpopt.cli.worker.protocol import Identity, WorkerPaths, peer, receive_call, remove_stale, send

#: Imported once, so that every forked command finds them loaded: the modelling libraries and
#: nfpopt's library layer, as a propose, a status or a report imports them (the list is what a
#: propose imports after the command line, less nfpopt.cli). Not ``nfpopt.cli``, whose consoles
#: measure the caller's terminal when imported. sympy's part of torch otherwise loads at the
#: first ``torch.broadcast_shapes``, which every GPyTorch kernel calls; ``cpp_extension`` (with
#: setuptools) when BoTorch loads its C++ kernel, which each command still does itself (loading
#: it starts a thread, and the worker must fork with none of torch's).
PRELOAD = (
    "torch",
    "torch.fx.experimental.symbolic_shapes",
    "torch.utils.cpp_extension",
    "gpytorch",
    "botorch",
    "pandas",
    "pandas.core.methods.to_dict",
    "sqlalchemy",
    "sqlalchemy.dialects.sqlite",
    "scipy.optimize",
    "scipy.stats",
    "click",
    "rich.console",
    "rich.progress",
    "rich.table",
    "nfpopt.campaign",
    "nfpopt.store",
    "nfpopt.paper",
    "nfpopt.recommend.strategies",
    "nfpopt.recommend.bayes",
    "nfpopt.surrogates",
    "nfpopt.surrogates.physics_fit",
    "nfpopt.surrogates.skill",
    "nfpopt.surrogates.statistics",
    "nfpopt.instruments",
    "nfpopt.simulate",
    "nfpopt.report",
)
#: The exit status of a worker that found another one holding its lock.
LOCKED = 3
#: Seconds a connected caller has to send its call.
CALL_TIMEOUT_S = 10.0


def log(message: str) -> None:
    """A line of the worker's log (its standard error)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    print(f"{now} nfpopt worker {os.getpid()}: {message}", file=sys.stderr, flush=True)


def hold_lock(path: Path) -> IO[str] | None:
    """The open lock file, locked for this worker's life, or ``None`` if another holds it."""
    handle = open(path, "a")  # noqa: SIM115 - held open until the worker stops
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def listen(path: Path) -> socket.socket:
    """A socket listening at ``path``, which appears there only once it listens (bound under a
    temporary name and renamed): a caller that finds it nobody answers takes it for stale."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    remove_stale(temporary)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(temporary))
    os.chmod(temporary, 0o600)
    listener.listen(64)
    os.replace(temporary, path)
    listener.setblocking(False)
    return listener


@dataclass
class _Running:
    """A forked command: its process id and file descriptor, and its caller's connection."""

    pid: int
    pidfd: int
    connection: socket.socket

    def close(self) -> None:
        os.close(self.pidfd)
        self.connection.close()


class _Fd:
    """A bare file descriptor with a ``close``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        os.close(self.fd)


class Worker:
    """The loop: accept a call, fork it off, send each command's exit status to its caller."""

    def __init__(self, listener: socket.socket, paths: WorkerPaths, lock: IO[str], idle_minutes: float) -> None:
        self.listener, self.paths, self.lock, self.idle_minutes = listener, paths, lock, idle_minutes
        self.identity = Identity.current()
        self.socket_inode = paths.socket.stat().st_ino
        self.started = datetime.now(UTC)
        self.last_activity = time.monotonic()
        self.served = 0
        self.running: dict[int, _Running] = {}
        self.stopping: str | None = None
        self._asked_to_stop: str | None = None  # by a signal, acted on in the loop
        self.selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = socket.socketpair()
        for end in (self._wake_read, self._wake_write):
            end.setblocking(False)
        self.selector.register(listener, selectors.EVENT_READ, self._accept)
        self.selector.register(self._wake_read, selectors.EVENT_READ, self._woken)
        signal.set_wakeup_fd(self._wake_write.fileno())
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._signalled)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    def serve(self) -> str:
        """Serve until stopped and every command has ended; why it stopped."""
        while self.stopping is None or self.running:
            if self._asked_to_stop is not None:
                self.stop(self._asked_to_stop)
            timeout = self._timeout()
            if timeout == 0:
                self.stop(f"idle for {self.idle_minutes:g} minutes")
                continue
            for key, _ in self.selector.select(timeout):
                key.data()
        return str(self.stopping)

    def stop(self, reason: str) -> None:
        """Take no more calls: the socket goes and the lock is freed now, for a new worker."""
        if self.stopping is not None:
            return
        self.stopping = reason
        log(f"stopping: {reason}" + (f"; {len(self.running)} command(s) still running" if self.running else ""))
        self.selector.unregister(self.listener)
        self.listener.close()
        self._remove_socket()
        self.lock.close()

    def close(self) -> None:
        """Release what is left (the socket too, if the loop ended by an error)."""
        if self.stopping is None:
            self._remove_socket()
        signal.set_wakeup_fd(-1)
        self.selector.close()
        self._wake_read.close()
        self._wake_write.close()

    def describe(self) -> dict[str, Any]:
        """What ``nfpopt worker status`` shows."""
        return {
            "pid": os.getpid(),
            "started_at": self.started.isoformat(timespec="seconds"),
            "served": self.served,
            "commands_running": len(self.running),
            "idle_minutes": self.idle_minutes,
            "stopping": self.stopping is not None,
            **self.identity.as_message(),
            "socket": str(self.paths.socket),
            "log": str(self.paths.log),
        }

    def _timeout(self) -> float | None:
        if self.stopping is not None or self.running:
            return None
        return max(0.0, self.last_activity + 60 * self.idle_minutes - time.monotonic())

    def _signalled(self, signum: int, _frame: object) -> None:
        self._asked_to_stop = f"signal {signal.Signals(signum).name}"

    def _woken(self) -> None:
        try:
            while self._wake_read.recv(64):
                pass
        except BlockingIOError:
            pass

    def _remove_socket(self) -> None:
        try:
            if self.paths.socket.stat().st_ino == self.socket_inode:
                self.paths.socket.unlink()
        except OSError:
            pass

    def _accept(self) -> None:
        try:
            connection, _ = self.listener.accept()
        except BlockingIOError:
            return
        fds: list[int] = []
        try:
            connection.settimeout(CALL_TIMEOUT_S)
            caller = peer(connection)
            if caller.uid != os.getuid():
                log(f"refused a connection of user {caller.uid} (process {caller.pid})")
                connection.close()
                return
            call, fds = receive_call(connection)
            self._handle(connection, call, fds)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log(f"dropped a call: {exc!r}")
            _close_all(fds)
            connection.close()

    def _handle(self, connection: socket.socket, call: dict[str, Any], fds: list[int]) -> None:
        """Answer a status or stop at once; fork a run, or refuse it if it is not this worker's to run."""
        kind = call.get("kind")
        caller = Identity.from_message(call.get("identity"))
        refusal = self.identity.refusal(caller)
        if kind == "status":
            send(connection, self.describe() | {"usable": refusal is None, "refusal": refusal})
        elif kind == "stop":
            self.stop("asked by nfpopt worker stop")
            send(connection, self.describe())
        elif kind == "run" and refusal is None and len(fds) == 3:
            self._fork(connection, call, fds)
            return
        elif kind == "run":
            send(connection, {"refused": refusal or "a call without its three standard streams"})
            if refusal is not None and self.identity.same_install(caller):
                self.stop(f"refused a call: {refusal}")
        _close_all(fds)
        connection.close()

    def _fork(self, connection: socket.socket, call: dict[str, Any], fds: list[int]) -> None:
        connection.settimeout(None)
        inherited = [self.listener, self.selector, self._wake_read, self._wake_write, self.lock, *self.running.values()]
        try:
            pid = os.fork()
        except OSError as exc:
            send(connection, {"refused": f"the worker cannot fork ({exc})"})
            raise
        if pid == 0:
            child.run(connection, call, fds, inherited)
        _close_all(fds)
        running = _Running(pid, os.pidfd_open(pid), connection)
        self.running[pid] = running
        self.selector.register(running.pidfd, selectors.EVENT_READ, self._ended_callback(running))
        self.served += 1
        self.last_activity = time.monotonic()
        with contextlib.suppress(OSError):  # if the caller is gone, the command hangs up (see .child)
            send(connection, {"accepted": True, "pid": pid})

    def _ended_callback(self, running: _Running) -> Callable[[], None]:
        return lambda: self._ended(running)

    def _ended(self, running: _Running) -> None:
        """Reap a command and send its exit status (or the signal that killed it) to its caller."""
        self.selector.unregister(running.pidfd)
        del self.running[running.pid]
        _, wait_status = os.waitpid(running.pid, 0)
        code = os.waitstatus_to_exitcode(wait_status)
        with contextlib.suppress(OSError):
            send(running.connection, {"exit": code} if code >= 0 else {"signal": -code})
        running.close()
        self.last_activity = time.monotonic()


def _close_all(fds: list[int]) -> None:
    """Close the caller's file descriptors and forget them: never closed twice (the number may
    be a child's pidfd by then)."""
    while fds:
        os.close(fds.pop())


def preload(modules: Sequence[str] = PRELOAD) -> None:
    """Import ``modules`` (no computation: see the module's docstring)."""
    for name in modules:
        importlib.import_module(name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a worker until it stops; 0, or :data:`LOCKED` if another worker holds the lock."""
    parser = argparse.ArgumentParser(prog="python -m nfpopt.cli.worker.server")
    parser.add_argument("--dir", type=Path, required=True, help="the worker's private folder")
    parser.add_argument("--idle-minutes", type=float, default=30.0, help="stop after this long without a call")
    args = parser.parse_args(argv)
    paths = WorkerPaths.of(args.dir)
    lock = hold_lock(paths.lock)
    if lock is None:
        log(f"another worker holds {paths.lock}; this one stops")
        return LOCKED
    started = time.perf_counter()
    preload()
    worker = Worker(listen(paths.socket), paths, lock, args.idle_minutes)
    log(f"listening on {paths.socket} after {time.perf_counter() - started:.1f} s of imports ({sys.executable})")
    try:
        reason = worker.serve()
    finally:
        worker.close()
    log(f"stopped: {reason}")
    return 0


if __name__ == "__main__":
    status = main()
    sys.stderr.flush()
    os._exit(status)  # tearing down torch and the rest takes seconds and serves nobody
