"""Print the built book as one tagged PDF: ``make pdf`` (with solutions) and ``make pdf-student``.

    python tools/pdf.py                 # _build/html -> _build/lossbook.pdf
    python tools/pdf.py --student       # -> _build/lossbook-student.pdf, no solutions

How it works:

1. **One HTML document for the whole book.** Headless Chromium (Playwright, Debian's
   /usr/bin/chromium) opens an empty page (``_build/pdf/book.html``) and puts into it a
   cover, the contents, the article of every page of ``_toc.yml`` in order (read from
   the built HTML, with the book's stylesheets), and the solutions appendix. Each
   page's ids get a prefix (``p3-``), so a link to another page of the book becomes a
   link inside the PDF. Each exercise's solution cell (the hidden cell right before a
   ``.check(`` cell) is taken off its page, with the check's output: kept for the
   appendix, or dropped for the student handout.
2. **One print.** MathJax typesets the whole document once, then one
   ``page.pdf(tagged=True)`` call prints it with the book's print styles
   (book/_static/print.css: no sidebars or toggles, code wrapped, sliders as strips
   of still frames). Chromium tags headings, paragraphs, lists, tables, links and
   figures (with their images' alt text) in reading order; a merge of separate PDFs
   would lose that structure. Page numbers and each part's name are CSS margin boxes
   (one named ``@page`` per part; none on the cover).
3. **The contents' page numbers.** Every contents line links to its heading, so the
   PDF has a named destination there: the page it landed on. The numbers go in and
   the book is printed again, until they stand still (two prints in practice).
4. **Bookmarks.** pypdf clones the printed PDF (its structure tree included) and adds
   the bookmarks: the contents, every chapter with its sections (h2), the appendix.
   Their titles come from the HTML, their places from the named destinations.

Pictures are embedded as the book stores them (no resampling); A4 paper.
"""
from __future__ import annotations

import argparse
import contextlib
import html
import importlib
import io
import logging
import re
import time
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.generic import Fit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
APPENDIX = "Appendix A. Solutions to the exercises"
CONTENTS = "Contents"
MAX_PRINTS = 4  # the contents' numbers settle after two; more means something is off

# The whole book's page: A4, the book's margins, page numbers in the margin boxes.
# Named pages (@page lb-...) add each part's name; lb-cover has no footer.
BOOK_CSS = """
@page { size: A4; margin: 16mm 16mm 20mm 16mm;
  @bottom-right { content: counter(page); font: 8.5pt system-ui, sans-serif; color: #666;
                  vertical-align: top; padding-top: 4mm; }
  @bottom-left { font: 8.5pt system-ui, sans-serif; color: #666;
                 vertical-align: top; padding-top: 4mm; } }
@page lb-cover { @bottom-right { content: none; } @bottom-left { content: none; } }
body { background: #fff; }
.bd-article { width: 100%; max-width: none; }
/* the theme hides an article's first h1 in print (it prints the page title instead) */
html.lb-pdf .bd-main .bd-content .bd-article h1 { display: block; }
.lb-pdf-part { break-before: page; }
.lb-cover { page: lb-cover; display: flex; flex-direction: column; justify-content: center;
  height: 240mm; text-align: center; }
.lb-cover-title { font-size: 2.6em; line-height: 1.2; margin: 0 0 1em; color: #000;
  font-weight: 500; }
.lb-cover-edition { font-size: 1.3em; } .lb-cover-author { margin-top: 3em; }
.lb-cover-note { margin-top: 6em; color: #555; font-size: .9em; }
.lb-toc-part { font-weight: 600; margin: 1.2em 0 .3em; text-transform: uppercase;
  letter-spacing: .05em; font-size: .85em; color: #555; break-after: avoid; }
.lb-toc-1, .lb-toc-2 { display: flex; align-items: baseline; gap: .4em; margin: .15em 0;
  color: inherit; text-decoration: none; }
.lb-toc-1 { font-weight: 600; margin-top: .5em; }
.lb-toc-2 { padding-left: 1.5em; font-size: .92em; }
.lb-toc-dots { flex: 1; border-bottom: 1px dotted #999; }
.lb-toc-page { font-variant-numeric: tabular-nums; }
.lb-contents h1, .lb-appendix h1, .lb-appendix h2, .lb-appendix h3 { color: #000; }
"""

