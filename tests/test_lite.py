"""The book's in-browser edition (JupyterLite on Pyodide), in Debian's Chromium, offline.

For each edition (English, 中文), as a reader does: open chapter 3's book page,
click "Run in the browser", run all cells, move the live slider and see the picture
change, then answer an exercise with the model answer (Correct) and with a classic
mistake (Incorrect, with its diagnosis). Every request that would leave 127.0.0.1 is
blocked and counted (0 allowed), and every console error recorded (0 allowed).
Screenshots after the slider moved: ``_build/screenshots/lite-03.png``, ``lite-zh-03.png``
(the live view) and ``lite-03-page.png``, ``lite-zh-03-page.png`` (the notebook around it).

Also, without a browser: the build's integrity rules (sha256 against npm's lock, a
tampered file refused, the served lock), the learner edition, the button's link, and
the repository switch. The Lite site is built by ``tools/lite.py`` once per session
(LOSSBOOK_USE_BUILT=1 reuses one that exists).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_browser import CHROMIUM, watched  # noqa: F401  (CHROMIUM: the browser fixture's)
from test_lab import run_all_cells
from zh_support import build_chinese

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lite  # noqa: E402  (tools/lite.py)

SHOTS = ROOT / "_build" / "screenshots"
CHAPTER = "03_a_batch"
LANGUAGES = {"en": "en", "zh": "zh_CN"}
WAIT = 240_000   # ms: a cold Pyodide start and a whole chapter on 2 busy cores
FONT_CACHE_NOTE = "Matplotlib is building the font cache; this may take a moment.\n"


@pytest.fixture(scope="session")
def lite_site(built_book) -> Path:
    """Both books, then both Lite sites, built as `make build` does (Lite last: the
    Chinese build replaces _build/html/zh)."""
    build_chinese()
    site = lite.SITES
    if not (os.environ.get("LOSSBOOK_USE_BUILT") == "1"
            and all((s / "jupyter-lite.json").exists() for s in site.values())):
        result = subprocess.run([sys.executable, str(ROOT / "tools" / "lite.py"), "build"],
                                cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, f"tools/lite.py build failed:\n{result.stderr[-4000:]}"
    return lite.HTML


# --- In the browser -------------------------------------------------------------------


def watched_popup(context):
    """Block and record requests leaving 127.0.0.1 for every page of ``context`` (the
    button opens a new tab, its workers included); record each new page's errors."""
    context.external, context.pages_seen = [], []

    def only_local(route):
        host = re.match(r"^[a-z]+://([^/:]+)", route.request.url)
        if route.request.url.startswith(("data:", "blob:")) or (host and host.group(1) in ("127.0.0.1", "localhost")):
            route.continue_()
        else:
            context.external.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    context.on("page", lambda page: context.pages_seen.append(watched(page)))
    return context


def kernel_idle(page) -> None:
    page.wait_for_function(
        """() => { const nb = window.jupyterapp && jupyterapp.shell.currentWidget;
                   const kernel = nb && nb.sessionContext && nb.sessionContext.session
                                  && nb.sessionContext.session.kernel;
                   return Boolean(kernel) && nb.sessionContext.isReady
                       && kernel.status === 'idle'; }""", timeout=WAIT)


def outputs(page) -> list[dict]:
    """Every output of every code cell: {index, type, name, text, png}."""
    return page.evaluate(
        """() => jupyterapp.shell.currentWidget.content.widgets
            .map((c, index) => ({c, index})).filter(({c}) => c.model.type === 'code')
            .flatMap(({c, index}) => [...Array(c.model.outputs.length).keys()].map(i => {
                const o = c.model.outputs.get(i).toJSON();
                const text = o.output_type === 'error' ? `${o.ename}: ${o.evalue}`
                    : [].concat(o.text || (o.data && o.data['text/plain']) || '').join('');
                return {index, type: o.output_type, name: o.name || '', text,
                        png: Boolean(o.data && o.data['image/png'])};
            }))""")


