"""A throwaway PostgreSQL server for the store's tests: real Postgres, never a mock.

The server binaries are used directly (no cluster wrapper, no system service): the data
directory lives in a short temporary directory, the server listens on a free 127.0.0.1
port only, and it is stopped by ``pg_ctl`` on its own data directory. The binaries are
found wherever they are (:func:`server_binaries`): ``scripts/system-deps`` installs them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.harness import free_port, short_tempdir

__all__ = ["PostgresServer", "running_postgres", "server_binaries", "stoppable_postgres"]

# Postgres refuses to run as root; under root (CI) the server runs as this system user.
SERVICE_USER = "sluicepg"


def server_binaries() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``.

    In order: ``$SLUICE_PG_BIN``; Debian's ``/usr/lib/postgresql/<major>/bin``, newest
    major version first; ``pg_config --bindir``; the directory of ``pg_ctl`` on the PATH.
    Raises ``RuntimeError`` naming the places looked at when none has them.
    """
    candidates: list[Path] = []
    configured = os.environ.get("SLUICE_PG_BIN")
    if configured:
        candidates.append(Path(configured))
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(debian, key=lambda p: _major(p.parent.name), reverse=True)
    if pg_config := shutil.which("pg_config"):
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if done.returncode == 0:
            candidates.append(Path(done.stdout.strip()))
    if pg_ctl := shutil.which("pg_ctl"):
        candidates.append(Path(pg_ctl).parent)
    for directory in candidates:
        if all((directory / tool).is_file() for tool in ("initdb", "pg_ctl")):
            return directory
    looked = ", ".join(str(c) for c in candidates) or "/usr/lib/postgresql/*/bin, PATH"
    raise RuntimeError(
        f"PostgreSQL server binaries (initdb, pg_ctl) not found in {looked}: run "
        "scripts/system-deps as root (Debian package postgresql) or set SLUICE_PG_BIN"
    )


def _major(version: str) -> tuple[int, ...]:
    """``"15"`` -> (15,), ``"9.6"`` -> (9, 6); anything else sorts first."""
    parts = version.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else ()


def _service_user() -> str | None:
    """The user to run the server as, or ``None`` to run it as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        shell = "/usr/sbin/nologin"
        add = ["useradd", "--system", "--no-create-home", "--shell", shell, SERVICE_USER]
        if subprocess.run(add, capture_output=True, check=False).returncode != 0:
            return "nobody"  # useradd unavailable or forbidden: nobody can run it too
    return SERVICE_USER


class _Runner:
    """Runs the server's tools as ``user``, their output collected in ``log``."""

    def __init__(self, binaries: Path, user: str | None, log: Path, server_log: Path) -> None:
        self.bin, self.user, self.log, self.server_log = binaries, user, log, server_log

    def __call__(self, tool: str, *args: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        with self.log.open("ab") as out:
            command = [*prefix, str(self.bin / tool), *args]
            done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False)
        if done.returncode != 0:
            logs = [p.read_text()[-3000:] for p in (self.log, self.server_log) if p.exists()]
            raise RuntimeError(f"{tool} failed ({done.returncode}):\n" + "\n".join(logs))


@dataclass
class PostgresServer:
    """A running throwaway server that a test may stop and start again (same data, port)."""

    url: str
    _pg_ctl: Callable[[str], None]

    def stop(self) -> None:
        """Stop it (a fast shutdown: clients are cut off, committed data is kept)."""
        self._pg_ctl("stop")

    def start(self) -> None:
        self._pg_ctl("start")


@contextlib.contextmanager
def stoppable_postgres(database: str = "sluice") -> Iterator[PostgresServer]:
    """Start a fresh server, create ``database``; yield it with its ``postgresql+asyncpg://``
    URL."""
    binaries = server_binaries()  # fails at once, naming where it looked
    user = _service_user()
    with short_tempdir() as tmp:
        if user:
            shutil.chown(tmp, user)
        # The server writes its own log (as the service user); ours collects the tools'.
        data, server_log = str(tmp / "data"), tmp / "server.log"
        run = _Runner(binaries, user, tmp / "setup.log", server_log)
        port = str(free_port())
        # Trust authentication: the server listens on loopback only and lives for one run.
        run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='' "
            # A test database need not survive a crash: skip the disk flushes.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

        def pg_ctl(action: str, mode: str = "fast") -> None:
            if action == "start":
                start = ["-l", str(server_log), "-o", options, "-t", "60"]
                run("pg_ctl", "-D", data, *start, "-w", "start")
            else:
                # Not `immediate` while the data matters: with synchronous_commit=off a crash
                # loses the last commits, which the writer rightly counted as written.
                run("pg_ctl", "-D", data, "-m", mode, "-w", "stop")

        pg_ctl("start")
        try:
            run("createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", database)
            yield PostgresServer(
                f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database}", pg_ctl
            )
        finally:
            with contextlib.suppress(RuntimeError):  # a test may have left it stopped
                pg_ctl("stop", "immediate")


@contextlib.contextmanager
def running_postgres(database: str = "sluice") -> Iterator[str]:
    """Start a fresh server, create ``database``, yield its ``postgresql+asyncpg://`` URL."""
    with stoppable_postgres(database) as server:
        yield server.url
