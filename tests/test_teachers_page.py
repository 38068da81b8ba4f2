"""book/teachers.md: what it shows of the exercises comes from the package.

The exercise table and the two examples (a check cell with what `check` prints, an
autograder test cell with its nbgrader metadata) are written between marker comments
by `python -m lossbook.exercises table book/teachers.md`. These tests fail when the
page differs from the package, and, reading the chapter notebook itself, when an
example is not the notebook's cell or a call anywhere in the book's pages names an
exercise with another function than its own.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from lossbook.exercises import all_exercises
from lossbook.exercises.__main__ import GENERATED, markers, teachers_page

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "teachers.md"


def generated(name: str) -> str:
    start, end = markers(name)
    return PAGE.read_text(encoding="utf-8").split(start)[1].split(end)[0]


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)\n```", text, re.S)


def test_the_generated_parts_are_current():
    page = PAGE.read_text(encoding="utf-8")
    assert set(GENERATED) == {"exercise table", "check example", "grading example"}
    assert teachers_page(page) == page, \
        "book/teachers.md differs from the package: run `python -m lossbook.exercises table book/teachers.md`"


def test_the_examples_are_chapter_3s_cells():
    """Read from the notebook, not from the writer: the example test cell and check cell
    are cells of notebooks/03_a_batch.ipynb, with the metadata the page shows."""
    cells = {c.source: c for c in nbformat.read(ROOT / "notebooks" / "03_a_batch.ipynb",
                                                as_version=4).cells}
    (test,) = fenced(generated("grading example"), "python")
    assert test in cells and "### BEGIN HIDDEN TESTS" in test
    (metadata,) = fenced(generated("grading example"), "json")
    metadata = json.loads(metadata)
    assert metadata["test cell"] == cells[test].metadata["nbgrader"]
    solutions = [c for c in cells.values()
                 if c.metadata.get("nbgrader", {}).get("grade_id") == metadata["solution cell"]["grade_id"]]
    assert len(solutions) == 1 and solutions[0].metadata["nbgrader"] == metadata["solution cell"]

    code, printed = fenced(generated("check example"), "python")[0], fenced(generated("check example"), "text")[0]
    lines = [re.sub(r"\s+# [a-z].*$", "", line) for line in code.splitlines()[2:]]
    assert "\n".join(lines) in cells, "the example check cell is not a cell of chapter 3"
    call = re.match(r"(ch3)\.(q\d+)\.check\((\w+)\)", lines[0])
    exercise = dict((e.name, e) for _, e in all_exercises())[f"{call[1]}.{call[2]}"]
    right, wrong = printed.splitlines()
    assert right == exercise.evaluate(exercise.reference).message and right.startswith("Correct")
    assert wrong.startswith("Incorrect: for ") and wrong.endswith(exercise.mistakes[0].words)


def test_every_call_to_an_exercise_names_its_own_function():
    """``ch3.q1.check(batch_loss)`` on a page, where ch3.q1 is ``axis0_sums``, is the
    slip this catches, in the book's pages and the README."""
    functions = {e.name: e.function_name for _, e in all_exercises()}
    calls = []
    for path in [*sorted((ROOT / "book").glob("*.md")), ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        calls += [(path.name, f"{c}.{q}", f) for c, q, f in
                  re.findall(r"\b(ch\d+)\.(q\d+)\.(?:check|grade)\((\w+)", text)]
    assert len(calls) >= 3
    wrong = [(page, name, f, functions.get(name)) for page, name, f in calls if functions.get(name) != f]
    assert not wrong, f"(page, exercise, function called, its function): {wrong}"