# Puts the article of one built page into the book. Returns its title, its h1/h2
# headings (with the ids they now have) and the solutions it took off the page.
ADD_PAGE = """({source, url, n, pages, student, appendix, part}) => {
  const page = new DOMParser().parseFromString(source, 'text/html');
  const article = page.querySelector('article.bd-article');
  const prefix = 'p' + n + '-';
  const text = (h) => {
    const c = h.cloneNode(true);
    c.querySelectorAll('.headerlink').forEach(a => a.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim();
  };
  const inner = (h) => {
    const c = h.cloneNode(true);
    c.querySelectorAll('.headerlink').forEach(a => a.remove());
    return c.innerHTML;
  };
  article.querySelectorAll('script').forEach(s => s.remove());   // nothing runs in print
  // Ids get the page's prefix; so do the attributes that point at ids.
  for (const el of article.querySelectorAll('[id]')) el.id = prefix + el.id;
  for (const name of ['for', 'aria-labelledby', 'aria-describedby', 'aria-controls', 'headers'])
    for (const el of article.querySelectorAll('[' + name + ']'))
      el.setAttribute(name, el.getAttribute(name).split(/\\s+/).map(v => prefix + v).join(' '));
  // Addresses: pictures and styles from the built book; links to a page of the book
  // jump inside the PDF; links to other files of the site lead nowhere in a PDF.
  for (const el of article.querySelectorAll('[src]')) {
    const src = el.getAttribute('src');
    if (!src.startsWith('data:')) el.setAttribute('src', new URL(src, url).href);
  }
  for (const a of article.querySelectorAll('[href]')) {
    const href = a.getAttribute('href');
    if (href.startsWith('#')) { a.setAttribute('href', '#' + prefix + href.slice(1)); continue; }
    const target = new URL(href, url);
    if (target.protocol !== 'file:') continue;   // the web: keep
    const k = pages[target.pathname];
    if (k === undefined) { a.removeAttribute('href'); continue; }
    a.setAttribute('href', '#p' + k + (target.hash ? '-' + target.hash.slice(1) : ''));
  }
  // An in-page question shows its form, as its script does on the page (to answer on paper).
  for (const q of article.querySelectorAll('.lossbook-question')) {
    q.querySelector('.lossbook-question-form').hidden = false;
    q.querySelector('.lossbook-question-kernel').hidden = true;
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
      : 'Solution: ' + appendix + ', ' + (title.split(':')[0] || 'this exercise') + '.';
    cell.replaceWith(note);
    if (output) output.remove();
  }
  const headings = [...article.querySelectorAll('h1, h2')].map((h, k) => {
    if (!h.id) h.id = prefix + 'h' + k;
    return {level: +h.tagName[1], text: text(h), html: inner(h), id: h.id};
  });
  const wrapper = document.createElement('section');
  wrapper.className = 'lb-pdf-part lb-pdf-page';
  wrapper.id = 'p' + n;
  wrapper.style.setProperty('page', part);
  wrapper.append(...article.childNodes);
  document.getElementById('lb-book').append(wrapper);
  return {title: headings.length ? headings[0].text : '', headings, solutions};
}"""

# Gives the book the head of a built page: its stylesheets (before the book's own
# styles), then MathJax with the page's configuration, which typesets the whole book.
ADD_HEAD = """async ({source, url}) => {
  const page = new DOMParser().parseFromString(source, 'text/html');
  const ours = document.getElementById('lb-book-css');
  const loads = [];
  for (const old of page.querySelectorAll('head link[rel~=stylesheet], head style')) {
    const el = document.createElement(old.tagName);
    if (old.tagName === 'LINK') {
      el.rel = 'stylesheet';
      el.href = new URL(old.getAttribute('href'), url).href;
      loads.push(new Promise(r => { el.onload = el.onerror = r; }));
    } else {
      el.textContent = old.textContent;
    }
    document.head.insertBefore(el, ours);
  }
  await Promise.all(loads);
  for (const old of page.querySelectorAll('head script')) {
    const src = old.getAttribute('src');
    if (src ? !/mathjax/i.test(src) : !/MathJax/.test(old.textContent)) continue;
    const el = document.createElement('script');
    if (src) el.src = new URL(src, url).href; else el.textContent = old.textContent;
    document.head.append(el);
  }
}"""

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

