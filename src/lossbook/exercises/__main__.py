"""Write exercises into notebooks, and the exercise table into the teachers page.

    python -m lossbook.exercises write notebooks/
    python -m lossbook.exercises table book/teachers.md
    python -m lossbook.exercises add EXERCISE_FILE NOTEBOOK

The package (``lossbook.exercises.chN``) is the one source of every exercise of the
book: its task, solution, check and autograder test cells, and its points. ``write``
(re)writes the cells into each chapter's notebook; ``table`` rewrites the exercise
table of the teachers page between its two marker comments. ``tests/test_exercises.py``
and ``tests/test_nbgrader.py`` fail when a notebook or the table differs from the
package. ``add`` writes a teacher's own exercise file into a notebook (see ``_teacher``).
"""
from __future__ import annotations

import sys
from pathlib import Path

from ._cells import append_exercises, chapter_notebooks
from ._teacher import add

TABLE_START = "<!-- exercise table: written by `python -m lossbook.exercises table book/teachers.md` -->"
TABLE_END = "<!-- end of the exercise table -->"


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


def write_table(path: str | Path) -> None:
    """Replace the text between the table markers in ``path`` with ``exercise_table()``."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if text.count(TABLE_START) != 1 or text.count(TABLE_END) != 1:
        raise ValueError(f"{path}: expected one line '{TABLE_START}' and one '{TABLE_END}'.")
    before, rest = text.split(TABLE_START)
    after = rest.split(TABLE_END)[1]
    path.write_text(f"{before}{TABLE_START}\n{exercise_table()}\n{TABLE_END}{after}", encoding="utf-8")


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
            print(f"{args[1]}: exercise table written")
            return 0
        for chapter, path in chapter_notebooks(args[1]).items():
            print(f"{path}: {append_exercises(path, chapter)} exercise cells")
    except (ValueError, OSError) as error:
        print(f"lossbook.exercises: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
