"""The exercise checks: right answers pass, wrong ones are named, nothing crashes.

For every exercise of every chapter: the reference solution gets ``Correct``, a stub
gets ``Not attempted``, a constant gets ``Incorrect:``, every classic mistake gets
its own plain-words message, and no learner function (raising, printing, returning
None, text or a generator, changing its input) can make ``check`` raise.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from lossbook.exercises import all_exercises, ch3, ch4, ch5, ch7, ch8
from lossbook.exercises._grading import Exercise

EXERCISES = all_exercises()
IDS = [exercise.name for _, exercise in EXERCISES]
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def load(exercise: Exercise, code: str | None = None) -> dict:
    """Run an exercise's given code and solution code; return the namespace."""
    namespace: dict = {}
    if exercise.setup:
        exec(exercise.setup, namespace)
    exec(exercise.solution_code() if code is None else code, namespace)
    return namespace


def solution_of(exercise: Exercise):
    return load(exercise)[exercise.function_name]


@pytest.fixture(params=[e for _, e in EXERCISES], ids=IDS)
def exercise(request) -> Exercise:
    return request.param


def test_the_book_has_enough_exercises():
    chapters = {chapter for chapter, _ in EXERCISES}
    assert chapters == {f"ch{n}" for n in range(1, 9)}
    assert len(EXERCISES) >= 14
    for chapter in chapters:
        assert sum(c == chapter for c, _ in EXERCISES) >= 2, chapter
    kinds = {e.kind for _, e in EXERCISES}
    assert kinds == {"practice", "debugging", "predict"}


def test_reference_solution_is_correct(exercise, capsys):
    result = exercise.evaluate(solution_of(exercise))
    assert result.status == "correct", result.message
    assert exercise.check(solution_of(exercise)) is None
    line = capsys.readouterr().out
    assert line.startswith("Correct") and line.count("\n") == 1


def test_stub_is_not_attempted(exercise, capsys):
    def stub(*args):
        raise NotImplementedError()

    assert exercise.evaluate(stub).status == "not attempted"
    exercise.check(stub)
    assert capsys.readouterr().out.startswith("Not attempted")


@pytest.mark.parametrize("constant", [0.5, 0, -1.0, np.array([0.1, 0.2]), "0.3", [1, 2, 3]])
def test_constant_is_incorrect(exercise, constant, capsys):
    result = exercise.evaluate(lambda *args: constant)
    assert result.status == "incorrect"
    exercise.check(lambda *args: constant)
    out = capsys.readouterr().out
    assert out.startswith("Incorrect:") and out.count("\n") == 1


def test_every_classic_mistake_is_named(exercise):
    for mistake in exercise.mistakes:
        result = exercise.evaluate(mistake.make)
        assert result.status == "incorrect", mistake.words
        assert result.mistake == mistake.words, (mistake.words, result.message)
        assert result.message.startswith("Incorrect:") and result.message.endswith(mistake.words)


@pytest.mark.parametrize("exercise", [e for _, e in EXERCISES if e.kind == "debugging"],
                         ids=[e.name for _, e in EXERCISES if e.kind == "debugging"])
def test_given_buggy_code_is_incorrect(exercise):
    assert exercise.setup, "a debugging exercise shows the buggy code"
    namespace = load(exercise)
    buggy = [value for name, value in namespace.items() if name.endswith("_buggy")]
    assert len(buggy) == 1
    result = exercise.evaluate(buggy[0])
    assert result.status == "incorrect" and result.mistake, result.message


def _raises_value_error(*args):
    raise ValueError("oops")


def _raises_system_exit(*args):
    raise SystemExit(3)


def _prints(*args):
    print("hello from the learner")
    return 0.123


def _generator(*args):
    yield 1


def _divides_by_zero(*args):
    return 1 / 0


def _warns_and_nan(*args):
    return np.log(np.array([-1.0, 0.0]))


