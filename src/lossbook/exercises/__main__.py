"""Write exercises into notebooks, and what the teachers page shows of them.

    python -m lossbook.exercises write notebooks/
    python -m lossbook.exercises table book/teachers.md
    python -m lossbook.exercises add EXERCISE_FILE NOTEBOOK

The package (``lossbook.exercises.chN``) is the one source of every exercise of the
book: its task, solution, check and autograder test cells, and its points. ``write``
(re)writes the cells into each chapter's notebook; ``table`` rewrites the parts of the
teachers page that come from them, each between its two marker comments: the exercise
table, an example check cell with what ``check`` prints, and an example autograder
test cell, shortened (the cells as the notebooks have them). ``tests/test_exercises.py``,
``tests/test_nbgrader.py`` and ``tests/test_teachers_page.py`` fail when a notebook or
the page differs from the package. ``add`` writes a teacher's own exercise file into a
notebook (see ``_teacher``).
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

from ._cells import append_exercises, chapter_notebooks
from ._teacher import add

WRITTEN_BY = "written by `python -m lossbook.exercises table book/teachers.md`"


def markers(name: str) -> tuple[str, str]:
    """The two comments around a generated part of the teachers page."""
    return f"<!-- {name}: {WRITTEN_BY} -->", f"<!-- end of the {name} -->"


TABLE_START, TABLE_END = markers("exercise table")


def exercise_table() -> str:
    """The teachers page's table of every exercise (markdown), with the totals after it."""
    from . import all_exercises
    from ._page import page_mode

    rows = ["| Chapter | Exercise | Function | Kind | Minutes | Points | In the web page |",
            "|---|---|---|---|---|---|---|"]
    exercises = all_exercises()
    for chapter, exercise in exercises:
        number = exercise.name.replace("ch", "").replace(".q", ".")
        mode = {"number": "a number", "choice": "a choice", "text": "a word"}.get(page_mode(exercise), "")
        rows.append(f"| {chapter[2:]} | {number} {exercise.title} | `{exercise.function_name}` | {exercise.kind} "
                    f"| {exercise.minutes} | {exercise.points} | {mode} |")
    minutes = sum(e.minutes for _, e in exercises)
    points = sum(e.points for _, e in exercises)
    rows += ["", f"In all: {len(exercises)} exercises, about {minutes} minutes of work, {points} points."]
    return "\n".join(rows)


def example_exercise() -> tuple[str, str, object]:
    """``(chapter, "qK", Exercise)``: the exercise the teachers page shows, chapter 3's
    first practice task with hidden tests (chapter 3 keeps its number)."""
    from . import all_exercises

    for chapter, exercise in all_exercises():
        if chapter == "ch3" and exercise.kind == "practice" and exercise.hidden_cases:
            return chapter, exercise.name.split(".")[1], exercise
    raise ValueError("chapter 3 has no practice exercise with hidden tests to show.")


def _cell(chapter: str, cell_id: str):
    """The cell ``cell_id`` of ``chapter``'s exercise cells, as ``write`` puts it in the notebook."""
    from ._cells import exercise_cells

    return next(c for c in exercise_cells(chapter) if c["id"] == cell_id)


def check_example() -> str:
    """The example's check cell (its import above it), then what ``check`` prints for
    the model answer and for the exercise's first classic mistake."""
    chapter, q, exercise = example_exercise()
    importing = _cell(chapter, f"{chapter}-exercises-import").source.splitlines()[0]
    lines = _cell(chapter, f"{chapter}-{q}-check").source.splitlines()
    notes = ["one line of feedback", "a nudge", "the model answer's code"]
    if len(lines) != len(notes):
        raise ValueError(f"{chapter}.{q}'s check cell has {len(lines)} lines; the page explains "
                         f"{len(notes)}: update check_example().")
    width = max(map(len, lines)) + 2
    annotated = [f"{line.ljust(width)}# {note}" for line, note in zip(lines, notes)]
    printed = [exercise.evaluate(exercise.reference).message,
               exercise.evaluate(exercise.mistakes[0].make).message]
    return "\n".join(["```python", importing, "", *annotated, "```", "", "```text", *printed, "```"])


