"""The Chinese edition (_build/html/zh) in a real browser: what the English pages pass
(tests/test_browser.py, whose helpers this reuses), plus Chinese glyphs, the language
switcher and Chinese search. Screenshots go to ``_build/screenshots/zh/``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from test_browser import (
    CONTENT, MAX_PAGE_BYTES, PAGES, PHONES, moved_sliders, open_page, run_axe, sideways_on_phones,
    wait_for_math)
from zh_support import ROOT, build_chinese, complete_catalogs

SHOTS = ROOT / "_build" / "screenshots" / "zh"
CHAPTERS = [p for p in PAGES if p.startswith("notebooks/")]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="session")
def zh_url(book_url):
    """The Chinese edition under the English one, served together (as on Pages)."""
    build_chinese()
    return book_url + "zh/"


def fonts_used(page, selector: str) -> list[dict]:
    """The fonts Chromium actually drew ``selector``'s text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"] if node else []
    cdp.detach()
    return fonts


@pytest.fixture(scope="session")
def zh_visits(browser, zh_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for path in PAGES:
        context, page = open_page(browser, zh_url + path)
        visit = {"formulas": wait_for_math(page)}
        if path in CHAPTERS:
            page.screenshot(path=str(SHOTS / f"{Path(path).stem}.png"), full_page=True)
        html = page.content()
        visit["has_math"] = 'class="math' in html
        visit["raw_math"] = [d for d in ("$$", "\\(", "\\[") if page.locator(CONTENT).count()
                             and d in page.locator(CONTENT).inner_text()]
        visit["h1_fonts"] = fonts_used(page, f"{CONTENT} h1") if page.locator(f"{CONTENT} h1").count() else []
        visit["h1"] = page.locator(f"{CONTENT} h1").first.inner_text() if visit["h1_fonts"] else ""
        violations = run_axe(page)
        visit["critical"] = [v for v in violations if v["impact"] == "critical"]
        visit["serious"] = [(v["id"], v["nodes"]) for v in violations if v["impact"] == "serious"]
        visit["sliders"] = moved_sliders(page)
        visit["bytes"] = sum(page.bytes.values())
        visit["errors"], visit["external"] = list(page.errors), list(page.external)
        context.close()
        results[path] = visit
    (SHOTS / "report.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return results


@pytest.mark.parametrize("path", PAGES)
def test_zh_page_is_clean(zh_visits, path):
    """No console error, nothing from another host, light, math typeset, axe clean."""
    visit = zh_visits[path]
    assert visit["errors"] == []
    assert visit["external"] == []
    assert 0 < visit["bytes"] <= MAX_PAGE_BYTES, f"{visit['bytes']:,} bytes"
    if visit["has_math"]:
        assert visit["formulas"] > 0
    assert visit["raw_math"] == []
    assert visit["critical"] == [] and visit["serious"] == []


@pytest.mark.parametrize("path", PAGES)
def test_zh_sliders_move(zh_visits, path):
    assert all(zh_visits[path]["sliders"])


def test_zh_chapters_have_their_sliders(zh_visits):
    for number in ("01", "02", "03", "05", "07", "11"):  # the chapters with sliders
        path = next(p for p in CHAPTERS if Path(p).name.startswith(number))
        assert zh_visits[path]["sliders"], path


def test_chinese_text_is_drawn_with_a_cjk_font(zh_visits):
    """No tofu: the translated titles are drawn by a font that has the glyphs."""
    for docname in sorted(complete_catalogs()):
        visit = zh_visits.get(docname + ".html")
        if not visit:
            continue
        assert CJK.search(visit["h1"]), f"{docname}: title not Chinese: {visit['h1']!r}"
        families = [f["familyName"] for f in visit["h1_fonts"] if f["glyphCount"]]
        assert any("CJK" in f for f in families), f"{docname}: drawn with {families}"


@pytest.mark.parametrize("path", ["book/intro.html", "notebooks/01_why_a_loss.html",
                                  "notebooks/03_a_batch.html", "search.html"])
def test_switcher_leads_to_the_same_page(browser, book_url, zh_url, path):
    for start, other in ((zh_url, book_url), (book_url, zh_url)):
        context, page = open_page(browser, start + path)
        page.click("a.lossbook-language")
        page.wait_for_load_state()
        assert page.url.split("?")[0] == other + path
        assert page.errors == [] and page.external == []
        context.close()


def test_switcher_works_from_a_folder(browser, zh_url):
    """Opened from disk (file://), the relative link still finds the other edition."""
    html = build_chinese()
    context = browser.new_context()
    page = context.new_page()
    page.goto((html / "notebooks" / "01_why_a_loss.html").as_uri())
    page.click("a.lossbook-language")
    page.wait_for_load_state()
    assert page.url == (html.parent / "notebooks" / "01_why_a_loss.html").as_uri()
    context.close()


SEARCHES = {"交叉熵": "cross-entropy", "独热": "one-hot"}


def prose(docname: str) -> str:
    """The text a page's catalog translates: a book page's markdown, a notebook's markdown
    cells (a word in a code cell stays English, and is not searched in Chinese)."""
    page = ROOT / f"{docname}.md"
    if page.is_file():
        return page.read_text(encoding="utf-8")
    if not (ROOT / f"{docname}.ipynb").is_file():
        return ""  # sphinx.po: the theme's words, no page
    notebook = json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("query", list(SEARCHES))
def test_chinese_search_finds_the_chapters(browser, zh_url, query):
    """Every translated page whose English text has the term is found by its Chinese word."""
    wanted = set()
    for docname in complete_catalogs():
        if SEARCHES[query] in prose(docname).lower():
            wanted.add(docname + ".html")
    assert wanted, "no translated page mentions the term yet"
    context, page = open_page(browser, f"{zh_url}search.html?q={query}")
    page.wait_for_selector("ul.search li", timeout=20000)
    # Sphinx lists the hits one by one; its summary line is written after the last one.
    page.wait_for_function("() => document.querySelector('p.search-summary')?.innerText.trim()",
                           timeout=20000)
    hits = {h.split("/zh/", 1)[1].split("#")[0].split("?")[0]
            for h in page.locator("ul.search li a").evaluate_all("els => els.map(e => e.href)")}
    assert page.errors == [] and page.external == []
    context.close()
    assert wanted <= hits, f"missing: {wanted - hits}"


@pytest.fixture(scope="module")
def zh_too_wide(browser, zh_url) -> dict[int, list[str]]:
    return sideways_on_phones(browser, zh_url)


@pytest.mark.parametrize("width", PHONES)
def test_no_zh_page_scrolls_sideways_on_a_phone(zh_too_wide, width):
    """The Chinese header (its "English" link is wider than "中文") fits a phone too."""
    wide = zh_too_wide[width]
    assert wide == [], "Chinese pages that scroll sideways on a phone:\n" + "\n".join(wide)
