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
  stable ``grade_id``. The book leaves it out (``remove-cell``).

The test cell decides on its own (``test_source``): it holds the inputs and the
expected values as literals (the hidden ones between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS``), the exercise's tolerance, and a copy of the rules in
``_verdict`` (or of the exercise's validator). It fails with an ``AssertionError``
whenever the answer is wrong, for a student as for nbgrader, and depends on no
environment variable, on nothing in lossbook and on no name a student can
rebind. lossbook only writes the failure's one-line message.

All these cells carry ``metadata.lossbook = "exercise"``, so writing them again
replaces them instead of adding a second copy.
"""
from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import symtable
import textwrap
from pathlib import Path

from . import _verdict
from ._literal import WIDTH, literal

MARK = "exercise"
NBGRADER_SCHEMA = 3
INDENT = "    "
BODY = WIDTH - len(INDENT)  # the width inside the test function


def grade_id(chapter: str, q: str, what: str) -> str:
    """The stable nbgrader ``grade_id`` of an exercise's cell, e.g. ``ch3-q1-test``."""
    return f"{chapter}-{q}-{what}"


def points_words(points: int) -> str:
    return f"{points} point{'s' if points > 1 else ''}"


# --- the autograder test cell ---------------------------------------------------------

def test_source(checks, checks_code: str, points: int) -> str:
    """The autograder test cell for ``checks`` (an ``Exercise`` or ``Checks``).

    ``checks_code`` is the body of the cell's ``checks()`` helper, which returns the
    lossbook object that words the messages, e.g. ``"from lossbook.exercises import
    ch3\\nreturn ch3.q4"``. It runs only to word a failure or the Correct line.
    """
    kind = answer_kind(checks)
    visible, hidden = _case_rows(checks, checks.cases, kind), _case_rows(checks, checks.hidden_cases, kind)
    header = [f"# Autograder test, {points_words(points)}: nbgrader runs this cell when it grades. "
              "Leave it as it is.",
              "# It holds its own inputs and expected values and fails for any wrong answer."]
    body = [*_helpers(checks, kind), "",
            "def checks():  # lossbook, only to word the one-line messages",
            *_indented(checks_code), ""]
    if kind == "text":
        body.append(f"replace = {literal(checks.text_replace, 4, BODY)}  # (old, new) in both texts")
    if kind == "number":
        body.append(f"tolerance = {literal((checks.rtol, checks.atol), 4, BODY)}  # rtol, atol as in np.allclose")
    body += _case_block(visible, hidden, _row_comment(kind))
    body += ["assert not isinstance(answer, type), checks().explain(answer)",
             f"for {_loop_names(kind)} in cases:",
             INDENT + "given = copy.deepcopy(args)",
             INDENT + "try:",
             INDENT * 2 + "value = answer(*given)",
             INDENT + "except KeyboardInterrupt:",
             INDENT * 2 + "raise",
             INDENT + "except BaseException:  # the stub's NotImplementedError too",
             INDENT * 2 + "value = None",
             INDENT + "right = (returned(value) and unchanged(args, given)",
             INDENT + f"         and {_rule(checks, kind)})",
             INDENT + "assert right, checks().explain(answer)",
             "print(checks().success_line())"]
    body = "\n".join(body)
    function = "def _test(answer):\n" + _builtins_line(body) + "\n".join(_indented(body))
    test = f"{function}\n\n\n_test({checks.function_name})"
    if hidden_answer(checks):
        header += ["# This question's answer is a hidden test (your check cell says if you are right).",
                   "### BEGIN HIDDEN TESTS"]
        test += "\n### END HIDDEN TESTS"
    source = "\n".join(header + [test])
    long = [line for line in source.split("\n") if len(line) > WIDTH]
    if long:
        raise ValueError(f"{checks.function_name}: its test cell would have a line over {WIDTH} "
                         f"characters: {long[0].strip()[:60]!r}... (a validator's lines must fit "
                         f"{WIDTH - 2 * len(INDENT)} characters).")
    return source


def answer_kind(checks) -> str:
    """"validate", "text" or "number": how the test cell judges a value."""
    if checks.validate is not None:
        return "validate"
    texts = {isinstance(checks.expected(case), str) for case in checks.cases + checks.hidden_cases}
    if len(texts) != 1:
        raise ValueError(f"{checks.function_name}: its expected values must be all text or all numbers.")
    return "text" if texts == {True} else "number"


def hidden_answer(checks) -> bool:
    """True for a question with one fixed answer (no arguments): its test is hidden whole,
    so the released notebook does not print the answer."""
    return checks.validate is None and all(case.args == () for case in checks.cases + checks.hidden_cases)


def _case_rows(checks, cases, kind: str) -> list:
    if kind == "validate":
        return [case.args for case in cases]
    if kind == "text":
        return [(case.args, checks.expected(case)) for case in cases]
    own = lambda case: () if case.rtol is None and case.atol is None else checks.tolerance(case)  # noqa: E731
    return [(case.args, plain(checks.expected(case)), *own(case)) for case in cases]


def plain(value):
    """NumPy scalars in an expected value as Python numbers (shorter; the inputs keep theirs)."""
    if isinstance(value, (tuple, list)):
        return type(value)(plain(v) for v in value)
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return value.item()
    return value


def _row_comment(kind: str) -> str:
    return {"validate": "the arguments", "text": "(arguments, expected text)",
            "number": "(arguments, expected value[, its own rtol, atol])"}[kind]


def _loop_names(kind: str) -> str:
    return {"validate": "args", "text": "args, expected", "number": "args, expected, *own"}[kind]


def _rule(checks, kind: str) -> str:
    if kind == "validate":
        return f"{checks.validate.__name__}(value) is None"
    if kind == "text":
        return "same_text(value, expected, replace)"
    return "close(value, expected, *(own or tolerance))"


def _case_block(visible: list, hidden: list, comment: str) -> list[str]:
    lines = [f"cases = [  # {comment}"] + [INDENT + literal(row, 4, BODY - 1) + "," for row in visible] + ["]"]
    if hidden:
        lines += ["### BEGIN HIDDEN TESTS", "cases += ["]
        lines += [INDENT + literal(row, 4, BODY - 1) + "," for row in hidden]
        lines += ["]", "### END HIDDEN TESTS"]
    return lines


def _helpers(checks, kind: str) -> list[str]:
    """The imports and the copied rules of ``_verdict`` (and the validator) the cell needs."""
    rules = [_verdict.returned, _verdict.unchanged]
    rules += {"number": [_verdict.as_real, _verdict.close], "text": [_verdict.same_text]}.get(kind, [])
    sources = [inspect.getsource(rule) for rule in rules]
    if kind == "validate":
        sources.append(validator_source(checks.validate))
    lines = ["import copy", "", "import numpy as np", ""]
    for source in sources:
        lines += [*source.rstrip("\n").split("\n"), ""]
    return lines[:-1]


def validator_source(validate) -> str:
    """The source of an open question's validator, checked to need only NumPy and builtins."""
    source = textwrap.dedent(inspect.getsource(validate))
    if not source.startswith("def "):
        raise ValueError(f"validator {validate!r}: write it as a plain function (def), not a lambda "
                         "or a method: its source goes into the test cell.")
    foreign = sorted(_global_names(source) - {"np"} - set(vars(builtins)))
    if foreign:
        raise ValueError(f"validator {validate.__name__}: it uses {', '.join(foreign)}; a validator may use "
                         "only NumPy (as np) and Python's builtins, since its source is the test cell's.")
    return source


def _global_names(source: str) -> set[str]:
    """The names a function's source reads from outside itself (globals and builtins)."""
    found = set()

    def visit(table):
        found.update(s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced())
        for child in table.get_children():
            visit(child)

    for child in symtable.symtable(source, "<validator>", "exec").get_children():
        visit(child)
    return found


def _builtins_line(body: str) -> str:
    """``from builtins import ...`` for every builtin the test function's ``body`` uses:
    local names, so a student's ``def all(...)`` or ``len = ...`` cannot reach the test."""
    tree = ast.parse(body)
    names = sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in vars(builtins)},
                   key=lambda name: (name[0].islower(), name))
    text = "from builtins import (" + ", ".join(names) + ")"
    lines = textwrap.wrap(text, WIDTH - len(INDENT), subsequent_indent=INDENT, break_on_hyphens=False)
    return "\n".join(INDENT + line for line in lines) + "\n"


