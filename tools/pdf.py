"""Print the built book as one PDF: ``make pdf`` (with solutions) and ``make pdf-student``.

    python tools/pdf.py                 # _build/html -> _build/lossbook.pdf
    python tools/pdf.py --student       # -> _build/lossbook-student.pdf, no solutions

How it works, in four steps:

1. Headless Chromium (Playwright, Debian's /usr/bin/chromium) opens every page of the
   built HTML from disk, in the order of ``_toc.yml``, waits for MathJax, fonts and
   pictures, and prints it with the book's own print styles (book/_static/print.css:
   no sidebars or toggles, code wrapped, sliders as strips of still frames).
   Before printing, each exercise's solution cell (the hidden cell right before a
   ``.check(`` cell) is taken off the page, with the check's output: kept for the
   appendix, or dropped for the student handout.
2. Chromium also prints the pages this tool writes itself (to ``_build/pdf/``): a
   cover, the contents with page numbers, and the solutions appendix.
3. pypdf merges the parts and stamps page numbers on them (a layer of numbered,
   otherwise empty pages that Chromium prints too, so the numbers use the same font).
4. pypdf adds a bookmark for every chapter and its sections. Where a heading lands is
   read from the outline Chromium writes into each page's PDF (``outline=True``).

Pictures are embedded as the book stores them (no resampling); A4 paper.
"""
from __future__ import annotations

import argparse
import html
import importlib
import io
import re
import time
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
MARGIN = {"top": "16mm", "bottom": "20mm", "left": "16mm", "right": "16mm"}
APPENDIX = "Appendix A. Solutions to the exercises"
# The contents link each line to this address + page number; once the PDF is merged,
# link_contents() turns those links into jumps to the page.
PAGE_LINK = "https://lossbook.invalid/page/"

# Runs in each chapter page before it is printed. Returns the page's title, its h1/h2
# headings and the solutions it took off the page.
PREPARE = """(student) => {
  const root = document.documentElement;
  root.classList.add('lb-pdf');
  root.dataset.theme = 'light';
  const article = document.querySelector('article.bd-article');
  const text = (h) => {
    const c = h.cloneNode(true);
    c.querySelectorAll('.headerlink').forEach(a => a.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim();
  };
  // Links to other pages of the book lead nowhere in a PDF: keep their text only.
  for (const a of article.querySelectorAll('a[href]')) {
    const url = new URL(a.href, location.href);
    if (url.protocol === 'file:' && url.pathname !== location.pathname) a.removeAttribute('href');
  }
  const solutions = [];
  for (const cell of [...article.querySelectorAll('.cell.tag_hide-input')]) {
    const check = cell.nextElementSibling;
    const code = check && check.matches('.cell') && check.querySelector('.cell_input');
    if (!code || !/\\.check\\(/.test(code.textContent)) continue;   // not an exercise
    const section = cell.closest('section');
    const heading = section && section.querySelector(':scope > h2, :scope > h3, :scope > h4');
    const title = heading ? text(heading) : '';
    const output = check.querySelector('.cell_output');
    solutions.push({title, code: cell.querySelector('.cell_input').outerHTML,
                    output: output ? output.outerHTML : ''});
    const note = document.createElement('p');
    note.className = 'lb-pdf-note';
    note.textContent = student
      ? 'Write your answer in the chapter\\'s notebook, then run the check below.'
      : 'Solution: ' + APPENDIX_NAME + ', ' + (title.split(':')[0] || 'this exercise') + '.';
    cell.replaceWith(note);
    if (output) output.remove();
  }
  for (const img of document.images) img.loading = 'eager';
  return {title: text(article.querySelector('h1')),
          headings: [...article.querySelectorAll('h1, h2')].map(h => ({level: +h.tagName[1], text: text(h)})),
          solutions};
}""".replace("APPENDIX_NAME", repr("Appendix A"))

READY = """async () => {
  if (document.querySelector('.math')) {
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise))
      await new Promise(r => setTimeout(r, 50));
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
  await Promise.all([...document.images].map(i => i.complete ? null
    : new Promise(r => { i.onload = i.onerror = r; })));
}"""


def toc_pages(root: Path = ROOT) -> list[tuple[str | None, str]]:
    """``[(part caption or None, page path), ...]`` in reading order, from ``_toc.yml``."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [(None, toc["root"] + ".html")]
    for part in toc.get("parts", []):
        pages += [(part.get("caption"), c["file"] + ".html") for c in part["chapters"]]
    pages += [(None, c["file"] + ".html") for c in toc.get("chapters", [])]
    return pages


def squash(text: str) -> str:
    """Text without whitespace: Chromium's outline titles lose spaces at line breaks."""
    return re.sub(r"\s+", "", text)


