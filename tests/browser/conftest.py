"""Browser fixtures: Playwright's sync API driving Debian's chromium (nothing downloaded).

The chromium executable is /usr/bin/chromium, or $STI_CHROMIUM. Without it every browser test
FAILS and says what to install; STI_SKIP_BROWSER=1 skips them instead. Screenshots and the
dashboard's server log go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Needed as root in a container; Playwright adds its own --headless.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
INSTALL_HINT = (
    "install Debian's chromium with `apt-get install chromium` (or point STI_CHROMIUM at a Chromium "
    "executable); set STI_SKIP_BROWSER=1 to skip the browser tests instead"
)


def chromium_executable() -> str | None:
    """The chromium to drive: $STI_CHROMIUM (a path or a command name) or /usr/bin/chromium."""
    wanted = os.environ.get("STI_CHROMIUM") or DEFAULT_CHROMIUM
    found = shutil.which(wanted)
    return str(Path(found).resolve()) if found else None


def sti(*args: str, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the ``sti-targets`` command in a subprocess (as its console script would)."""
    return subprocess.run(
        [sys.executable, "-m", "sti_targets.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the session."""
    if os.environ.get("STI_SKIP_BROWSER") == "1":
        pytest.skip("STI_SKIP_BROWSER=1: browser tests skipped")
    executable = chromium_executable()
    if executable is None:
        wanted = os.environ.get("STI_CHROMIUM") or DEFAULT_CHROMIUM
        pytest.fail(f"no chromium at {wanted}: the browser tests need it; {INSTALL_HINT}", pytrace=False)
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        except Error as exc:
            pytest.fail(f"chromium at {executable} did not start: {exc.message}; {INSTALL_HINT}", pytrace=False)
        yield browser
        browser.close()


def _console_error(errors: list[str], msg) -> None:
    # a resource that fails is recorded with its URL by "requestfailed" instead
    if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
        errors.append(f"console.error: {msg.text}")


@pytest.fixture
def page(browser):
    """A fresh page (own cookies) that records uncaught JavaScript exceptions and console errors
    in ``page.errors``, and the requests that failed as (url, reason) in ``page.failed``."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.errors, page.failed = [], []
    page.requests = []  # the URL of every request the page makes
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda exc: page.errors.append(f"uncaught: {exc}"))
    page.on("console", lambda msg: _console_error(page.errors, msg))
    page.on("requestfailed", lambda request: page.failed.append((request.url, request.failure)))
    yield page
    context.close()


@pytest.fixture
def requests(page) -> list[str]:
    """Every URL the page requests (documents, images, fonts, scripts, fetches), in order."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def edit_csv(path: Path, edit) -> None:
    """Rewrite a CSV with ``edit(row)`` applied to each row (a dict), for tests that plant hostile text."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        edit(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
