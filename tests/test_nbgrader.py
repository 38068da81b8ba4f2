"""Real nbgrader grades the whole book, as a teacher would run it.

1. A course folder with every chapter notebook as one assignment; ``nbgrader
   generate_assignment`` makes the release.
2. The solutions (the source notebooks) are submitted; ``nbgrader autograde``
   grades them: full marks, with no autograde errors.
3. Every exercise of the book (each chapter's exercise cells, without the chapter's
   own cells, which decide nothing: every test cell holds its own inputs and expected
   values) is released and autograded untouched (0) and with each stub replaced by
   ``return 0`` (at most 10 % of the marks).

Also: the release equals ``lossbook.student``'s output on every chapter, apart from
the metadata nbgrader adds.

A second, small assignment (chapter 3's exercises and the teacher's example exercise
of ``classroom/example``) is graded for the cheats a student needs no skill for: a
stub plus unsetting ``NBGRADER_EXECUTION``, reassigning lossbook's checking and
comparison functions or a chapter's exercises, or rebinding ``np``, ``print``,
``all``, ``len``, ``isinstance``, ``AssertionError`` or ``__builtins__`` in the
notebook. Every one must earn 0, while the solutions earn full marks.

nbgrader is a test-only dependency (requirements-test.txt). Its gradebook runs the
``alembic`` command from PATH, hence the venv's bin on PATH.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import nbformat
import pytest

from lossbook.exercises import all_exercises
from lossbook.student import BEGIN, BEGIN_HIDDEN, write_student_edition

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("*.ipynb"))
BIN = Path(sys.executable).parent
ASSIGNMENT = "lossbook"
SUBMISSIONS = ("solutions",)
NBGRADER_KEYS = {"editable", "deletable", "trusted"}  # cell metadata nbgrader's release adds


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True)


def new_course(root: Path, assignment: str, timeout: int) -> Path:
    """An nbgrader course folder at ``root`` (its config, course id = ``assignment``);
    return the assignment's empty source folder."""
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.course_id = {assignment!r}\n"
        f"c.Execute.timeout = {timeout}\n", encoding="utf-8")
    source = root / "source" / assignment
    source.mkdir(parents=True)
    return source


def gradebook_scores(course: Path, assignment: str, students) -> dict[str, dict]:
    """What the course's gradebook says of each student's submission: its score, the
    maximum, whether it needs manual grading, and ``{notebook: (score, max)}``."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students:
            submission = gradebook.find_submission(assignment, student)
            scores[student] = {
                "score": submission.score, "max": submission.max_score,
                "manual": submission.needs_manual_grade,
                "notebooks": {nb.name: (nb.score, nb.max_score) for nb in submission.notebooks},
            }
    return scores


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("course")
    source = new_course(root, ASSIGNMENT, 300)
    for path in SOURCES:
        shutil.copy(path, source / path.name)
    _add_a_hidden_test(source)

    generated = nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    release = root / "release" / ASSIGNMENT

    for student in SUBMISSIONS:
        (root / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
    for path in SOURCES:
        shutil.copy(path, root / "submitted" / "solutions" / ASSIGNMENT / path.name)

    start = time.perf_counter()
    graded = nbgrader(root, "autograde", ASSIGNMENT)
    seconds = time.perf_counter() - start
    print(f"\nnbgrader autograde, {len(SUBMISSIONS)} submissions x {len(SOURCES)} notebooks: {seconds:.0f} s")

    scores = gradebook_scores(root, ASSIGNMENT, SUBMISSIONS)
    return {"root": root, "release": release, "generated": generated, "graded": graded, "scores": scores}


HIDDEN = ("### BEGIN HIDDEN TESTS\n"
          "assert one_hot(np.array([1, 0]), 2).tolist() == [[0, 1], [1, 0]]\n"
          "### END HIDDEN TESTS")
HIDDEN_CELL = "ch3-q3-test"  # chapter 3's one_hot exercise


def _add_a_hidden_test(source: Path) -> None:
    """One more hidden test in chapter 3's one_hot test cell, whatever the package has there."""
    [path] = source.glob("03_*.ipynb")
    notebook = nbformat.read(path, as_version=4)
    [cell] = [c for c in notebook.cells if c.get("id") == HIDDEN_CELL]
    cell.source += "\n" + HIDDEN
    nbformat.write(notebook, path)


def test_hidden_tests_leave_the_release_and_come_back_for_grading(course):
    [released] = course["release"].glob("03_*.ipynb")
    assert "BEGIN HIDDEN TESTS" not in released.read_text(encoding="utf-8")
    [graded] = (course["root"] / "autograded" / "solutions" / ASSIGNMENT).glob("03_*.ipynb")
    [cell] = [c for c in nbformat.read(graded, as_version=4).cells if c.get("id") == HIDDEN_CELL]
    assert HIDDEN in cell.source
    assert course["scores"]["solutions"]["notebooks"][graded.stem][0] == \
        course["scores"]["solutions"]["notebooks"][graded.stem][1]


