"""Write a chapter's exercises into its notebook, after the ``## Exercises`` heading.

Every exercise becomes: a markdown cell (the task and its estimated time), for a
debugging exercise a visible cell with the buggy code, the solution cell (nbgrader
solution metadata, tagged ``hide-input`` so the book shows it behind a "Show the
solution" toggle) and
a check cell. All these cells carry ``metadata.lossbook = "exercise"``, so writing
them again replaces them instead of adding a second copy.
"""
from __future__ import annotations

import importlib
from pathlib import Path

MARK = "exercise"


def exercise_cells(chapter: str, *, with_ids: bool = True) -> list:
    """The notebook cells for ``chapter`` ("ch1" ... "ch7"), as nbformat cells."""
    import nbformat

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

    cells = [cell("code", f"from lossbook.exercises import {chapter}  # the checks for these exercises\n\n"
                  "# For each exercise: write the function, run its cell, then run the check cell below it.\n"
                  f"# Stuck? Uncomment {chapter}.qK.hint(); to compare with a model answer, {chapter}.qK.solution().",
                  f"{chapter}-exercises-import")]
    for index, exercise in enumerate(module.EXERCISES, start=1):
        q = f"q{index}"
        assert exercise.name == f"{chapter}.{q}", exercise.name
        heading = (f"### Exercise {number}.{index}: {exercise.title}\n\n"
                   f"*{exercise.kind.capitalize()}, about {exercise.minutes} minutes.*\n\n{exercise.task}")
        cells.append(cell("markdown", heading, f"{chapter}-{q}-task"))
        if exercise.setup:
            cells.append(cell("code", exercise.setup, f"{chapter}-{q}-given"))
        nbgrader = {"solution": True, "grade": False, "grade_id": f"{chapter}-{q}-{exercise.function_name}",
                    "locked": False, "schema_version": 3}
        cells.append(cell("code", exercise.code, f"{chapter}-{q}-solution", tags=["hide-input"], nbgrader=nbgrader,
                          mystnb={"code_prompt_show": "Show the solution", "code_prompt_hide": "Hide the solution"}))
        cells.append(cell("code", f"{chapter}.{q}.check({exercise.function_name})\n"
                          f"# {chapter}.{q}.hint()\n# {chapter}.{q}.solution()", f"{chapter}-{q}-check"))
    return cells


def exercise_groups(chapter: str, *, with_ids: bool = True) -> list[tuple[str | None, list]]:
    """``exercise_cells`` split by where they go: ``[(anchor cell id or None, cells), ...]``.

    ``None`` means under the ``## Exercises`` heading (the import cell comes first there);
    an id means right after the chapter cell with that id (``Exercise.place_after``).
    """
    module = importlib.import_module(f"lossbook.exercises.{chapter}")
    cells = exercise_cells(chapter, with_ids=with_ids)
    groups: dict[str | None, list] = {None: [cells[0]]}
    rest = iter(cells[1:])
    for exercise in module.EXERCISES:
        own = [next(rest)]  # the task cell
        own += [next(rest) for _ in range(3 if exercise.setup else 2)]
        groups.setdefault(exercise.place_after, []).extend(own)
    return list(groups.items())


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
