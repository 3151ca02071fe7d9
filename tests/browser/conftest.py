"""Browser tests: a real `openimis serve` and Debian's Chromium driven by Playwright.

Select them with `pytest tests/browser` (or `-m browser`). They skip, saying why, when Playwright, Chromium
or the frontend build is missing. Chromium is used through `executable_path` (OPENIMIS_CHROMIUM or
/usr/bin/chromium): never `playwright install`. Failure screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from openimis.web.build import BUILD_COMMAND, build_present
from tests.live_server import OpenIMISProcess, free_port, process_env, wait_until_answers

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("OPENIMIS_TEST_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ADMIN = ("Admin", "admin123")
# The contract answers 401 to current_user when nobody is logged in; Chromium logs every 4xx as an error.
EXPECTED_401 = re.compile(r"/api/core/users/current_user/$")


def chromium_path() -> str | None:
    candidates = [os.environ.get("OPENIMIS_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                  shutil.which("chromium-browser")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the built frontend in headless Chromium")


def pytest_collection_modifyitems(config, items):
    """Every test here drives Chromium, so it is slow too: `-m "not slow"` leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need the Python package playwright (pip install playwright)"
    if chromium_path() is None:
        return "browser tests need Chromium: apt-get install chromium (or set OPENIMIS_CHROMIUM)"
    if not build_present():
        return f"browser tests need the frontend build: run `{BUILD_COMMAND}`"
    return None


def administrator_only(data_dir: Path, env: dict[str, str]) -> None:
    """The pages are tested on a database that holds the administrator only: with a user present, `serve`
    does not load the demo dataset, whose hundreds of items and services would push the rows a test
    creates off the first page of the lists."""
    commands = (["migrate", "--verbosity", "0"], ["createsuperuser", "--noinput", "--username", ADMIN[0]])
    for arguments in commands:
        subprocess.run([sys.executable, "-m", "openimis.cli", "manage", *arguments], cwd=data_dir, check=True,
                       env={**env, "DJANGO_SUPERUSER_PASSWORD": ADMIN[1]}, capture_output=True)


def start_server(tmp_path_factory, name: str, extra_env: dict[str, str] | None = None, demo: bool = False):
    """A server on SQLite in a new data folder: the administrator only, or (`demo`) the demo dataset."""
    data_dir = tmp_path_factory.mktemp(name)
    port = free_port()
    env = process_env(data_dir, {**(extra_env or {}), "DEMO_DATASET": "true" if demo else "false"})
    if not demo:
        administrator_only(data_dir, env)
    server = OpenIMISProcess(["serve", "--port", str(port), "--threads", "8"], data_dir, env, name)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(server, url)
    except BaseException:
        server.stop()
        raise
    return server, url


@pytest.fixture(scope="session")
def browser_requirements():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def base_url(browser_requirements, tmp_path_factory):
    server, url = start_server(tmp_path_factory, "browser-serve")
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def short_session_url(browser_requirements, tmp_path_factory):
    """A server whose tokens (access and refresh) live 3 seconds: sessions expire during a test."""
    server, url = start_server(tmp_path_factory, "browser-short-session",
                               {"JWT_EXPIRATION_DELTA": "3", "JWT_REFRESH_EXPIRATION_DELTA": "3"})
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(browser_requirements):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class PageRecorder:
    """Every request the page makes, every console error and uncaught exception."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.origin = urlsplit(base_url)[:2]
        self.requests: list[tuple[str, str]] = []
        self.console_errors: list[str] = []
        self.responses_401: set[str] = set()
        page.on("request", lambda request: self.requests.append((request.method, request.url)))
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def _response(self, response):
        if response.status == 401:
            self.responses_401.add(response.url)

    def _console(self, message):
        if message.type != "error":
            return
        location = (message.location or {}).get("url", "")
        expected = EXPECTED_401.search(location) and location in self.responses_401
        if "status of 401" in message.text and expected:
            return
        self.console_errors.append(f"{message.text} ({location})")

    def unexpected_console_errors(self) -> list[str]:
        return list(self.console_errors)

    def foreign_requests(self) -> list[str]:
        return [url for _, url in self.requests
                if urlsplit(url)[:2] != self.origin and not url.startswith(("data:", "blob:"))]


def _new_page(browser, url: str, request, locale: str = "en-US"):
    context = browser.new_context(locale=locale, viewport={"width": 1366, "height": 800})
    # generous: in CI the PostgreSQL pass runs beside these tests on a 2-core machine, and a page that
    # answers in 2 s alone can take 20 s then; a page that never shows what is awaited still fails
    context.set_default_timeout(60000)
    page = context.new_page()
    recorder = PageRecorder(page, url)
    page.recorder = recorder
    page.base = url
    yield page
    failed = any(getattr(getattr(request.node, f"report_{when}", None), "failed", False)
                 for when in ("setup", "call"))
    try:
        if failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"{request.node.name}-{int(time.time())}.png"
            page.screenshot(path=str(shot), full_page=True)
            (shot.with_suffix(".log")).write_text(
                "requests:\n" + "\n".join(f"{m} {u}" for m, u in recorder.requests)
                + "\n\nconsole errors:\n" + "\n".join(recorder.console_errors) + "\n", encoding="utf-8")
    finally:
        context.close()
    if not failed:
        assert recorder.foreign_requests() == [], "requests left the server's origin"
        assert recorder.unexpected_console_errors() == [], "console errors were logged"


@pytest.fixture(scope="session")
def demo_url(browser_requirements, tmp_path_factory):
    server, url = start_server(tmp_path_factory, "browser-demo", demo=True)
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def demo_page(browser, demo_url, request):
    yield from _new_page(browser, demo_url, request)


@pytest.fixture
def page(browser, base_url, request):
    yield from _new_page(browser, base_url, request)


@pytest.fixture
def french_page(browser, base_url, request):
    yield from _new_page(browser, base_url, request, locale="fr-FR")


@pytest.fixture
def short_session_page(browser, short_session_url, request):
    yield from _new_page(browser, short_session_url, request)

