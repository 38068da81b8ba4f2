"""book/teachers.md: what it shows of the exercises comes from the package.

The exercise table and the two examples (a check cell with what `check` prints, an
autograder test cell, shortened) are written between marker comments
by `python -m lossbook.exercises table book/teachers.md`. These tests fail when the
page differs from the package, and, reading the chapter notebook itself, when an
example is not the notebook's cell or a call anywhere in the book's pages names an
exercise with another function than its own.
"""
from __future__ import annotations

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
    """Read from the notebook, not from the writer: the example check cell is a cell of
    notebooks/03_a_batch.ipynb, and the example test cell is one shortened: its lines
    are the cell's, in order, apart from "..." for what is left out."""
    cells = {c.source: c for c in nbformat.read(ROOT / "notebooks" / "03_a_batch.ipynb",
                                                as_version=4).cells}
    code, printed = fenced(generated("check example"), "python")[0], fenced(generated("check example"), "text")[0]
    lines = [re.sub(r"\s+# [a-z].*$", "", line) for line in code.splitlines()[2:]]
    assert "\n".join(lines) in cells, "the example check cell is not a cell of chapter 3"
    call = re.match(r"(ch3)\.(q\d+)\.check\((\w+)\)", lines[0])
    exercise = dict((e.name, e) for _, e in all_exercises())[f"{call[1]}.{call[2]}"]
    right, wrong = printed.splitlines()
    assert right == exercise.evaluate(exercise.reference).message and right.startswith("Correct")
    assert wrong.startswith("Incorrect: for ") and wrong.endswith(exercise.mistakes[0].words)

    (short,) = fenced(generated("grading example"), "python")
    tests = [c for c in cells.values() if c.metadata.get("nbgrader", {}).get("grade")
             and f"{call[1]}.{call[2]}" in c.source]
    assert len(tests) == 1, "one test cell of that exercise"
    full = [line for line in tests[0].source.splitlines() if line.strip()]
    at = 0
    for line in (line for line in short.splitlines() if line.strip() and line.strip() != "..."):
        line = line[:-len(" ...")] if line.endswith(": ...") else line   # a function's first line
        found = next((k for k in range(at, len(full)) if full[k] == line), None)
        assert found is not None, f"not a line of the test cell (in this order): {line!r}"
        at = found + 1
    assert short.splitlines()[-1] == full[-1] == f"_test({exercise.function_name})"
    assert "### BEGIN HIDDEN TESTS" in short and len(short.splitlines()) < len(full)


def test_every_call_to_an_exercise_names_its_own_function():
    """``ch3.q1.check(batch_loss)`` on a page, where ch3.q1 is ``axis0_sums``, is the
    slip this catches, in the book's pages and the README."""
    functions = {e.name: e.function_name for _, e in all_exercises()}
    calls = []
    for path in [*sorted((ROOT / "book").glob("*.md")), ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        calls += [(path.name, f"{c}.{q}", f) for c, q, f in
                  re.findall(r"\b(ch\d+)\.(q\d+)\.check\((\w+)", text)]
    assert len(calls) >= 2   # the teachers page and the README
    wrong = [(page, name, f, functions.get(name)) for page, name, f in calls if functions.get(name) != f]
    assert not wrong, f"(page, exercise, function called, its function): {wrong}"
