"""Write the student edition of the notebooks (solutions out, stubs in), or the learner edition.

    python -m lossbook.student SRC_DIR OUT_DIR              # nbgrader's release
    python -m lossbook.student --learner SRC_DIR OUT_DIR    # for a learner on their own

Every notebook in SRC_DIR is copied to OUT_DIR the way nbgrader's
``generate_assignment`` would release it:

- each solution region, from a line containing ``BEGIN SOLUTION`` to one containing
  ``END SOLUTION`` (any spelling: ``### BEGIN SOLUTION``, ``## BEGIN SOLUTION  # note``,
  ``<!-- BEGIN SOLUTION -->``), becomes nbgrader's stub, indented like the marker::

      # YOUR CODE HERE
      raise NotImplementedError()

  (``YOUR ANSWER HERE`` in a markdown or raw cell);
- a solution cell without markers (nbgrader metadata ``solution: true``) becomes
  the stub as a whole;
- hidden tests, from ``BEGIN HIDDEN TESTS`` to ``END HIDDEN TESTS``, are removed;
- outputs and execution counts are cleared, and the ``hide-input`` tag is dropped
  from the cells that had a solution, so students see their stub.

Every other cell is unchanged. With ``--learner`` (``write_learner_edition``) the
autograder test cells are left out as well: they fail for every unanswered
exercise, which is what grading needs but would stop a learner's Run All at the
first one. The learner keeps the check cells, which print one line and never stop
the notebook. That edition is what the book's download button and the in-browser
site give; the release (with its test cells) is for a class that nbgrader grades.

The tool never writes into a source notebook (not through a hard link, a symlink,
or an output folder that is the source folder under another name) and writes each
file under a temporary name first, so a failure leaves nothing half-written. Bad input gets one line naming the file,
and exit status 2.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_STUB = ("YOUR ANSWER HERE",)


def strip_region(source: str, begin: str, end: str, stub: tuple[str, ...] = (), where: str = "cell") -> str:
    """Return ``source`` with every region from a ``begin`` line to an ``end`` line replaced by ``stub``.

    A line *containing* ``begin`` (or ``end``) is a marker, as in nbgrader.

    >>> print(strip_region("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION",
    ...                    BEGIN, END, CODE_STUB))
    def f():
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    out, inside = [], False
    for number, line in enumerate(source.split("\n"), start=1):
        if begin in line:
            if inside:
                raise ValueError(f"{where}, line {number}: '{begin}' again before '{end}'.")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + text for text in stub)
        elif end in line:
            if not inside:
                raise ValueError(f"{where}, line {number}: '{end}' without a '{begin}' before it.")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: '{begin}' is never closed by '{end}'.")
    return "\n".join(out)


def strip_solutions(source: str, stub: tuple[str, ...] = CODE_STUB, where: str = "cell") -> str:
    """``source`` with its solution regions replaced by ``stub`` and its hidden tests removed."""
    return strip_region(strip_region(source, BEGIN, END, stub, where), BEGIN_HIDDEN, END_HIDDEN, (), where)


def student_notebook(notebook, name: str = "notebook"):
    """Return a student copy of an nbformat notebook (the original is not modified)."""
    import copy

    notebook = copy.deepcopy(notebook)
    for index, cell in enumerate(notebook.cells):
        where = f"{name}, cell {index}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        stub = CODE_STUB if cell.cell_type == "code" else MARKDOWN_STUB
        is_solution = bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))
        has_marker = BEGIN in cell.source or END in cell.source
        if has_marker or BEGIN_HIDDEN in cell.source or END_HIDDEN in cell.source:
            cell.source = strip_solutions(cell.source, stub, where)
        if is_solution and not has_marker:
            cell.source = "\n".join(stub)  # a marker-less solution cell: all of it is the answer
        if is_solution or has_marker:
            tags = cell.metadata.get("tags")
            if tags and "hide-input" in tags:
                cell.metadata["tags"] = [tag for tag in tags if tag != "hide-input"]
                if not cell.metadata["tags"]:
                    del cell.metadata["tags"]
    return notebook


