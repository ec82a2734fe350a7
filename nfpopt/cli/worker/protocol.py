"""The worker's wire: where its socket lives, who may talk to it, what a call must share with
it, and the messages between the two ends (one JSON object a line).

Light on purpose: the ``nfpopt`` entry point imports it before anything else, on every call.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import struct
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import nfpopt
from nfpopt.exceptions import WorkerError

#: The folder of the worker's socket, lock and log, if not the default (see :func:`worker_dir`).
DIR_ENV_VAR = "NFPOPT_WORKER_DIR"
#: Set (to anything) to run every call in its own process, a worker or not.
OFF_ENV_VAR = "NFPOPT_NO_WORKER"
#: Linux keeps a Unix socket's address in 108 bytes, its final NUL included.
MAX_SOCKET_PATH = 107
#: The largest message read (a call carries the client's whole environment).
MAX_MESSAGE_BYTES = 1 << 20
#: What the worker needs: Unix sockets that carry file descriptors and tell the peer's user
#: (SO_PEERCRED), and process file descriptors to wait on its children (Linux 5.3).
SUPPORTED = sys.platform.startswith("linux") and hasattr(socket, "SO_PEERCRED") and hasattr(os, "pidfd_open")


def worker_dir() -> Path:
    """``$NFPOPT_WORKER_DIR``, else ``$XDG_RUNTIME_DIR/nfpopt``, else ``~/.cache/nfpopt``."""
    chosen = os.environ.get(DIR_ENV_VAR)
    if chosen:
        return Path(chosen).expanduser()
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "nfpopt"
    return Path.home() / ".cache" / "nfpopt"


def private_dir(folder: Path) -> Path:
    """``folder``, created with mode 0700 if missing, after checking that only this user can
    reach it: the worker runs the commands of whoever may connect to its socket."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError as exc:
        raise WorkerError(f"cannot create the worker's folder {folder} ({exc}); set {DIR_ENV_VAR} to another") from exc
    if not stat.S_ISDIR(info.st_mode):
        raise WorkerError(f"the worker's folder {folder} is not a folder; set {DIR_ENV_VAR} to another")
    if info.st_uid != os.getuid():
        raise WorkerError(
            f"the worker's folder {folder} belongs to another user; set {DIR_ENV_VAR} to a folder of yours"
        )
    if info.st_mode & 0o077:
        raise WorkerError(
            f"the worker's folder {folder} is open to other users (mode {stat.S_IMODE(info.st_mode):o}); "
            f"make it private (chmod 700 {folder}) or set {DIR_ENV_VAR} to another folder"
        )
    return folder


@dataclass(frozen=True)
class Identity:
    """What a worker and a call must share for the worker to run it: the same Python, the same
    nfpopt (version and folder) and the same code since the worker imported it (:func:`code_stamp`)."""

    version: str
    package: str
    executable: str
    stamp: str

    @classmethod
    def current(cls) -> Identity:
        """This process's identity."""
        package = package_dir()
        return cls(nfpopt.__version__, str(package), sys.executable, code_stamp(package))

    @classmethod
    def from_message(cls, fields: Any) -> Identity:
        """The identity a message carries (a malformed one raises ValueError)."""
        if not isinstance(fields, dict) or set(fields) != {"version", "package", "executable", "stamp"}:
            raise ValueError(f"not an identity: {fields!r}")
        return cls(**{k: str(v) for k, v in fields.items()})

    def as_message(self) -> dict[str, str]:
        return asdict(self)

    def same_install(self, other: Identity) -> bool:
        """The same Python and nfpopt folder: the same environment, maybe changed since."""
        return (self.executable, self.package) == (other.executable, other.package)

    def refusal(self, call: Identity) -> str | None:
        """Why this worker must not run ``call`` (``None`` if it may), in the user's words."""
        if call.executable != self.executable:
            return f"the worker runs {self.executable}, this call {call.executable}"
        if call.package != self.package:
            return f"the worker runs the nfpopt in {self.package}, this call the one in {call.package}"
        if call.version != self.version:
            return f"the worker runs nfpopt {self.version}, this call nfpopt {call.version}"
        if call.stamp != self.stamp:
            return "nfpopt's code or the installed packages changed since the worker started"
        return None


