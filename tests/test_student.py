"""The student edition (nbgrader's release) and the learner edition.

The student edition: solutions out, stubs in, hidden tests out; its autograder test
cells fail for every unanswered exercise, as nbgrader's norm wants. The learner
edition is the same without those test cells, and runs from top to bottom with every
check saying "Not attempted". Also runs the teacher notebooks' exercise cells to show
every model answer passes its own check and its test cell.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lossbook.student import (BEGIN, BEGIN_HIDDEN, END, END_HIDDEN, is_autograder_test, main, strip_region,
                              strip_solutions, write_learner_edition, write_student_edition)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("*.ipynb"))


def run(notebook, cwd: Path = NOTEBOOKS):
    NotebookClient(notebook, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return notebook


def stdout_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")


def check_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code" and ".check(" in c.source
            and c.metadata.get("lossbook") == "exercise"]


def solution_lines(notebook) -> set[str]:
    """Non-blank lines inside solution regions, minus lines that also appear outside them."""
    inside, outside = set(), set()
    for cell in notebook.cells:
        within = False
        for line in cell.source.splitlines():
            text = line.strip()
            if BEGIN in text:
                within = True
            elif END in text:
                within = False
            elif text:
                (inside if within else outside).add(text)
    return inside - outside


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    done = subprocess.run([sys.executable, "-m", "lossbook.student", str(NOTEBOOKS), str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert f"Wrote {len(SOURCES)} student notebooks" in done.stdout
    return out


def test_every_notebook_is_copied(student_dir):
    assert sorted(p.name for p in student_dir.glob("*.ipynb")) == [p.name for p in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_no_solution_text_survives(student_dir, source):
    teacher = nbformat.read(source, as_version=4)
    student_text = (student_dir / source.name).read_text(encoding="utf-8")
    assert BEGIN not in student_text and END not in student_text
    student = nbformat.read(student_dir / source.name, as_version=4)
    student_lines = {line.strip() for cell in student.cells for line in cell.source.splitlines()}
    leaked = sorted(solution_lines(teacher) & student_lines)
    assert not leaked, f"solution lines left in the student {source.name}: {leaked}"


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_stubs_replace_solutions_and_the_rest_is_unchanged(student_dir, source):
    teacher = nbformat.read(source, as_version=4)
    student = nbformat.read(student_dir / source.name, as_version=4)
    assert len(student.cells) == len(teacher.cells)
    for t, s in zip(teacher.cells, student.cells):
        if s.cell_type == "code":
            assert s.outputs == [] and s.execution_count is None
        if BEGIN in t.source:
            assert "# YOUR CODE HERE\n" in s.source and "raise NotImplementedError()" in s.source
            assert "hide-input" not in s.metadata.get("tags", [])
            assert s.metadata["nbgrader"] == t.metadata["nbgrader"]
        elif BEGIN_HIDDEN in t.source:
            assert BEGIN_HIDDEN not in s.source and s.source == strip_region(t.source, BEGIN_HIDDEN, END_HIDDEN)
            assert s.metadata == t.metadata
        else:
            assert s.source == t.source and s.metadata == t.metadata


@pytest.fixture(scope="module")
def learner_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("learner")
    done = subprocess.run([sys.executable, "-m", "lossbook.student", "--learner", str(NOTEBOOKS), str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert f"Wrote {len(SOURCES)} learner notebooks" in done.stdout
    return out


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_learner_notebook_runs_and_every_check_is_not_attempted(learner_dir, source):
    """Run All goes to the end: no test cell stops it, and every check says Not attempted."""
    notebook = run(nbformat.read(learner_dir / source.name, as_version=4))
    checks = check_cells(notebook)
    assert checks, "every chapter has exercises (test_exercises.py counts them)"
    for cell in checks:
        assert stdout_of(cell).startswith("Not attempted"), cell.source


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_the_learner_edition_is_the_student_edition_without_its_test_cells(student_dir, learner_dir, source):
    student = nbformat.read(student_dir / source.name, as_version=4)
    learner = nbformat.read(learner_dir / source.name, as_version=4)
    tests = [cell for cell in student.cells if is_autograder_test(cell)]
    assert tests and not any(is_autograder_test(cell) for cell in learner.cells)
    assert learner.cells == [cell for cell in student.cells if not is_autograder_test(cell)]
    assert learner.metadata == student.metadata


def test_the_release_stops_at_every_unanswered_test_cell(student_dir):
    """The student edition's test cells raise for a stub, for the student too (nbgrader's
    norm), with the check's one line; a one-answer question's test is hidden whole."""
    from lossbook.exercises import CHAPTERS

    cells = [nbformat.v4.new_code_cell(f"from lossbook.exercises import {', '.join(CHAPTERS)}")]
    for source in SOURCES:
        student = nbformat.read(student_dir / source.name, as_version=4)
        cells += [c for c in student.cells if c.metadata.get("lossbook") == "exercise" and c.cell_type == "code"]
    notebook = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    tests = [c for c in notebook.cells if is_autograder_test(c)]
    stopped = [c for c in tests if any(o.output_type == "error" for o in c.outputs)]
    silent = [c for c in tests if not c.outputs]
    assert len(stopped) + len(silent) == len(tests) >= 29 and len(stopped) >= 15
    for cell in stopped:
        [error] = [o for o in cell.outputs if o.output_type == "error"]
        assert error.ename == "AssertionError" and error.evalue.startswith("Not attempted"), cell.source[:200]
    for cell in silent:  # only comments are left of it
        assert all(line.startswith("#") for line in cell.source.splitlines()), cell.source


def test_teacher_solutions_pass_their_checks():
    """Only the exercise cells of all chapters, in one kernel: every check prints Correct."""
    # Predict questions sit before their chapter's "## Exercises" import cell (they
    # follow the cell they are about), so import every chapter's checks first.
    from lossbook.exercises import CHAPTERS
    cells = [nbformat.v4.new_code_cell(f"from lossbook.exercises import {', '.join(CHAPTERS)}")]
    for source in SOURCES:
        teacher = nbformat.read(source, as_version=4)
        own = [c for c in teacher.cells if c.metadata.get("lossbook") == "exercise"]
        # The import cell sits under "## Exercises"; a predict question placed earlier
        # in the chapter relies on the chapter's own import. Run the import first.
        cells += sorted(own, key=lambda c: not c.get("id", "").endswith("-exercises-import"))
    notebook = nbformat.v4.new_notebook(cells=cells)
    run(notebook)
    checks = check_cells(notebook)
    assert len(checks) >= 14
    for cell in checks:
        out = stdout_of(cell)
        assert out.startswith("Correct") and out.count("\n") == 1, (cell.source, out)
    tests = [c for c in notebook.cells if is_autograder_test(c)]
    assert len(tests) == len(checks)
    for cell in tests:  # the test cell passes and prints the check's Correct line
        assert stdout_of(cell).startswith("Correct") and not any(o.output_type == "error" for o in cell.outputs)


def test_strip_keeps_indentation():
    source = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    assert strip_solutions(source) == ("def f(x):\n    y = 1\n    # YOUR CODE HERE\n"
                                       "    raise NotImplementedError()\n")  # the last newline stays, as in nbgrader


@pytest.mark.parametrize("source, problem", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "without a"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "again before"),
])
def test_unbalanced_markers_are_a_clear_error(source, problem):
    with pytest.raises(ValueError, match=problem):
        strip_solutions(source)


def test_unbalanced_markers_in_a_notebook_write_nothing(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1")])
    nbformat.write(notebook, src / "bad.ipynb")
    assert main([str(src), str(tmp_path / "out")]) == 2
    assert "bad.ipynb, cell 0" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_learner_edition_of_any_notebook_and_the_command_line(tmp_path, capsys):
    """No autograder test cell (graded, not a solution) survives; an answer cell that is
    graded by hand (grade and solution) stays, as a stub."""
    test = {"nbgrader": {"solution": False, "grade": True, "grade_id": "t", "locked": True, "points": 1,
                         "schema_version": 3}}
    manual = {"nbgrader": {"solution": True, "grade": True, "grade_id": "m", "locked": False, "points": 2,
                           "schema_version": 3}}
    src = tmp_path / "src"
    src.mkdir()
    nbformat.write(_notebook(nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n"
                                                       "    ### END SOLUTION"),
                             nbformat.v4.new_code_cell("assert f() == 1", metadata=test),
                             nbformat.v4.new_markdown_cell("Why?", metadata=manual)), src / "01_a.ipynb")
    assert main(["--learner", str(src), str(tmp_path / "out")]) == 0
    assert "Wrote 1 learner notebooks" in capsys.readouterr().out
    learner = nbformat.read(tmp_path / "out" / "01_a.ipynb", as_version=4)
    assert [c.source for c in learner.cells] == ["def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()",
                                                 "YOUR ANSWER HERE"]
    assert write_learner_edition(src, tmp_path / "again") == [tmp_path / "again" / "01_a.ipynb"]
    for bad in (["--learner", str(src)], ["--student", str(src), str(tmp_path / "x")],
                [str(src), "--learner", str(tmp_path / "x")]):
        assert main(bad) == 2
        assert "usage" in capsys.readouterr().err


def test_learner_edition_of_the_chinese_notebook(tmp_path):
    from lossbook import translate

    zh = tmp_path / "zh"
    translate.write_notebook(SOURCES[0], zh / SOURCES[0].name, ROOT / "locales", "zh_CN")
    [written] = write_learner_edition(zh, tmp_path / "learner")
    notebook = nbformat.read(written, as_version=4)
    assert not any(is_autograder_test(c) for c in notebook.cells)
    text = "\n".join(c.source for c in notebook.cells)
    assert "为什么要用损失" in text and "BEGIN SOLUTION" not in text and ".check(" in text


def test_bad_arguments(tmp_path, capsys):
    assert main([str(tmp_path / "missing"), str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([str(NOTEBOOKS), str(NOTEBOOKS)]) == 2
    assert "is the source folder" in capsys.readouterr().err
    assert main([str(tmp_path), str(tmp_path / "out")]) == 2
    assert "no notebooks" in capsys.readouterr().err
    assert main(["only-one"]) == 2
    assert "usage" in capsys.readouterr().err
    with pytest.raises(ValueError):
        write_student_edition(tmp_path / "missing", tmp_path / "out")


def test_command_line_exit_code(tmp_path):
    done = subprocess.run([sys.executable, "-m", "lossbook.student", str(tmp_path / "nope"), str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "does not exist" in done.stderr and done.stdout == ""


from hypothesis import given, strategies as st  # noqa: E402


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
                        max_size=30).filter(lambda line: not any(m in line for m in (BEGIN, END, BEGIN_HIDDEN,
                                                                                     END_HIDDEN))), max_size=8))
def test_sources_without_markers_are_unchanged(lines):
    source = "\n".join(lines)
    assert strip_solutions(source) == source


# --- never leaks: every spelling nbgrader strips -----------------------------------------

@pytest.mark.parametrize("begin, end", [
    ("### BEGIN SOLUTION", "### END SOLUTION"),
    ("###BEGIN SOLUTION", "###END SOLUTION"),
    ("## BEGIN SOLUTION", "## END SOLUTION"),
    ("# BEGIN SOLUTION  (teacher's note)", "# END SOLUTION -- done"),
    ("    ### BEGIN SOLUTION", "    ### END SOLUTION"),
])
def test_every_marker_spelling_nbgrader_strips_is_stripped(begin, end):
    source = f"def f(x):\n{begin}\n    return 42  # secret\n{end}\n"
    stripped = strip_solutions(source)
    assert "secret" not in stripped and "SOLUTION" not in stripped
    assert "raise NotImplementedError()" in stripped


def _notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells), metadata={"kernelspec": {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}})


def test_solution_cells_without_markers_markdown_raw_and_hidden_tests():
    from lossbook.student import student_notebook

    solution = {"nbgrader": {"solution": True, "grade": False, "grade_id": "a", "locked": False,
                             "schema_version": 3}, "tags": ["hide-input"]}
    test = {"nbgrader": {"solution": False, "grade": True, "grade_id": "t", "locked": True, "points": 1,
                         "schema_version": 3}}
    raw = nbformat.v4.new_raw_cell("keep\n<!-- BEGIN SOLUTION -->\nsecret raw\n<!-- END SOLUTION -->")
    notebook = _notebook(
        nbformat.v4.new_code_cell("x = 42  # secret, no markers", metadata=solution),
        nbformat.v4.new_markdown_cell("The answer is secret.", metadata={"nbgrader": dict(solution["nbgrader"])}),
        nbformat.v4.new_markdown_cell("Explain:\n<!-- BEGIN SOLUTION -->\nsecret words\n<!-- END SOLUTION -->"),
        raw,
        nbformat.v4.new_code_cell("check(f)\n### BEGIN HIDDEN TESTS\nassert f(2) == 'secret'\n### END HIDDEN TESTS",
                                  metadata=test),
    )
    student = student_notebook(notebook)
    sources = [cell.source for cell in student.cells]
    assert sources[0] == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert sources[1] == "YOUR ANSWER HERE"
    assert sources[2] == "Explain:\nYOUR ANSWER HERE"
    assert sources[3] == "keep\nYOUR ANSWER HERE"
    assert sources[4] == "check(f)"
    assert not any("secret" in source for source in sources)
    assert "tags" not in student.cells[0].metadata
    assert notebook.cells[0].source == "x = 42  # secret, no markers"  # the input is not modified


# --- never loses: no write goes into a source notebook -----------------------------------

def _teacher_folder(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    nbformat.write(_notebook(nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n"
                                                       "    ### END SOLUTION")), src / "01_a.ipynb")
    return src, (src / "01_a.ipynb").read_bytes()


@pytest.mark.parametrize("link", ["hard", "symbolic"])
def test_a_linked_notebook_in_the_output_is_replaced_not_written_through(tmp_path, link, capsys):
    import os

    src, before = _teacher_folder(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (os.link if link == "hard" else os.symlink)(src / "01_a.ipynb", out / "01_a.ipynb")
    assert main([str(src), str(out)]) == 0
    assert (src / "01_a.ipynb").read_bytes() == before
    assert not (out / "01_a.ipynb").is_symlink() and "NotImplementedError" in (out / "01_a.ipynb").read_text()
    assert not os.path.samefile(src / "01_a.ipynb", out / "01_a.ipynb")
    assert [p.name for p in out.iterdir()] == ["01_a.ipynb"]  # no temporary file left behind


def test_an_output_folder_that_is_the_source_under_another_name_is_refused(tmp_path, capsys):
    src, before = _teacher_folder(tmp_path)
    (tmp_path / "alias").symlink_to(src, target_is_directory=True)
    assert main([str(src), str(tmp_path / "alias")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is the source folder" in err
    assert (src / "01_a.ipynb").read_bytes() == before


@pytest.mark.parametrize("content, words", [
    ("{not json", "not valid JSON"),
    ('{"hello": 1}', "not a Jupyter notebook"),
    ('[1, 2]', "not a Jupyter notebook"),
    ('{"cells": [{"cell_type": "spam"}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
     "not a valid notebook"),
    (b"\xff\xfe\x00bad", "cannot read it"),
])
def test_bad_notebooks_get_one_line_naming_the_file(tmp_path, capsys, content, words):
    src, _ = _teacher_folder(tmp_path)
    bad = src / "02_bad.ipynb"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert main([str(src), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "02_bad.ipynb" in err and words in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_a_file_given_for_a_folder(tmp_path, capsys):
    src, _ = _teacher_folder(tmp_path)
    assert main([str(src / "01_a.ipynb"), str(tmp_path / "out")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    (tmp_path / "taken").write_text("x")
    assert main([str(src), str(tmp_path / "taken")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_unbalanced_markers_of_any_spelling_exit_2_without_traceback(tmp_path):
    src, _ = _teacher_folder(tmp_path)
    nbformat.write(_notebook(nbformat.v4.new_code_cell("x = 1\n## END SOLUTION")), src / "03_c.ipynb")
    done = subprocess.run([sys.executable, "-m", "lossbook.student", str(src), str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "03_c.ipynb, cell 0" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()
