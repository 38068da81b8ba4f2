"""The student edition: solutions out, stubs in, and every notebook still runs.

Also runs the teacher notebooks' exercise cells to show every model answer passes
its own check.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lossbook.student import BEGIN, END, main, strip_solutions, write_student_edition

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
            if text == BEGIN:
                within = True
            elif text == END:
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
        else:
            assert s.source == t.source and s.metadata == t.metadata


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_student_notebook_runs_and_every_check_is_not_attempted(student_dir, source):
    notebook = run(nbformat.read(student_dir / source.name, as_version=4))
    checks = check_cells(notebook)
    assert len(checks) >= 2, "every chapter has at least two exercises"
    for cell in checks:
        assert stdout_of(cell).startswith("Not attempted"), cell.source


def test_teacher_solutions_pass_their_checks():
    """Only the exercise cells of all chapters, in one kernel: every check prints Correct."""
    # Predict questions sit before their chapter's "## Exercises" import cell (they
    # follow the cell they are about), so import every chapter's checks first.
    from lossbook.exercises import CHAPTERS
    cells = [nbformat.v4.new_code_cell(f"from lossbook.exercises import {', '.join(CHAPTERS)}")]
    for source in SOURCES:
        teacher = nbformat.read(source, as_version=4)
        cells += [c for c in teacher.cells if c.metadata.get("lossbook") == "exercise"]
    notebook = nbformat.v4.new_notebook(cells=cells)
    run(notebook)
    checks = check_cells(notebook)
    assert len(checks) >= 14
    for cell in checks:
        out = stdout_of(cell)
        assert out.startswith("Correct") and out.count("\n") == 1, (cell.source, out)


def test_strip_keeps_indentation():
    source = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    assert strip_solutions(source) == ("def f(x):\n    y = 1\n    # YOUR CODE HERE\n"
                                       "    raise NotImplementedError()")


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


def test_bad_arguments(tmp_path, capsys):
    assert main([str(tmp_path / "missing"), str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([str(NOTEBOOKS), str(NOTEBOOKS)]) == 2
    assert "must differ" in capsys.readouterr().err
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


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                        max_size=30).filter(lambda line: line.strip() not in (BEGIN, END)), max_size=8))
def test_sources_without_markers_are_unchanged(lines):
    source = "\n".join(lines)
    assert strip_solutions(source) == "\n".join(source.splitlines())