def test_autograde_runs_without_errors(course):
    graded = course["graded"]
    log = graded.stdout + graded.stderr
    assert graded.returncode == 0, log[-4000:]
    lines = log.splitlines()

    def around(i: int) -> str:
        return "\n".join(lines[max(0, i - 3):i + 15])

    # nbgrader logs every failure to grade a notebook at ERROR level (with its traceback).
    errors = [i for i, line in enumerate(lines) if "| ERROR]" in line]
    assert not errors, "\n\n".join(around(i) for i in errors[:3])
    # A traceback with no ERROR line (seen once in five full runs here, grades right,
    # origin unknown, not reproduced since) is shown as a warning to trace, not failed on.
    for i in [i for i, line in enumerate(lines) if line.startswith("Traceback")][:3]:
        warnings.warn(f"a traceback in nbgrader's output (no ERROR logged):\n{around(i)}")
    for student in SUBMISSIONS:
        assert set(course["scores"][student]["notebooks"]) == {p.stem for p in SOURCES}, student
        assert course["scores"][student]["manual"] is False


def test_the_marks_are_the_exercises_points(course):
    total = sum(exercise.points for chapter, exercise in all_exercises()
                if any(p.name.startswith(f"{int(chapter[2:]):02d}_") for p in SOURCES))
    for student in SUBMISSIONS:
        assert course["scores"][student]["max"] == total


def test_the_solutions_get_full_marks(course):
    scores = course["scores"]["solutions"]
    assert scores["score"] == scores["max"] > 0, scores["notebooks"]




def _exercises_of(chapter: str, metadata) -> nbformat.NotebookNode:
    """A chapter's exercise cells alone (the chapter's own cells cost time and decide
    nothing: every test cell holds its own inputs and expected values)."""
    from lossbook.exercises._cells import exercise_cells

    notebook = nbformat.v4.new_notebook(cells=exercise_cells(chapter))
    notebook.metadata = metadata
    return notebook


@pytest.fixture(scope="module")
def unanswered(tmp_path_factory) -> dict:
    """Every exercise of the book released and autograded twice: untouched (the
    stubs) and with each stub replaced by ``return 0``."""
    from lossbook.exercises import CHAPTERS

    root = tmp_path_factory.mktemp("unanswered")
    source = new_course(root, "exercises", 120)
    metadata = nbformat.read(SOURCES[0], as_version=4).metadata
    for chapter in CHAPTERS:
        nbformat.write(_exercises_of(chapter, metadata), source / f"{chapter}.ipynb")
    generated = nbgrader(root, "generate_assignment", "exercises", "--force")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    for student in ("stubs", "zeros"):
        submitted = root / "submitted" / student / "exercises"
        submitted.mkdir(parents=True)
        for path in (root / "release" / "exercises").glob("*.ipynb"):
            notebook = nbformat.read(path, as_version=4)
            for cell in notebook.cells:
                if student == "zeros" and cell.metadata.get("nbgrader", {}).get("solution"):
                    cell.source = cell.source.replace("raise NotImplementedError()", "return 0")
            nbformat.write(notebook, submitted / path.name)
    graded = nbgrader(root, "autograde", "exercises")
    assert graded.returncode == 0, (graded.stdout + graded.stderr)[-4000:]
    assert not [line for line in (graded.stdout + graded.stderr).splitlines() if "| ERROR]" in line]

    return gradebook_scores(root, "exercises", ("stubs", "zeros"))


def test_the_untouched_stubs_get_zero(unanswered):
    from lossbook.exercises import CHAPTERS

    stubs = unanswered["stubs"]
    assert set(stubs["notebooks"]) == set(CHAPTERS)
    assert stubs["max"] == sum(exercise.points for _, exercise in all_exercises())
    assert stubs["score"] == 0, stubs["notebooks"]


def test_return_zero_everywhere_gets_at_most_ten_percent(unanswered):
    zeros = unanswered["zeros"]
    assert zeros["max"] == sum(exercise.points for _, exercise in all_exercises())
    assert zeros["score"] <= 0.10 * zeros["max"], zeros["notebooks"]


def _comparable(notebook) -> list:
    """Cells as (type, source, metadata) without what nbgrader's release adds."""
    cells = []
    for cell in notebook.cells:
        metadata = {k: v for k, v in cell.metadata.items() if k not in NBGRADER_KEYS | {"nbgrader", "tags"}}
        tags = [tag for tag in cell.metadata.get("tags", []) if tag != "hide-input"]
        grader = {k: v for k, v in cell.metadata.get("nbgrader", {}).items() if k not in ("checksum", "cell_type")}
        cells.append((cell.cell_type, cell.source, metadata, tags, grader,
                      cell.get("outputs", []), cell.get("execution_count")))
    return cells


