"""The built book, read as files: complete, offline by construction, light."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ["01_why_a_loss", "02_one_sample", "03_a_batch", "04_why_minus_log",
            "05_log_zero_and_clipping", "06_the_loss_class", "07_accuracy",
            "08_what_frameworks_report", "09_logits_and_pitfalls"]
# A src/href on a tag that makes the browser fetch it while the page loads.
FETCHED = re.compile(r'<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc="([^"]+)"'
                     r'|<link\b[^>]*\bhref="([^"]+)"[^>]*>')


def html_pages(html: Path) -> list[Path]:
    return [p for p in html.rglob("*.html") if "_static" not in p.parts]


def test_toc_lists_every_chapter_and_the_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert files[:len(CHAPTERS)] == [f"notebooks/{c}" for c in CHAPTERS]
    for page in ("book/running-locally", "book/teachers", "book/glossary", "book/references"):
        assert page in files


def test_config_repository_and_offline_settings():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"]   # one place; empty: no repository/Binder/Colab button
    assert url == "" or re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    assert url != "https://github.com/lossbook/lossbook", "the placeholder leads nowhere"
    assert config["execute"]["execute_notebooks"] == "cache"
    sphinx = config["sphinx"]["config"]
    assert sphinx["nb_ipywidgets_js"] == {}
    assert not sphinx["mathjax_path"].startswith(("http:", "https:", "//"))
    assert sphinx["html_context"]["default_mode"] == "auto"


def test_every_chapter_page_is_built(built_book):
    for chapter in CHAPTERS:
        assert (built_book / "notebooks" / f"{chapter}.html").is_file(), chapter


def test_no_page_fetches_from_another_host(built_book):
    for page in html_pages(built_book):
        for match in FETCHED.finditer(page.read_text(encoding="utf-8")):
            url = match.group(1) or match.group(2)
            if 'rel="canonical"' in match.group(0):
                continue
            assert not re.match(r"(https?:)?//", url), f"{page.name} fetches {url}"


def test_no_widget_manager_thebe_or_fontawesome_js(built_book):
    for page in html_pages(built_book):
        text = page.read_text(encoding="utf-8")
        for unwanted in ("require.min.js", "embed-amd.js", "sphinx-thebe.js",
                         "THEBE_JS_URL", "sphinx-thebe.css", "scripts/fontawesome.js",
                         "application/vnd.jupyter.widget-view+json",
                         "application/vnd.jupyter.widget-state+json"):
            assert unwanted not in text, f"{page.relative_to(built_book)} has {unwanted}"


def test_mathjax_is_served_from_the_book(built_book):
    vendored = built_book / "_static" / "_vendor" / "mathjax"
    for part in ("startup.js", "core.js", "input/tex.js", "output/chtml.js",
                 "output/chtml/fonts/tex.js", "a11y/assistive-mml.js",
                 "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff"):
        assert (vendored / part).is_file(), part
    page = (built_book / "notebooks" / "02_one_sample.html").read_text(encoding="utf-8")
    assert "_static/_vendor/mathjax/startup.js" in page


def test_download_links_point_to_the_notebooks(built_book):
    for chapter in CHAPTERS:
        page = (built_book / "notebooks" / f"{chapter}.html").read_text(encoding="utf-8")
        assert f"_sources/notebooks/{chapter}.ipynb" in page
        assert (built_book / "_sources" / "notebooks" / f"{chapter}.ipynb").is_file()


def test_slider_chapters_show_the_static_player(built_book):
    for chapter in ("01_why_a_loss", "02_one_sample", "03_a_batch", "05_log_zero_and_clipping",
                    "07_accuracy"):
        page = (built_book / "notebooks" / f"{chapter}.html").read_text(encoding="utf-8")
        assert re.search(r'<input[^>]*type="range"', page), f"{chapter}: no range input"


def test_glossary_terms_exist(built_book):
    page = (built_book / "book" / "glossary.html").read_text(encoding="utf-8")
    for term in ("cross-entropy", "one-hot", "sparse-labels", "logits", "softmax",
                 "clipping", "epsilon", "accuracy", "loss", "batch", "natural-log", "argmax"):
        assert f'id="term-{term}"' in page, term


def test_missing_node_modules_stops_the_build_with_a_clear_message(tmp_path):
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        import offline
    finally:
        sys.path.pop(0)
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="npm ci"):
        offline.mathjax_source(SimpleNamespace(confdir=str(tmp_path)))
    assert offline.mathjax_source(SimpleNamespace(confdir=str(ROOT))).name == "es5"
