"""Build the web frontend when it is missing or stale, and say what to run when it cannot be built.

    python -m openimis.web.build            build when missing or older than frontend/package-lock.json
    python -m openimis.web.build --force    always rebuild
    python -m openimis.web.build --check    exit 1 (and say why) when the build is missing or stale

`ensure_frontend_built()` is what run.py calls before `openimis serve`; `missing_build_message()` is what
`openimis serve` prints when there is nothing to serve.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUILD_DIR = PACKAGE_DIR / "build"
FRONTEND_DIR = PACKAGE_DIR.parent.parent / "frontend"  # only in a source checkout, not in the wheel
SOURCES = ("package-lock.json", "package.json", "openimis-fe.json", "src", "public", "scripts")
BUILD_COMMAND = "python -m openimis.web.build"


def _say(message: str) -> None:
    print(f"[frontend] {message}", flush=True)


def build_present(build_dir: Path = BUILD_DIR) -> bool:
    return (build_dir / "index.html").is_file()


def _newest_source(frontend_dir: Path) -> tuple[float, Path | None]:
    newest, which = 0.0, None
    for name in SOURCES:
        path = frontend_dir / name
        paths = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        for item in paths:
            if not item.is_file():
                continue
            if item.name == "modules.generated.js":
                continue
            mtime = item.stat().st_mtime
            if mtime > newest:
                newest, which = mtime, item
    return newest, which


def stale_reason(build_dir: Path = BUILD_DIR, frontend_dir: Path = FRONTEND_DIR) -> str | None:
    """Why the build must be (re)made, or None when it is current (or there is no source to build from)."""
    if not build_present(build_dir):
        return "the frontend is not built yet"
    lock = frontend_dir / "package-lock.json"
    if not lock.is_file():  # an installed wheel: the build it carries is the one to serve
        return None
    info_path = build_dir / "build-info.json"
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "the build has no build-info.json"
    if info.get("package_lock_sha256") != hashlib.sha256(lock.read_bytes()).hexdigest():
        return "package-lock.json changed since the last build"
    newest, which = _newest_source(frontend_dir)
    if newest > info_path.stat().st_mtime:
        return f"{which.relative_to(frontend_dir)} is newer than the build"
    return None


def missing_build_message(build_dir: Path = BUILD_DIR) -> str | None:
    """The text `openimis serve` prints when there is no frontend to serve (None when there is one)."""
    if build_present(build_dir):
        return None
    if (FRONTEND_DIR / "package.json").is_file():
        how = (f"build it with `{BUILD_COMMAND}` (needs Node.js 18+ and npm; it runs `npm ci` and "
               f"`npm run build` in {FRONTEND_DIR}), or start with `python3 run.py`, which builds it "
               "when needed")
    else:
        how = "this installation carries no frontend build: install a wheel built with the frontend"
    return (f"the web frontend is not built ({build_dir} has no index.html): the API works, but /front/ "
            f"answers 503 until you {how}.")


def _run(command: list[str], cwd: Path, log: Callable[[str], None]) -> bool:
    log("$ " + " ".join(command))
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, bufsize=1)
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip()
        if line:
            log("  " + line)
    code = process.wait()
    if code != 0:
        log(f"`{' '.join(command)}` failed with exit code {code}")
        return False
    log(f"  ({time.monotonic() - started:.0f}s)")
    return True


def _node_modules_current(frontend_dir: Path) -> bool:
    installed = frontend_dir / "node_modules" / ".package-lock.json"  # written by npm at each install
    lock = frontend_dir / "package-lock.json"
    return installed.is_file() and installed.stat().st_mtime >= lock.stat().st_mtime


def ensure_frontend_built(force: bool = False, log: Callable[[str], None] = _say,
                          frontend_dir: Path = FRONTEND_DIR) -> bool:
    """Run `npm ci` (when node_modules is missing or older than the lock file) and `npm run build` when the
    build is missing or stale. True when a current build is there afterwards."""
    reason = "a rebuild was asked for" if force else stale_reason(frontend_dir=frontend_dir)
    if reason is None:
        if build_present():
            log("the frontend build is up to date")
            return True
        log(missing_build_message() or "")
        return False
    if not (frontend_dir / "package.json").is_file():
        log(missing_build_message() or f"no frontend sources at {frontend_dir}")
        return build_present()
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        log(f"{reason}, and Node.js/npm are not installed: install Node.js 18 or newer (with npm), "
            f"then run `{BUILD_COMMAND}`")
        return build_present()
    log(f"building the frontend: {reason} (a first build takes one to two minutes) ...")
    started = time.monotonic()
    if force or not _node_modules_current(frontend_dir):
        if not _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], frontend_dir, log):
            return build_present()
    if not _run([npm, "run", "build"], frontend_dir, log):
        return build_present()
    log(f"frontend built in {time.monotonic() - started:.0f}s")
    return build_present()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        reason = stale_reason()
        if reason:
            _say(f"{reason}: run `{BUILD_COMMAND}`")
            return 1
        _say("the frontend build is up to date")
        return 0
    os.environ.setdefault("NODE_OPTIONS", "--max-old-space-size=2048")
    return 0 if ensure_frontend_built(force="--force" in args) else 1


if __name__ == "__main__":
    sys.exit(main())
