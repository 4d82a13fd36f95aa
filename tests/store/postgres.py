"""A throwaway PostgreSQL 15 server for the store's tests: real Postgres, never a mock.

Debian's server binaries are used directly (no cluster wrapper, no system service): the
data directory lives in a short temporary directory, the server listens on a free
127.0.0.1 port only, and it is stopped by ``pg_ctl`` on its own data directory.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.harness import free_port, short_tempdir

__all__ = ["BIN", "running_postgres"]

BIN = Path(os.environ.get("SLUICE_PG_BIN", "/usr/lib/postgresql/15/bin"))
# Postgres refuses to run as root; under root (CI) the server runs as this system user.
SERVICE_USER = "sluicepg"


def _service_user() -> str | None:
    """The user to run the server as, or ``None`` to run it as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        created = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             SERVICE_USER],
            capture_output=True,
            check=False,
        )
        if created.returncode != 0:
            return "nobody"  # useradd unavailable or forbidden: nobody can run it too
    return SERVICE_USER


def _run(command: list[str], user: str | None, log: Path) -> None:
    prefix = ["runuser", "-u", user, "--"] if user else []
    with log.open("ab") as out:
        done = subprocess.run(prefix + command, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}):\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def running_postgres(database: str = "sluice") -> Iterator[str]:
    """Start a fresh server, create ``database``, yield its ``postgresql+asyncpg://`` URL."""
    if not (BIN / "pg_ctl").exists():
        raise RuntimeError(f"PostgreSQL binaries not found in {BIN} (set SLUICE_PG_BIN)")
    user = _service_user()
    with short_tempdir() as tmp:
        # The server writes its own log (as the service user); ours collects the tools' output.
        data, log, server_log = tmp / "data", tmp / "setup.log", tmp / "server.log"
        if user:
            shutil.chown(tmp, user)
        port = free_port()
        # trust auth is fine: the server only listens on loopback and lives for one test run.
        _run([str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
              "--no-sync", "-E", "UTF8", "--locale=C"], user, log)
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='' "
            # A test database need not survive a crash: skip the disk flushes.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _run([str(BIN / "pg_ctl"), "-D", str(data), "-l", str(server_log), "-o", options, "-w",
              "-t", "60", "start"], user, log)
        try:
            _run([str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                  database], user, log)
            yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database}"
        finally:
            _run([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                 user, log)