def outline_pages(pdf: bytes, headings: list[dict]) -> list[int]:
    """The page (0-based, within ``pdf``) where each heading lands.

    Chromium's outline has every heading in order (titles sometimes garbled: spaces
    lost at line breaks, a title repeated); each heading is matched to the next
    entry that starts with its text. One not found inherits the previous page.
    """
    reader = PdfReader(io.BytesIO(pdf))
    flat = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                flat.append((squash(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline)
    pages, j, last = [], 0, 0
    for heading in headings:
        key = squash(heading["text"])
        for k in range(j, len(flat)):
            if flat[k][0].startswith(key):
                last, j = flat[k][1], k + 1
                break
        pages.append(last)
    return pages


# ----------------------------------------------------------------- pages of our own

def page_html(title: str, body: str, stylesheets: list[str], css: str = "") -> str:
    links = "\n".join(f'<link rel="stylesheet" href="{html.escape(s)}">' for s in stylesheets)
    return f"""<!DOCTYPE html>
<html lang="en" data-theme="light" class="lb-pdf"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
{links}
<style>body {{ background: #fff; }}
/* the theme hides an article's first h1 in print (it prints the page title instead) */
html.lb-pdf .bd-main .bd-content .bd-article h1 {{ display: block; }}
.bd-article {{ width: 100%; max-width: none; }} h1, h2 {{ font-weight: 500; }}
{css}</style></head>
<body><div class="bd-main"><div class="bd-content"><article class="bd-article">
{body}
</article></div></div></body></html>"""


def cover_html(config: dict, student: bool, stylesheets) -> str:
    title = config.get("title", "")
    edition = "Student edition: exercises without solutions" if student else \
        "Print edition, with the solutions to the exercises"
    body = f"""<div class="cover">
<h1 class="cover-title">{html.escape(title).replace(": ", ":<br>", 1)}</h1>
<p class="cover-edition">{html.escape(edition)}</p>
<p class="cover-author">{html.escape(config.get("author", ""))}</p>
<p class="cover-note">Printed from the HTML book. Sliders appear as strips of still
frames; the notebooks let you move them.</p>
</div>"""
    css = """.cover { display: flex; flex-direction: column; justify-content: center;
  height: 240mm; text-align: center; }
.cover-title { font-size: 2.6em; line-height: 1.2; margin: 0 0 1em; color: #000; }
.cover-edition { font-size: 1.3em; } .cover-author { margin-top: 3em; }
.cover-note { margin-top: 6em; color: #555; font-size: .9em; }"""
    return page_html(title, body, stylesheets, css)


def contents_html(entries: list[dict], stylesheets) -> str:
    """``entries``: {"text", "page", "level" (0 part caption, 1 chapter, 2 section)}."""
    rows = []
    for e in entries:
        if e["level"] == 0:
            rows.append(f'<p class="toc-part">{html.escape(e["text"])}</p>')
        else:
            rows.append(f'<a class="toc-{e["level"]}" href="{PAGE_LINK}{e["page"]}">'
                        f'<span>{html.escape(e["text"])}</span>'
                        f'<span class="dots"></span><span>{e["page"]}</span></a>')
    css = """.toc-part { font-weight: 600; margin: 1.2em 0 .3em; text-transform: uppercase;
  letter-spacing: .05em; font-size: .85em; color: #555; break-after: avoid; }
.toc-1, .toc-2 { display: flex; align-items: baseline; gap: .4em; margin: .15em 0;
  color: inherit; text-decoration: none; }
.toc-1 { font-weight: 600; margin-top: .5em; } .toc-2 { padding-left: 1.5em; font-size: .92em; }
.dots { flex: 1; border-bottom: 1px dotted #999; } h1 { color: #000; }"""
    return page_html("Contents", "<h1>Contents</h1>\n" + "\n".join(rows), stylesheets, css)


def appendix_html(chapters: list[tuple[str, list[dict]]], stylesheets) -> str:
    parts = [f"<h1>{html.escape(APPENDIX)}</h1>",
             "<p>Model answers, chapter by chapter. Try each exercise before you look; "
             "the check under each answer is what the chapter's check cell prints for it.</p>"]
    for chapter, solutions in chapters:
        parts.append(f"<section><h2>{html.escape('Solutions: ' + chapter)}</h2>")
        for s in solutions:
            parts.append(f"<h3>{html.escape(s['title'])}</h3>\n<div class=\"cell\">"
                         f"{s['code']}{s['output']}</div>")
        parts.append("</section>")
    return page_html(APPENDIX, "\n".join(parts), stylesheets, "h1, h2, h3 { color: #000; }")


def numbers_html(footers: list[str]) -> str:
    """One A4 sheet per page of the book, empty but for its footer ('' for none)."""
    sheets = "\n".join(f'<div class="sheet"><div class="foot">{f}</div></div>' for f in footers)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 0; }}
