"""A teacher's own exercise: a small Python file, written into a notebook by one command.

    python -m lossbook.exercises add EXERCISE_FILE NOTEBOOK

The file (in the teacher's course folder, not in the package) defines one
``exercise = Exercise(...)``, exactly like the book's own exercises: its task,
cases, hidden cases, classic mistakes with their words, hint and points, and the
solution cell's code between ``### BEGIN SOLUTION`` / ``### END SOLUTION``. Without a
``reference=``, the function that code defines is the reference. See
``classroom/example/`` for a worked one.

The command writes under the notebook's ``## Exercises`` heading (a new notebook is
made with one) the same cells a chapter exercise has: the task, the solution cell
(nbgrader's solution metadata), the check cell with a hint ready to uncomment, and
the locked autograder test cell with the hidden tests (``_cells.test_source``). One
more cell comes first, locked: the checks' data. Students receive no reference
function, so their ``check()`` works from values written there: each visible case
with its expected value, and what each classic mistake gives on it. Writing the
same exercise again replaces its cells; every other cell stays as it was.

Before it writes, the command makes sure the exercise is fair (``problems``): the
reference passes its own checks, a stub is "Not attempted", and each classic
mistake is recognised as itself, so no diagnosis can name the wrong mistake.
"""
from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

from ._cells import (BODY, INDENT, answer_kind, new_cell, plain, points_words, readonly_metadata,
                     solution_metadata, test_metadata, test_source, validator_source)
from ._grading import CORRECT, NOT_ATTEMPTED, RAISED, Exercise
from ._literal import Call, Raw, same, source

KERNEL = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


def load(path: str | Path) -> Exercise:
    """The ``exercise`` defined by the teacher's file at ``path`` (ValueError if there is none)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file.")
    spec = importlib.util.spec_from_file_location(f"lossbook_teacher_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise ValueError(f"{path}: it does not run ({type(error).__name__}: {error}).") from None
    exercise = getattr(module, "exercise", None)
    if not isinstance(exercise, Exercise):
        raise ValueError(f"{path}: it must define `exercise = Exercise(...)` "
                         "(from lossbook.exercises import Case, Exercise, Mistake).")
    if not exercise.name.isidentifier():
        raise ValueError(f"{path}: the exercise's name {exercise.name!r} must be a Python name "
                         "(letters, digits, _), e.g. 'focal_loss'.")
    return exercise


def problems(exercise: Exercise) -> list[str]:
    """What makes ``exercise`` unfair or broken, in words (an empty list when it is fine)."""
    found = []
    if not exercise.cases:
        return ["it has no cases: give at least one Case."]
    namespace: dict = {}
    exec(compile(exercise.setup + "\n" + exercise.model_code(), f"<{exercise.name}>", "exec"), namespace)
    model = namespace[exercise.function_name]
    for hidden in (False, True):
        result = exercise.evaluate(model, hidden=hidden)
        if result.status != CORRECT:
            found.append(f"the solution code fails its own {'hidden ' if hidden else ''}checks: {result.message}")

    def stub(*args):
        raise NotImplementedError()

    if exercise.evaluate(stub).status != NOT_ATTEMPTED:
        found.append("a stub is not reported as 'Not attempted'.")
    for mistake in exercise.mistakes:
        result = exercise.evaluate(mistake.make)
        if result.status == CORRECT:
            found.append(f"the mistake {mistake.words!r} gives the right answer on every visible case: "
                         "add a case where it goes wrong.")
        elif result.mistake != mistake.words:
            named = f"is told {result.mistake!r}" if result.mistake else "is not recognised"
            found.append(f"the mistake {mistake.words!r} {named}: add a case that tells them apart "
                         "(a mistake is named only when it matches on every visible case).")
    return found


# --- the cells ---------------------------------------------------------------------------

def checks_name(exercise: Exercise) -> str:
    """The notebook name of the exercise's checks, e.g. ``focal_loss_exercise``."""
    return f"{exercise.name}_exercise"


