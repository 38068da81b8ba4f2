"""Translate the chapter notebooks with the book's gettext catalogs (the Chinese notebooks).

The Chinese pages come from Sphinx: it reads ``locales/zh_CN/LC_MESSAGES/<page>.po``
and swaps each English message for its translation. A message is one heading,
paragraph, list-item paragraph or table cell of a markdown cell, written as in the
source (MyST markup kept) with its lines joined by spaces. This module applies the
same catalogs to the notebooks themselves, block by block, so a Chinese learner can
run Chinese notebooks::

    python -m lossbook.translate notebooks out/zh --locales locales --language zh_CN

Code cells are copied unchanged (code names stay English); a first code cell
``set_language("zh_CN")`` makes figure text and ``check()`` messages Chinese
(see :mod:`lossbook.i18n`). A block whose English text has no translation is an
error that names it, never a silently English paragraph.
"""
from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

from .i18n import translate as translate_text

LANGUAGE_CELL_ID = "lossbook-language"
DIRECTIVE = re.compile(r"^\{([\w:-]+)\}")


class MissingTranslation(ValueError):
    """Raised with every English block that the catalog does not translate."""


def load_catalog(po_path) -> dict[str, str]:
    """``{msgid: msgstr}`` of a .po file's translated, non-fuzzy, non-obsolete entries."""
    import polib

    catalog = polib.pofile(str(po_path))
    return {e.msgid: e.msgstr for e in catalog
            if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}


def message_id(text: str) -> str:
    """The gettext message for a block's text: lines joined by one space, ends trimmed."""
    return " ".join(line.strip() for line in text.strip().splitlines())


def _parser():
    from myst_parser.parsers.mdit import create_md_parser
    from myst_parser.config.main import MdParserConfig
    from markdown_it.renderer import RendererHTML

    config = MdParserConfig(enable_extensions={"colon_fence", "dollarmath", "amsmath", "deflist"})
    return create_md_parser(config, RendererHTML)


def translate_markdown(source: str, catalog: dict[str, str], used: set | None = None,
                       missing: list | None = None) -> str:
    """``source`` with every heading, paragraph and table cell replaced by its translation.

    Each block is rewritten on its own lines, keeping what marks it (``## ``, ``- ``,
    ``1. ``, ``> ``, indentation); the translation is written on one line. Math blocks,
    code fences and HTML are kept. Directive fences (```` ```{note} ````, ``:::``) are
    translated inside. English text with no entry is appended to ``missing``.
    """
    used = set() if used is None else used
    missing = [] if missing is None else missing
    lines = source.split("\n")
    tokens = _parser().parse(source)
    replacements: dict[int, tuple[int, str]] = {}   # first line -> (end line, new text)

    def lookup(text: str) -> str | None:
        key = message_id(text)
        if not key:
            return text
        if key in catalog:
            used.add(key)
            return catalog[key]
        missing.append(key)
        return None

    for i, token in enumerate(tokens):
        if token.type == "inline" and token.map and token.level >= 1:
            parent = tokens[i - 1]
            if parent.type in ("th_open", "td_open"):
                continue  # table cells: handled per row below
            start, end = token.map
            new = lookup(token.content)
            for child in token.children or []:   # an image's alt text is its own message too
                if child.type == "image" and message_id(child.content) in catalog:
                    used.add(message_id(child.content))
            if new is None:
                continue
            first = token.content.split("\n")[0]
            prefix = lines[start][: lines[start].find(first)] if first in lines[start] else ""
            if parent.type == "heading_open" and not prefix and start + 1 < end:
                replacements[start] = (end, new + "\n" + lines[end - 1])  # setext heading
                continue
            replacements[start] = (end, prefix + new)
        elif token.type in ("math_block", "math_block_label", "amsmath") and token.map:
            # math is a message too (its lines kept as written); usually kept as it is
            key = next((k for k in (token.content, token.content.strip(), message_id(token.content))
                        if k in catalog), None)
            if key is not None:
                used.add(key)
                if catalog[key] != key and token.type == "math_block":
                    start, end = token.map
                    replacements[start] = (end, "$$\n" + catalog[key] + "\n$$")
        elif token.type == "tr_open" and token.map:
            start = token.map[0]
            cells = lines[start].split("|")
            out = [c if not c.strip() else c.replace(c.strip(), lookup(c.strip()) or c.strip())
                   for c in cells]
            replacements[start] = (start + 1, "|".join(out))
        elif token.type in ("fence", "colon_fence") and DIRECTIVE.match(token.info.strip()):
            start, end = token.map
            body = token.content
            options = []
            body_lines = body.split("\n")
            while body_lines and body_lines[0].startswith(":") and not body_lines[0].startswith("::"):
                options.append(body_lines.pop(0))
            inner = translate_markdown("\n".join(body_lines), catalog, used, missing)
            argument = DIRECTIVE.sub("", token.info.strip()).strip()
            head = lines[start]
            if argument:
                translated = lookup(argument)
                head = head.replace(argument, translated) if translated else head
            fence = lines[end - 1]
            block = "\n".join([head, *options, inner.rstrip("\n"), fence])
            replacements[start] = (end, block)
    out, n = [], 0
    while n < len(lines):
        if n in replacements:
            end, text = replacements[n]
            out.append(text)
            n = max(end, n + 1)
        else:
            out.append(lines[n])
            n += 1
    return "\n".join(out)