def _indented(text: str) -> list[str]:
    return [INDENT + line if line else "" for line in text.split("\n")]


# --- a chapter's cells ----------------------------------------------------------------

def exercise_groups(chapter: str, *, with_ids: bool = True) -> list[tuple[str | None, list]]:
    """``chapter``'s exercise cells by where they go: ``[(anchor cell id or None, cells), ...]``.

    ``None`` means under the ``## Exercises`` heading (the import cell comes first there);
    an id means right after the chapter cell with that id (``Exercise.place_after``).
    """
    from ._page import page_mode

    module = importlib.import_module(f"lossbook.exercises.{chapter}")
    number = chapter[2:]

    def cell(kind, source, cell_id, **metadata):
        return new_cell(kind, source, cell_id if with_ids else None, lossbook=MARK, **metadata)

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
                   f"{points_words(exercise.points)}.*\n\n{exercise.task}")
        own = [cell("markdown", heading, f"{chapter}-{q}-task")]
        if in_page:
            own.append(cell("code", f"{chapter}.{q}.question()  # in the book's web page: answer it right there",
                            f"{chapter}-{q}-question", tags=["remove-input"]))
        if exercise.setup:
            own.append(cell("code", exercise.setup, f"{chapter}-{q}-given"))
        own.append(cell("code", exercise.code, f"{chapter}-{q}-solution",
                        tags=["remove-cell"] if in_page else ["hide-input"],
                        nbgrader=solution_metadata(grade_id(chapter, q, exercise.function_name)),
                        mystnb={"code_prompt_show": "Show the solution", "code_prompt_hide": "Hide the solution"}))
        check = cell("code", f"{chapter}.{q}.check({exercise.function_name})\n"
                     f"# {chapter}.{q}.hint()\n# {chapter}.{q}.solution()", f"{chapter}-{q}-check")
        if in_page:
            check.metadata["tags"] = ["remove-cell"]
        own.append(check)
        source = test_source(exercise, f"from lossbook.exercises import {chapter}\n\nreturn {chapter}.{q}",
                             exercise.points)
        own.append(cell("code", source, f"{chapter}-{q}-test", tags=["remove-cell"],
                        nbgrader=test_metadata(grade_id(chapter, q, "test"), exercise.points)))
        groups.setdefault(exercise.place_after, []).extend(own)
    return list(groups.items())


