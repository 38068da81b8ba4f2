"""The built book opened straight from disk (file://), with no server at all.

Every page: no console errors (search included: no CORS errors from fetching result
summaries), nothing requested from outside the book's folder, math typeset, every
slider changes the page, and the dark-mode button switches the theme. Reuses the
helpers of tests/test_browser.py (same browser, same recording of errors).
"""
from __future__ import annotations

import pytest

from test_browser import PAGES, moved_sliders, open_page, wait_for_math


@pytest.fixture(scope="session")
def disk_visits(browser, built_book):
    """Visit every page from disk once; return what each visit found."""
    folder = built_book.resolve().as_uri() + "/"
    results = {}
    for path in PAGES:
        context, page = open_page(browser, (built_book / path).as_uri())
        visit = {"formulas": wait_for_math(page), "has_math": 'class="math' in page.content()}
        visit["sliders"] = moved_sliders(page)  # each waits for its painted frame
        themes = [page.evaluate("document.documentElement.dataset.theme")]
        button = page.locator("button.theme-switch-button").first
        if button.count():
            for _ in range(2):
                button.click()
                themes.append(page.evaluate("document.documentElement.dataset.theme"))
        visit["themes"] = themes
        page.wait_for_timeout(100)
        visit["errors"] = list(page.errors)
        outside = [u for u in page.bytes if not u.startswith((folder, "data:", "blob:"))]
        visit["external"] = list(page.external) + outside   # other hosts, other folders
        context.close()
        results[path] = visit
    return results


@pytest.mark.parametrize("path", PAGES)
def test_from_disk_no_console_errors(disk_visits, path):
    assert disk_visits[path]["errors"] == []


@pytest.mark.parametrize("path", PAGES)
def test_from_disk_nothing_outside_the_book_folder(disk_visits, path):
    assert disk_visits[path]["external"] == []


@pytest.mark.parametrize("path", PAGES)
def test_from_disk_math_and_sliders_work(disk_visits, path):
    visit = disk_visits[path]
    if visit["has_math"]:
        assert visit["formulas"] > 0
    assert all(visit["sliders"]), visit["sliders"]


@pytest.mark.parametrize("path", PAGES)
def test_from_disk_dark_mode_button_switches_the_theme(disk_visits, path):
    themes = disk_visits[path]["themes"]
    assert len(themes) == 3 and "dark" in themes and "light" in themes, themes


def test_sliders_are_visited(disk_visits):
    assert sum(len(v["sliders"]) for v in disk_visits.values()) >= 4


@pytest.mark.parametrize("query", ["clip", "one-hot"])
def test_search_from_disk(browser, built_book, query):
    """Results, and no CORS error: summaries are not fetched under file:// (print-and-disk.js)."""
    context, page = open_page(browser, (built_book / "search.html").as_uri() + f"?q={query}")
    page.wait_for_selector("ul.search li a", timeout=15000)
    page.wait_for_timeout(500)   # any summary fetch would fail within this time
    hits = page.locator("ul.search li a").evaluate_all("els => els.map(e => e.href)")
    errors = list(page.errors)
    context.close()
    assert errors == []
    assert any("/notebooks/" in h for h in hits), hits