def shortened(source: str) -> str:
    """A test cell as the teachers page shows it: the rule functions copied into it (every
    inner function but ``checks``) by their first line, each list of cases by its first
    case, the loop by its last line (the assert); every line kept is the cell's own."""
    lines = source.splitlines()
    test = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))
    cuts = []   # (first line, last line, what stands for them), 1-based

    def indent(node) -> str:
        return " " * node.col_offset

    for node in test.body:
        if isinstance(node, ast.FunctionDef) and node.name != "checks" and \
                lines[node.lineno - 1].rstrip().endswith(":"):
            cuts.append((node.lineno, node.end_lineno, [lines[node.lineno - 1].rstrip() + " ..."]))
        elif isinstance(node, (ast.Assign, ast.AugAssign)) and isinstance(node.value, ast.List) \
                and node.value.elts:
            first = node.value.elts[0]   # the visible cases keep their first one
            last = first.end_lineno if isinstance(node, ast.Assign) else node.lineno
            cuts.append((node.lineno, node.end_lineno, [*lines[node.lineno - 1:last],
                                                        indent(first) + "...",
                                                        lines[node.end_lineno - 1]]))
        elif isinstance(node, ast.For) and len(node.body) > 1:
            last = node.body[-1]
            cuts.append((node.lineno, node.end_lineno,
                         [lines[node.lineno - 1], indent(node.body[0]) + "...",
                          *lines[last.lineno - 1:last.end_lineno]]))
    out, line = [], 1
    for first, last, instead in sorted(cuts):
        out += lines[line - 1:first - 1] + instead
        line = last + 1
    out += lines[line - 1:]
    short = [f"{line}" for line in out]   # no blank line between two one-line functions
    return "\n".join(line for k, line in enumerate(short) if line.strip() or not (
        0 < k < len(short) - 1 and short[k - 1].endswith(": ...") and short[k + 1].endswith(": ...")))


def grading_example() -> str:
    """The example's autograder test cell, shortened."""
    chapter, q, _ = example_exercise()
    return "\n".join(["```python", shortened(_cell(chapter, f"{chapter}-{q}-test").source), "```"])


GENERATED = {"exercise table": exercise_table, "check example": check_example,
             "grading example": grading_example}


def teachers_page(text: str, where: str = "the teachers page") -> str:
    """``text`` with every generated part rewritten between its markers."""
    for name, write in GENERATED.items():
        start, end = markers(name)
        if text.count(start) != 1 or text.count(end) != 1:
            raise ValueError(f"{where}: expected one line '{start}' and one '{end}'.")
        before, rest = text.split(start)
        after = rest.split(end)[1]
        text = f"{before}{start}\n{write()}\n{end}{after}"
    return text


def write_table(path: str | Path) -> None:
    """Rewrite the generated parts of the teachers page at ``path`` (table, examples)."""
    path = Path(path)
    path.write_text(teachers_page(path.read_text(encoding="utf-8"), str(path)), encoding="utf-8")


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not (len(args) == 2 and args[0] in ("write", "table") or len(args) == 3 and args[0] == "add"):
        print("usage: python -m lossbook.exercises write NOTEBOOK_FOLDER\n"
              "       python -m lossbook.exercises table TEACHERS_PAGE\n"
              "       python -m lossbook.exercises add EXERCISE_FILE NOTEBOOK", file=sys.stderr)
        return 2
    try:
        if args[0] == "add":
            exercise = add(args[1], args[2])
            print(f"{args[2]}: exercise {exercise.name!r} written ({exercise.points} points)")
            return 0
        if args[0] == "table":
            write_table(args[1])
            print(f"{args[1]}: exercise table and examples written")
            return 0
        for chapter, path in chapter_notebooks(args[1]).items():
            print(f"{path}: {append_exercises(path, chapter)} exercise cells")
    except (ValueError, OSError) as error:
        print(f"lossbook.exercises: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
