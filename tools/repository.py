"""The book's repository URL, set in one place: ``_config.yml``'s ``repository.url``.

    python tools/repository.py                               # print it ("" = none)
    python tools/repository.py https://github.com/OWNER/REPO # set it
    python tools/repository.py ""                            # no repository

Setting it does two things, so nothing can disagree with it:

- ``_config.yml``: the book's repository button and its Binder and Colab buttons
  follow it (``book/_ext/launch.py``; with no URL there are none);
- every chapter notebook gets, right after its title, one hidden cell (tag
  ``remove-cell``, id ``lossbook-install``) that installs nnfs and lossbook from that
  repository only when lossbook is missing: in Colab, which opens the notebook
  straight from the repository, its first code cell makes the chapter run. Where
  lossbook is installed (locally, Binder, the book's JupyterLite) it does nothing.
  With no URL the cell is removed.

The Pages workflow runs it with the repository it runs in, before building.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "_config.yml"
NOTEBOOKS = ROOT / "notebooks"
CELL_ID = "lossbook-install"
URL = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
URL_LINE = re.compile(r"^(repository:\n(?:[ \t]*#.*\n)*[ \t]+url:[ \t]*)(.*)$", re.MULTILINE)


def read_url(config: Path = CONFIG) -> str:
    import yaml

    return (yaml.safe_load(config.read_text(encoding="utf-8")).get("repository") or {}).get("url") or ""


def install_source(url: str) -> str:
    """The cell's code: install from ``url`` only when lossbook cannot be imported."""
    return ("# Colab, or a Python without lossbook: install it from the book's repository.\n"
            "try:\n"
            "    import lossbook  # noqa: F401\n"
            "except ImportError:\n"
            f'    repository = "{url}"\n'
            '    %pip install --quiet nnfs "git+{repository}"')


def stamp(notebook_path: Path, url: str) -> None:
    """Put the install cell for ``url`` after the title (or remove it, for no URL)."""
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    cells = [c for c in notebook.cells if c.get("id") != CELL_ID]
    if url:
        cell = nbformat.v4.new_code_cell(install_source(url), id=CELL_ID,
                                         metadata={"tags": ["remove-cell"]})
        cells.insert(1, cell)
    if cells != notebook.cells:
        notebook.cells = cells
        nbformat.write(notebook, notebook_path)


def set_url(url: str, config: Path = CONFIG, notebooks: Path = NOTEBOOKS) -> None:
    if url and not URL.fullmatch(url):
        raise ValueError(f"{url!r} is not a GitHub repository URL like https://github.com/OWNER/REPO "
                         "(Binder and Colab open GitHub repositories).")
    text = config.read_text(encoding="utf-8")
    if not URL_LINE.search(text):
        raise ValueError(f"{config} has no `repository:` block with a `url:` line.")
    config.write_text(URL_LINE.sub(lambda m: m.group(1) + (url or '""'), text, count=1),
                      encoding="utf-8")
    for path in sorted(notebooks.glob("*.ipynb")):
        stamp(path, url)


def main(argv: list[str]) -> int:
    if not argv:
        print(read_url())
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        set_url(argv[0].rstrip("/").removesuffix(".git"))
    except ValueError as error:
        print(f"repository: error: {error}", file=sys.stderr)
        return 2
    print(f"repository: {read_url() or '(none)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