def checks_source(exercise: Exercise) -> str:
    """The locked cell that defines the checks from data: no reference, no hidden case."""
    cases = [Call("Case", case.args, exercise.label(case), **_case_keywords(exercise, case))
             for case in exercise.cases]
    mistakes = [Call("Mistake", None, mistake.words, values=tuple(
        None if (value := exercise.mistake_value(mistake, i, case)) is RAISED else plain(value)
        for i, case in enumerate(exercise.cases))) for mistake in exercise.mistakes]
    keywords = {"cases": cases, "mistakes": mistakes}
    if exercise.validate is not None:
        keywords["validate"] = Raw(exercise.validate.__name__)
    else:
        keywords.update(rtol=exercise.rtol, atol=exercise.atol)
    if exercise.text_replace:
        keywords["text_replace"] = dict(exercise.text_replace)
    keywords.update(hint=exercise._hint, success=exercise.success)
    keywords["parameters"] = exercise.parameters
    call = source(Call("Checks", exercise.function_name, **keywords))
    lines = [f"# The checks of exercise {exercise.name!r}: what its check() compares with.",
             "# Written by `python -m lossbook.exercises add`; leave this cell as it is.",
             "import numpy as np", "", "from lossbook.exercises import Case, Checks, Mistake", ""]
    if exercise.validate is not None:
        lines += ["", validator_source(exercise.validate).rstrip("\n"), "", ""]
    text = "\n".join(lines + [f"{checks_name(exercise)} = {call}"])
    _check_round_trip(exercise, text)
    return text


def _check_round_trip(exercise: Exercise, text: str) -> None:
    """Run the written cell: its cases and mistakes' values must be exactly the exercise's."""
    namespace: dict = {}
    exec(compile(text, f"<{exercise.name} checks>", "exec"), namespace)
    written = namespace[checks_name(exercise)]
    for index, (case, back) in enumerate(zip(exercise.cases, written.cases)):
        expected = None if exercise.validate is not None else plain(exercise.expected(case))
        exact = same(case.args, back.args) and (expected is None or same(expected, back.expected))
        for mistake, written_mistake in zip(exercise.mistakes, written.mistakes):
            value = exercise.mistake_value(mistake, index, case)
            exact = exact and (written_mistake.values[index] is None if value is RAISED
                               else same(plain(value), written_mistake.values[index]))
        if not exact:
            raise ValueError(f"{exercise.name}: case {index + 1} cannot be written exactly into the notebook.")


def _case_keywords(exercise: Exercise, case) -> dict:
    """``expected=`` (unless a validator judges) and the case's own tolerance, if any."""
    keywords = {} if exercise.validate is not None else {"expected": plain(exercise.expected(case))}
    keywords.update((key, value) for key, value in (("rtol", case.rtol), ("atol", case.atol)) if value is not None)
    return keywords


def test_checks_code(exercise: Exercise) -> str:
    """The test cell's ``checks()`` body: checks from the cell's own cases (no package data)."""
    given = {"validate": {"validate": Raw(getattr(exercise.validate, "__name__", ""))},
             "text": {"replace": Raw("replace")}, "number": {"tolerance": Raw("tolerance")}}
    call = Call("Checks.from_test_cell", exercise.function_name, Raw("cases"),
                **given[answer_kind(exercise)], success=exercise.success, parameters=exercise.parameters)
    room = BODY - len(INDENT) - len("return ")  # inside _test, then inside checks()
    return "from lossbook.exercises import Checks\n\nreturn " + source(call, 0, room)