def cell_index(page, needle: str) -> int:
    """The one cell whose source contains ``needle``."""
    found = page.evaluate(
        """needle => jupyterapp.shell.currentWidget.content.widgets
               .map((c, i) => c.model.sharedModel.getSource().includes(needle) ? i : -1)
               .filter(i => i >= 0)""", needle)
    assert len(found) == 1, f"cells containing {needle!r}: {found}"
    return found[0]


def run_cell(page, index: int, source: str | None = None) -> str:
    """Put ``source`` in cell ``index`` (as a reader's edit), run it; return its text output."""
    before = page.evaluate(
        """([i, source]) => { const nb = jupyterapp.shell.currentWidget;
               const cell = nb.content.widgets[i];
               if (source !== null) cell.model.sharedModel.setSource(source);
               nb.content.activeCellIndex = i;
               return cell.model.executionCount; }""", [index, source])
    page.evaluate("() => jupyterapp.commands.execute('notebook:run-cell')")
    page.wait_for_function(
        """([i, before]) => { const nb = jupyterapp.shell.currentWidget;
               const cell = nb.content.widgets[i];
               return cell.model.executionCount !== null && cell.model.executionCount !== before
                   && nb.sessionContext.session.kernel.status === 'idle'; }""",
        arg=[index, before], timeout=WAIT)
    return "".join(o["text"] for o in outputs(page) if o["index"] == index)


def model_answer(notebook: Path, grade_id: str) -> str:
    """The solution cell of ``grade_id`` in the full notebook, without its markers."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells
                  if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)
    return "\n".join(line for line in source.split("\n") if "SOLUTION" not in line)


def drag(page, handle, pixels: float) -> None:
    """Drag a slider's handle sideways with the mouse, as a reader does.

    (The arrow keys move it in JupyterLab, tests/test_lab.py, but not in JupyterLite's
    notebook app 7.4, whose shortcuts take them first.)"""
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + pixels, y, steps=5)
    page.mouse.up()


def theme_words(text: str, edition: str) -> str:
    """``text`` as a page's template shows it (Chinese: locales/.../sphinx.po)."""
    if edition == "en":
        return text
    import polib

    po = polib.pofile(str(ROOT / "locales" / "zh_CN" / "LC_MESSAGES" / "sphinx.po"))
    return next(e.msgstr for e in po if e.msgid == text)