def package_dir() -> Path:
    """The folder nfpopt is imported from."""
    return Path(nfpopt.__file__).resolve().parent


def code_stamp(package: Path) -> str:
    """Changes when a ``.py`` file of nfpopt is edited, added or removed, or when a package is
    installed into or removed from one of the environment's site-packages folders (pip adds and
    removes a ``*.dist-info`` folder there, which changes the folder's time)."""
    newest, count = 0, 0
    for root, folders, files in os.walk(package):
        folders[:] = [f for f in folders if f != "__pycache__"]
        for name in files:
            if name.endswith(".py"):
                newest = max(newest, os.stat(os.path.join(root, name)).st_mtime_ns)
                count += 1
    sites = sorted({p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p)})
    return f"{count}:{newest}:" + ",".join(f"{os.stat(p).st_mtime_ns}" for p in sites)


@dataclass(frozen=True)
class WorkerPaths:
    """The socket, lock and log of the worker of one environment (one Python and one nfpopt on
    one host), so that two environments of a user may each keep a worker."""

    socket: Path
    lock: Path
    log: Path

    @classmethod
    def of(cls, folder: Path, executable: str | None = None, package: Path | None = None) -> WorkerPaths:
        """The paths in ``folder`` of this environment's worker (or of ``executable`` and ``package``)."""
        key = "\0".join((socket.gethostname(), executable or sys.executable, str(package or package_dir())))
        name = "worker-" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        return cls(folder / f"{name}.sock", folder / f"{name}.lock", folder / f"{name}.log")


@dataclass(frozen=True)
class Credentials:
    """The process at the other end of a Unix socket, as the kernel tells it."""

    pid: int
    uid: int
    gid: int


def peer(connection: socket.socket) -> Credentials:
    """Who is at the other end of ``connection`` (SO_PEERCRED)."""
    size = struct.calcsize("3i")
    return Credentials(*struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, size)))


def connect(path: Path, timeout_s: float) -> socket.socket | None:
    """A connection to the worker listening at ``path``, or ``None`` when there is none.

    A socket file nobody listens on (a worker that was killed) is removed. A worker of another
    user is never talked to.
    """
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout_s)
    try:
        connection.connect(str(path))
        if peer(connection).uid == os.getuid():
            return connection
    except ConnectionRefusedError:
        remove_stale(path)
    except OSError:
        pass
    connection.close()
    return None


def remove_stale(path: Path) -> None:
    """Remove the socket file at ``path`` (it must be one: nothing else is ever deleted)."""
    try:
        if stat.S_ISSOCK(path.lstat().st_mode):
            path.unlink()
    except OSError:
        pass


def send(connection: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    """Send ``message`` as one line of JSON, with ``fds`` (file descriptors) alongside."""
    data = json.dumps(message).encode() + b"\n"
    sent = socket.send_fds(connection, [data], list(fds)) if fds else 0
    if sent < len(data):  # never an empty send: the worker may have answered and closed already
        connection.sendall(data[sent:])


def receive_call(connection: socket.socket, max_fds: int = 3) -> tuple[dict[str, Any], list[int]]:
    """The first message on ``connection`` and the file descriptors sent with it (the caller
    closes them). A message that is not a JSON object, or too long, raises ValueError."""
    data, fds, _, _ = socket.recv_fds(connection, 1 << 16, max_fds)
    try:
        while not data.endswith(b"\n"):
            if len(data) > MAX_MESSAGE_BYTES:
                raise ValueError(f"a message longer than {MAX_MESSAGE_BYTES} bytes")
            more = connection.recv(1 << 16)
            if not more:
                raise ValueError("the connection closed inside a message")
            data += more
        return _decoded(data), fds
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def read_message(stream: IO[bytes]) -> dict[str, Any] | None:
    """The next message on ``stream`` (a socket's ``makefile("rb")``), ``None`` at its end."""
    line = stream.readline(MAX_MESSAGE_BYTES)
    return _decoded(line) if line else None


def _decoded(line: bytes) -> dict[str, Any]:
    message = json.loads(line)
    if not isinstance(message, dict):
        raise ValueError(f"a message is a JSON object, not {message!r}")
    return message