def test_the_release_equals_the_student_edition(course, tmp_path):
    write_student_edition(NOTEBOOKS, tmp_path)
    for path in SOURCES:
        released = nbformat.read(course["release"] / path.name, as_version=4)
        ours = nbformat.read(tmp_path / path.name, as_version=4)
        assert _comparable(released) == _comparable(ours), path.name


def test_the_release_has_no_solutions_and_no_hidden_tests(course):
    for path in SOURCES:
        text = (course["release"] / path.name).read_text(encoding="utf-8")
        assert BEGIN not in text and BEGIN_HIDDEN not in text, path.name


# --- cheats without skill, and a teacher's own exercise --------------------------------

CHEATS = {  # appended to every solution cell of a stub submission
    "unset-env": "import os\nos.environ.pop('NBGRADER_EXECUTION', None)",
    "grade": "from lossbook.exercises import _grading\n_grading.Exercise.grade = lambda *a, **k: None",
    "evaluate": ("from lossbook.exercises import _grading\n"
                 "_grading.Checks.evaluate = lambda self, answer, hidden=False: "
                 "_grading.Result('correct', 'Correct!')"),
    "explain": "from lossbook.exercises import _grading\n_grading.Checks.explain = lambda self, answer: ''",
    "close": ("from lossbook.exercises import _grading, _verdict\n"
              "_grading.close = _verdict.close = lambda *a, **k: True\n"
              "_grading.same_text = _verdict.same_text = lambda *a, **k: True"),
    "exercise": "from lossbook.exercises import ch3\nch3.q1 = ch3.q2 = ch3.q3 = ch3.q4 = None",
    "chapter": "class _Anything:\n    def __getattr__(self, name):\n        return _Anything()\n"
               "    def __call__(self, *a, **k):\n        return None\nch3 = _Anything()",
    "np": "class _Yes:\n    def __getattr__(self, name):\n        return lambda *a, **k: True\nnp = _Yes()",
    "print": "print = lambda *a, **k: None",
    "all": "def all(x):\n    return True",
    "len": "len = lambda x: 0",
    "isinstance": "isinstance = lambda *a: True",
    "AssertionError": "AssertionError = Warning",
    "builtins": ("import builtins\n__builtins__ = dict(vars(builtins), all=lambda x: True, "
                 "AssertionError=Warning, isinstance=lambda *a: True)"),
}
TEACHER = ROOT / "classroom" / "example" / "focal_loss.ipynb"
SMALL = "cheats"
MISTAKES = {  # solution cell: (its test cell, a classic mistake for the stub, the words it must get)
    "ch3-q3-one_hot": ("ch3-q3-test", "return np.eye(len(class_targets))[class_targets]",
                       "Your rows have one entry per sample"),
    "focal_loss-focal_loss": ("focal_loss-test",
                              "p = np.clip(y_pred[np.arange(len(y_pred)), class_targets], 1e-7, 1 - 1e-7)\n"
                              "    return np.mean(-p ** gamma * np.log(p))",
                              "You weighted by p ** gamma, which favours the easy samples"),
}


