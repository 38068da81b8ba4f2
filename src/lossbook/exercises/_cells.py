"""Write a chapter's exercises into its notebook, after the ``## Exercises`` heading.

Every exercise becomes:

- a markdown cell: the task and its estimated time;
- for a predict question answerable in the page (``_page.page_mode``), a cell
  ``chN.qK.question()`` whose output the book shows as a form (tag ``remove-input``);
- for a debugging exercise, a visible cell with the buggy code;
- the solution cell: nbgrader solution metadata, tagged ``hide-input`` so the book
  shows it behind a "Show the solution" toggle (``remove-cell`` for an in-page
  question, so the page does not give its answer away);
- the check cell (``check``, with ``hint`` and ``solution`` ready to uncomment);
- the autograder test cell: locked, ``grade: true`` with the exercise's points, a
  stable ``grade_id``; it calls ``grade`` (one line for a student, an
  AssertionError while nbgrader grades) and holds the hidden tests between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``. The book leaves it out.

All these cells carry ``metadata.lossbook = "exercise"``, so writing them again
replaces them instead of adding a second copy.
"""
from __future__ import annotations

import importlib
from pathlib import Path

MARK = "exercise"
NBGRADER_SCHEMA = 3


def grade_id(chapter: str, q: str, what: str) -> str:
    """The stable nbgrader ``grade_id`` of an exercise's cell, e.g. ``ch3-q1-test``."""
    return f"{chapter}-{q}-{what}"


def test_source(exercise, chapter: str, q: str) -> str:
    """The autograder test cell's code."""
    lines = [f"# Autograder test, {exercise.points} point{'s' if exercise.points > 1 else ''}: "
             "nbgrader runs this cell when it grades. Leave it as it is.",
             f"{chapter}.{q}.grade({exercise.function_name})"]
    if exercise.hidden_cases:
        lines += ["### BEGIN HIDDEN TESTS",
                  f"{chapter}.{q}.grade({exercise.function_name}, hidden=True)",
                  "### END HIDDEN TESTS"]
    return "\n".join(lines)


def exercise_groups(chapter: str, *, with_ids: bool = True) -> list[tuple[str | None, list]]:
    """``chapter``'s exercise cells by where they go: ``[(anchor cell id or None, cells), ...]``.

    ``None`` means under the ``## Exercises`` heading (the import cell comes first there);
    an id means right after the chapter cell with that id (``Exercise.place_after``).
    """
    import nbformat

    from ._page import page_mode

    module = importlib.import_module(f"lossbook.exercises.{chapter}")
    number = chapter[2:]

    def cell(kind, source, cell_id, **metadata):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        new = make(source, metadata={"lossbook": MARK, **metadata})
        if with_ids:
            new["id"] = cell_id
        else:
            new.pop("id", None)
        return new

    first = f"{chapter}.q1"
    groups: dict[str | None, list] = {None: [cell(
        "code", f"from lossbook.exercises import {chapter}  # the checks for these exercises\n\n"
        "# For each exercise: write the function, run its cell, then run the check cell below it.\n"
        f"# Stuck? Each check cell has a hint ready to uncomment, like {first}.hint();\n"
        f"# {first}.solution() shows a model answer.", f"{chapter}-exercises-import")]}
    for index, exercise in enumerate(module.EXERCISES, start=1):
        q = f"q{index}"
        assert exercise.name == f"{chapter}.{q}", exercise.name
        in_page = page_mode(exercise) is not None
        heading = (f"### Exercise {number}.{index}: {exercise.title}\n\n"
                   f"*{exercise.kind.capitalize()}, about {exercise.minutes} minutes, "
                   f"{exercise.points} point{'s' if exercise.points > 1 else ''}.*\n\n{exercise.task}")
        own = [cell("markdown", heading, f"{chapter}-{q}-task")]
        if in_page:
            own.append(cell("code", f"{chapter}.{q}.question()  # in the book's web page: answer it right there",
                            f"{chapter}-{q}-question", tags=["remove-input"]))
        if exercise.setup:
            own.append(cell("code", exercise.setup, f"{chapter}-{q}-given"))
        solution = {"solution": True, "grade": False, "locked": False, "task": False,
                    "grade_id": grade_id(chapter, q, exercise.function_name), "schema_version": NBGRADER_SCHEMA}
        own.append(cell("code", exercise.code, f"{chapter}-{q}-solution",
                        tags=["remove-cell"] if in_page else ["hide-input"], nbgrader=solution,
                        mystnb={"code_prompt_show": "Show the solution", "code_prompt_hide": "Hide the solution"}))
        check = cell("code", f"{chapter}.{q}.check({exercise.function_name})\n"
                     f"# {chapter}.{q}.hint()\n# {chapter}.{q}.solution()", f"{chapter}-{q}-check")
        if in_page:
            check.metadata["tags"] = ["remove-cell"]
        own.append(check)
        test = {"solution": False, "grade": True, "locked": True, "task": False, "points": exercise.points,
                "grade_id": grade_id(chapter, q, "test"), "schema_version": NBGRADER_SCHEMA}
        own.append(cell("code", test_source(exercise, chapter, q), f"{chapter}-{q}-test",
                        tags=["remove-cell"], nbgrader=test))
        groups.setdefault(exercise.place_after, []).extend(own)
    return list(groups.items())