# A heading's text as it prints (math typeset): for bookmark titles.
TITLES = """(ids) => ids.map(id => {
  const c = document.getElementById(id).cloneNode(true);
  c.querySelectorAll('.headerlink').forEach(a => a.remove());
  return c.textContent.replace(/\\s+/g, ' ').trim();
})"""

SET_NUMBERS = """(numbers) => {
  for (const [id, number] of Object.entries(numbers))
    document.querySelector(`.lb-toc-page[data-for="${id}"]`).textContent = String(number);
}"""


def toc_pages(root: Path = ROOT) -> list[tuple[str | None, str]]:
    """``[(part caption or None, page path), ...]`` in reading order, from ``_toc.yml``."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [(None, toc["root"] + ".html")]
    for part in toc.get("parts", []):
        pages += [(part.get("caption"), c["file"] + ".html") for c in part["chapters"]]
    pages += [(None, c["file"] + ".html") for c in toc.get("chapters", [])]
    return pages


# ------------------------------------------------------------- the parts we write

def book_html(title: str, lang: str) -> str:
    """The empty book: the book's CSS, and the article the parts go into."""
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}" data-theme="light" data-mode="light" class="lb-pdf">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style id="lb-book-css">{BOOK_CSS}</style></head>
<body><div class="bd-main"><div class="bd-content"><div class="bd-article-container">
<article class="bd-article" id="lb-book"></article></div></div></div></body></html>"""


def cover_html(config: dict, student: bool) -> str:
    title = config.get("title", "")
    edition = "Student edition: exercises without solutions" if student else \
        "Print edition, with the solutions to the exercises"
    return f"""<section class="lb-cover" id="lb-cover">
<p class="lb-cover-title">{html.escape(title).replace(": ", ":<br>", 1)}</p>
<p class="lb-cover-edition">{html.escape(edition)}</p>
<p class="lb-cover-author">{html.escape(config.get("author", ""))}</p>
<p class="lb-cover-note">Printed from the HTML book. Sliders appear as strips of still
frames; the notebooks let you move them.</p>
</section>"""


def contents_html(entries: list[dict]) -> str:
    """``entries``: {"level" (0 part caption, 1 chapter, 2 section), "html", "id"}; each
    line links to its heading and ends with its page number (filled in later)."""
    rows = []
    for e in entries:
        if e["level"] == 0:
            rows.append(f'<p class="lb-toc-part">{e["html"]}</p>')
        else:
            rows.append(f'<a class="lb-toc-{e["level"]}" href="#{e["id"]}">'
                        f'<span>{e["html"]}</span><span class="lb-toc-dots"></span>'
                        f'<span class="lb-toc-page" data-for="{e["id"]}">0</span></a>')
    return (f'<section class="lb-pdf-part lb-contents" id="lb-contents" style="page: lb-contents">'
            f'<h1 id="lb-contents-title">{CONTENTS}</h1>\n' + "\n".join(rows) + "</section>")


def appendix_html(chapters: list[tuple[str, list[dict]]]) -> str:
    parts = ['<section class="lb-pdf-part lb-appendix" id="lb-appendix" style="page: lb-appendix">',
             f'<h1 id="lb-appendix-title">{html.escape(APPENDIX)}</h1>',
             "<p>Model answers, chapter by chapter. Try each exercise before you look; "
             "the check under each answer is what the chapter's check cell prints for it.</p>"]
    for k, (chapter, solutions) in enumerate(chapters):
        title = html.escape("Solutions: " + chapter)
        parts.append(f'<section><h2 id="lb-appendix-{k}">{title}</h2>')
        for s in solutions:
            parts.append(f"<h3>{html.escape(s['title'])}</h3>\n<div class=\"cell\">"
                         f"{s['code']}{s['output']}</div>")
        parts.append("</section>")
    return "\n".join(parts + ["</section>"])


def footer_css(names: dict[str, str]) -> str:
    """One named page per part, its name in the bottom left margin box."""
    return "\n".join(f"@page {page} {{ @bottom-left {{ content: {css_string(name)}; }} }}"
                     for page, name in names.items())


def css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def page_question_solutions(path: str) -> list[dict]:
    """The solutions of a chapter's in-page questions, from the package.

    The web page never holds their answers (it checks hashes), so ADD_PAGE cannot take
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


