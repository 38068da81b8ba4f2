"""Write the exercise cells from the package into the chapter notebooks.

    python -m lossbook.exercises write notebooks/

The package (``lossbook.exercises.chN``) is the one source of every exercise: its
task, solution and check cells. This command (re)writes them into each chapter's
notebook; ``tests/test_exercises.py`` fails when a notebook differs from it.
"""
from __future__ import annotations

import sys

from ._cells import append_exercises, chapter_notebooks


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 2 or args[0] != "write":
        print("usage: python -m lossbook.exercises write NOTEBOOK_FOLDER", file=sys.stderr)
        return 2
    try:
        for chapter, path in chapter_notebooks(args[1]).items():
            print(f"{path}: {append_exercises(path, chapter)} exercise cells")
    except (ValueError, OSError) as error:
        print(f"lossbook.exercises: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
