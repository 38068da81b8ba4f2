"""Shared fixtures: the book built once per test session, and served on 127.0.0.1."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the book as the README does; fail with the build's output if it fails.

    ``--all`` makes Sphinx re-read every page: without it an unchanged notebook whose
    execution failed in an earlier build is not re-read, so its warning (an error
    under -W) would not come back. Executed notebooks still come from the cache.

    LOSSBOOK_USE_BUILT=1 reuses an existing _build/html (for fast iteration on tests).
    """
    if os.environ.get("LOSSBOOK_USE_BUILT") == "1" and (HTML / "index.html").exists():
        return HTML
    if os.environ.get("LOSSBOOK_TEST_RUN") == "rest":  # make test: two runs side by side
        pytest.fail("this test needs the built book: add its file to BOOK_TESTS in the Makefile, "
                    "so that only the books' run builds into _build/html")
    drop_stale_execution_cache()
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jupyter_book), "build", "-W", "--keep-going", "--all", "."],
        cwd=ROOT, capture_output=True, text=True,
    )
    log = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, f"jupyter-book build failed:\n{log}"
    return HTML


def drop_stale_execution_cache() -> None:
    """Executed notebooks are cached by their code only: after a change to the package
    (newer than ``_build/.package-stamp``, which ``make build`` keeps too), drop the
    cache, so the book shows what the new package prints and draws."""
    stamp = ROOT / "_build" / ".package-stamp"
    package = [p for p in (ROOT / "src" / "lossbook").rglob("*") if p.is_file()
               and p.suffix != ".pyc"]
    if stamp.exists() and all(p.stat().st_mtime <= stamp.stat().st_mtime for p in package):
        return
    shutil.rmtree(ROOT / "_build" / ".jupyter_cache", ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()


@pytest.fixture(scope="session")
def book_url(built_book: Path):
    """Serve the built book on an ephemeral 127.0.0.1 port, as ``make serve`` does
    (tools/serve.py: gzipped where that helps); yield its base URL."""
    sys.path.insert(0, str(ROOT / "tools"))
    from serve import server as book_server

    server = book_server(built_book)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test (tests/test_browser.py has
    the launch arguments; Playwright's sync API allows one instance at a time)."""
    from playwright import sync_api
    from test_browser import ARGS, CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test does)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()

