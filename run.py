#!/usr/bin/env python3
"""The one command for a fresh machine: create the virtualenv, install openIMIS Lite, run it.

    python3 run.py                 install (first time only), build the frontend when needed, serve on
                                   http://127.0.0.1:8000
    python3 run.py --port 8001     extra arguments go to `openimis serve`
    python3 run.py test [ARGS]     install with the dev extra and run pytest (exit code of pytest)
    python3 run.py install         only install, with the dev extra (pytest, ruff, ...)

Standard library only; works on Linux, macOS and Windows.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".openimis-install-stamp"
MINIMUM_PYTHON = (3, 11)


def say(message: str) -> None:
    print(f"[run.py] {message}", flush=True)


def venv_bin(name: str) -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / f"{name}.exe"
    return VENV / "bin" / name


def check_python() -> None:
    if sys.version_info < MINIMUM_PYTHON:
        wanted = ".".join(map(str, MINIMUM_PYTHON))
        found = ".".join(map(str, sys.version_info[:3]))
        sys.exit(f"[run.py] openIMIS Lite needs Python {wanted} or newer; this is Python {found} "
                 f"({sys.executable}). Run run.py with a newer python3.")


def create_venv() -> None:
    if venv_bin("python").exists():
        return
    say(f"creating the virtualenv {VENV} with {sys.executable} ...")
    try:
        import venv  # noqa: F401
    except ImportError:
        sys.exit("[run.py] the venv module is missing; on Debian/Ubuntu: apt-get install python3-venv")
    result = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
    if result.returncode != 0 or not venv_bin("python").exists():
        sys.exit("[run.py] could not create the virtualenv; on Debian/Ubuntu: apt-get install python3-venv")


def install_fingerprint(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(f"\nextras={extras}\npython={sys.version_info[:2]}".encode())
    return digest.hexdigest()


def installed_extras() -> set[str]:
    """The extras of the last successful install recorded in the stamp, if pyproject.toml is unchanged."""
    if not STAMP.is_file():
        return set()
    lines = STAMP.read_text(encoding="utf-8").splitlines()
    found: set[str] = set()
    for line in lines:
        extras, _, fingerprint = line.partition(" ")
        if fingerprint == install_fingerprint(extras):
            found.add(extras)
    return found


def install(extras: str = "") -> None:
    """`pip install -e .[extras]` unless the stamp says this exact pyproject.toml is already installed."""
    wanted = extras or "-"
    done = installed_extras()
    if wanted in done or (wanted == "-" and done):
        say("openIMIS Lite is installed and pyproject.toml is unchanged: skipping pip install")
        return
    python = str(venv_bin("python"))
    target = f".[{extras}]" if extras else "."
    say(f"installing openIMIS Lite into .venv (pip install -e {target}) ...")
    started = time.monotonic()
    quiet = [] if os.environ.get("RUN_PY_VERBOSE") else ["--quiet"]
    result = subprocess.run([python, "-m", "pip", "install", *quiet, "--progress-bar", "off", "-e", target],
                            cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"[run.py] pip install failed (exit code {result.returncode})")
    kept = sorted(done - {wanted})
    lines = [f"{extras} {install_fingerprint(extras)}" for extras in [*kept, wanted]]
    STAMP.write_text("\n".join(lines) + "\n", encoding="utf-8")
    say(f"installed in {time.monotonic() - started:.0f}s")


def run(command: list[str], env: dict[str, str]) -> int:
    """Run the command in place of this process on POSIX (signals and exit code go straight through)."""
    os.chdir(ROOT)
    if os.name != "nt":
        sys.stdout.flush()
        os.execve(command[0], command, env)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 130


def build_frontend(env: dict[str, str]) -> None:
    """Build the web frontend when it is missing or older than its lock file (progress is shown)."""
    if not (ROOT / "frontend" / "package.json").is_file():
        return
    say("checking the web frontend build ...")
    subprocess.call([str(venv_bin("python")), "-m", "openimis.web.build"], cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    check_python()
    create_venv()
    env = dict(os.environ)
    if argv[:1] == ["install"]:
        install("dev")
        return 0
    if argv[:1] == ["test"]:
        install("dev")
        say("running the tests: pytest " + " ".join(argv[1:]))
        return run([str(venv_bin("python")), "-m", "pytest", *argv[1:]], env)
    install()
    build_frontend(env)
    env.setdefault("DEMO_DATASET", "true")
    say("starting openimis serve " + " ".join(argv) + " (Ctrl+C stops it)")
    return run([str(venv_bin("openimis")), "serve", *argv], env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