def language_cell(language: str):
    import nbformat

    cell = nbformat.v4.new_code_cell(
        translate_text("# The language of this notebook's figures and check() messages:", language)
        + f'\nfrom lossbook.i18n import set_language\n\nset_language("{language}")',
        metadata={"lossbook": "language", "tags": ["remove-cell"]})
    cell["id"] = LANGUAGE_CELL_ID
    return cell


def translate_notebook(notebook, catalog: dict[str, str], language: str, name: str = "notebook"):
    """A translated copy of an nbformat notebook; raises MissingTranslation naming each gap."""
    notebook = copy.deepcopy(notebook)
    used: set = set()
    missing: list = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, catalog, used, missing)
        prompts = cell.get("metadata", {}).get("mystnb", {})
        for key in ("code_prompt_show", "code_prompt_hide"):
            if key in prompts:
                prompts[key] = translate_text(prompts[key], language)
    if missing:
        listed = "\n".join(f"  - {m[:100]}" for m in missing)
        raise MissingTranslation(f"{name}: {len(missing)} English block(s) have no translation "
                                 f"in the catalog:\n{listed}")
    cells = [c for c in notebook.cells if c.get("id") != LANGUAGE_CELL_ID]
    new = language_cell(language)
    if (notebook.nbformat, notebook.nbformat_minor) < (4, 5):
        new.pop("id", None)     # cell ids exist from nbformat 4.5 on
    notebook.cells = [new, *cells]
    notebook.metadata.setdefault("lossbook", {})["language"] = language
    return notebook


def catalog_path(locales, language: str, docname: str) -> Path:
    return Path(locales) / language / "LC_MESSAGES" / f"{docname}.po"


def write_notebook(path, out_path, locales, language: str = "zh_CN") -> Path:
    """Translate one chapter notebook into ``out_path`` (see :func:`write_notebooks`)."""
    import nbformat

    path, out_path = Path(path), Path(out_path)
    po = catalog_path(locales, language, f"notebooks/{path.stem}")
    if not po.is_file():
        raise ValueError(f"no catalog {po} for {path.name}: run `make catalogs`.")
    notebook = translate_notebook(nbformat.read(path, as_version=4), load_catalog(po),
                                  language, path.name)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, out_path)
    return out_path


def write_notebooks(src_dir, out_dir, locales, language: str = "zh_CN") -> list[Path]:
    """Translate every ``*.ipynb`` in ``src_dir`` into ``out_dir``; return the paths.

    The catalog of ``notebooks/NAME.ipynb`` is ``<locales>/<language>/LC_MESSAGES/
    notebooks/NAME.po`` (the page's path in the book). Everything is translated first,
    so one gap leaves ``out_dir`` untouched.
    """
    import nbformat

    src, out = Path(src_dir), Path(out_dir)
    if out.exists() and out.resolve() == src.resolve():
        raise ValueError(f"the output folder must differ from the source folder ({src}).")
    sources = sorted(src.glob("*.ipynb"))
    if not sources:
        raise ValueError(f"no notebooks (*.ipynb) found in {src}.")
    done = []
    for path in sources:
        po = catalog_path(locales, language, f"notebooks/{path.stem}")
        if not po.is_file():
            raise ValueError(f"no catalog {po} for {path.name}: run `make catalogs`.")
        notebook = nbformat.read(path, as_version=4)
        done.append((path.name, translate_notebook(notebook, load_catalog(po), language, path.name)))
    out.mkdir(parents=True, exist_ok=True)
    for name, notebook in done:
        nbformat.write(notebook, out / name)
    return [out / name for name, _ in done]


