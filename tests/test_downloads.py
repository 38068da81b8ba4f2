"""What a reader downloads from the built book, in both editions (book/_ext/downloads.py).

A chapter page's own download link (the theme's "Download source file", `.ipynb`) must
give the learner notebook: every solution a stub, every check kept, no autograder test
cell. The teachers page links each chapter's teacher notebook: the chapter as written,
every answer and test cell in it. The links are followed in Chromium from the served
book; the notebooks are compared with the chapters in notebooks/ (for the Chinese
edition, with the Chinese notebooks lossbook.translate writes from the catalogs).
"""
from __future__ import annotations

import json

import nbformat
import pytest
from test_browser import CHAPTERS, open_page
from zh_support import LOCALES, ROOT, build_chinese

from lossbook import translate

EDITIONS = {"en": "", "zh_CN": "zh/"}


@pytest.fixture(scope="module")
def both_editions(built_book):
    build_chinese()   # into _build/html/zh, served with the English book
    return built_book


def chapter(path: str, language: str):
    """The chapter notebook as the book's source has it (translated for zh_CN)."""
    source = ROOT / path.replace(".html", ".ipynb")
    notebook = nbformat.read(source, as_version=4)
    if language == "en":
        return notebook
    catalog = translate.load_catalog(translate.catalog_path(LOCALES, language, path[:-5]))
    return translate.translate_notebook(notebook, catalog, language, source.name)


def nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test(cell) -> bool:
    return bool(nbgrader(cell).get("grade")) and not nbgrader(cell).get("solution")


def is_check(cell) -> bool:
    return cell.cell_type == "code" and ".check(" in cell.source


def follow(page, selector: str) -> list[tuple[str, dict]]:
    """Follow every link matching ``selector`` on the page: [(its address, the notebook)]."""
    found = []
    for href in page.locator(selector).evaluate_all("links => links.map(a => a.href)"):
        response = page.request.get(href)
        assert response.ok, f"{href}: HTTP {response.status}"
        found.append((href, json.loads(response.body())))
    return found


@pytest.mark.parametrize("language", EDITIONS)
@pytest.mark.parametrize("path", CHAPTERS)
def test_the_chapter_download_is_the_learner_notebook(browser, book_url, both_editions,
                                                      language, path):
    context, page = open_page(browser, f"{book_url}{EDITIONS[language]}{path}")
    try:
        ((href, data),) = follow(page, "a.btn-download-source-button")
    finally:
        context.close()
    assert href.endswith(path.replace(".html", ".ipynb"))
    learner = nbformat.reads(json.dumps(data), as_version=4)
    nbformat.validate(learner)
    teacher = chapter(path, language)
    if language != "en":
        assert learner.metadata["lossbook"]["language"] == language
    solutions = [c for c in teacher.cells if nbgrader(c).get("solution")]
    checks = [c.source for c in teacher.cells if is_check(c)]
    assert solutions and checks
    assert not any(is_test(c) or "Autograder test" in c.source for c in learner.cells)
    text = "\n".join(c.source for c in learner.cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert text.count("raise NotImplementedError()") >= len(solutions)
    assert [c.source for c in learner.cells if is_check(c)] == checks
    # Every other cell is the chapter's own, in order: only the answers were taken out.
    kept = [c.source for c in teacher.cells if not is_test(c) and not nbgrader(c).get("solution")]
    assert [c.source for c in learner.cells if not nbgrader(c).get("solution")] == kept
    assert all(c.get("outputs", []) == [] for c in learner.cells)


@pytest.mark.parametrize("language", EDITIONS)
def test_the_teachers_page_links_every_teacher_notebook(browser, book_url, both_editions,
                                                        language):
    context, page = open_page(browser, f"{book_url}{EDITIONS[language]}book/teachers.html")
    try:
        linked = follow(page, "article a[href*='_teacher/']")
    finally:
        context.close()
    names = [href.rsplit("/_teacher/", 1)[1] for href, _ in linked]
    assert names == [p.replace(".html", ".ipynb") for p in CHAPTERS]
    for (href, data), path in zip(linked, CHAPTERS):
        teacher = nbformat.reads(json.dumps(data), as_version=4)
        expected = chapter(path, language)
        assert [c.source for c in teacher.cells] == [c.source for c in expected.cells], href
        assert any(is_test(c) for c in teacher.cells)
        assert "### BEGIN SOLUTION" in "\n".join(c.source for c in teacher.cells)
