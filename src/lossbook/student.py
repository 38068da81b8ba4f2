"""Write the student edition of the notebooks: solutions out, stubs in.

    python -m lossbook.student SRC_DIR OUT_DIR

Every notebook in SRC_DIR is copied to OUT_DIR with each solution region (the lines
from ``### BEGIN SOLUTION`` to ``### END SOLUTION``) replaced by nbgrader's stub,
indented like the solution::

    # YOUR CODE HERE
    raise NotImplementedError()

(``YOUR ANSWER HERE`` in a markdown cell). Outputs and execution counts are cleared,
and the ``hide-input`` tag is dropped from the cells that had a solution, so students
see their stub. Every other cell is unchanged.
"""
from __future__ import annotations

import sys
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_STUB = ("YOUR ANSWER HERE",)


def strip_solutions(source: str, stub: tuple[str, ...] = CODE_STUB, where: str = "cell") -> str:
    """Return ``source`` with each marked solution region replaced by ``stub``.

    >>> print(strip_solutions("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION"))
    def f():
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    out, inside = [], False
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"{where}, line {number}: '{BEGIN}' again before '{END}'.")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + text for text in stub)
        elif marker == END:
            if not inside:
                raise ValueError(f"{where}, line {number}: '{END}' without a '{BEGIN}' before it.")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: '{BEGIN}' is never closed by '{END}'.")
    return "\n".join(out)


def student_notebook(notebook, name: str = "notebook"):
    """Return a student copy of an nbformat notebook (the original is not modified)."""
    import copy

    notebook = copy.deepcopy(notebook)
    for index, cell in enumerate(notebook.cells):
        where = f"{name}, cell {index}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if cell.cell_type not in ("code", "markdown") or BEGIN not in cell.source and END not in cell.source:
            continue
        stub = CODE_STUB if cell.cell_type == "code" else MARKDOWN_STUB
        cell.source = strip_solutions(cell.source, stub, where)
        tags = cell.metadata.get("tags")
        if tags and "hide-input" in tags:
            cell.metadata["tags"] = [tag for tag in tags if tag != "hide-input"]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
    return notebook


def write_student_edition(src_dir, out_dir) -> list[Path]:
    """Write a student copy of every ``*.ipynb`` in ``src_dir`` to ``out_dir``; return the paths."""
    import nbformat

    src, out = Path(src_dir), Path(out_dir)
    if not src.is_dir():
        raise ValueError(f"source folder {src} does not exist (or is not a folder).")
    if out.exists() and out.resolve() == src.resolve():
        raise ValueError(f"the output folder must differ from the source folder ({src}): "
                         "writing there would overwrite the solutions.")
    sources = sorted(src.glob("*.ipynb"))
    if not sources:
        raise ValueError(f"no notebooks (*.ipynb) found in {src}.")
    # Convert everything first, so a bad notebook leaves OUT_DIR untouched.
    converted = [(path.name, student_notebook(nbformat.read(path, as_version=4), path.name)) for path in sources]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, notebook in converted:
        nbformat.write(notebook, out / name)
        written.append(out / name)
    return written


def main(argv=None) -> int:
    """Command line: ``python -m lossbook.student SRC_DIR OUT_DIR``."""
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 2:
        print("usage: python -m lossbook.student SRC_DIR OUT_DIR", file=sys.stderr)
        return 2
    try:
        written = write_student_edition(*args)
    except ValueError as error:
        print(f"lossbook.student: error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {len(written)} student notebooks to {args[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
