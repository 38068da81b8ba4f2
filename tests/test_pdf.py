"""The print edition: `make pdf` / `make pdf-student` (tools/pdf.py) and book/_static/print.css.

The PDFs are made once per session from the built book (about 25 s each). They must
have every page of _toc.yml with its title exactly as the book shows it, one bookmark
per chapter, page numbers, typeset math, no toggle text, the sliders' strips of still
frames, and the solutions in an appendix (none in the student PDF). They must be
tagged PDFs (poppler's pdfinfo says "Tagged: yes"): the structure tree, read here with
pypdf, has the book's headings in reading order and a Figure with each picture's alt
text. The print styles are checked in the browser, on the chapter pages and on a
hand-made page with the slider player's print markup (the contract with
lossbook.widgets: .lb-slider-live for the interactive part, .lb-slider-print holding
<figure>s of frames and values).
"""
from __future__ import annotations

import collections
import html
import importlib.util
import io
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

import pypdf  # make test installs it (requirements-test.txt)
from pypdf.generic import ArrayObject, DictionaryObject
from test_browser import CHAPTERS

ROOT = Path(__file__).resolve().parents[1]


def _load_tool():
    """tools/pdf.py, the script `make pdf` runs (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("lossbook_pdf_tool", ROOT / "tools" / "pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pdf_tool = _load_tool()

TOC_PAGES = [path for _, path in pdf_tool.toc_pages(ROOT)]
TOGGLE_WORDS = ["Show the solution", "Hide the solution", "Show the plotting code",
                "Show code cell", "Hide code cell"]


def squash(text: str) -> str:
    """PDF text extraction breaks lines and keeps ligatures (ﬁ, ﬀ): compare without them."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def page_title(built: Path, path: str) -> str:
    """A page's title exactly as the built book shows it (its h1, without the # link)."""
    source = (built / path).read_text(encoding="utf-8")
    found = re.search(r'<article class="bd-article">.*?<h1>(.*?)<a class="headerlink"', source, re.S)
    assert found, f"{path}: no h1 in the article"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def toggle_texts(built: Path) -> set[str]:
    """Every toggle label the built pages show (the <summary> text of each <details>)."""
    texts = set(TOGGLE_WORDS)
    for path in TOC_PAGES:
        for summary in re.findall(r"<summary[^>]*>(.*?)</summary>",
                                  (built / path).read_text(encoding="utf-8"), re.S):
            texts |= {t.strip() for t in re.findall(r">([^<>]+)<", summary) if t.strip()}
    return texts


def strip_captions(built: Path) -> dict[str, list[str]]:
    """{page: [figcaption text of every still frame in its sliders' print strips]}."""
    found = {}
    for path in TOC_PAGES:
        source = (built / path).read_text(encoding="utf-8")
        strips = re.findall(r'<div class="lb-slider-print".*?</div>', source, re.S)
        found[path] = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                       for s in strips for c in re.findall(r"<figcaption.*?</figcaption>", s, re.S)]
    return found


def slider_count(built: Path, path: str) -> int:
    return (built / path).read_text(encoding="utf-8").count('<div class="lb-slider" id=')


FOOTER = 57  # pt: the bottom margin (20 mm) holds the page number and the part's name


