"""The benchmark's PostgreSQL database through Debian's client programs (psql, createdb, dropdb).

Connection: 127.0.0.1:5432 as `postgres` by default (trust authentication), or PGHOST/PGPORT/PGUSER and
PGPASSWORD from the environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from server import BenchError


def connection() -> dict[str, str]:
    return {"host": os.environ.get("PGHOST", "127.0.0.1"), "port": os.environ.get("PGPORT", "5432"),
            "user": os.environ.get("PGUSER", "postgres")}


def server_env(name: str) -> dict[str, str]:
    """The DB_* variables that point `openimis serve` at that database."""
    where = connection()
    env = {"DB_ENGINE": "postgresql", "DB_HOST": where["host"], "DB_PORT": where["port"],
           "DB_USER": where["user"], "DB_NAME": name}
    if os.environ.get("PGPASSWORD"):
        env["DB_PASSWORD"] = os.environ["PGPASSWORD"]
    return env


def _program(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BenchError(f"{name} is not installed: apt-get install postgresql-client")
    return path


def _arguments() -> list[str]:
    where = connection()
    return ["-h", where["host"], "-p", where["port"], "-U", where["user"]]


def psql(database: str, script: str, timeout: float = 600) -> str:
    """Run SQL through psql (unaligned, tuples only, stop on the first error); its output."""
    command = [_program("psql"), *_arguments(), "-d", database, "-X", "-q", "-A", "-t",
               "-v", "ON_ERROR_STOP=1", "-f", "-"]
    result = subprocess.run(command, input=script, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise BenchError(f"psql failed: {result.stderr.strip()[:500]}")
    return result.stdout


def create_database(name: str) -> None:
    result = subprocess.run([_program("createdb"), *_arguments(), name], capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"createdb {name} failed: {result.stderr.strip()}")


def drop_database(name: str) -> None:
    result = subprocess.run([_program("dropdb"), *_arguments(), "--if-exists", name],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"dropdb {name} failed: {result.stderr.strip()}")


def database_exists(name: str) -> bool:
    found = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name.replace(chr(39), '')}';")
    return found.strip() == "1"


def server_version(database: str = "postgres") -> str:
    return psql(database, "SHOW server_version;").strip()