def new_cell(kind: str, source: str, cell_id: str | None, **metadata):
    """An nbformat cell (``kind`` "code" or "markdown") with ``metadata``; no id if None."""
    import nbformat

    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    new = make(source, metadata=metadata)
    if cell_id is None:
        new.pop("id", None)
    else:
        new["id"] = cell_id
    return new


def solution_metadata(cell_grade_id: str) -> dict:
    return {"solution": True, "grade": False, "locked": False, "task": False,
            "grade_id": cell_grade_id, "schema_version": NBGRADER_SCHEMA}


def readonly_metadata(cell_grade_id: str) -> dict:
    """nbgrader's read-only cell: locked, neither a solution nor graded."""
    return {"solution": False, "grade": False, "locked": True, "task": False,
            "grade_id": cell_grade_id, "schema_version": NBGRADER_SCHEMA}


def test_metadata(cell_grade_id: str, points: int) -> dict:
    return {"solution": False, "grade": True, "locked": True, "task": False, "points": points,
            "grade_id": cell_grade_id, "schema_version": NBGRADER_SCHEMA}


def exercise_cells(chapter: str, *, with_ids: bool = True) -> list:
    """All of ``chapter``'s exercise cells ("ch1" ... "ch9"), as nbformat cells."""
    return [cell for _, cells in exercise_groups(chapter, with_ids=with_ids) for cell in cells]


def exercises_heading(cells: list, where: str) -> int:
    """The index of the one markdown cell starting with ``## Exercises`` (else ValueError)."""
    found = [i for i, c in enumerate(cells)
             if c.cell_type == "markdown" and c.source.lstrip().startswith("## Exercises")]
    if len(found) != 1:
        raise ValueError(f"{where}: expected one markdown cell starting with '## Exercises', "
                         f"found {len(found)}.")
    return found[0]


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
            at = exercises_heading(cells, where) + 1
        else:
            found = [i for i, c in enumerate(cells) if c.get("id") == anchor]
            if len(found) != 1:
                raise ValueError(f"{where}: expected one cell with id {anchor!r} (an exercise's "
                                 f"place_after), found {len(found)}.")
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