# ------------------------------------------------------------------------ printing

def add_pages(page, html_dir: Path, student: bool) -> list[dict]:
    """Put every page of the toc into the book; per page: part, title, headings, solutions."""
    toc = toc_pages()
    files = [html_dir / path for _, path in toc]
    for file in files:
        if not file.exists():
            raise SystemExit(f"{file} is missing: build the book first (make build).")
    numbers = {file.resolve().as_uri()[len("file://"):]: n for n, file in enumerate(files)}
    chapters = []
    for n, ((part, path), file) in enumerate(zip(toc, files)):
        info = page.evaluate(ADD_PAGE, {
            "source": file.read_text(encoding="utf-8"), "url": file.resolve().as_uri(), "n": n,
            "pages": numbers, "student": student, "appendix": "Appendix A", "part": f"lb-p{n}"})
        if not student:
            info["solutions"] = sorted(info["solutions"] + page_question_solutions(path),
                                       key=exercise_order)
        chapters.append({"part": part, **info})
    return chapters


def contents_entries(chapters: list[dict], appendix: list[str]) -> list[dict]:
    """The contents' lines: part captions, chapters, their sections, the appendix."""
    entries, part = [], None
    for c in chapters:
        if c["part"] and c["part"] != part:
            entries.append({"level": 0, "html": html.escape(c["part"])})
        part = c["part"]
        entries += [{"level": h["level"], "html": h["html"], "id": h["id"]} for h in c["headings"]]
    if appendix:
        entries.append({"level": 1, "html": html.escape(APPENDIX), "id": "lb-appendix-title"})
        entries += [{"level": 2, "html": html.escape("Solutions: " + title),
                     "id": f"lb-appendix-{k}"} for k, title in enumerate(appendix)]
    return entries


