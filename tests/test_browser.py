"""The built book in a real browser (Debian's Chromium driven by Playwright).

Every HTML page: loads, no console errors, no request leaves 127.0.0.1, weighs at
most 3 MB, has typeset math where it has math, every range slider changes the page,
no critical accessibility violations (axe-core) and no serious ones in the content.
Screenshots of the chapter pages (light and dark) go to ``_build/screenshots/``.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from playwright import sync_api  # noqa: E402  (make test installs it)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "_build" / "screenshots"
MAX_PAGE_BYTES = 3 * 1024 * 1024
CONTENT = "article.bd-article"   # our own content; the rest is the theme's chrome


def toc_pages() -> list[str]:
    """The page paths the book must have: every toc entry plus Sphinx's own pages."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    files += [c["file"] for c in toc.get("chapters", [])]
    return [f + ".html" for f in files] + ["index.html", "search.html", "genindex.html"]


PAGES = toc_pages()
CHAPTERS = [p for p in PAGES if p.startswith("notebooks/")]


# The `browser` fixture lives in conftest.py: one Chromium shared with test_file_url.py
# and test_pdf.py (Playwright's sync API runs one instance at a time).


def open_page(browser, url: str, dark: bool = False):
    """A fresh context (empty cache) whose page records errors, leaks and bytes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme="dark" if dark else "light")
    page = context.new_page()
    page.errors, page.external, page.bytes = [], [], {}
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))

    def only_local(route):
        url = route.request.url
        # file: too, so tests/test_file_url.py can open the built book from disk.
        if url.startswith(("data:", "blob:", "file:")) or urlparse(url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            page.external.append(url)
            route.abort()

    def count(request):
        response = request.response()
        if response is not None:
            try:
                page.bytes[request.url] = len(response.body())
            except Exception:  # redirects have no body
                pass

    page.route("**/*", only_local)
    page.on("requestfinished", count)
    page.goto(url, wait_until="networkidle")
    return context, page


def wait_for_math(page) -> int:
    """Wait until MathJax has typeset the page; return the number of formulas."""
    if page.locator(f"{CONTENT} .math").count() == 0:
        return 0
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    return page.locator("mjx-container").count()


def run_axe(page, context=None) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (ctx) => {
            const r = await axe.run(ctx || document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' '))}));
        }""",
        context,
    )


def slider_state(page, slider) -> str:
    """What a reader sees of a slider's output: its text and the pictures' sources."""
    return slider.evaluate(
        """el => {
            const box = el.closest('.cell_output, .output, div') || el.parentElement;
            let root = box;
            while (root.parentElement && !root.querySelector('img') && root !== document.body)
                root = root.parentElement;
            const imgs = [...root.querySelectorAll('img')].map(i => i.src.slice(-200));
            return root.innerText + '|' + imgs.join(',');
        }"""
    )