@pytest.fixture(scope="module")
def cheats(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("cheats")
    source = new_course(root, SMALL, 120)
    nbformat.write(_exercises_of("ch3", nbformat.read(SOURCES[0], as_version=4).metadata),
                   source / "ch3_exercises.ipynb")
    shutil.copy(TEACHER, source / TEACHER.name)
    generated = nbgrader(root, "generate_assignment", SMALL, "--force")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    release = root / "release" / SMALL
    names = sorted(p.name for p in source.glob("*.ipynb"))
    students = ["solutions", "stubs", "mistakes", *CHEATS]
    for student in students:
        folder = root / "submitted" / student / SMALL
        folder.mkdir(parents=True)
        for name in names:
            notebook = nbformat.read((source if student == "solutions" else release) / name, as_version=4)
            for cell in notebook.cells:
                grader = cell.metadata.get("nbgrader", {})
                if student in CHEATS and grader.get("solution"):
                    cell.source += "\n\n" + CHEATS[student]
                if student == "mistakes" and grader.get("grade_id") in MISTAKES:
                    wrong = MISTAKES[grader["grade_id"]][1]
                    cell.source = cell.source.replace("raise NotImplementedError()", wrong)
            nbformat.write(notebook, folder / name)
    start = time.perf_counter()
    graded = nbgrader(root, "autograde", SMALL)
    seconds = time.perf_counter() - start
    print(f"\nnbgrader autograde, {len(students)} submissions x {len(names)} small notebooks: {seconds:.0f} s")
    assert graded.returncode == 0, (graded.stdout + graded.stderr)[-4000:]
    for student in ("stubs", "mistakes"):
        feedback = nbgrader(root, "generate_feedback", SMALL, "--student", student)
        assert feedback.returncode == 0, (feedback.stdout + feedback.stderr)[-4000:]

    scores = {student: submission["notebooks"]
              for student, submission in gradebook_scores(root, SMALL, students).items()}
    return {"root": root, "release": release, "graded": graded, "scores": scores}


def test_the_small_assignment_grades_the_solutions_full_and_the_stubs_zero(cheats):
    scores = cheats["scores"]
    assert set(scores["solutions"]) == {"ch3_exercises", "focal_loss"}
    for name, (score, top) in scores["solutions"].items():
        assert score == top > 0, name
    assert scores["solutions"]["focal_loss"] == (2, 2)  # the teacher's exercise: its 2 points
    assert all(score == 0 for score, _ in scores["stubs"].values()), scores["stubs"]
    lines = (cheats["graded"].stdout + cheats["graded"].stderr).splitlines()
    assert not [line for line in lines if "| ERROR]" in line]


def _test_cell_errors(course: Path, student: str) -> dict[str, str]:
    """``{grade_id: the AssertionError's message}`` of the autograded test cells that failed."""
    found = {}
    for path in (course / "autograded" / student / SMALL).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            grader = cell.metadata.get("nbgrader", {})
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            if grader.get("grade") and not grader.get("solution") and errors:
                assert errors[0].ename == "AssertionError", (grader["grade_id"], errors[0].ename)
                found[grader["grade_id"]] = errors[0].evalue
    return found


def test_the_feedback_says_what_check_says(cheats):
    """What a student reads after grading: each failing test's AssertionError carries the
    check's one line, and names the classic mistake the answer made."""
    import html

    root = cheats["root"]
    stubs = _test_cell_errors(root, "stubs")
    assert len(stubs) >= 4 and all(message.startswith("Not attempted: replace") for message in stubs.values())
    mistakes = _test_cell_errors(root, "mistakes")
    feedback = " ".join(" ".join(html.unescape(re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8"))).split())
                        for p in (root / "feedback" / "mistakes" / SMALL).glob("*.html"))  # the text
    for message in mistakes.values():
        assert f"AssertionError: {message[:60]}" in feedback
    # The book's test cell names the mistake itself; a teacher's names the failing input,
    # and its check cell, run again by autograde, names the mistake right above it.
    book, teacher = mistakes["ch3-q3-test"], mistakes["focal_loss-test"]
    assert book.startswith("Incorrect: for class_targets=[") and ", n_classes=" in book
    assert MISTAKES["ch3-q3-one_hot"][2] in book
    assert teacher.startswith("Incorrect: for y_pred=[[0.7, 0.2, 0.1], [0.1, 0.5, 0.4]")
    graded = nbformat.read(root / "autograded" / "mistakes" / SMALL / TEACHER.name, as_version=4)
    [check] = [c for c in graded.cells if c.get("id") == "focal_loss-check"]
    printed = "".join(o.get("text", "") for o in check.outputs)
    assert printed.startswith("Incorrect: for ") and MISTAKES["focal_loss-focal_loss"][2] in printed
    scores = cheats["scores"]["mistakes"]
    assert scores["focal_loss"][0] == 0 and scores["ch3_exercises"][0] < scores["ch3_exercises"][1]


@pytest.mark.parametrize("cheat", list(CHEATS))
def test_a_cheat_without_skill_earns_nothing(cheats, cheat):
    scores = cheats["scores"][cheat]
    assert set(scores) == {"ch3_exercises", "focal_loss"}
    assert all(score == 0 for score, _ in scores.values()), scores


def test_the_teachers_exercise_is_released_without_its_reference_or_hidden_tests(cheats):
    """The reference lives only in the teacher's file and source notebook."""
    released = (cheats["release"] / TEACHER.name).read_text(encoding="utf-8")
    teacher = nbformat.read(TEACHER, as_version=4)
    [solution] = [c for c in teacher.cells if c.metadata.get("nbgrader", {}).get("solution")]
    body = solution.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    for line in filter(None, (line.strip() for line in body.splitlines())):
        assert line not in released
    assert BEGIN not in released and BEGIN_HIDDEN not in released
    assert "NotImplementedError" in released
    from lossbook.exercises._literal import literal
    from lossbook.exercises._teacher import load

    def code(notebook) -> str:  # without whitespace: line breaks do not matter
        return "".join("".join(c.source.split()) for c in notebook.cells)

    exercise = load(TEACHER.with_suffix(".py"))
    theirs = code(nbformat.read(cheats["release"] / TEACHER.name, as_version=4))
    for case in exercise.hidden_cases:  # no hidden input reaches the students
        written = "".join(literal(case.args).split())
        assert written in code(teacher) and written not in theirs, written
