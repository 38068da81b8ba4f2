"""A teacher's own exercise: one file, one command, the book's cells, the book's fairness.

``classroom/example/focal_loss.py`` is written into a notebook by
``python -m lossbook.exercises add``; the notebook gets the task, a locked cell of
check data, the solution cell, the check cell and the locked test cell with hidden
tests. The students' ``check()`` works from the data in the notebook (no reference
function reaches them) and agrees with the package's own evaluation. Real nbgrader
grades the example in test_nbgrader.py.
"""
from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lossbook.exercises import _teacher
from lossbook.exercises.__main__ import main
from lossbook.student import BEGIN, BEGIN_HIDDEN, is_autograder_test, learner_notebook, student_notebook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "classroom" / "example" / "focal_loss.py"
NOTEBOOK = EXAMPLE.with_suffix(".ipynb")
EXERCISE = _teacher.load(EXAMPLE)


def _stub(*args):
    raise NotImplementedError()


def run_cells(notebook, answer=None) -> tuple[dict, dict[str, str]]:
    """Run the notebook's code cells in one namespace (``answer`` replaces the solution cell's
    function); return the namespace and what each cell printed or raised, by cell id."""
    namespace: dict = {}
    said = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(compile(cell.source, cell.get("id", "cell"), "exec"), namespace)
        except AssertionError as error:
            said[cell.get("id")] = f"AssertionError: {error}"
            continue
        if answer is not None and cell.metadata.get("nbgrader", {}).get("solution"):
            namespace[EXERCISE.function_name] = answer
        said[cell.get("id")] = printed.getvalue()
    return namespace, said


def test_the_committed_example_notebook_is_what_the_command_writes(tmp_path):
    assert main(["add", str(EXAMPLE), str(tmp_path / NOTEBOOK.name)]) == 0
    written = nbformat.read(tmp_path / NOTEBOOK.name, as_version=4)
    committed = nbformat.read(NOTEBOOK, as_version=4)
    assert [(c.get("id"), c.source, c.metadata) for c in written.cells] == \
        [(c.get("id"), c.source, c.metadata) for c in committed.cells], \
        "run: python -m lossbook.exercises add classroom/example/focal_loss.py classroom/example/focal_loss.ipynb"


def test_the_cells_are_the_book_exercises_cells():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    ids = [c.get("id") for c in notebook.cells]
    assert ids == ["title-0", "title-1", "focal_loss-task", "focal_loss-checks", "focal_loss-solution",
                   "focal_loss-check", "focal_loss-test"]
    cells = {c.get("id"): c for c in notebook.cells}
    assert cells["title-1"].source == "## Exercises"
    assert cells["focal_loss-task"].source.startswith("### Exercise: The focal loss\n\n*Practice, about 12 minutes")
    assert cells["focal_loss-checks"].metadata["nbgrader"] == {
        "solution": False, "grade": False, "locked": True, "task": False, "grade_id": "focal_loss-checks",
        "schema_version": 3}
    solution = cells["focal_loss-solution"].metadata["nbgrader"]
    assert solution["solution"] is True and solution["grade_id"] == "focal_loss-focal_loss"
    assert cells["focal_loss-check"].source == "focal_loss_exercise.check(focal_loss)\n# focal_loss_exercise.hint()"
    test = cells["focal_loss-test"].metadata["nbgrader"]
    assert test["grade"] and test["locked"] and test["points"] == 2 and not test["solution"]
    assert BEGIN_HIDDEN in cells["focal_loss-test"].source
    assert max(len(line) for c in notebook.cells if c.cell_type == "code" for line in c.source.splitlines()) <= 88


def test_the_reference_reaches_neither_the_release_nor_the_learner():
    teacher = nbformat.read(NOTEBOOK, as_version=4)
    body = EXERCISE.code.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    for edition in (student_notebook(teacher), learner_notebook(teacher)):
        text = "\n".join(c.source for c in edition.cells)
        assert not [line for line in lines if line in text]
        assert BEGIN not in text and BEGIN_HIDDEN not in text
        assert "reference" not in text.split("def checks():")[0]
    assert not any(is_autograder_test(c) for c in learner_notebook(teacher).cells)


def test_the_model_answer_passes_the_check_and_the_test():
    _, said = run_cells(nbformat.read(NOTEBOOK, as_version=4))
    line = "Correct: confident right answers count less; gamma = 0 is cross-entropy.\n"
    assert said["focal_loss-check"] == said["focal_loss-test"] == line


def test_the_release_says_not_attempted_and_its_test_fails():
    _, said = run_cells(student_notebook(nbformat.read(NOTEBOOK, as_version=4)))
    assert said["focal_loss-check"].startswith("Not attempted")
    assert said["focal_loss-test"].startswith("AssertionError: Not attempted")


def _answers():
    model = _teacher.load(EXAMPLE).reference
    found = [("model", model), ("stub", _stub), ("zero", lambda *a: 0.0), ("text", lambda *a: "0.09"),
             ("per-sample loss, unclipped", lambda y, t, g: -np.log(y[np.arange(len(y)), t]))]
    found += [(f"mistake {i}", m.make) for i, m in enumerate(EXERCISE.mistakes)]

    def hard_coded(y, t, g):  # right on the visible cases only: the release shows their values
        return next((case.expected for case in checks_in_the_notebook().cases
                     if np.array_equal(case.args[0], y) and np.array_equal(case.args[1], t)
                     and case.args[2] == g), 0.0)

    return found + [("hard-coded visible values", hard_coded)]


def checks_in_the_notebook():
    namespace, _ = run_cells(student_notebook(nbformat.read(NOTEBOOK, as_version=4)))
    return namespace["focal_loss_exercise"]