class Book:
    """A PDF made by tools/pdf.py: its text per page, the text in each page's bottom
    margin, its bookmarks, and its structure tree (tagged PDF) with each element's text."""

    def __init__(self, made: dict):
        self.made = made
        self.reader = pypdf.PdfReader(made["path"])
        self.pages, self.footers = [], []
        self.marked = collections.defaultdict(str)   # (page object, MCID) -> text
        self.pieces = []   # per page: [(x, y, text)]
        for page in self.reader.pages:
            self._read(page)
        self.text = squash("".join(self.pages))
        self.bookmarks = []   # (depth, title, 0-based page)

        def walk(items, depth):
            for item in items:
                if isinstance(item, list):
                    walk(item, depth + 1)
                else:
                    self.bookmarks.append(
                        (depth, item.title, self.reader.get_destination_page_number(item)))

        walk(self.reader.outline, 0)

    def _read(self, page) -> None:
        """The page's text; what lies in its bottom margin; the text of each marked-content
        sequence (BDC ... EMC with an MCID), which the structure tree points at."""
        open_, pieces = [], []

        def before(op, args, cm, tm):
            if op == b"BDC":
                props = args[1].get_object() if len(args) > 1 else {}
                open_.append(props.get("/MCID") if isinstance(props, dict) else None)
            elif op == b"BMC":
                open_.append(None)
            elif op == b"EMC" and open_:
                open_.pop()

        def text(t, cm, tm, font, size):
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            if t.strip():
                pieces.append((x, y, t))
            mcid = next((m for m in reversed(open_) if m is not None), None)
            if mcid is not None:
                self.marked[(page.indirect_reference.idnum, int(mcid))] += t

        self.pages.append(page.extract_text(visitor_operand_before=before, visitor_text=text) or "")
        self.pieces.append(pieces)
        self.footers.append(" ".join(t.strip() for x, y, t in pieces if y < FOOTER))

    def elements(self, kinds: tuple[str, ...]) -> list[tuple[str, str, dict]]:
        """``[(kind, text, element)]`` for the structure elements of ``kinds`` ("/H1"),
        in the tree's order (the reading order)."""
        found = []

        def text(node, page) -> str:
            node = node.get_object()
            if isinstance(node, int):   # a marked-content id on the element's page
                return self.marked.get((page.idnum, int(node)), "")
            if not isinstance(node, DictionaryObject):
                return ""
            page = node.raw_get("/Pg") if "/Pg" in node else page
            if "/MCID" in node:
                return self.marked.get((page.idnum, int(node["/MCID"])), "")
            kids = node.get("/K")
            kids = kids if isinstance(kids, ArrayObject) else [] if kids is None else [kids]
            return "".join(text(k, page) for k in kids)

        def walk(node, page):
            node = node.get_object()
            if not isinstance(node, DictionaryObject) or "/MCID" in node:
                return
            page = node.raw_get("/Pg") if "/Pg" in node else page
            if node.get("/S") in kinds:
                found.append((node["/S"], " ".join(text(node, page).split()), node))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, ArrayObject) else [] if kids is None else [kids]:
                walk(kid, page)

        walk(self.reader.trailer["/Root"]["/StructTreeRoot"], None)
        return found


