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


def append_exercises(path: str | Path, chapter: str) -> int:
    """Put ``chapter``'s exercise cells right after the notebook's ``## Exercises`` cell.

    Earlier copies of these cells are replaced; every other cell stays as it was.
    Returns the number of exercise cells written.
    """
    import nbformat

    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    kept = [c for c in notebook.cells if c.get("metadata", {}).get("lossbook") != MARK]
    headings = [i for i, c in enumerate(kept)
                if c.cell_type == "markdown" and c.source.lstrip().startswith("## Exercises")]
    if len(headings) != 1:
        raise ValueError(f"{path}: expected one markdown cell starting with '## Exercises', found {len(headings)}.")
    with_ids = (notebook.nbformat, notebook.nbformat_minor) >= (4, 5)
    new = exercise_cells(chapter, with_ids=with_ids)
    at = headings[0] + 1
    notebook.cells = kept[:at] + new + kept[at:]
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return len(new)