html, body {{ margin: 0; }}
.sheet {{ position: relative; height: 297mm; overflow: hidden; break-after: page; }}
.sheet:last-child {{ break-after: auto; }}
.foot {{ position: absolute; left: 16mm; right: 16mm; bottom: 9mm; display: flex;
  justify-content: space-between; font: 8.5pt system-ui, sans-serif; color: #666;
  border-top: .5pt solid #ccc; padding-top: 2mm; }}
.foot:empty {{ display: none; }}
</style></head><body>{sheets}</body></html>"""


def footer(left: str, number: int) -> str:
    return f"<span>{html.escape(left)}</span><span>{number}</span>"


# ------------------------------------------------------------------------ printing

class Printer:
    """One Chromium tab that prints pages and files to PDF bytes."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1000, "height": 1400},
                                           color_scheme="light")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.emulate_media(media="print")
        self.page.evaluate(READY)

    def pdf(self, margin: dict = MARGIN) -> bytes:
        return self.page.pdf(format="A4", margin=margin, print_background=True,
                             outline=True, tagged=True)

    def print_file(self, path: Path, margin: dict = MARGIN) -> bytes:
        self.open(path.as_uri())
        return self.pdf(margin)

    def stylesheets(self) -> list[str]:
        return self.page.evaluate(
            "() => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)")

    def close(self) -> None:
        self.context.close()


def count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def page_question_solutions(path: str) -> list[dict]:
    """The solutions of a chapter's in-page questions, from the package.

    The web page never holds their answers (it checks hashes), so PREPARE cannot take
    them off the page; the appendix gets them from the exercise itself.
    """
    number = re.match(r"notebooks/(\d+)_", path)
    if number is None:
        return []
    from lossbook.exercises._page import page_mode

    chapter = int(number.group(1))
    module = importlib.import_module(f"lossbook.exercises.ch{chapter}")
    found = []
    for k, exercise in enumerate(module.EXERCISES, start=1):
        if page_mode(exercise) is None:
            continue
        line = exercise.evaluate(exercise.reference).message  # what check prints for it
        found.append({"title": f"Exercise {chapter}.{k}: {exercise.title}",
                      "code": f'<div class="cell_input"><pre>{html.escape(exercise.code)}</pre></div>',
                      "output": f'<div class="cell_output"><pre>{html.escape(line)}</pre></div>'})
    return found


def exercise_order(solution: dict) -> tuple:
    found = re.match(r"Exercise (\d+)\.(\d+)", solution["title"])
    return (int(found.group(1)), int(found.group(2))) if found else (10**6, 0)


def print_chapters(printer: Printer, html_dir: Path, student: bool) -> list[dict]:
    """Print every page of the toc; per page: part, title, headings, their pages, pdf,
    solutions (taken off the page by PREPARE, and those of its in-page questions)."""
    chapters = []
    for part, path in toc_pages():
        page_file = html_dir / path
        if not page_file.exists():
            raise SystemExit(f"{page_file} is missing: build the book first (make build).")
        printer.open(page_file.as_uri())
        info = printer.page.evaluate(PREPARE, student)
        if not student:
            info["solutions"] = sorted(info["solutions"] + page_question_solutions(path),
                                       key=exercise_order)
        printer.page.evaluate(READY)
        pdf = printer.pdf()
        chapters.append({"part": part, **info, "pdf": pdf,
                         "pages": outline_pages(pdf, info["headings"])})
    return chapters


def contents_entries(chapters: list[dict], first: int, appendix: bytes | None) -> list[dict]:
    """The contents' lines, chapter 1 starting on page ``first`` (1-based)."""
    entries, part, page = [], None, first
    for c in chapters:
        if c["part"] and c["part"] != part:
            entries.append({"level": 0, "text": c["part"]})
        part = c["part"]
        entries.append({"level": 1, "text": c["title"], "page": page})
        entries += [{"level": 2, "text": h["text"], "page": page + p}
                    for h, p in zip(c["headings"], c["pages"]) if h["level"] == 2]
        page += count(c["pdf"])
    if appendix:
        entries.append({"level": 1, "text": APPENDIX, "page": page})
    return entries


def link_contents(writer: PdfWriter, pages: range) -> int:
    """Make the contents' links (PAGE_LINK + number) jump to that page; return how many."""
    made = 0
    for index in pages:
        for annotation in writer.pages[index].get("/Annots", []):
            annotation = annotation.get_object()
            uri = annotation.get("/A", {}).get("/URI", "")
            if uri.startswith(PAGE_LINK):
                target = writer.pages[int(uri[len(PAGE_LINK):]) - 1].indirect_reference
                del annotation["/A"]
                annotation[NameObject("/Dest")] = ArrayObject([target, NameObject("/Fit")])
                made += 1
    return made


def add_bookmarks(writer: PdfWriter, starts: list[int], chapters: list[dict],
                  appendix: bytes | None) -> None:
    """Contents, every chapter with its sections (h2), the appendix with its chapters.
    ``starts``: the first page of each part (cover, contents, chapters..., appendix)."""
    writer.add_outline_item("Contents", starts[1])
    for c, begin in zip(chapters, starts[2:]):
        parent = writer.add_outline_item(c["title"], begin)
        for h, p in zip(c["headings"], c["pages"]):
            if h["level"] == 2:
                writer.add_outline_item(h["text"], begin + p, parent=parent)
    if appendix:
        parent = writer.add_outline_item(APPENDIX, starts[-1])
        titles = ["Solutions: " + c["title"] for c in chapters if c["solutions"]]
        for title, p in zip(titles, outline_pages(appendix, [{"text": t} for t in titles])):
            writer.add_outline_item(title, starts[-1] + p, parent=parent)


def build(html_dir: Path, out: Path, student: bool = False, browser=None) -> dict:
    """Write the PDF; return what was made (path, pages, bytes, seconds, errors).

    ``browser``: a Playwright Chromium to print with (the tests pass theirs); by
    default /usr/bin/chromium is started for the job.
    """
    if browser is None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                return build(html_dir, out, student, browser)
            finally:
                browser.close()
    start = time.perf_counter()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    work = html_dir.parent / "pdf"   # the pages this tool writes, kept for a look
    work.mkdir(parents=True, exist_ok=True)

    def write(name: str, text: str) -> Path:
        (work / name).write_text(text, encoding="utf-8")
        return work / name

    printer = Printer(browser)
    try:
        chapters = print_chapters(printer, html_dir, student)
        css = printer.stylesheets()   # the book's own, for the pages written here
        cover = printer.print_file(write("cover.html", cover_html(config, student, css)))
        solved = [(c["title"], c["solutions"]) for c in chapters if c["solutions"]]
        appendix = None if student or not solved else \
            printer.print_file(write("appendix.html", appendix_html(solved, css)))

        # The contents hold page numbers, which depend on the contents' own length.
        length = 1
        for _ in range(4):
            entries = contents_entries(chapters, count(cover) + length + 1, appendix)
            contents = printer.print_file(write("contents.html", contents_html(entries, css)))
            if count(contents) == length:
                break
            length = count(contents)

        # Merge the parts, then stamp page numbers on every page but the cover.
        parts = [("", cover), ("Contents", contents)]
        parts += [(c["title"], c["pdf"]) for c in chapters]
        parts += [(APPENDIX, appendix)] if appendix else []
        writer, starts = PdfWriter(), []
        for _, pdf in parts:
            starts.append(len(writer.pages))
            writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
        footers = []   # per page: the part's name and the page number
        for (left, _), begin, end in zip(parts, starts, starts[1:] + [len(writer.pages)]):
            footers += [footer(left, n + 1) if left else "" for n in range(begin, end)]
        numbers = PdfReader(io.BytesIO(printer.print_file(
            write("numbers.html", numbers_html(footers)), margin={})))
    finally:
        printer.close()
    if len(numbers.pages) != len(writer.pages):
        raise RuntimeError(f"page-number layer: {len(numbers.pages)} pages, book: {len(writer.pages)}")
    for page, layer in zip(writer.pages, numbers.pages):
        page.merge_page(layer)

    link_contents(writer, range(starts[1], starts[2]))
    add_bookmarks(writer, starts, chapters, appendix)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": config.get("title", ""), "/Author": config.get("author", "")})
    writer.compress_identical_objects()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        writer.write(f)
    return {"path": out, "pages": len(writer.pages), "bytes": out.stat().st_size,
            "seconds": time.perf_counter() - start, "errors": printer.errors}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--student", action="store_true",
                        help="leave the solutions out (a handout for students)")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html",
                        help="the built book (default: _build/html)")
    parser.add_argument("--out", type=Path, default=None,
                        help="the PDF to write (default: _build/lossbook.pdf, "
                             "_build/lossbook-student.pdf with --student)")
    args = parser.parse_args(argv)
    out = args.out or ROOT / "_build" / ("lossbook-student.pdf" if args.student else "lossbook.pdf")
    made = build(args.html.resolve(), out.resolve(), student=args.student)
    print(f"wrote {made['path']}: {made['pages']} pages, {made['bytes'] / 1e6:.1f} MB, "
          f"{made['seconds']:.0f} s")
    if made["errors"]:
        raise SystemExit("page errors while printing:\n" + "\n".join(made["errors"]))


if __name__ == "__main__":
    main()
