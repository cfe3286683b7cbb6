"""A throwaway PostgreSQL cluster for the tests: initdb in a temp dir, a free
loopback port, trust auth, stopped and removed at the end.

Debian's ``postgresql`` package provides the binaries (``make test`` installs
it when absent). As root, the server runs as the ``postgres`` system user,
since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def _find_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = shutil.which("initdb")
    paths = [Path(c).parent for c in candidates] + ([Path(found).parent] if found else [])
    for path in paths:
        if (path / "pg_ctl").exists():
            return path
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found: install Debian's `postgresql` package "
        "(`make test` does it: see scripts/install-test-deps.sh)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresCluster:
    datadir: Path
    port: int
    bindir: Path
    as_user: str | None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def _run(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]

    @classmethod
    def start(cls) -> PostgresCluster:
        bindir = _find_bindir()
        as_user = "postgres" if os.geteuid() == 0 else None
        root = Path(tempfile.mkdtemp(prefix="cartotech-pg-"))
        datadir = root / "data"
        cluster = cls(datadir=datadir, port=free_port(), bindir=bindir, as_user=as_user)
        if as_user:
            shutil.chown(root, user=as_user)
        try:
            cluster._run(
                str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
            )  # fmt: skip
            cluster._run(
                str(bindir / "pg_ctl"), "-D", str(datadir), "-l", str(root / "server.log"),
                "-w", "-t", "60", "-o",
                f"-h 127.0.0.1 -p {cluster.port} -k {root} -F -c fsync=off "
                "-c full_page_writes=off -c synchronous_commit=off",
                "start",
            )  # fmt: skip
        except subprocess.CalledProcessError as exc:
            log = root / "server.log"
            detail = log.read_text() if log.exists() else ""
            raise PostgresUnavailable(
                f"could not start PostgreSQL: {exc.stderr or exc.stdout}\n{detail}"
            ) from None
        cluster._wait_ready()
        return cluster

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise PostgresUnavailable(f"PostgreSQL did not listen on port {self.port}")

    def stop(self) -> None:
        try:
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"
            )
        finally:
            shutil.rmtree(self.datadir.parent, ignore_errors=True)