def cells(exercise: Exercise, with_ids: bool = True) -> list:
    """The exercise's cells, in order, as nbformat cells."""
    key = exercise.name
    mark = f"exercise:{key}"

    def cell(kind, text, what, **metadata):
        return new_cell(kind, text, f"{key}-{what}" if with_ids else None, lossbook=mark, **metadata)

    name = checks_name(exercise)
    own = [cell("markdown", f"### Exercise: {exercise.title}\n\n*{exercise.kind.capitalize()}, about "
                f"{exercise.minutes} minutes, {points_words(exercise.points)}.*\n\n{exercise.task}", "task"),
           cell("code", checks_source(exercise), "checks", nbgrader=readonly_metadata(f"{key}-checks"))]
    if exercise.setup:
        own.append(cell("code", exercise.setup, "given"))
    own += [cell("code", exercise.code, "solution", nbgrader=solution_metadata(f"{key}-{exercise.function_name}")),
            cell("code", f"{name}.check({exercise.function_name})\n# {name}.hint()", "check"),
            cell("code", test_source(exercise, test_checks_code(exercise), exercise.points), "test",
                 nbgrader=test_metadata(f"{key}-test", exercise.points))]
    return own


def place(notebook, exercise: Exercise, where: str = "notebook"):
    """Return ``notebook`` with the exercise's cells (re)placed; the input is not modified.

    An earlier copy is replaced where it stands; a new exercise goes at the end of the
    ``## Exercises`` section (before the next heading of that level or higher).
    """
    import nbformat

    from ._cells import exercises_heading

    notebook = copy.deepcopy(notebook)
    mark = f"exercise:{exercise.name}"
    old = [i for i, c in enumerate(notebook.cells) if c.get("metadata", {}).get("lossbook") == mark]
    new = cells(exercise, with_ids=(notebook.nbformat, notebook.nbformat_minor) >= (4, 5))
    cells_ = [c for c in notebook.cells if c.get("metadata", {}).get("lossbook") != mark]
    if old:
        at = old[0]
    else:
        heading = exercises_heading(cells_, where)
        at = next((i for i in range(heading + 1, len(cells_)) if cells_[i].cell_type == "markdown"
                   and cells_[i].source.lstrip().startswith(("# ", "## "))), len(cells_))
    taken = {c.get("id") for c in cells_}
    clash = [c.get("id") for c in new if c.get("id") in taken]
    if clash:
        raise ValueError(f"{where}: a cell with id {clash[0]!r} is already there (not this exercise's).")
    notebook.cells = cells_[:at] + new + cells_[at:]
    nbformat.validate(notebook)
    return notebook


def new_notebook(title: str):
    """An empty exercise notebook: a title and the ``## Exercises`` heading."""
    import nbformat

    notebook = nbformat.v4.new_notebook(metadata=copy.deepcopy(KERNEL))
    notebook.cells = [nbformat.v4.new_markdown_cell(f"# {title}"), nbformat.v4.new_markdown_cell("## Exercises")]
    for index, c in enumerate(notebook.cells):
        c["id"] = f"title-{index}"
    return notebook


def add(exercise_path: str | Path, notebook_path: str | Path) -> Exercise:
    """Write the teacher's exercise at ``exercise_path`` into ``notebook_path``; return it.

    A missing notebook is made. ValueError (nothing written) when the exercise is
    unfair or broken, or the notebook has no single ``## Exercises`` heading.
    """
    from ..student import _read, _write_atomically

    exercise, path = load(exercise_path), Path(notebook_path)
    found = problems(exercise)
    if found:
        raise ValueError(f"{exercise_path}: " + " ".join(f"({n}) {p}" for n, p in enumerate(found, 1)))
    if path.suffix != ".ipynb":
        raise ValueError(f"{path}: give a notebook file name ending in .ipynb.")
    if path.exists():
        notebook = _read(path)
    else:
        if not path.parent.is_dir():
            raise ValueError(f"{path.parent}: no such folder.")
        notebook = new_notebook(path.stem.replace("_", " ").capitalize())
    notebook = place(notebook, exercise, str(path))
    try:
        _write_atomically(notebook, path)
    except OSError as error:
        raise ValueError(f"{path}: cannot write it ({error.strerror}).") from None
    return exercise