def is_autograder_test(cell) -> bool:
    """True for an nbgrader autograder test cell (graded, not a student's answer)."""
    grader = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(grader.get("grade")) and not grader.get("solution")


def learner_notebook(notebook, name: str = "notebook"):
    """The learner's copy: the student copy without the autograder test cells."""
    notebook = student_notebook(notebook, name)
    notebook.cells = [cell for cell in notebook.cells if not is_autograder_test(cell)]
    return notebook


def _read(path: Path):
    """Read a notebook, or raise ValueError with one line that names the file."""
    import nbformat

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot read it ({type(error).__name__}: {error}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).") \
            from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or "nbformat" not in data:
        raise ValueError(f"{path}: JSON, but not a Jupyter notebook (no 'cells' and 'nbformat').")
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several kinds for broken notebooks
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"{path}: not a valid notebook ({first}).") from None
    return notebook


def _same(a: Path, b: Path) -> bool:
    """True if ``a`` and ``b`` are the same file or folder (links, mounts, case folded)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _check_folders(src: Path, out: Path) -> None:
    if not src.exists():
        raise ValueError(f"source folder {src} does not exist.")
    if not src.is_dir():
        raise ValueError(f"{src} is a file, not a folder: give the folder that holds the notebooks.")
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder: give a folder for the student notebooks.")
    if _same(src, out):
        raise ValueError(f"the output folder {out} is the source folder {src} (under another name): "
                         "writing there would overwrite the solutions.")


def _write_atomically(notebook, path: Path) -> None:
    """Write under a temporary name, then rename over ``path``: a link at ``path`` is
    replaced, never written through, and a failure leaves no half-written file."""
    import nbformat

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            nbformat.write(notebook, stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_student_edition(src_dir, out_dir) -> list[Path]:
    """Write a student copy (nbgrader's release) of every ``*.ipynb`` in ``src_dir`` to ``out_dir``.

    Returns the paths written.
    """
    return _write_edition(src_dir, out_dir, student_notebook)


def write_learner_edition(src_dir, out_dir) -> list[Path]:
    """Write a learner copy (no solutions, no autograder tests) of every ``*.ipynb`` in ``src_dir``.

    Returns the paths written in ``out_dir``.
    """
    return _write_edition(src_dir, out_dir, learner_notebook)


def _write_edition(src_dir, out_dir, convert) -> list[Path]:
    src, out = Path(src_dir), Path(out_dir)
    _check_folders(src, out)
    sources = sorted(src.glob("*.ipynb"))
    if not sources:
        raise ValueError(f"no notebooks (*.ipynb) found in {src}.")
    # Convert everything first, so a bad notebook leaves OUT_DIR untouched.
    converted = [(path, convert(_read(path), path.name)) for path in sources]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"{out}: cannot make the output folder ({error.strerror}).") from None
    _check_folders(src, out)  # again: the folder now exists, maybe as the source under another name
    written = []
    for path, notebook in converted:
        target = out / path.name
        if any(_same(target, source) for source in sources):
            # A link to a source notebook: rename replaces the link, the source stays intact.
            print(f"lossbook.student: note: {target} was a link to a source notebook; "
                  "it is replaced by its own file.", file=sys.stderr)
        try:
            _write_atomically(notebook, target)
        except OSError as error:
            raise ValueError(f"{target}: cannot write it ({error.strerror}).") from None
        written.append(target)
    return written


def main(argv=None) -> int:
    """Command line: ``python -m lossbook.student [--learner] SRC_DIR OUT_DIR``."""
    args = sys.argv[1:] if argv is None else list(argv)
    learner = args[:1] == ["--learner"]
    args = args[1:] if learner else args
    if len(args) != 2 or any(arg.startswith("--") for arg in args):
        print("usage: python -m lossbook.student [--learner] SRC_DIR OUT_DIR", file=sys.stderr)
        return 2
    try:
        written = (write_learner_edition if learner else write_student_edition)(*args)
    except ValueError as error:
        print(f"lossbook.student: error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {len(written)} {'learner' if learner else 'student'} notebooks to {args[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