class _Weird:
    def __repr__(self):
        raise RuntimeError("no repr for you")

    def __float__(self):
        raise RuntimeError("no float either")


@pytest.mark.parametrize("answer", [_raises_value_error, _raises_system_exit, _prints, _generator,
                                    _divides_by_zero, _warns_and_nan, lambda *a: None, lambda *a: "text",
                                    lambda *a: _Weird(), lambda *a: {"a": 1}, lambda: 1, lambda *a, **k: np.nan,
                                    print, 42, None, "batch_loss", int])
def test_check_never_crashes(exercise, answer, capsys):
    result = exercise.evaluate(answer)
    assert result.status == "incorrect", result.message
    assert exercise.check(answer) is None
    captured = capsys.readouterr()
    assert captured.out.startswith("Incorrect:") and captured.out.count("\n") == 1
    assert "hello from the learner" not in captured.out and captured.err == ""


def test_learner_errors_are_reported_with_their_type():
    message = ch3.q1.evaluate(_raises_value_error).message
    assert message.startswith("Incorrect: for softmax_outputs=") and "raised ValueError: oops" in message
    assert "returned None" in ch3.q1.evaluate(lambda p, t: None).message
    assert "generator" in ch3.q1.evaluate(_generator).message


def test_check_does_not_modify_its_own_inputs(exercise):
    before = copy.deepcopy([case.args for case in exercise.cases])

    def vandal(*args):
        for arg in args:
            if isinstance(arg, np.ndarray) and arg.dtype.kind == "f":
                arg[...] = 0.25
            elif isinstance(arg, list):
                arg.clear()
        raise ValueError("done")

    exercise.evaluate(vandal)
    exercise.evaluate(solution_of(exercise))
    after = [case.args for case in exercise.cases]
    for old, new in zip(before, after):
        for a, b in zip(old, new):
            if isinstance(a, np.ndarray):
                assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
            else:
                assert a == b


def test_hint_and_solution_print(exercise, capsys, monkeypatch):
    exercise.hint()
    assert capsys.readouterr().out.startswith("Hint: ")
    monkeypatch.delenv("LOSSBOOK_NO_SOLUTIONS", raising=False)
    exercise.solution()
    printed = capsys.readouterr().out
    assert "SOLUTION" not in printed and f"def {exercise.function_name}(" in printed
    compile(printed, exercise.name, "exec")
    monkeypatch.setenv("LOSSBOOK_NO_SOLUTIONS", "1")
    exercise.solution()
    assert "def " not in capsys.readouterr().out


# --- the classic mistakes, written the way a learner would ------------------------

def test_forgot_the_mean():
    def batch_loss(softmax_outputs, class_targets):
        return -np.log(softmax_outputs[range(len(softmax_outputs)), class_targets])

    assert "forgot the mean" in ch3.q1.evaluate(batch_loss).message


def test_forgot_to_clip():
    def safe_batch_loss(softmax_outputs, class_targets):
        return np.mean(-np.log(softmax_outputs[range(len(softmax_outputs)), class_targets]))

    message = ch4.q2.evaluate(safe_batch_loss).message
    assert "forgot to clip" in message and "got inf" in message


def test_clipped_the_callers_array():
    def safe_batch_loss(softmax_outputs, class_targets):
        np.clip(softmax_outputs, 1e-7, 1 - 1e-7, out=softmax_outputs)
        return np.mean(-np.log(softmax_outputs[range(len(softmax_outputs)), class_targets]))

    assert "changed its input" in ch4.q2.evaluate(safe_batch_loss).message

    def clip_predictions(y_pred):
        y_pred[y_pred < 1e-7] = 1e-7
        y_pred[y_pred > 1 - 1e-7] = 1 - 1e-7
        return y_pred

    assert "changed its input" in ch4.q1.evaluate(clip_predictions).message