@pytest.mark.parametrize("label, answer", _answers(), ids=[label for label, _ in _answers()])
def test_the_students_check_from_data_says_what_the_package_says(label, answer):
    """The notebook's check has no reference and no mistake functions, only their values:
    its line is the package's, word for word. The test cell fails exactly when the
    package's visible or hidden cases do."""
    from_data = checks_in_the_notebook().evaluate(answer)
    assert from_data == EXERCISE.evaluate(answer), label
    graded = EXERCISE.evaluate(answer).status == "correct" and \
        EXERCISE.evaluate(answer, hidden=True).status == "correct"
    _, said = run_cells(nbformat.read(NOTEBOOK, as_version=4), answer)
    assert said["focal_loss-test"].startswith("AssertionError") != graded, (label, said["focal_loss-test"])
    if label == "hard-coded visible values":
        assert from_data.status == "correct" and not graded  # the hidden tests catch it
        assert "for y_pred=[[0.9, 0.1], [0.3, 0.7]" in said["focal_loss-test"]


def test_every_classic_mistake_is_named_from_the_data():
    checks = checks_in_the_notebook()
    for mistake in EXERCISE.mistakes:
        result = checks.evaluate(mistake.make)
        assert result.mistake == mistake.words and result.message.endswith(mistake.words)


# --- where the command writes, and what it refuses -----------------------------------------

def _chapter_like(tmp_path) -> Path:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Week 1"), nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("## Exercises"), nbformat.v4.new_markdown_cell("Old exercise."),
        nbformat.v4.new_markdown_cell("## Further reading")])
    path = tmp_path / "week1.ipynb"
    nbformat.write(notebook, path)
    return path


def test_an_existing_notebook_gets_the_exercise_at_the_end_of_its_exercises(tmp_path):
    path = _chapter_like(tmp_path)
    before = nbformat.read(path, as_version=4)
    assert main(["add", str(EXAMPLE), str(path)]) == 0
    after = nbformat.read(path, as_version=4)
    sources = [c.source for c in after.cells]
    start = sources.index("Old exercise.") + 1
    assert [c.get("id") for c in after.cells[start:start + 5]] == [
        "focal_loss-task", "focal_loss-checks", "focal_loss-solution", "focal_loss-check", "focal_loss-test"]
    assert sources[start + 5] == "## Further reading"
    assert [c for c in after.cells if not c.get("id", "").startswith("focal_loss")] == before.cells
    assert main(["add", str(EXAMPLE), str(path)]) == 0  # again: replaced, not added twice
    assert nbformat.read(path, as_version=4).cells == after.cells


@pytest.mark.parametrize("cells, words", [
    ([nbformat.v4.new_markdown_cell("# No exercises heading")], "## Exercises"),
    ([nbformat.v4.new_markdown_cell("## Exercises"), nbformat.v4.new_markdown_cell("## Exercises")], "found 2"),
])
def test_a_notebook_without_one_exercises_heading_is_left_alone(tmp_path, capsys, cells, words):
    path = tmp_path / "w.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    before = path.read_bytes()
    assert main(["add", str(EXAMPLE), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err
    assert path.read_bytes() == before


UNFAIR = '''
import numpy as np
from lossbook.exercises import Case, Exercise, Mistake

exercise = Exercise(
    "double", title="Double", task="Double x.", kind="practice", minutes=1, points=1, hint="x + x",
    code="def double(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION",
    cases=[Case((2,)), Case((3,))], hidden_cases=[Case((5,), expected=11)],
    mistakes=[Mistake(lambda x: x * x, "You squared it."), Mistake(lambda x: x + x, "Added twice."),
              Mistake(lambda x: 4 if x == 2 else 9, "Lucky.")],
)
'''


def test_an_unfair_exercise_is_refused_with_every_reason(tmp_path, capsys):
    teacher = tmp_path / "double.py"
    teacher.write_text(UNFAIR, encoding="utf-8")
    assert main(["add", str(teacher), str(tmp_path / "d.ipynb")]) == 2
    err = capsys.readouterr().err
    assert "fails its own hidden checks" in err  # 5 -> 10, but the hidden case says 11
    assert "'Added twice.' gives the right answer on every visible case" in err
    assert "'Lucky.' is told 'You squared it.'" in err  # 4 and 9 on the visible cases, like squaring
    assert not (tmp_path / "d.ipynb").exists()


@pytest.mark.parametrize("text, words", [
    ("x = 1\n", "must define `exercise = Exercise(...)`"),
    ("raise RuntimeError('oops')\n", "does not run (RuntimeError: oops)"),
    (UNFAIR.replace('"double", title', '"my double", title'), "must be a Python name"),
])
def test_a_file_that_is_not_an_exercise_gets_one_line(tmp_path, capsys, text, words):
    teacher = tmp_path / "bad.py"
    teacher.write_text(text, encoding="utf-8")
    assert main(["add", str(teacher), str(tmp_path / "d.ipynb")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


def test_the_command_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "lossbook.exercises", "add", str(EXAMPLE), str(tmp_path / "f.ipynb")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == f"{tmp_path / 'f.ipynb'}: exercise 'focal_loss' written (2 points)\n"
    done = subprocess.run([sys.executable, "-m", "lossbook.exercises", "add", str(EXAMPLE)], capture_output=True,
                          text=True)
    assert done.returncode == 2 and "add EXERCISE_FILE NOTEBOOK" in done.stderr
    done = subprocess.run([sys.executable, "-m", "lossbook.exercises", "add", str(EXAMPLE), str(tmp_path / "x.txt")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "ending in .ipynb" in done.stderr