@pytest.fixture(scope="session")
def pdfs(browser, built_book, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    return {kind: Book(pdf_tool.build(built_book, folder / f"{kind}.pdf",
                                      student=kind == "student", browser=browser))
            for kind in ("full", "student")}


@pytest.mark.parametrize("kind", ["full", "student"])
def test_every_page_title_is_printed_and_bookmarked_once(pdfs, built_book, kind):
    book = pdfs[kind]
    assert len(TOC_PAGES) >= 8
    for path in TOC_PAGES:
        title = page_title(built_book, path)
        assert squash(title) in book.text, f"{title!r} ({path}) is not in the PDF"
        top = [t for depth, t, _ in book.bookmarks if depth == 0]
        assert top.count(title) == 1, f"{title!r}: {top.count(title)} top-level bookmarks"


def test_chapters_keep_their_order_and_sections_are_bookmarked(pdfs, built_book):
    book = pdfs["full"]
    titles = [page_title(built_book, p) for p in TOC_PAGES]
    top = [(t, page) for depth, t, page in book.bookmarks if depth == 0 and t in titles]
    assert [t for t, _ in top] == titles
    assert [p for _, p in top] == sorted(p for _, p in top)
    for path in CHAPTERS:
        sections = re.findall(r"<h2>(.*?)<a class=\"headerlink\"",
                              (built_book / path).read_text(encoding="utf-8"))
        assert sections, path
        children = [t for depth, t, _ in book.bookmarks if depth == 1]
        assert squash(html.unescape(re.sub(r"<[^>]+>", "", sections[0]))) in map(squash, children)


def prose_mentions(built: Path, text: str) -> int:
    """How often the pages' own text (outside toggled cells) mentions ``text``, e.g. the
    teachers' page explaining the "Show the solution" toggle."""
    count = 0
    for path in TOC_PAGES:
        source = (built / path).read_text(encoding="utf-8")
        source = re.sub(r"<details.*?</details>", "", source, flags=re.S)  # toggles, solutions
        article = source[source.find('<article class="bd-article">'):source.find("</article>")]
        count += squash(html.unescape(re.sub(r"<[^>]+>", "", article))).count(squash(text))
    return count


@pytest.mark.parametrize("kind", ["full", "student"])
def test_no_toggle_text(pdfs, built_book, kind):
    texts = toggle_texts(built_book)
    assert "Show the solution" in texts
    left = [t for t in texts if pdfs[kind].text.count(squash(t)) > prose_mentions(built_book, t)]
    assert left == [], f"toggle labels printed: {left}"


def part_of_each_page(book: Book) -> list[str]:
    """The name of the part (top-level bookmark) each page belongs to; '' for the cover."""
    starts = sorted((page, title) for depth, title, page in book.bookmarks if depth == 0)
    return [next((t for p, t in reversed(starts) if p <= index), "")
            for index in range(len(book.pages))]


@pytest.mark.parametrize("kind", ["full", "student"])
def test_page_numbers_and_typeset_math(pdfs, kind):
    """Every page but the cover has its number and its part's name in the bottom margin."""
    book = pdfs[kind]
    assert book.pages[0].strip() and book.footers[0] == "", "the cover has no footer"
    for index, (footer, part) in enumerate(zip(book.footers, part_of_each_page(book))):
        if index:
            number = str(index + 1)
            assert squash(footer) in (number + squash(part), squash(part) + number), \
                f"page {number}: footer {footer!r}, expected {part!r} and {number}"
    raw = [d for d in ("\\(", "\\[", "$$") if d in "".join(book.pages)]
    assert raw == [], f"TeX left untypeset: {raw}"


class Article(HTMLParser):
    """A built page's article, as it prints: its h1/h2 headings (role="heading" with
    aria-level 1 or 2 too), without their # links and math, and its pictures' alt text."""

    VOID = {"img", "br", "hr", "input", "meta", "link", "source", "wbr", "col", "area"}

    def __init__(self, path: Path):
        super().__init__()
        self.headings, self.alts = [], []
        self._open = []       # the article's open elements: (tag, leave its text out)
        self._heading = None  # [depth of the open heading, its text so far]
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if not self._open and not (tag == "article" and "bd-article" in classes):
            return
        if tag == "img":
            self.alts.append(attrs.get("alt"))
        if tag in self.VOID:
            return
        self._open.append((tag, tag == "script" or "headerlink" in classes or "math" in classes))
        level = tag[1:] if tag in ("h1", "h2") else attrs.get("aria-level") \
            if attrs.get("role") == "heading" else None
        if level in ("1", "2") and self._heading is None:
            self._heading = [len(self._open), ""]

    def handle_endtag(self, tag):
        if not self._open or tag in self.VOID:
            return
        self._open.pop()
        if self._heading and len(self._open) < self._heading[0]:
            self.headings.append(" ".join(self._heading[1].split()))
            self._heading = None

    def handle_data(self, data):
        if self._heading and not any(skip for _, skip in self._open):
            self._heading[1] += data


@pytest.fixture(scope="session")
def articles(built_book) -> dict[str, Article]:
    return {path: Article(built_book / path) for path in TOC_PAGES}


@pytest.mark.parametrize("kind", ["full", "student"])
def test_the_pdf_is_tagged(pdfs, kind):
    """poppler's pdfinfo, an independent reader, says so; the catalog marks it and names
    the language."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        pytest.fail("pdfinfo is missing: apt-get install poppler-utils (make test does)")
    info = subprocess.run([pdfinfo, str(pdfs[kind].made["path"])], capture_output=True,
                          text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    root = pdfs[kind].reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "en"
    assert "/StructTreeRoot" in root


@pytest.mark.parametrize("kind", ["full", "student"])
def test_the_structure_tree_has_the_headings_in_reading_order(pdfs, articles, kind):
    book = pdfs[kind]
    expected = ["Contents"] + [h for path in TOC_PAGES for h in articles[path].headings]
    if kind == "full":
        titles = [articles[path].headings[0] for path in CHAPTERS]
        expected += [pdf_tool.APPENDIX] + ["Solutions: " + t for t in titles]
    assert len(expected) > 3 * len(TOC_PAGES)
    found = [text for _, text, _ in book.elements(("/H1", "/H2"))]
    assert list(map(squash, found)) == list(map(squash, expected))
    titles = ["Contents"] + [articles[p].headings[0] for p in TOC_PAGES]
    titles += [pdf_tool.APPENDIX] if kind == "full" else []
    top = [text for _, text, _ in book.elements(("/H1",))]
    assert list(map(squash, top)) == list(map(squash, titles))


@pytest.mark.parametrize("kind", ["full", "student"])
def test_figures_carry_the_pictures_alt_text(pdfs, articles, kind):
    """Every picture of the book (plots, the sliders' stills) is a Figure whose alt text
    is the picture's, in the book's order."""
    alts = [alt for path in TOC_PAGES for alt in articles[path].alts]
    strips = [a for a in alts if a and a.startswith("Plot: ")]
    assert len(alts) >= 10 and len(strips) >= 12, alts
    figures = [str(e["/Alt"]) for _, _, e in pdfs[kind].elements(("/Figure",)) if "/Alt" in e]
    assert figures == [" ".join(a.split()) for a in alts]  # as an accessible name: spaces collapsed


def test_every_slider_prints_as_a_strip_of_frames(pdfs, built_book):
    """Contract with the slider player (issue 10): its static HTML carries a print strip."""
    captions = strip_captions(built_book)
    sliders = {p: slider_count(built_book, p) for p in TOC_PAGES}
    assert sum(sliders.values()) >= 4, "the chapters teach with sliders"
    for path, n in sliders.items():
        if n:
            assert len(captions[path]) >= 3 * n, \
                f"{path}: {n} slider(s) but {len(captions[path])} print frames (.lb-slider-print)"
    for kind in ("full", "student"):
        for path, texts in captions.items():
            for text in texts:
                assert squash(text) in pdfs[kind].text, f"{kind}: frame caption {text!r} ({path})"


def test_solutions_in_the_appendix_and_not_in_the_student_pdf(pdfs, built_book):
    full, student = pdfs["full"], pdfs["student"]
    appendix = [page for depth, t, page in full.bookmarks if depth == 0 and t == pdf_tool.APPENDIX]
    last = max(page for depth, _, page in full.bookmarks if depth == 0)
    assert appendix == [last], "the appendix comes last"
    assert not any(t == pdf_tool.APPENDIX for _, t, _ in student.bookmarks)
    marker = squash("### BEGIN SOLUTION")    # in every solution cell (nbgrader's marker)
    prose = prose_mentions(built_book, "### BEGIN SOLUTION")  # the teachers' page shows one
    solutions = sum(len(re.findall(r"<h3>Exercise ", (built_book / p).read_text(encoding="utf-8")))
                    for p in CHAPTERS)   # one solution per exercise
    assert solutions >= len(CHAPTERS)
    in_appendix = squash("".join(full.pages[appendix[0]:])).count(marker)
    assert in_appendix >= solutions, f"{in_appendix} solutions in the appendix, {solutions} exercises"
    assert squash("".join(full.pages[:appendix[0]])).count(marker) == prose, "a solution outside the appendix"
    assert student.text.count(marker) == prose, "a solution in the student PDF"
    assert len(student.pages) < len(full.pages)
    # Every exercise keeps its task in both PDFs: its label and the task's first words
    # (a whole wrapped heading can come out of the PDF interleaved with the next lines).
    for path in CHAPTERS:
        source = (built_book / path).read_text(encoding="utf-8")
        tasks = re.findall(r"<h3>(Exercise [0-9.]+):.*?</p>\s*<p>(.*?)</p>", source, re.S)
        assert tasks, path
        for label, task in tasks:
            words = squash(html.unescape(re.sub(r"<[^>]+>", "", task)))[:30]
            for book in (full, student):
                assert squash(label) in book.text and words in book.text, (label, words)


def test_the_pdf_is_a_reasonable_size(pdfs):
    made = pdfs["full"].made
    print(f"\nfull PDF: {made['pages']} pages, {made['bytes'] / 1e6:.1f} MB, {made['seconds']:.0f} s; "
          f"student PDF: {pdfs['student'].made['pages']} pages")
    assert made["errors"] == []
    assert made["bytes"] < 30e6


# ------------------------------------------------------------ print.css in the browser

def print_view(browser, url: str):
    """The page as it prints on A4 (print media, about 680 px of text width)."""
    context = browser.new_context(viewport={"width": 760, "height": 1100})
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.emulate_media(media="print")
    page.evaluate(pdf_tool.READY)
    return context, page


VISIBLE = "el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)"


@pytest.mark.parametrize("path", TOC_PAGES)
def test_print_styles_on_every_page(browser, built_book, path):
    context, page = print_view(browser, (built_book / path).as_uri())
    try:
        chrome = page.locator(".bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, "
                              ".prev-next-footer, button.copybtn")
        assert not any(chrome.nth(i).evaluate(VISIBLE) for i in range(chrome.count())), "page chrome"
        summaries = page.locator("article summary")
        assert not any(summaries.nth(i).evaluate(VISIBLE) for i in range(summaries.count())), "a toggle"
        cut = page.evaluate("""() => [...document.querySelectorAll('article pre')]
            .filter(p => p.offsetWidth && p.scrollWidth > p.clientWidth + 1)
            .map(p => p.textContent.slice(0, 60))""")
        assert cut == [], f"code cut at the page edge: {cut}"
        wide = page.evaluate("""() => {
            const edge = document.querySelector('article').getBoundingClientRect().right;
            return [...document.querySelectorAll('article table')]
                .filter(t => t.getBoundingClientRect().right > edge + 1)
                .map(t => t.textContent.trim().slice(0, 60)); }""")
        assert wide == [], f"a table runs past the page edge (its last columns are cut): {wide}"
        ranges = page.locator("article input[type=range], article select")
        shown = [i for i in range(ranges.count()) if ranges.nth(i).evaluate(VISIBLE)]
        assert shown == [], "slider controls print (the strip of frames should instead)"
    finally:
        context.close()


CONTRACT_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{css}">
<style>.lb-slider-print {{ display: none; }}  /* what the player's screen styles do */</style>
</head><body><article class="bd-article"><div class="lossbook-slider">
<div class="lb-slider-live"><input type="range" min="0" max="9"><output>0.70</output>
<img src="{png}" width="400" height="240" alt="frame"></div>
<div class="lb-slider-print">{figures}</div></div></article></body></html>"""


def test_print_css_shows_the_slider_strip_not_the_player(browser, built_book, tmp_path):
    """Against the markup agreed with the slider player, on a hand-made page."""
    import base64

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 240), "white").save(buffer, "PNG")
    png = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    figures = "".join(f'<figure><img src="{png}" width="400" height="240" alt="p = {p}">'
                      f"<figcaption>p = {p}</figcaption></figure>" for p in ("0.05", "0.3", "0.7", "0.97"))
    page_file = tmp_path / "strip.html"
    page_file.write_text(CONTRACT_PAGE.format(css=(built_book / "_static" / "print.css").as_uri(),
                                              png=png, figures=figures))
    context = browser.new_context(viewport={"width": 760, "height": 1100})
    page = context.new_page()
    page.goto(page_file.as_uri())
    assert page.locator(".lb-slider-live").evaluate(VISIBLE)          # on screen: the player
    assert not page.locator(".lb-slider-print").evaluate(VISIBLE)
    page.emulate_media(media="print")
    assert not page.locator(".lb-slider-live").evaluate(VISIBLE)      # on paper: the strip
    boxes = page.locator(".lb-slider-print figure").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().toJSON())")
    box = page.locator("article").evaluate("e => e.getBoundingClientRect().toJSON()")
    width = box["width"]
    context.close()
    assert len(boxes) == 4
    assert len({round(b["top"]) for b in boxes}) == 1, "the frames are not in one row"
    assert all(0 < b["width"] <= width / 3 for b in boxes), boxes
    assert boxes[-1]["right"] <= box["right"] + 1