def test_summed_the_binary_formula():
    def categorical_loss(y_pred, y_true):
        p = np.clip(y_pred, 1e-7, 1 - 1e-7)
        return np.mean(-np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p), axis=1))

    assert "binary cross-entropy formula" in ch7.q2.evaluate(categorical_loss).message


def test_softmax_then_log_from_logits_is_named():
    def smoothed_loss_from_logits(logits, targets, alpha):
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
        return np.mean(-np.sum(smoothed * np.log(probs), axis=1))

    assert "Softmax then log" in ch8.q1.evaluate(smoothed_loss_from_logits).message


def test_nnfs_style_answer_to_7_2_is_named():
    def categorical_loss(y_pred, y_true):
        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        return np.mean(-np.log(np.sum(y_true * clipped, axis=1)))

    message = ch7.q2.evaluate(categorical_loss).message
    assert "soft" in message and "nnfs shortcut" in message


def test_plain_mean_epoch_loss_is_named():
    assert "plain mean" in ch7.q1.evaluate(lambda losses, n, size: np.mean(losses)).message


def test_gradient_of_the_sum_is_named():
    def logit_gradient(logits, class_targets):
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        grad = e / e.sum(axis=1, keepdims=True)
        grad[np.arange(len(logits)), class_targets] -= 1
        return grad

    assert "SUM of the losses" in ch8.q2.evaluate(logit_gradient).message


def test_wrong_axis_and_returned_mean():
    def categorical_forward(y_pred, y_true):
        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if y_true.ndim == 1:
            return np.mean(-np.log(clipped[range(len(clipped)), y_true]))
        return np.mean(-np.log(np.sum(clipped * y_true, axis=1)))

    assert "returned the mean" in ch5.q1.evaluate(categorical_forward).message


def test_float32_and_single_sample_cases_exist():
    labels = " ".join(case.label for _, e in EXERCISES for case in e.cases)
    assert "float32" in labels and "one sample" in labels and "confidence 0" in labels and "confidence 1" in labels


# --- the notebooks carry exactly these exercises ----------------------------------

def _exercise_cells(notebook_path: Path) -> list[dict]:
    cells = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if cell.get("metadata", {}).get("lossbook") == "exercise"]


@pytest.mark.parametrize("number", range(1, 9))
def test_notebook_has_its_exercises_with_solution_cells(number):
    import nbformat

    from lossbook.exercises import _cells

    [path] = NOTEBOOKS.glob(f"0{number}_*.ipynb")
    chapter = f"ch{number}"
    notebook = nbformat.read(path, as_version=4)
    written = _cells.place_exercises(notebook, chapter)
    assert [(c.get("id"), c.cell_type, c.source, c.metadata) for c in notebook.cells] == \
        [(c.get("id"), c.cell_type, c.source, c.metadata) for c in written.cells], \
        f"{path.name} differs from its exercises: run `python -m lossbook.exercises write notebooks/`"
    cells = _exercise_cells(path)
    solutions = [c for c in cells if "nbgrader" in c["metadata"]]
    assert len(solutions) >= 2
    for cell in solutions:
        assert cell["metadata"]["tags"] == ["hide-input"]
        assert cell["metadata"]["nbgrader"]["solution"] is True and cell["metadata"]["nbgrader"]["grade"] is False
        assert cell["outputs"] == [] and cell["execution_count"] is None
    grade_ids = [c["metadata"]["nbgrader"]["grade_id"] for c in solutions]
    assert len(set(grade_ids)) == len(grade_ids)