def catalog_stats(locales, language: str = "zh_CN") -> dict[str, dict[str, int]]:
    """Per .po file: how many entries are translated, fuzzy, untranslated, obsolete."""
    import polib

    base = Path(locales) / language / "LC_MESSAGES"
    stats = {}
    for po_path in sorted(base.rglob("*.po")):
        po = polib.pofile(str(po_path))
        entries = [e for e in po if not e.obsolete]
        stats[str(po_path.relative_to(base))] = {
            "translated": sum(bool(e.msgstr) and "fuzzy" not in e.flags for e in entries),
            "fuzzy": sum("fuzzy" in e.flags for e in entries),
            "untranslated": sum(not e.msgstr for e in entries),
            "obsolete": sum(e.obsolete for e in po),
        }
    return stats


def main(argv=None) -> int:
    """``python -m lossbook.translate SRC OUT [--locales DIR] [--language zh_CN]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lossbook.translate", description=__doc__.split("\n")[0])
    parser.add_argument("src")
    parser.add_argument("out")
    parser.add_argument("--locales", default="locales")
    parser.add_argument("--language", default="zh_CN")
    args = parser.parse_args(argv)
    try:
        written = write_notebooks(args.src, args.out, args.locales, args.language)
    except ValueError as error:
        print(f"lossbook.translate: error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {len(written)} {args.language} notebooks to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


# --- text the package shows (src/lossbook/locale/<language>.json) -----------------
PACKAGE = Path(__file__).resolve().parent
# Text that is not in a t("...") literal but is shown translated: the solution and
# plotting-code toggles (notebook metadata, translated by book/_ext/edition.py and
# translate_notebook) and the first line of the Chinese notebooks' language cell.
EXTRA_STRINGS = ("Show the solution", "Hide the solution",
                 "Show the plotting code", "Hide the plotting code",
                 "# The language of this notebook's figures and check() messages:")


def t_literals(source: str) -> list[str]:
    """Every string literal passed as first argument to ``t(...)`` or ``i18n.t(...)``."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            name = node.func.id if isinstance(node.func, ast.Name) else \
                node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name == "t":
                found.append(node.args[0].value)
    return found


def package_strings(notebooks=None) -> dict[str, str]:
    """``{English text: where it comes from}`` for everything the package and chapters show.

    - ``t("...")`` literals in ``src/lossbook`` and in the notebooks' code cells;
    - every exercise's hint, success line and mistake words (``Exercise._hint``,
      ``.success``, ``Mistake.words``; ``Case.label`` is an input written as code and
      stays as it is);
    - the check messages and the in-page form's words (``MESSAGES``, ``WORDS``);
    - the toggle words and the language cell (``EXTRA_STRINGS``).
    """
    import nbformat

    strings: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for text in t_literals(path.read_text(encoding="utf-8")):
            strings.setdefault(text, f"t() in {path.relative_to(PACKAGE.parent)}")
    if notebooks is not None:
        for path in sorted(Path(notebooks).glob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            for cell in notebook.cells:
                if cell.cell_type != "code":
                    continue
                try:
                    literals = t_literals(_python_only(cell.source))
                except SyntaxError:
                    continue
                for text in literals:
                    strings.setdefault(text, f"t() in {path.name}, cell {cell.get('id')}")
    from .exercises import all_exercises

    for _, exercise in all_exercises():
        for what, text in [("hint", exercise._hint), ("success", exercise.success),
                           *[("mistake", m.words) for m in exercise.mistakes]]:
            if text:
                strings.setdefault(text, f"{exercise.name} {what}")
    from .exercises._grading import MESSAGES
    from .exercises._page import WORDS

    for table, name in ((MESSAGES, "_grading.MESSAGES"), (WORDS, "_page.WORDS")):
        for key, text in table.items():  # looked up through t(TABLE[key])
            strings.setdefault(text, f"lossbook.exercises.{name}[{key!r}]")
    for text in EXTRA_STRINGS:
        strings.setdefault(text, "lossbook.translate.EXTRA_STRINGS")
    return strings


def _python_only(source: str) -> str:
    """A code cell without IPython magics and shell lines (so ``ast`` can read it)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def missing_package_strings(language: str = "zh_CN", notebooks=None) -> dict[str, str]:
    """The package strings with no entry in ``locale/<language>.json``: ``{text: where}``."""
    import json

    path = PACKAGE / "locale" / f"{language}.json"
    catalog = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {text: where for text, where in package_strings(notebooks).items()
            if not catalog.get(text)}