@pytest.fixture(scope="session")
def visits(browser, book_url):
    """Visit every page once; return what each visit measured."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    results, chrome_report = {}, {}
    for path in PAGES:
        context, page = open_page(browser, book_url + path)
        visit = {"status_ok": page.title() != "" or path == "index.html"}
        visit["formulas"] = wait_for_math(page)
        if path in CHAPTERS:  # before anything scrolls or takes focus
            page.screenshot(path=str(SHOTS / f"{Path(path).stem}.png"), full_page=True)
        html = page.content()
        visit["raw_math"] = [d for d in ("$$", "\\(", "\\[") if d in page.locator(CONTENT).inner_text()] \
            if page.locator(CONTENT).count() else []
        visit["has_math"] = 'class="math' in html
        violations = run_axe(page)
        visit["critical"] = [v for v in violations if v["impact"] == "critical"]
        visit["serious"] = [v for v in violations if v["impact"] == "serious"]
        if page.locator(CONTENT).count():
            inside = run_axe(page, {"include": [[CONTENT]]})
            visit["serious_content"] = [v for v in inside if v["impact"] == "serious"]
        else:
            visit["serious_content"] = []
        chrome_report[path] = [v for v in violations if v["impact"] == "serious"]
        # Sliders: move each one to its end and back to the start.
        moved, sliders = [], page.locator("input[type=range]")
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            slider.scroll_into_view_if_needed()
            before = slider_state(page, slider)
            if path == CHAPTERS[1] and i == 0:
                slider.locator("xpath=../..").screenshot(path=str(SHOTS / "slider-before.png"))
            slider.focus()
            page.keyboard.press("End")
            after_end = slider_state(page, slider)
            if path == CHAPTERS[1] and i == 0:
                slider.locator("xpath=../..").screenshot(path=str(SHOTS / "slider-after.png"))
            page.keyboard.press("Home")
            after_home = slider_state(page, slider)
            moved.append(before != after_end or after_end != after_home)
        visit["sliders"] = moved
        visit["bytes"] = sum(page.bytes.values())
        visit["errors"] = list(page.errors)
        visit["external"] = list(page.external)
        context.close()
        if path in CHAPTERS:
            context, page = open_page(browser, book_url + path, dark=True)
            wait_for_math(page)
            page.screenshot(path=str(SHOTS / f"{Path(path).stem}-dark.png"), full_page=True)
            visit["errors"] += page.errors
            visit["external"] += page.external
            context.close()
        results[path] = visit
    (SHOTS / "report.json").write_text(json.dumps(
        {"pages": {p: {k: v for k, v in r.items()} for p, r in results.items()},
         "theme_serious_axe": chrome_report}, indent=1))
    return results


@pytest.mark.parametrize("path", PAGES)
def test_no_console_errors(visits, path):
    assert visits[path]["errors"] == []


@pytest.mark.parametrize("path", PAGES)
def test_nothing_requested_from_another_host(visits, path):
    assert visits[path]["external"] == [], "requests that left 127.0.0.1 (blocked)"


@pytest.mark.parametrize("path", PAGES)
def test_page_weight_at_most_3mb(visits, path):
    assert 0 < visits[path]["bytes"] <= MAX_PAGE_BYTES, f"{visits[path]['bytes']:,} bytes"


@pytest.mark.parametrize("path", PAGES)
def test_math_is_typeset(visits, path):
    visit = visits[path]
    if visit["has_math"]:
        assert visit["formulas"] > 0, "math on the page but no mjx-container"
    assert visit["raw_math"] == [], "TeX delimiters left untypeset"


@pytest.mark.parametrize("path", PAGES)
def test_every_slider_changes_the_page(visits, path):
    assert all(visits[path]["sliders"]), visits[path]["sliders"]


@pytest.mark.parametrize("path", PAGES)
def test_no_critical_or_serious_content_violations(visits, path):
    visit = visits[path]
    assert visit["critical"] == []
    assert visit["serious_content"] == []


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_violations_in_the_theme_either(visits, path):
    """The theme's search buttons had serious ones; book/_templates fixes them."""
    assert visit_serious(visits[path]) == []


def visit_serious(visit):
    return [(v["id"], v["nodes"]) for v in visit["serious"]]


def test_chapters_with_sliders_have_them(visits):
    """Chapters 2, 3, 4 and 6 teach with sliders; the static page must show them."""
    for number in ("02", "03", "04", "06"):
        path = next(p for p in CHAPTERS if Path(p).name.startswith(number))
        assert len(visits[path]["sliders"]) >= 1, f"{path} shows no range slider"


def test_every_built_page_is_visited(built_book):
    """The pages Sphinx built (its search index lists them) are exactly the ones visited."""
    index = (built_book / "searchindex.js").read_text()
    docnames = json.loads(index[index.index("(") + 1:index.rindex(")")])["docnames"]
    built = {name + ".html" for name in docnames}
    assert built == {p for p in PAGES if p not in ("index.html", "search.html", "genindex.html")}


@pytest.mark.parametrize("query", ["clip", "one-hot"])
def test_search_finds(browser, book_url, query):
    context, page = open_page(browser, f"{book_url}search.html?q={query}")
    page.wait_for_selector("#search-results ul.search li, ul.search li", timeout=15000)
    hits = page.locator("ul.search li a").evaluate_all("els => els.map(e => e.href)")
    assert page.errors == [] and page.external == []
    context.close()
    assert any("/notebooks/" in h or "/book/" in h for h in hits), hits