def live_view(page):
    """The first live slider's box (its picture and controls), scrolled into view."""
    index = cell_index(page, "slider(draw")
    page.evaluate("""async i => { const nb = jupyterapp.shell.currentWidget.content;
                                  nb.activeCellIndex = i; await nb.scrollToItem(i, 'center'); }""",
                  index)
    box = page.locator(".widget-vbox").filter(has=page.locator(".widget-slider")).filter(visible=True).first
    box.scroll_into_view_if_needed()
    page.wait_for_function(
        """el => el.querySelector('.jupyter-widgets-error-widget') || (el.querySelector('img')
                 && el.querySelector('img').complete && el.querySelector('img').naturalWidth > 0)""",
        arg=box.element_handle(), timeout=WAIT)
    assert not box.locator(".jupyter-widgets-error-widget").count(), box.inner_text()
    return box


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_chapter_runs_in_the_browser_offline(browser, book_url, lite_site, edition):
    from lossbook.exercises import ch3
    from lossbook.i18n import translate

    language = LANGUAGES[edition]
    say = lambda text: translate(text, language)  # noqa: E731
    base = book_url + ("zh/" if edition == "zh" else "")
    context = watched_popup(browser.new_context(viewport={"width": 1280, "height": 900}))
    try:
        book = context.new_page()
        book.goto(f"{base}notebooks/{CHAPTER}.html")
        button = book.locator("a.lossbook-run")
        assert button.inner_text().strip() == theme_words("Run in the browser", edition)
        start = time.perf_counter()
        with context.expect_page() as opened:
            button.click()
        page = opened.value
        kernel_idle(page)
        run_all_cells(page, WAIT)   # Run > Run All Cells, as in tests/test_lab.py
        ran = time.perf_counter() - start
        shown = outputs(page)
        problems = [o for o in shown if o["type"] == "error"
                    or (o["name"] == "stderr" and o["text"] != FONT_CACHE_NOTE)]
        assert not problems, f"errors in chapter 3's outputs: {problems}"
        assert any(o["png"] for o in shown), "chapter 3 drew no figure"

        box = live_view(page)
        picture = lambda: box.locator("img").get_attribute("src")  # noqa: E731
        before = picture()
        drag(page, box.locator("[role=slider]").first, 60)
        page.wait_for_function("([el, src]) => el.querySelector('img').src !== src",
                               arg=[box.element_handle(), before], timeout=WAIT)
        assert picture() != before and picture().startswith("data:image/png")
        SHOTS.mkdir(parents=True, exist_ok=True)
        suffix = "" if edition == "en" else "-zh"
        box.screenshot(path=str(SHOTS / f"lite{suffix}-03.png"))
        page.screenshot(path=str(SHOTS / f"lite{suffix}-03-page.png"))   # the notebook around it

        answer = model_answer(ROOT / "notebooks" / f"{CHAPTER}.ipynb", "ch3-q4-one_hot_loss")
        mistake = answer.replace(", axis=1)", ")")
        assert mistake != answer, "the model answer no longer sums with axis=1"
        stub, check = cell_index(page, "def one_hot_loss("), cell_index(page, "ch3.q4.check(")
        run_cell(page, stub, answer)
        verdict = run_cell(page, check)
        assert verdict.startswith(say("Correct: {success}").split("{")[0]), verdict
        run_cell(page, stub, mistake)
        verdict = run_cell(page, check)
        assert verdict.startswith(say("Incorrect: {where}expected {expected}, got {got}.").split("{")[0]), verdict
        assert say(ch3.q4.mistakes[0].words) in verdict, verdict

        errors = [e for p in context.pages_seen for e in p.errors]
        assert not errors, f"console errors: {errors}"
        assert not context.external, f"requests that left 127.0.0.1: {context.external}"
        print(f"\n{edition}: button to every cell of chapter 3 run: {ran:.1f} s")
    finally:
        context.close()


def test_run_button_explains_itself_from_disk(browser, built_book):
    """Opened from disk, the button says the in-browser Python needs the book served."""
    context = browser.new_context()
    try:
        page = watched(context.new_page())
        page.goto((built_book / "notebooks" / f"{CHAPTER}.html").as_uri())
        page.locator("a.lossbook-run").click()
        note = page.locator("#lossbook-run-note[role=alert]")
        note.wait_for(timeout=5_000)
        assert "make serve" in note.inner_text()
        assert len(context.pages) == 1, "from disk the button must not open a page that cannot start"
        assert not page.errors and not page.external
    finally:
        context.close()


# --- Without a browser ----------------------------------------------------------------


def test_every_chapter_page_has_the_button_to_its_own_notebook(built_book):
    for page in sorted((built_book / "notebooks").glob("*.html")):
        links = re.findall(r'<a class="btn btn-sm lossbook-run" href="([^"]+)"', page.read_text())
        assert links == [f"../lite/notebooks/index.html?path={page.stem}.ipynb"], page.name
    assert "lossbook-run" not in (built_book / "index.html").read_text()


def test_no_repository_url_no_repository_binder_or_colab_button(built_book):
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    text = (built_book / "notebooks" / f"{CHAPTER}.html").read_text()
    if config["repository"]["url"]:
        pytest.skip("a repository URL is set: tests/test_lite.py::test_repository_* cover it")
    for word in ("btn-source-repository-button", "mybinder.org", "colab.research.google.com"):
        assert word not in text