def test_printing_in_dark_mode_prints_the_light_theme(browser, built_book):
    """Browsers drop backgrounds on paper: dark mode would print light text on white."""
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto((built_book / CHAPTERS[0]).as_uri(), wait_until="load")
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    themes = [page.evaluate("""() => { dispatchEvent(new Event('beforeprint'));
                                      return document.documentElement.dataset.theme; }"""),
              page.evaluate("""() => { dispatchEvent(new Event('afterprint'));
                                      return document.documentElement.dataset.theme; }""")]
    context.close()
    assert themes == ["light", "dark"]


@pytest.mark.parametrize("kind", ["full", "student"])
def test_contents_lines_jump_to_their_pages_and_say_their_numbers(pdfs, kind):
    book = pdfs[kind]
    contents = next(page for depth, t, page in book.bookmarks if depth == 0 and t == "Contents")
    first_chapter = min(page for depth, t, page in book.bookmarks if depth == 0 and t != "Contents")
    destinations = book.reader.named_destinations
    targets, lines = set(), 0
    for index in range(contents, first_chapter):
        for annotation in book.reader.pages[index].get("/Annots", []):
            annotation = annotation.get_object()
            assert "/URI" not in annotation.get("/A", {}), "a contents line links to a web address"
            target = book.reader.get_destination_page_number(destinations[annotation["/Dest"]])
            left, bottom, right, top = map(float, annotation["/Rect"])
            number = "".join(t for x, y, t in book.pieces[index]
                             if bottom <= y <= top and x > right - 40).strip()
            assert number == str(target + 1), (annotation["/Dest"], number, target + 1)
            targets.add(target)
            lines += 1
    chapters = {page for depth, t, page in book.bookmarks if depth == 0 and t != "Contents"}
    assert chapters <= targets, sorted(chapters - targets)
    assert lines >= len(book.bookmarks) - 1   # every bookmark but the contents' own