def test_write_command_places_a_predict_question_after_its_anchor(tmp_path, monkeypatch):
    """An exercise with place_after goes right after that cell, the rest under ## Exercises."""
    import nbformat

    from lossbook.exercises import _cells, ch1

    monkeypatch.setattr(ch1.q2, "place_after", "anchor")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1. Title"), nbformat.v4.new_markdown_cell("Before the reveal."),
        nbformat.v4.new_code_cell("reveal()"), nbformat.v4.new_markdown_cell("## Exercises")])
    nb.cells[1]["id"] = "anchor"
    placed = _cells.place_exercises(nb, "ch1")
    sources = [c.source for c in placed.cells]
    assert sources[1] == "Before the reveal." and sources[2].startswith("### Exercise 1.2")
    assert sources.index("reveal()") == 2 + 3  # task, solution, check of 1.2, then the reveal
    assert sources[sources.index("## Exercises") + 2].startswith("### Exercise 1.1")
    assert [c.source for c in _cells.place_exercises(placed, "ch1").cells] == sources  # idempotent
    assert len(nb.cells) == 4  # the input is not modified

    path = tmp_path / "01_x.ipynb"
    nbformat.write(nb, path)
    from lossbook.exercises.__main__ import main
    assert main(["write", str(tmp_path)]) == 2  # the other chapters' notebooks are missing
    assert nbformat.read(path, as_version=4).cells == nb.cells  # nothing half-written


def test_correct_line_is_short(exercise):
    """The success line fits a notebook output without scrolling."""
    assert len(exercise.evaluate(solution_of(exercise)).message) <= 80


# --- beyond the fixed cases: the model answers agree with the package everywhere ----

from hypothesis import given, settings, strategies as st  # noqa: E402

import lossbook  # noqa: E402


@st.composite
def batches(draw):
    n = draw(st.integers(1, 6))
    k = draw(st.integers(2, 5))
    raw = np.array(draw(st.lists(st.floats(0, 1), min_size=n * k, max_size=n * k))).reshape(n, k)
    raw[raw.sum(axis=1) == 0, 0] = 1.0
    probs = raw / raw.sum(axis=1, keepdims=True)
    labels = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return probs.astype(dtype), labels


@settings(max_examples=60, deadline=None)
@given(batches())
def test_model_answers_match_the_package(batch):
    probs, labels = batch
    one_hot = np.eye(probs.shape[1])[labels]
    loss = lossbook.CategoricalCrossentropy()
    assert np.isclose(solution_of(ch4.q2)(probs, labels), loss.calculate(probs, labels), rtol=1e-4)
    for targets in (labels, one_hot):
        assert np.allclose(solution_of(ch5.q1)(probs, targets), loss.forward(probs, targets), rtol=1e-4)
    from lossbook.exercises import ch6
    assert solution_of(ch6.q1)(probs, one_hot) == lossbook.accuracy(probs, labels)
    logits = np.log(np.clip(probs, 1e-3, 1)).astype(np.float64) * 50  # spread out, some large
    from_logits = lossbook.CategoricalCrossentropy(from_logits=True)
    # 8.1 with alpha = 0 is the loss from logits, for one-hot and soft targets
    assert np.isclose(solution_of(ch8.q1)(logits, one_hot, 0.0),
                      from_logits.calculate(logits, labels), rtol=1e-6, atol=1e-6)
    soft = probs.astype(np.float64)
    assert np.isclose(solution_of(ch8.q1)(logits, soft, 0.2),
                      from_logits.calculate(logits, 0.8 * soft + 0.2 / soft.shape[1]), rtol=1e-6, atol=1e-6)
    # 8.2: softmax - y over n, the exact gradient of the mean loss
    grad = solution_of(ch8.q2)(logits, labels)
    assert np.allclose(grad.sum(axis=1), 0, atol=1e-12)  # each row of softmax - one-hot sums to 0
    assert np.allclose(grad, (lossbook.Softmax().forward(logits) - one_hot) / len(labels))
    # 7.1: the size-weighted mean of batch means is the mean over all samples
    per_sample = loss.forward(probs, labels).astype(np.float64)
    for size in (1, 2, 4):
        batch_means = [per_sample[i:i + size].mean() for i in range(0, len(per_sample), size)]
        assert np.isclose(solution_of(ch7.q1)(np.array(batch_means), len(per_sample), size),
                          per_sample.mean(), rtol=1e-12)