def exercise_cells(chapter: str, *, with_ids: bool = True) -> list:
    """All of ``chapter``'s exercise cells ("ch1" ... "ch9"), as nbformat cells."""
    return [cell for _, cells in exercise_groups(chapter, with_ids=with_ids) for cell in cells]


def place_exercises(notebook, chapter: str, where: str = "notebook"):
    """Return ``notebook`` with ``chapter``'s exercise cells (re)placed; the input is not modified.

    Earlier copies of these cells are dropped; every other cell stays as it was.
    """
    import copy

    import nbformat

    notebook = copy.deepcopy(notebook)
    cells = [c for c in notebook.cells if c.get("metadata", {}).get("lossbook") != MARK]
    with_ids = (notebook.nbformat, notebook.nbformat_minor) >= (4, 5)
    for anchor, new in exercise_groups(chapter, with_ids=with_ids):
        if anchor is None:
            found = [i for i, c in enumerate(cells)
                     if c.cell_type == "markdown" and c.source.lstrip().startswith("## Exercises")]
            what = "one markdown cell starting with '## Exercises'"
        else:
            found = [i for i, c in enumerate(cells) if c.get("id") == anchor]
            what = f"one cell with id {anchor!r} (an exercise's place_after)"
        if len(found) != 1:
            raise ValueError(f"{where}: expected {what}, found {len(found)}.")
        at = found[0] + 1
        cells[at:at] = new
    notebook.cells = cells
    nbformat.validate(notebook)
    return notebook


def append_exercises(path: str | Path, chapter: str) -> int:
    """Write ``chapter``'s exercise cells into the notebook at ``path``; return how many.

    Cells go under ``## Exercises`` or after their ``place_after`` cell; earlier copies
    are replaced, every other cell stays as it was.
    """
    import nbformat

    path = Path(path)
    notebook = place_exercises(nbformat.read(path, as_version=4), chapter, str(path))
    nbformat.write(notebook, path)
    return sum(c.get("metadata", {}).get("lossbook") == MARK for c in notebook.cells)


def chapter_notebooks(folder: str | Path) -> dict[str, Path]:
    """``{"ch1": path, ...}``: each chapter's notebook in ``folder`` (named ``NN_*.ipynb``)."""
    from . import CHAPTERS

    found = {}
    for chapter in CHAPTERS:
        paths = sorted(Path(folder).glob(f"{int(chapter[2:]):02d}_*.ipynb"))
        if len(paths) != 1:
            raise ValueError(f"{folder}: expected one notebook for {chapter} "
                             f"({int(chapter[2:]):02d}_*.ipynb), found {len(paths)}.")
        found[chapter] = paths[0]
    return found