@contextlib.contextmanager
def pypdf_quiet():
    """pypdf's clone of Chromium's PDF warns that it holds more objects than the
    printed trailer's /Size. The clone is complete (the tests walk its structure
    tree) and pypdf writes a right /Size: the warning is kept out of the output."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def destinations(reader: PdfReader) -> dict[str, tuple[int, float, float]]:
    """``{id: (0-based page, left, top)}`` for every named destination (a link target)."""
    found = {}
    for name, dest in reader.named_destinations.items():
        found[name.lstrip("/")] = (reader.get_destination_page_number(dest),
                                   float(dest.get("/Left") or 0), float(dest.get("/Top") or 0))
    return found


def add_bookmarks(writer: PdfWriter, places: dict, chapters: list[dict], titles: dict,
                  appendix: list[str]) -> None:
    """Contents, every chapter with its sections (h2), the appendix with its chapters."""
    def mark(title, place, parent=None):
        number, left, top = place
        return writer.add_outline_item(title, number, parent=parent, fit=Fit.xyz(left, top))

    writer.add_outline_item(CONTENTS, 1)   # the page after the cover (lb-cover is one page)
    for c in chapters:
        first, *sections = c["headings"]
        parent = mark(titles[first["id"]], places[first["id"]])
        for h in sections:
            if h["level"] == 2:
                mark(titles[h["id"]], places[h["id"]], parent)
    if appendix:
        parent = mark(APPENDIX, places["lb-appendix-title"])
        for k, title in enumerate(appendix):
            mark("Solutions: " + title, places[f"lb-appendix-{k}"], parent)


def assemble(page, html_dir: Path, config: dict, student: bool) -> tuple[list[dict], list[str]]:
    """Put the whole book into ``page``; return its chapters (part, title, headings,
    solutions) and the titles of the chapters the appendix has solutions for."""
    chapters = add_pages(page, html_dir, student)
    solved = [(c["title"], c["solutions"]) for c in chapters if c["solutions"]]
    appendix = [] if student else [title for title, _ in solved]
    insert = "([where, part]) => document.getElementById('lb-book').insertAdjacentHTML(where, part)"
    page.evaluate(insert, ["afterbegin", cover_html(config, student)
                           + contents_html(contents_entries(chapters, appendix))])
    if appendix:
        page.evaluate(insert, ["beforeend", appendix_html(solved)])
    names = {"lb-contents": CONTENTS, "lb-appendix": APPENDIX,
             **{f"lb-p{n}": c["title"] for n, c in enumerate(chapters)}}
    page.evaluate("(css) => document.getElementById('lb-book-css').append(css)", footer_css(names))
    first = html_dir / toc_pages()[0][1]
    page.evaluate(ADD_HEAD, {"source": first.read_text(encoding="utf-8"),
                             "url": first.resolve().as_uri()})
    page.evaluate(READY)
    return chapters, appendix


def print_numbered(page, targets: list[str]) -> tuple[PdfReader, dict, int]:
    """Print until the contents' page numbers stand still; return the PDF, where each
    target landed, and how many prints it took."""
    numbers = {}
    for prints in range(1, MAX_PRINTS + 1):
        printed = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True,
                                                tagged=True, outline=False)))
        places = destinations(printed)
        missing = [t for t in targets if t not in places]
        if missing:
            raise RuntimeError(f"no place in the PDF for the contents' lines {missing[:5]}")
        found = {t: places[t][0] + 1 for t in targets}
        if found == numbers:
            return printed, places, prints
        numbers = found
        page.evaluate(SET_NUMBERS, numbers)
    raise RuntimeError(f"the contents' page numbers did not settle in {MAX_PRINTS} prints")


def build(html_dir: Path, out: Path, student: bool = False, browser=None) -> dict:
    """Write the PDF; return what was made (path, pages, bytes, seconds, prints, errors).

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
    lang = re.search(r'<html[^>]*\slang="([^"]+)"',
                     (html_dir / toc_pages()[0][1]).read_text(encoding="utf-8"))
    empty = html_dir.parent / "pdf" / ("book-student.html" if student else "book.html")
    empty.parent.mkdir(parents=True, exist_ok=True)
    empty.write_text(book_html(config.get("title", ""), lang.group(1) if lang else "en"),
                     encoding="utf-8")

    context = browser.new_context(viewport={"width": 1000, "height": 1400}, color_scheme="light")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(empty.as_uri(), wait_until="load")
        page.emulate_media(media="print")
        chapters, appendix = assemble(page, html_dir, config, student)
        targets = [e["id"] for e in contents_entries(chapters, appendix) if e["level"]]
        printed, places, prints = print_numbered(page, targets)
        ids = [h["id"] for c in chapters for h in c["headings"]]
        titles = dict(zip(ids, page.evaluate(TITLES, ids)))   # math typeset, as printed
    finally:
        context.close()

    with pypdf_quiet():
        writer = PdfWriter(clone_from=printed)  # the structure tree comes along
    writer.pdf_header = printed.pdf_header  # %PDF-1.4: tagged PDF needs 1.4 or later
    add_bookmarks(writer, places, chapters, titles, appendix)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": config.get("title", ""), "/Author": config.get("author", "")})
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        writer.write(f)
    return {"path": out, "pages": len(writer.pages), "bytes": out.stat().st_size,
            "seconds": time.perf_counter() - start, "prints": prints, "errors": errors}


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
          f"{made['seconds']:.0f} s ({made['prints']} prints)")
    if made["errors"]:
        raise SystemExit("page errors while printing:\n" + "\n".join(made["errors"]))


if __name__ == "__main__":
    main()