def test_site_serves_pinned_pyodide_and_verified_files(lite_site):
    """The served Pyodide: npm's core, and every file the official lock names matches it."""
    official = lite.official_lock()
    folder = lite.PYODIDE_OUT
    served = json.loads((folder / "pyodide-lock.json").read_text())
    assert served["info"]["version"] == lite.PYODIDE == "0.27.7"
    for name in lite.CORE:
        assert (folder / name).read_bytes() == (lite.NPM_PYODIDE / name).read_bytes(), name
    ours = {"lossbook", "nnfs", "ipywidgets", "comm", "lossbook-cjk-font"}
    assert ours <= set(served["packages"])
    for name, entry in served["packages"].items():
        digest = hashlib.sha256((folder / entry["file_name"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"], name
        if name not in ours:
            assert entry == official["packages"][name], f"{name} differs from the official lock"
    for edition, site in lite.SITES.items():
        settings = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
        kernel = settings["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
        assert kernel["disablePyPIFallback"] is True
        resolved = (site / kernel["pyodideUrl"]).resolve()
        assert resolved == (folder / "pyodide.js").resolve(), edition
        assert (site / "licenses" / "Pyodide-MPL-2.0.txt").exists()


def test_a_file_with_the_wrong_sha256_stops_the_build(tmp_path, monkeypatch):
    """A tampered package file from the user's folder is refused, by name."""
    lock = {"info": {"version": lite.PYODIDE}, "packages": {"six": {
        "name": "six", "file_name": "six-1.16.0-py2.py3-none-any.whl", "depends": [],
        "sha256": hashlib.sha256(b"the real file").hexdigest()}}}
    given = tmp_path / "given"
    given.mkdir()
    (given / "six-1.16.0-py2.py3-none-any.whl").write_bytes(b"a tampered file")
    monkeypatch.setattr(lite, "CACHE", tmp_path / "cache")
    monkeypatch.setenv("LOSSBOOK_PYODIDE_DIR", str(given))
    with pytest.raises(lite.LiteError, match=r"six-1\.16\.0.*sha256.*refusing"):
        lite.verified_packages(lock, ["six"])
    assert not (tmp_path / "cache" / f"pyodide-{lite.PYODIDE}" / "six-1.16.0-py2.py3-none-any.whl").exists()


def test_no_source_with_the_files_fails_with_what_to_do(tmp_path, monkeypatch):
    lock = {"info": {"version": lite.PYODIDE}, "packages": {"nothing": {
        "name": "nothing", "file_name": "nothing-1.0-py3-none-any.whl", "depends": [],
        "sha256": "0" * 64}}}
    monkeypatch.setattr(lite, "CACHE", tmp_path / "cache")
    monkeypatch.setenv("LOSSBOOK_PYODIDE_DIR", str(tmp_path))
    monkeypatch.setenv("LOSSBOOK_PYODIDE_RELEASE", "")
    monkeypatch.setattr(lite, "from_bundle", lambda wanted, target: None)  # no PyPI here
    with pytest.raises(lite.LiteError, match=r"LOSSBOOK_PYODIDE_DIR.*LOSSBOOK_LITE=0 make build"):
        lite.verified_packages(lock, ["nothing"])


def test_learner_edition_keeps_checks_and_drops_autograder_cells(tmp_path):
    lite.learner_edition(ROOT / "notebooks", tmp_path)
    cells = json.loads((tmp_path / f"{CHAPTER}.ipynb").read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells]
    assert any("ch3.q4.check(one_hot_loss)" in s for s in sources)
    assert not any("def _test(answer):" in s or "nbgrader runs this cell" in s for s in sources)
    assert not any("BEGIN SOLUTION" in s or "HIDDEN TESTS" in s for s in sources)
    stub = next(s for s in sources if "def one_hot_loss(" in s)
    assert "raise NotImplementedError()" in stub and "axis=1" not in stub


def test_closure_follows_the_official_dependencies():
    lock = lite.official_lock()
    names = lite.closure(lock, ["matplotlib"])
    assert {"matplotlib", "numpy", "pillow", "kiwisolver", "matplotlib-pyodide"} <= set(names)
    with pytest.raises(lite.LiteError, match="no package 'tensorflow'"):
        lite.closure(lock, ["tensorflow"])


# --- The repository URL, in one place (tools/repository.py, book/_ext/launch.py) ---------


def test_repository_url_sets_the_config_and_a_colab_install_cell(tmp_path):
    import nbformat
    import repository  # tools/repository.py

    config = tmp_path / "_config.yml"
    config.write_text((ROOT / "_config.yml").read_text())
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    original = (ROOT / "notebooks" / f"{CHAPTER}.ipynb").read_bytes()
    (notebooks / f"{CHAPTER}.ipynb").write_bytes(original)

    repository.set_url("https://github.com/someone/lossbook", config, notebooks)
    assert repository.read_url(config) == "https://github.com/someone/lossbook"
    cells = nbformat.read(notebooks / f"{CHAPTER}.ipynb", as_version=4).cells
    assert cells[0].source.startswith("# 3. ")          # the title stays first
    assert cells[1].id == repository.CELL_ID and "remove-cell" in cells[1].metadata["tags"]
    assert 'repository = "https://github.com/someone/lossbook"' in cells[1].source
    assert sum(c.get("id") == repository.CELL_ID for c in cells) == 1
    stamped = (notebooks / f"{CHAPTER}.ipynb").read_bytes()
    repository.set_url("https://github.com/someone/lossbook", config, notebooks)
    assert (notebooks / f"{CHAPTER}.ipynb").read_bytes() == stamped   # the same twice

    repository.set_url("", config, notebooks)
    assert repository.read_url(config) == ""
    assert (notebooks / f"{CHAPTER}.ipynb").read_bytes() == original
    assert config.read_text() == (ROOT / "_config.yml").read_text()
    with pytest.raises(ValueError, match="GitHub repository URL"):
        repository.set_url("https://example.org/x", config, notebooks)


@pytest.mark.parametrize("installed", [True, False])
def test_install_cell_installs_only_when_lossbook_is_missing(installed, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    import repository

    shell = InteractiveShell.instance()
    calls = []
    shell.register_magic_function(lambda line: calls.append(line), "line", "pip")
    if not installed:
        monkeypatch.setitem(sys.modules, "lossbook", None)   # import lossbook fails
    try:
        result = shell.run_cell(repository.install_source("https://github.com/someone/lossbook"))
    finally:
        InteractiveShell.clear_instance()
    assert result.success
    assert calls == ([] if installed else ['install --quiet nnfs "git+https://github.com/someone/lossbook"'])


def test_launch_buttons_follow_the_repository_url():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import launch

    class Config:
        def __init__(self, url):
            self.html_theme_options = {"repository_url": url, "use_repository_button": False,
                                       "launch_buttons": {"binderhub_url": "https://mybinder.org",
                                                          "colab_url": "https://colab.research.google.com"}}

    none, some = Config(""), Config("https://github.com/someone/lossbook")
    launch.without_dead_buttons(None, none)
    launch.without_dead_buttons(None, some)
    assert none.html_theme_options["use_repository_button"] is False
    assert not any(none.html_theme_options["launch_buttons"].values())
    assert some.html_theme_options["use_repository_button"] is True
    assert some.html_theme_options["launch_buttons"]["colab_url"]
    assert launch.lite_url("notebooks/03_a_batch") == "../lite/notebooks/index.html?path=03_a_batch.ipynb"


# --- What the package does in Pyodide (sys.platform "emscripten") ----------------------


def as_pyodide(monkeypatch):
    """This Python as Pyodide's: no interval timers, no threads."""
    import signal
    import threading

    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.delattr(signal, "setitimer")

    def no_threads(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_threads)


def test_checks_run_in_pyodide(monkeypatch, capsys):
    from lossbook.exercises import _sandbox, ch3

    as_pyodide(monkeypatch)
    assert _sandbox.call(lambda x: x + 1, (1,), time_limit=1) == 2
    ch3.q4.check(ch3.q4.reference)
    assert capsys.readouterr().out.startswith("Correct")


def test_frameworks_say_why_they_cannot_run_in_the_browser(monkeypatch, capsys):
    from lossbook import frameworks

    as_pyodide(monkeypatch)
    monkeypatch.delenv("LOSSBOOK_REQUIRE_FRAMEWORKS", raising=False)
    frameworks.without_them(ModuleNotFoundError("No module named 'keras'", name="keras"))
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed == [frameworks.IN_THE_BROWSER]
