"""The exercise checks: right answers pass, wrong ones are named, nothing crashes.

For every exercise of every chapter: the reference solution gets ``Correct``, a stub
gets ``Not attempted``, a constant gets ``Incorrect:``, every classic mistake gets
its own plain-words message, and no learner function (raising, printing, returning
None, text or a generator, changing its input) can make ``check`` raise.
"""
from __future__ import annotations

import copy
import math
import json
from pathlib import Path

import numpy as np
import pytest

from lossbook.exercises import all_exercises, ch3, ch5, ch6, ch7, ch8, ch9
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
    from lossbook.exercises import CHAPTERS

    chapters = {chapter for chapter, _ in EXERCISES}
    assert chapters == set(CHAPTERS) == {f"ch{n}" for n in range(1, 12)}
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
    message = ch3.q4.evaluate(_raises_value_error).message
    assert message.startswith("Incorrect: for softmax_outputs=") and "raised ValueError: oops" in message
    assert "returned None" in ch3.q4.evaluate(lambda p, t: None).message
    assert "generator" in ch3.q4.evaluate(_generator).message


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
    def one_hot_loss(softmax_outputs, one_hot_targets):
        return -np.log(np.sum(softmax_outputs * one_hot_targets, axis=1))

    assert "forgot the mean" in ch3.q4.evaluate(one_hot_loss).message


def test_one_hot_from_the_wrong_identity():
    def one_hot(class_targets, n_classes):
        return np.eye(len(class_targets))[class_targets]

    message = ch3.q3.evaluate(one_hot).message
    assert "for class_targets=[2, 0, 1, 1, 0], n_classes=3" in message and "np.eye(n_classes)" in message


def test_a_loss_summed_without_axis_is_negative():
    """Exercise 3.3's bug: the chapter's batch gives -log(0.7 + 0.5 + 0.9) < 0."""
    buggy = load(ch3.q4)["one_hot_loss_buggy"]
    batch, one_hot = ch3.q4.cases[0].args
    assert np.isclose(buggy(batch, one_hot), -np.log(2.1)) and buggy(batch, one_hot) < 0
    assert "np.sum without an axis" in ch3.q4.evaluate(buggy).message


def test_predict_questions_come_before_their_reveal():
    """A predict question sits in the chapter, above the cell that prints its answer."""
    reveals = {"ch3.q1": "ch3-19", "ch3.q2": "ch3-23", "ch5.q1": "ch5-12", "ch5.q2": "ch5-14"}
    for name, reveal in reveals.items():
        chapter, q = name.split(".")
        [path] = NOTEBOOKS.glob(f"0{chapter[2:]}_*.ipynb")
        ids = [c.get("id") for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
        exercise = getattr({"ch3": ch3, "ch5": ch5}[chapter], q)
        assert exercise.kind == "predict" and exercise.place_after is not None
        assert ids.index(exercise.place_after) < ids.index(f"{chapter}-{q}-task") < ids.index(reveal)
        assert ids.index(f"{chapter}-{q}-check") < ids.index(reveal)


def test_points_and_hidden_cases_of_chapters_3_and_4():
    for exercise in ch3.EXERCISES + ch5.EXERCISES:
        assert exercise.points in (1, 2, 3), exercise.name
        if exercise.kind != "predict":
            assert exercise.hidden_cases, exercise.name
        for case in exercise.hidden_cases:  # the model answer gets every hidden case right
            assert exercise.right(case, load(exercise)[exercise.function_name](*copy.deepcopy(case.args)))
    assert ch5.q2.options == ("positive", "zero", "negative")
    assert ch5.q2.reference() in ch5.q2.options


def test_clipped_the_callers_array():
    def capped_losses(correct_confidences):
        np.clip(correct_confidences, np.exp(-100), 1, out=correct_confidences)
        return -np.log(correct_confidences)

    assert "changed its input" in ch5.q3.evaluate(capped_losses).message

    def forward_fixed(y_pred, y_true):
        np.clip(y_pred, 1e-7, 1 - 1e-7, out=y_pred)
        if y_true.ndim == 2 and y_true.shape[1] == 1:
            y_true = y_true[:, 0]
        if y_true.ndim == 1:
            return -np.log(y_pred[range(len(y_pred)), y_true])
        return -np.log(np.sum(y_pred * y_true, axis=1))

    assert "changed its input" in ch6.q4.evaluate(forward_fixed).message


def test_soft_targets_returned_mean_and_log_outside_the_sum():
    def soft_forward(y_pred, y_true):
        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if y_true.ndim == 1:
            return np.mean(-np.log(clipped[range(len(clipped)), y_true]))
        return np.mean(-np.sum(y_true * np.log(clipped), axis=1))

    assert "returned the mean" in ch6.q3.evaluate(soft_forward).message

    def chapter_forward(y_pred, y_true):  # chapter 6's class: right for one-hot only
        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if len(y_true.shape) == 1:
            return -np.log(clipped[range(len(clipped)), y_true])
        return -np.log(np.sum(clipped * y_true, axis=1))

    assert "the log goes inside the sum" in ch6.q3.evaluate(chapter_forward).message


def test_predict_questions_of_chapters_6_and_7_come_before_their_reveal():
    """6.1, 6.2 and 7.1 sit right after the cell that asks, before the cell that answers."""
    import nbformat

    for exercise, notebook, reveal in ((ch6.q1, "06_the_loss_class.ipynb", "ch6-20"),
                                       (ch6.q2, "06_the_loss_class.ipynb", "ch6-big-code"),
                                       (ch7.q1, "07_accuracy.ipynb", "ch7-18")):
        ids = [c.get("id") for c in nbformat.read(NOTEBOOKS / notebook, as_version=4).cells]
        chapter, q = exercise.name.split(".")
        assert ids.index(f"{chapter}-{q}-task") == ids.index(exercise.place_after) + 1
        assert ids.index(f"{chapter}-{q}-check") < ids.index(reveal)
        assert exercise.kind == "predict" and 1 <= exercise.points <= 3


@pytest.mark.parametrize("exercise", [e for c, e in EXERCISES if c in ("ch6", "ch7")],
                         ids=[e.name for c, e in EXERCISES if c in ("ch6", "ch7")])
def test_ch6_ch7_points_hidden_cases_and_options(exercise):
    """Points 1-3; function exercises carry hidden cases the model answer passes;
    a predict question with a fixed answer set lists its options, the answer among them."""
    import dataclasses

    assert exercise.points in (1, 2, 3)
    if exercise.options:
        answer = solution_of(exercise)()
        assert answer.lower() in [option.lower() for option in exercise.options]
        assert all(option.lower() in exercise.task.lower() for option in exercise.options)
    elif exercise.validate is None:
        assert exercise.hidden_cases, "a function exercise needs hidden cases"
        hidden = copy.copy(exercise)
        hidden.cases = exercise.hidden_cases
        result = hidden.evaluate(solution_of(exercise))
        assert result.status == "correct", result.message
        shown = {repr(dataclasses.astuple(c)) for c in exercise.cases}
        assert not any(repr(dataclasses.astuple(c)) in shown for c in exercise.hidden_cases)


def test_float32_and_single_sample_cases_exist():
    labels = " ".join(case.label for _, e in EXERCISES for case in e.cases)
    assert "float32" in labels and "one sample" in labels and "confidence 0" in labels and "confidence 1" in labels


# --- the notebooks carry exactly these exercises ----------------------------------

def _exercise_cells(notebook_path: Path) -> list[dict]:
    cells = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if cell.get("metadata", {}).get("lossbook") == "exercise"]


@pytest.mark.parametrize("number", range(1, 12))
def test_notebook_has_its_exercises_with_solution_cells(number):
    import nbformat

    from lossbook.exercises import _cells

    [path] = NOTEBOOKS.glob(f"{number:02d}_*.ipynb")
    chapter = f"ch{number}"
    notebook = nbformat.read(path, as_version=4)
    written = _cells.place_exercises(notebook, chapter)
    assert [(c.get("id"), c.cell_type, c.source, c.metadata) for c in notebook.cells] == \
        [(c.get("id"), c.cell_type, c.source, c.metadata) for c in written.cells], \
        f"{path.name} differs from its exercises: run `python -m lossbook.exercises write notebooks/`"
    cells = _exercise_cells(path)
    solutions = [c for c in cells if c["metadata"].get("nbgrader", {}).get("solution")]
    tests = [c for c in cells if c["metadata"].get("nbgrader", {}).get("grade")]
    assert len(solutions) >= 2 and len(tests) == len(solutions)
    for cell in solutions:
        # behind a toggle in the book; left out where the page asks the question itself
        assert cell["metadata"]["tags"] in (["hide-input"], ["remove-cell"])
        assert cell["metadata"]["nbgrader"]["solution"] is True and cell["metadata"]["nbgrader"]["grade"] is False
        assert cell["outputs"] == [] and cell["execution_count"] is None
    for cell in tests:
        meta = cell["metadata"]["nbgrader"]
        assert meta["locked"] is True and meta["solution"] is False and meta["points"] in (1, 2, 3)
        source = "".join(cell["source"])
        assert cell["metadata"]["tags"] == ["remove-cell"] and "def _test(answer):" in source
        assert "assert right, checks().explain(answer)" in source and "NBGRADER" not in source
    grade_ids = [c["metadata"]["nbgrader"]["grade_id"] for c in solutions + tests]
    assert len(set(grade_ids)) == len(grade_ids)


def test_write_command_places_a_predict_question_after_its_anchor(tmp_path, monkeypatch):
    """An exercise with place_after goes right after that cell, the rest under ## Exercises."""
    import nbformat

    from lossbook.exercises import _cells, ch1

    monkeypatch.setattr(ch1.q1, "place_after", "anchor")
    monkeypatch.setattr(ch1.q2, "place_after", None)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1. Title"), nbformat.v4.new_markdown_cell("Before the reveal."),
        nbformat.v4.new_code_cell("reveal()"), nbformat.v4.new_markdown_cell("## Exercises")])
    nb.cells[1]["id"] = "anchor"
    placed = _cells.place_exercises(nb, "ch1")
    sources = [c.source for c in placed.cells]
    assert sources[1] == "Before the reveal." and sources[2].startswith("### Exercise 1.1")
    # task, in-page question, solution, check and test cell of 1.1, then the reveal
    assert sources.index("reveal()") == 2 + 5
    assert sources[sources.index("## Exercises") + 2].startswith("### Exercise 1.2")
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
    # chapter 3: one-hot rows built with np.eye give the same loss as the labels
    built = solution_of(ch3.q3)(labels, probs.shape[1])
    assert np.array_equal(built, one_hot)
    assert loss.calculate(probs, built) == loss.calculate(probs, labels)
    if probs[range(len(probs)), labels].min() > 1e-7:  # no clipping: ch3's loss is unclipped
        assert np.isclose(solution_of(ch3.q4)(probs, built), loss.calculate(probs, labels),
                          rtol=1e-4, atol=1e-6)  # the package clips the top: ~1e-7
    soft = np.abs(np.sin(np.arange(probs.size).reshape(probs.shape) + probs))  # any rows
    soft /= soft.sum(axis=1, keepdims=True)
    for targets in (labels, one_hot, soft):
        assert np.allclose(solution_of(ch6.q3)(probs, targets), loss.forward(probs, targets), rtol=1e-4)
    for targets in (labels, one_hot, labels[:, np.newaxis]):  # 6.4: a column of labels too
        assert np.allclose(solution_of(ch6.q4)(probs, targets), loss.forward(probs, labels), rtol=1e-4)
    logits = np.log(np.clip(probs, 1e-3, 1)).astype(np.float64) * 50  # spread out, some large
    from_logits = lossbook.CategoricalCrossentropy(from_logits=True)
    # 9.4 with alpha = 0 is the loss from logits, for one-hot and soft targets
    assert np.isclose(solution_of(ch9.q4)(logits, one_hot, 0.0),
                      from_logits.calculate(logits, labels), rtol=1e-6, atol=1e-6)
    soft = probs.astype(np.float64)
    assert np.isclose(solution_of(ch9.q4)(logits, soft, 0.2),
                      from_logits.calculate(logits, 0.8 * soft + 0.2 / soft.shape[1]), rtol=1e-6, atol=1e-6)
    # 9.5 with T = 1: softmax - y over n, the exact gradient of the mean loss
    grad = solution_of(ch9.q5)(logits, one_hot, 1.0)
    assert np.allclose(grad.sum(axis=1), 0, atol=1e-12)  # each row of softmax - one-hot sums to 0
    assert np.allclose(grad, (lossbook.Softmax().forward(logits) - one_hot) / len(labels))
    # 8.2: the size-weighted mean of batch means is the mean over all samples
    per_sample = loss.forward(probs, labels).astype(np.float64)
    for size in (1, 2, 4):
        batch_means = [per_sample[i:i + size].mean() for i in range(0, len(per_sample), size)]
        assert np.isclose(solution_of(ch8.q2)(np.array(batch_means), len(per_sample), size),
                          per_sample.mean(), rtol=1e-12)



@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_top_k_model_answer_matches_sklearn(n_samples, n_classes, seed):
    """No ties (continuous random rows): top-1 is lossbook.accuracy, top-k is sklearn's."""
    from sklearn.metrics import top_k_accuracy_score

    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(n_classes), size=n_samples)
    labels = rng.integers(0, n_classes, size=n_samples)
    top_k_accuracy = solution_of(ch7.q2)
    assert top_k_accuracy(probs, labels, 1) == lossbook.accuracy(probs, labels)
    assert top_k_accuracy(probs, labels, n_classes) == 1.0
    scores = probs[:, 1] if n_classes == 2 else probs  # sklearn's binary form
    for k in range(1, n_classes):
        expected = top_k_accuracy_score(labels, scores, k=k, labels=range(n_classes))
        assert np.isclose(top_k_accuracy(probs, labels, k), expected)


# --- chapters 5-7: references checked against independent libraries ------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0.0, 1e-300, 1e-60, 3.7e-44, 1e-30, 1e-7, 0.01, 0.5, 0.99, 1.0])
                | st.floats(0, 1), min_size=1, max_size=12))
def test_capped_losses_are_pytorchs_bceloss(confidences):
    """5.3: the model answer is what PyTorch's BCELoss gives for a target of 1, sample by sample."""
    import torch

    p = np.array(confidences, dtype=np.float64)
    ours = solution_of(ch5.q3)(p)
    theirs = torch.nn.BCELoss(reduction="none")(torch.from_numpy(p), torch.ones(len(p), dtype=torch.float64))
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12, atol=1e-12)
    assert ch5.q3.reference(p) is not None and np.allclose(ch5.q3.reference(p), ours, rtol=1e-12)
    assert ours.max() <= 100.0 and np.all(np.isfinite(ours))


def test_the_classmates_loss_falls_when_the_model_gets_worse():
    """5.4's reference, computed the classmate's way, against the chapter's numbers."""
    before, after = ch5.q4.reference()
    assert np.isclose(before, np.mean(-np.log([0.7, 0.5, 0.9, 0.01])))
    assert after == float(lossbook.CategoricalCrossentropy().calculate(
        np.array([[0.7, 0.3], [0.5, 0.5], [0.9, 0.1]]), [0, 0, 0]))  # chapter 3's 0.385...
    assert after < before   # worse model, lower reported loss


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(2, 5), st.integers(0, 2**32 - 1), st.booleans())
def test_balanced_accuracy_model_answer_matches_sklearn(n_samples, n_classes, seed, one_hot):
    from sklearn.metrics import balanced_accuracy_score

    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(n_classes), size=n_samples)
    labels = rng.integers(0, n_classes, size=n_samples)
    targets = np.eye(n_classes, dtype=int)[labels] if one_hot else labels
    predictions = np.argmax(probs, axis=1)
    expected = balanced_accuracy_score(labels, predictions)  # drops classes absent from labels
    assert np.isclose(solution_of(ch7.q3)(probs, targets), expected)
    assert np.isclose(ch7.q3.reference(probs, targets), expected)
    if len(set(np.bincount(labels, minlength=n_classes))) == 1:  # balanced classes
        assert np.isclose(expected, lossbook.accuracy(probs, labels))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_flip_points_are_where_the_argmax_changes(n_samples, n_classes, seed):
    """7.4: rebuild each row with the target at p* -/+ a little, the others sharing 1 - p
    in their old proportions; lossbook.accuracy must say wrong just below, right just above."""
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(n_classes), size=n_samples)
    labels = rng.integers(0, n_classes, size=n_samples)
    flips = solution_of(ch7.q4)(probs, labels)
    assert np.allclose(flips, ch7.q4.reference(probs, labels))
    rows = np.arange(n_samples)
    for step, should_be_right in ((-1e-6, False), (1e-6, True)):
        p = flips + step
        rebuilt = probs * ((1 - p) / (1 - probs[rows, labels]))[:, None]
        rebuilt[rows, labels] = p
        assert np.allclose(rebuilt.sum(axis=1), 1)
        right = lossbook.accuracy(rebuilt, labels)
        assert right == (1.0 if should_be_right else 0.0)
    # the chapter's slider: sample 1's cat flips at 5/14
    assert np.isclose(solution_of(ch7.q4)(np.array([[0.5, 0.1, 0.4]]), np.array([1]))[0], 5 / 14)


# --- chapters 5-7: every diagnosis true ----------------------------------------------

CH567 = [e for c, e in EXERCISES if c in ("ch5", "ch6", "ch7")]


def _same(exercise, case, a, b):
    """What the engine calls matching, at the case's own tolerance: shapes equal, values
    close (inf = inf, nan = nan), text as text."""
    return exercise.alike(a, b, case)


def _values(function, cases):
    out = []
    for case in cases:
        try:
            with np.errstate(all="ignore"):
                out.append(function(*copy.deepcopy(case.args)))
        except Exception as error:  # a mistake that cannot run on a case: not its value
            out.append(error)
    return out


@pytest.mark.parametrize("exercise", CH567, ids=[e.name for e in CH567])
def test_different_mistakes_give_different_values(exercise):
    """On the visible cases, every listed mistake differs from the right answer and from
    every other listed mistake somewhere, so no answer can match two of them."""
    rows = [("the right answer", _values(exercise.reference, exercise.cases))]
    rows += [(m.words, _values(m.make, exercise.cases)) for m in exercise.mistakes]
    for i, (name_a, a) in enumerate(rows):
        for name_b, b in rows[i + 1:]:
            same = [not isinstance(x, Exception) and not isinstance(y, Exception)
                    and _same(exercise, case, x, y) for case, x, y in zip(exercise.cases, a, b)]
            assert not all(same), (exercise.name, name_a, name_b)


def _named_mistake_holds_everywhere(exercise, answer, result):
    """A named mistake must give the answer's value on every visible case (one of the
    mistakes with those words must: a lost minus sign may be listed in two forms)."""
    ours = _values(answer, exercise.cases)
    assert not any(isinstance(value, Exception) for value in ours)
    assert any(all(_same(exercise, case, a, b)
                   for case, a, b in zip(exercise.cases, ours, _values(m.make, exercise.cases)))
               for m in exercise.mistakes if m.words == result.mistake), (exercise.name, result.mistake)


def _log(p, base):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(p) / np.log(base) if base else np.log(p)


# Learner answers written the way a learner would, each with the mistake words it must
# get (a piece of them), or None: a wrong answer no listed mistake describes.
def _capped_with(base=None, sign=-1, cap=100):
    def capped_losses(p):
        return sign * np.maximum(_log(p, base), -cap)
    return capped_losses


def _soft_with(base=None, sign=-1, axis=1):
    def soft_forward(y_pred, y_true):
        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if y_true.ndim == 1:
            return sign * _log(clipped[range(len(clipped)), y_true], base)
        return sign * np.sum(y_true * _log(clipped, base), axis=axis)
    return soft_forward


def _column_forward(indexing):
    def forward_fixed(y_pred, y_true):
        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if y_true.shape[-1] == y_pred.shape[1] and y_true.ndim == 2:
            return -np.log(np.sum(clipped * y_true, axis=1))
        return -np.log(clipped[range(len(clipped)), indexing(y_true)])
    return forward_fixed


def _top_k_by(argsort):
    def top_k_accuracy(p, t, k):
        return np.mean(np.any(argsort(p)[:, -k:] == t[:, None], axis=1))
    return top_k_accuracy


def _balanced_by(divide_by_predictions=False, keep_absent=None):
    def balanced_accuracy(p, t):
        predictions = np.argmax(p, axis=1)
        t = np.argmax(t, axis=1) if t.ndim == 2 else t
        hits = predictions == t
        per_class = []
        for k in range(p.shape[1]) if keep_absent is not None else np.unique(t):
            if keep_absent is not None and not np.any(t == k):
                per_class.append(keep_absent)  # a class that never occurs in the targets
                continue
            count = np.sum((predictions if divide_by_predictions else t) == k)
            with np.errstate(all="ignore"):
                per_class.append(np.float64(np.sum(hits & (t == k))) / count)
        return np.mean(per_class)
    return balanced_accuracy


def _flip_with(m_of):
    def flip_points(p, t):
        rows = np.arange(len(p))
        r = p[rows, t]
        m = m_of(p, t)
        return m / (1 - r + m)
    return flip_points


def _others_max(p, t):
    others = p.copy()
    others[np.arange(len(p)), t] = 0.0
    return others.max(axis=1)


LEARNER_ANSWERS = [
    # 5.1: (smallest, largest)
    (ch5.q1, lambda: (0.0, 7.0), "log10"),
    (ch5.q1, lambda: (0.0, 23.253), "log2"),
    (ch5.q1, lambda: (-1e-7, -16.118), "wrong sign"),
    (ch5.q1, lambda: (-16.118, 0.0), "wrong sign"),
    (ch5.q1, lambda: (1e-7, 0.9999999), "range of the clipped confidences"),
    (ch5.q1, lambda: (0.0, 16.1), None),        # rounded too far: wrong, no classic mistake
    (ch5.q1, lambda: (1e-7, 16.118), "correct"),
    # 5.3: PyTorch's cap
    (ch5.q3, _capped_with(), "correct"),
    (ch5.q3, lambda p: np.minimum(-_log(p, None), 100), "correct"),
    (ch5.q3, lambda p: -np.log(np.clip(p, np.exp(-100), 1)), "correct"),
    (ch5.q3, _capped_with(sign=1), "never positive"),
    (ch5.q3, _capped_with(base=10), "log base 10"),
    (ch5.q3, _capped_with(base=2), "log base 2"),
    (ch5.q3, lambda p: -np.log(np.clip(p, 1e-7, None)), "16.118"),       # bottom-only clip
    (ch5.q3, lambda p: np.minimum(-_log(p + 1e-7, None), 100), "added 1e-7"),
    (ch5.q3, lambda p: np.nan_to_num(-_log(p, None), posinf=100.0), None),  # only inf capped
    (ch5.q3, lambda p: -np.log(np.maximum(p, 1e-100)), None),              # another cap
    (ch5.q3, _capped_with(cap=-np.log(1e-7)), "16.118"),  # the clip's cap, on the log
    # 5.4: leave the infinite losses out
    (ch5.q4, lambda: (1.44, 0.385), "correct"),
    (ch5.q4, lambda: (1.44, 0.289), "divided by 4"),
    (ch5.q4, lambda: (1.44, 4.318), "clipped loss"),
    (ch5.q4, lambda: (-1.44, -0.385), "wrong sign"),
    (ch5.q4, lambda: (1.44, 1.44), None),
    # 6.1
    (ch6.q1, lambda n: -np.log(n), "wrong sign"),
    (ch6.q1, lambda n: np.log10(n), "log base 10"),
    (ch6.q1, lambda n: 1.0986104, "does not change with n_classes"),
    (ch6.q1, lambda n: np.log(n - 1), None),
    # 6.3: soft targets
    (ch6.q3, _soft_with(), "correct"),
    (ch6.q3, _soft_with(sign=1), "wrong sign"),
    (ch6.q3, _soft_with(base=10), "log base 10"),
    (ch6.q3, _soft_with(base=2), "log base 2"),
    (ch6.q3, _soft_with(axis=0), "axis 0"),
    (ch6.q3, lambda p, t: _soft_with()(p, t) / p.shape[1], None),
    # 6.4: labels as a column
    (ch6.q4, _column_forward(lambda t: t.reshape(-1)), "correct"),
    (ch6.q4, _column_forward(lambda t: t), "(n, n) table"),
    (ch6.q4, _column_forward(lambda t: np.argmax(t, axis=1) if t.ndim == 2 else t), None),
    (ch6.q4, lambda p, t: -_column_forward(lambda t: t.reshape(-1))(p, t), "wrong sign"),
    (ch6.q4, lambda p, t: _column_forward(lambda t: t.reshape(-1))(p, t) / np.log(10), "log base 10"),
    (ch5.q4, lambda: (2.078, 0.556), "log base 2"),
    (ch6.q1, lambda n: round(np.log10(n), 4), "log base 10"),  # rounded to the check's tolerance
    # 7.2: top-k
    (ch7.q2, _top_k_by(lambda p: np.argsort(p, axis=1)), "correct"),
    (ch7.q2, _top_k_by(lambda p: np.argsort(p, axis=0)), None),   # issue 17: not "top-1"
    (ch7.q2, lambda p, t, k: np.mean(np.argmax(p, axis=1) == t), "top-1"),
    (ch7.q2, lambda p, t, k: np.mean(np.any(np.argsort(p, axis=1)[:, :k] == t[:, None], axis=1)),
     "least"),
    # 7.3: balanced accuracy
    (ch7.q3, _balanced_by(), "correct"),
    (ch7.q3, _balanced_by(divide_by_predictions=True), "predicted"),
    (ch7.q3, _balanced_by(keep_absent=0.0), "as accuracy 0"),
    (ch7.q3, _balanced_by(keep_absent=np.nan), "nan"),
    (ch7.q3, lambda p, t: np.mean(np.argmax(p, axis=1) == (np.argmax(t, axis=1) if t.ndim == 2 else t)),
     "plain accuracy"),
    (ch7.q3, lambda p, t: np.mean([np.sum(np.argmax(p, axis=1)[t == k] == k) for k in np.unique(t)])
     / len(t) if t.ndim == 1 else 0.25, None),
    # 7.4: flip points
    (ch7.q4, _flip_with(_others_max), "correct"),
    (ch7.q4, lambda p, t: _others_max(p, t), "as it is now"),
    (ch7.q4, _flip_with(lambda p, t: p.max(axis=1)), "whole row"),
    (ch7.q4, lambda p, t: np.full(len(p), 0.5), "more than half"),
    (ch7.q4, _flip_with(lambda p, t: np.sort(p, axis=1)[:, -2]), None),  # second largest always
]


@pytest.mark.parametrize("exercise, answer, named", LEARNER_ANSWERS,
                         ids=[f"{e.name}-{i}" for i, (e, _, _) in enumerate(LEARNER_ANSWERS)])
def test_diagnoses_are_true(exercise, answer, named):
    """A learner's answer gets the verdict it deserves; a named mistake is the one the
    answer made on every case; a wrong answer no mistake describes is named nothing."""
    result = exercise.evaluate(answer)
    if named == "correct":
        assert result.status == "correct", result.message
        return
    assert result.status == "incorrect", result.message
    if named is None:
        assert result.mistake is None, result.message
    else:
        assert result.mistake and named in result.mistake, result.message
        _named_mistake_holds_everywhere(exercise, answer, result)


def test_the_given_column_bug_is_named():
    """6.4's buggy forward (the chapter's) sends a column down the one-hot branch."""
    namespace = load(ch6.q4)
    buggy, y_pred, column = namespace["forward_buggy"], namespace["y_pred"], namespace["labels_column"]
    with np.errstate(divide="ignore"):
        losses = buggy(y_pred, column)
    assert np.isinf(losses[0]) and losses[2] < 0  # class 0: log(0); class 3: -log(3)
    assert np.allclose(buggy(y_pred, column[:, 0]), lossbook.CategoricalCrossentropy().forward(y_pred, column[:, 0]))
    assert "one-hot branch" in ch6.q4.evaluate(buggy).mistake


def test_messages_fit_on_one_line():
    """Every diagnosis of chapters 5-7 is printed whole: the engine cuts a line at 400
    characters, and these leave room for a longer template or a translation."""
    for exercise in CH567:
        for mistake in exercise.mistakes:
            message = exercise.evaluate(mistake.make).message
            assert len(message) <= 360 and message.endswith(mistake.words), (exercise.name, message)


def test_axis_mixups_change_the_shape():
    """Issue 17 §5: every function exercise of chapters 6-7 that takes a batch has a
    non-square batch first, so an axis mix-up cannot hide behind the right shape."""
    for exercise in (ch6.q3, ch6.q4, ch7.q2, ch7.q3, ch7.q4):
        batch = np.asarray(exercise.cases[0].args[0])
        assert batch.ndim == 2 and batch.shape[0] != batch.shape[1], exercise.name


# --- chapters 1-4: every diagnosis true, no give-aways, independent references ------
#
# The checks name a classic mistake only when the answer really made it (issue 17 §6):
# the engine names it only when the answer matches the mistake on every case. The cases
# are designed so that no two mistakes agree on every case, and tested for it here.

from lossbook.exercises import _page, ch1, ch2, ch4  # noqa: E402

EARLY = [e for c, e in EXERCISES if c in ("ch1", "ch2", "ch3", "ch4")]


def _outputs(exercise, function):
    """What ``function`` returns on each visible case (the exception type where it raises)."""
    found = []
    for case in exercise.cases:
        try:
            with np.errstate(all="ignore"):
                found.append(function(*copy.deepcopy(case.args)))
        except Exception as error:  # a mistake may raise where the answer does not
            found.append(type(error))
    return found


def _alike(exercise, case, a, b) -> bool:
    """The same answer at the case's own tolerance (inf = inf, nan = nan, text as text)."""
    if isinstance(a, type) or isinstance(b, type):
        return a is b
    return exercise.alike(a, b, case)


def _matches_on_every_case(exercise, mistake, answer) -> bool:
    pairs = zip(exercise.cases, _outputs(exercise, mistake.make), _outputs(exercise, answer))
    return all(_alike(exercise, case, wrong, given) for case, wrong, given in pairs)


@pytest.mark.parametrize("exercise", EARLY, ids=[e.name for e in EARLY])
def test_early_mistakes_can_be_told_apart_on_every_case(exercise):
    """Each mistake fails somewhere, and no two mistakes agree on every case: the rule
    "match on every case" names at most one of them, the right one."""
    reference = _outputs(exercise, exercise.reference)
    for mistake in exercise.mistakes:
        made = _outputs(exercise, mistake.make)
        assert not all(_alike(exercise, c, m, r) for c, m, r in zip(exercise.cases, made, reference)), \
            mistake.words
        for other in exercise.mistakes:
            if other is not mistake:
                assert not _matches_on_every_case(exercise, other, mistake.make), (mistake.words, other.words)


# Plausible wrong answers that are NOT listed mistakes: they must get no diagnosis, by
# today's rule (evaluate) or by the every-case rule.
def _abs_margin(p, t):
    p = np.asarray(p, dtype=float)
    return abs(p[t] - np.delete(p, t).max())


NOT_LISTED = {
    "ch1.q1": [lambda: "bca", lambda: "acb"],
    "ch1.q2": [
        lambda p, t: p[t] - sorted(p)[-2],  # "minus the second highest", assuming p[t] is the top
        lambda p, t: p[t] - np.mean(np.delete(np.asarray(p, dtype=float), t)),  # minus the mean of the rest
        lambda p, t: p[t] - min(np.delete(np.asarray(p, dtype=float), t)),  # minus the weakest
    ],
    "ch2.q1": [lambda: 0.63, lambda: 0.25, lambda: 1.0],
    "ch2.q2": [],  # every option is a listed mistake or the answer
    "ch2.q3": [
        lambda a, b: a / b,  # the other ratio of losses
        lambda a, b: math.exp(-(a - b) / 2),  # a stray halving
        lambda a, b: math.exp(b) - math.exp(a),
    ],
    "ch2.q4": [
        lambda p, y: -math.log(min(p)),  # the least confident class
        lambda p, y: 1 - p[y.index(1)],  # 1 - p, chapter 4's candidate
        lambda p, y: -math.log(p[y.index(1)]) / len(p),  # divided by the number of classes
    ],
    "ch3.q1": [lambda: [0.7, 1.4], lambda: [0.7, 0.7, 0.0]],
    "ch3.q2": [lambda: 0.385, lambda: 0.5, lambda: 0.105],
    "ch3.q3": [
        lambda t, n: np.eye(n, dtype=int)[t][::-1],  # rows in the wrong order
        lambda t, n: np.ones((len(t), n)) - np.eye(n)[t],  # everything but the target
        lambda t, n: np.eye(n + 1)[t],  # one column too many
    ],
    "ch3.q4": [
        lambda p, y: np.mean(-np.log(np.max(p, axis=1))),  # the predicted class, not the correct one
        lambda p, y: -np.log(np.mean(np.sum(p * y, axis=1))),  # the log of the mean confidence
        lambda p, y: np.median(-np.log(np.sum(p * y, axis=1))),
    ],
    "ch4.q1": [],  # every option is a listed mistake or the answer
    "ch4.q2": [],
    "ch4.q3": [
        lambda losses: 1 - np.mean(losses),  # as if the loss were 1 - p
        lambda losses: np.exp(-np.median(losses)),
        lambda losses: np.mean(losses),  # the mean loss itself
    ],
    "ch4.q4": [
        lambda labels, n: -np.log(np.bincount(labels, minlength=n).max() / len(labels)),  # majority class
        lambda labels, n: 1.0 - np.bincount(labels, minlength=n).max() / len(labels),  # its error rate
        lambda labels, n: float(np.log(len(set(np.asarray(labels).tolist())))),  # uniform over seen classes
    ],
}


def test_every_early_exercise_has_its_plausible_wrong_answers():
    assert sorted(NOT_LISTED) == sorted(e.name for e in EARLY)


@pytest.mark.parametrize("exercise", EARLY, ids=[e.name for e in EARLY])
def test_plausible_wrong_answers_get_no_false_diagnosis(exercise):
    for answer in NOT_LISTED[exercise.name]:
        result = exercise.evaluate(answer)
        assert result.status == "incorrect", result.message
        assert result.mistake is None, result.message
        for mistake in exercise.mistakes:
            assert not _matches_on_every_case(exercise, mistake, answer), (mistake.words, result.message)


def test_abs_margin_is_told_it_is_never_negative():
    """Issue 17: an abs() margin was told "the gap between the two highest"."""
    result = ch1.q2.evaluate(_abs_margin)
    assert result.mistake is not None and "never negative" in result.mistake, result.message
    assert "two highest" not in result.message and "sign is flipped" not in result.message
    gap = ch1.q2.evaluate(lambda p, t: float(np.diff(np.sort(p)[-2:])[0]))
    assert "two highest" in gap.message
    flipped = ch1.q2.evaluate(lambda p, t: -(p[t] - np.delete(np.asarray(p, dtype=float), t).max()))
    assert "sign is flipped" in flipped.message


def test_lost_minus_and_wrong_log_bases_are_named_where_they_can_happen():
    """A lost minus sign, log10 and log2 for ln: in every early exercise that takes a log."""
    words = {name: " ".join(m.words for m in exercise.mistakes)
             for name, exercise in ((e.name, e) for e in EARLY)}
    for name in ("ch2.q1", "ch2.q3", "ch2.q4", "ch3.q2", "ch3.q4", "ch4.q3", "ch4.q4"):
        text = words[name].lower()
        assert "10" in text and ("base-2" in text or "base 2" in text or "log2" in text), name
        assert "minus" in text or "negative" in text or "above 1" in text or "e**-1" in text, name


def test_learner_style_answers_to_chapter_2():
    full_sum = "import math\ndef sample_loss(p, y):\n    return -sum(t * math.log(q) for t, q in zip(y, p))"
    argmax = "import numpy as np\ndef sample_loss(p, y):\n    return -np.log(p[int(np.argmax(y))])"
    arrays = ("import numpy as np\ndef sample_loss(p, y):\n"
              "    return -np.sum(np.array(y) * np.log(np.array(p)))")
    for code in (full_sum, argmax, arrays):
        assert ch2.q4.evaluate(load(ch2.q4, code)["sample_loss"]).status == "correct", code
    buggy = load(ch2.q4)["sample_loss_buggy"]
    assert "highest confidence" in ch2.q4.evaluate(buggy).message
    assert buggy(*ch2.q4.cases[0].args) == pytest.approx(0.35667494393873245)  # hides on the chapter's sample
    assert ch2.q1.evaluate(lambda: 0.37).status == "correct"
    assert ch2.q1.evaluate(lambda: 0.36).status == "incorrect"
    assert "base-10" in ch2.q1.evaluate(lambda: 0.1).message
    ratio = ch2.q3.evaluate(lambda a, b: math.exp(-a) / math.exp(-b))
    assert ratio.status == "correct", ratio.message
    assert "ratio of losses" in ch2.q3.evaluate(lambda a, b: b / a).message


def test_learner_style_answers_to_chapters_3_and_4():
    zeros = ("import numpy as np\ndef one_hot(t, n):\n    out = np.zeros((len(t), n))\n"
             "    out[np.arange(len(t)), t] = 1\n    return out")
    assert ch3.q3.evaluate(load(ch3.q3, zeros)["one_hot"]).status == "correct"
    assert "largest label" in ch3.q3.evaluate(lambda t, n: np.eye(max(t) + 1)[t]).message
    assert "transpose" in ch3.q3.evaluate(lambda t, n: np.eye(n)[t].T).message
    full = "import numpy as np\ndef one_hot_loss(p, y):\n    return np.mean(-np.sum(y * np.log(p), axis=1))"
    assert ch3.q4.evaluate(load(ch3.q4, full)["one_hot_loss"]).status == "correct"
    assert "entries" in ch3.q4.evaluate(lambda p, y: -np.mean(y * np.log(p))).message
    assert "axis 0" in ch3.q4.evaluate(lambda p, y: np.mean(-np.log(np.sum(p * y, axis=0)))).message
    assert "calculator" in ch3.q2.evaluate(lambda: 0.067).message  # log10, rounded as the task allows
    gmean = ("import numpy as np\ndef typical_confidence(losses):\n"
             "    return np.exp(np.mean(np.log(np.exp(-np.asarray(losses)))))")
    assert ch4.q3.evaluate(load(ch4.q3, gmean)["typical_confidence"]).status == "correct"
    # The geometric mean as a product underflows to 0 for a large batch (exercise 4.1):
    # check() says so on a visible case, as the grade would.
    product = ("import numpy as np\ndef typical_confidence(losses):\n"
               "    return np.prod(np.exp(-np.asarray(losses))) ** (1 / len(losses))")
    underflow = ch4.q3.evaluate(load(ch4.q3, product)["typical_confidence"])
    assert underflow.status == "incorrect" and "500 losses" in underflow.message and "got 0.0" in underflow.message
    assert "base-2" in ch4.q3.evaluate(lambda losses: 2.0 ** -np.mean(losses)).message
    counts = ("import numpy as np\ndef best_constant_loss(labels, n):\n"
              "    f = np.bincount(labels, minlength=n) / len(labels)\n"
              "    return -np.sum(f * np.log(np.where(f > 0, f, 1)))")
    assert ch4.q4.evaluate(load(ch4.q4, counts)["best_constant_loss"]).status == "correct"


def test_no_early_case_needs_clipping():
    """Chapter 5 teaches log(0). Before it, no case takes the log of a confidence of 0."""
    for exercise in (ch2.q4, ch3.q4):
        for case in exercise.cases + exercise.hidden_cases:
            assert np.min(np.asarray(case.args[0], dtype=float)) > 0, (exercise.name, case.label)


def test_axis_exercises_lead_with_a_batch_that_is_not_square():
    """Issue 17 §5: where an axis can be confused, a square batch hides it."""
    targets, n_classes = ch3.q3.cases[0].args
    assert len(targets) not in (n_classes, n_classes + 1)  # np.eye(len(t)) and np.eye(n + 1) differ
    assert any(case.args[0].shape[0] != case.args[0].shape[1] for case in ch3.q4.cases[:2])
    assert any(case.args[0].shape[0] < case.args[0].shape[1] for case in ch3.q4.cases)


# Each predict question of chapters 1-4: the cells that reveal its answer, and phrases
# that would give it away if they stood anywhere above it (the title cell's "What you
# will learn" list included).
PREDICT = {
    ch1.q1: (["ch1-preview", "ch1-11"], ["only at the confidence in the correct class",
                                          "only the correct class", "0.85 > 0.8"]),
    ch2.q1: (["ch2-loss-one"], ["0.37", "0.368", "e^{-1}", "e^{-L}", "e**-1", "p = e"]),
    ch2.q2: (["ch2-16", "ch2-halving"], ["ln 2", "0.693", "costs the same", "holds the answer",
                                          "Halving always"]),
    ch3.q1: (["ch3-19"], ["1.4", "[0.7 1.4"]),
    ch3.q2: (["ch3-23"], ["0.154", "0.15"]),
    ch4.q1: (["ch4-underflow"], ["underflow", "5e-324", "5 \\times 10^{-324}", "silently",
                                  "a computer can work with"]),
    ch4.q2: (["ch4-prefer"], ["0.4995", "prefer Y", "prefers Y", "prefer the bold"]),
}


def test_every_early_predict_question_is_listed():
    assert {e.name for e in PREDICT} == {e.name for e in EARLY if e.kind == "predict"}


@pytest.mark.parametrize("exercise", list(PREDICT), ids=[e.name for e in PREDICT])
def test_early_predict_questions_come_before_their_reveal_and_nothing_gives_them_away(exercise):
    import nbformat

    chapter, q = exercise.name.split(".")
    [path] = NOTEBOOKS.glob(f"0{chapter[2:]}_*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    ids = [c.get("id") for c in cells]
    reveals, giveaways = PREDICT[exercise]
    task, check = ids.index(f"{chapter}-{q}-task"), ids.index(f"{chapter}-{q}-check")
    assert task == ids.index(exercise.place_after) + 1
    for reveal in reveals:
        assert check < ids.index(reveal), reveal
    above = " ".join(c.source for c in cells[:task] if c.get("metadata", {}).get("lossbook") != "exercise")
    above += " " + exercise.task  # the question itself must not answer itself either
    for phrase in giveaways:
        assert phrase not in above, phrase


@pytest.mark.parametrize("exercise", list(PREDICT), ids=[e.name for e in PREDICT])
def test_early_predict_questions_are_answered_in_the_page(exercise):
    mode = _page.page_mode(exercise)
    assert mode in ("number", "choice") or exercise is ch3.q1, exercise.name
    if mode == "choice":
        answer = exercise.reference()
        assert answer in exercise.options
        if exercise is not ch1.q1:  # 1.1's options are the six orders of "abc"
            assert all(f'"{option}"' in exercise.task for option in exercise.options)


@pytest.mark.parametrize("exercise", [e for e in EARLY if e.kind != "predict"],
                         ids=[e.name for e in EARLY if e.kind != "predict"])
def test_early_function_exercises_have_hidden_cases_the_model_answer_passes(exercise):
    import dataclasses

    assert exercise.hidden_cases and exercise.points in (2, 3)
    assert exercise.evaluate(solution_of(exercise), hidden=True).status == "correct"
    shown = {repr(dataclasses.astuple(c)) for c in exercise.cases}
    assert not any(repr(dataclasses.astuple(c)) in shown for c in exercise.hidden_cases)


# --- the early model answers against independent references ---------------------------

@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_early_model_answers_match_scikit_learn_and_scipy(n_classes, seed):
    from scipy.stats import entropy, gmean
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 8))
    probs = rng.dirichlet(np.ones(n_classes), size=n)
    probs = np.clip(probs, 1e-6, None)
    probs /= probs.sum(axis=1, keepdims=True)
    labels = rng.integers(0, n_classes, size=n)
    one_hot = np.eye(n_classes)[labels]
    classes = list(range(n_classes))
    # 2.4: one sample, lists in; 3.4: a batch, one-hot
    sample_loss = solution_of(ch2.q4)
    assert np.isclose(sample_loss(probs[0].tolist(), one_hot[0].astype(int).tolist()),
                      log_loss([labels[0]], probs[:1], labels=classes))
    assert np.isclose(solution_of(ch3.q4)(probs, one_hot), log_loss(labels, probs, labels=classes))
    # 2.3: the ratio of two confidences, from their losses alone
    p_a, p_b = probs[0, labels[0]], probs[-1, labels[-1]]
    loss_a = log_loss([labels[0]], probs[:1], labels=classes)
    loss_b = log_loss([labels[-1]], probs[-1:], labels=classes)
    assert np.isclose(solution_of(ch2.q3)(loss_a, loss_b), p_a / p_b)
    # 4.3: exp(-mean loss) is the geometric mean of the correct confidences
    losses = -np.log(probs[np.arange(n), labels])
    assert np.isclose(solution_of(ch4.q3)(losses), gmean(probs[np.arange(n), labels]))
    # 4.4: the entropy of the label frequencies, and the loss of predicting them
    frequencies = np.bincount(labels, minlength=n_classes) / n
    best = solution_of(ch4.q4)(labels, n_classes)
    assert np.isclose(best, entropy(frequencies))
    assert np.isclose(best, log_loss(labels, np.tile(frequencies, (n, 1)), labels=classes))
    # 1.2: the margin, by a plain loop
    row, target = probs[0].tolist(), int(labels[0])
    best_other = max(v for j, v in enumerate(row) if j != target)
    assert np.isclose(solution_of(ch1.q2)(row, target), row[target] - best_other)


def test_early_references_agree_with_the_package_and_scikit_learn():
    from sklearn.metrics import log_loss

    p = ch2.q1.reference()  # the confidence whose loss is 1
    assert np.isclose(log_loss([0], [[p, 1 - p]], labels=[0, 1]), 1.0)
    assert ch2.q2.reference() == "the same" and ch4.q1.reference() == "zero" and ch4.q2.reference() == "Y"
    assert ch1.q1.reference() == "bac"


# --- chapters 8-9: true diagnoses, no give-aways, references from the frameworks ------

CH8_CH9 = [e for c, e in EXERCISES if c in ("ch8", "ch9")]


def _value_of(function, args):
    """What ``function`` returns for a copy of ``args`` ("raised" if it raises)."""
    try:
        with np.errstate(all="ignore"):
            return function(*copy.deepcopy(args))
    except Exception:
        return "raised"


def _same_at_tolerance(a, b) -> bool:
    """Equal at the checks' own tolerance (the engine's: rtol 1e-5, atol 1e-6; inf = inf, nan = nan)."""
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a.strip().lower() == b.strip().lower()
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True))


@pytest.mark.parametrize("exercise", CH8_CH9, ids=[e.name for e in CH8_CH9])
def test_ch8_ch9_mistakes_can_be_told_apart(exercise):
    """Every classic mistake is wrong on some visible case, and any two differ on some
    visible case: a mistake is named by its own values, under the every-case rule too."""
    cases = exercise.cases
    expected = [_value_of(exercise.reference, c.args) for c in cases]
    values = {m.words: [_value_of(m.make, c.args) for c in cases] for m in exercise.mistakes}
    for words, runs in values.items():
        assert not all(_same_at_tolerance(r, e) for r, e in zip(runs, expected)), f"never wrong: {words}"
    for first, second in [(a, b) for a in values for b in values if a < b]:
        assert not all(_same_at_tolerance(x, y) for x, y in zip(values[first], values[second])), (first, second)


@pytest.mark.parametrize("exercise", CH8_CH9, ids=[e.name for e in CH8_CH9])
def test_ch8_ch9_points_hidden_cases_and_options(exercise):
    import dataclasses

    assert exercise.points in (1, 2, 3)
    if exercise.kind == "predict":
        from lossbook.exercises._page import page_mode

        assert page_mode(exercise) == "choice"  # answered right in the web page
        answer = solution_of(exercise)()
        assert answer in exercise.options and exercise.reference() == answer
        assert exercise.evaluate(lambda: answer).status == "correct"
        assert all(f'"{option}"' in exercise.task for option in exercise.options)
        return
    assert exercise.hidden_cases
    hidden = copy.copy(exercise)
    hidden.cases = exercise.hidden_cases
    assert hidden.evaluate(solution_of(exercise)).status == "correct"
    shown = {repr(dataclasses.astuple(c)) for c in exercise.cases}
    assert not any(repr(dataclasses.astuple(c)) in shown for c in exercise.hidden_cases)


def test_ch8_ch9_cases_where_an_axis_can_be_confused_are_not_square():
    """8.3, 9.4 and 9.5 work on rows: their first case is a non-square batch, and
    every case where alpha matters has n not in {1, K - 1, K} (9.4)."""
    for exercise in (ch8.q3, ch9.q4, ch9.q5):
        rows, columns = exercise.cases[0].args[0].shape
        assert rows != columns, exercise.name
    for case in ch9.q4.cases:
        logits, _, alpha = case.args
        n, k = logits.shape
        if alpha:
            assert n not in (1, k - 1, k), case.label


NOTEBOOK_8 = NOTEBOOKS / "08_what_frameworks_report.ipynb"
NOTEBOOK_9 = NOTEBOOKS / "09_logits_and_pitfalls.ipynb"
# each predict question: its notebook, the first cell that answers it, and words that
# would give its answer away if they stood anywhere above it (goals list included)
PREDICTIONS = {
    "ch8.q1": (NOTEBOOK_8, "ch8-clip", ["7th digit", "disagree", "smaller loss", "lowers the loss"]),
    "ch9.q1": (NOTEBOOK_9, "ch9-cap", ["about 16", "gap of 16", "16.1 ", "ln(10^7", "exactly 0",
                                       "gradient of 0", "zero gradient", "stop the gradient", "flat",
                                       "costs", "whatever the logits"]),
    "ch9.q2": (NOTEBOOK_9, "ch9-twice", ["flatter", "higher", "close to uniform", "0.768"]),
    "ch9.q3": (NOTEBOOK_9, "ch9-push", ["1000 times", "500 times", "keeps pushing", "0.999", "1 - p$ is",
                                        "only $-\\log", "largest where", "give up", "payoff"]),
}


@pytest.mark.parametrize("name", sorted(PREDICTIONS))
def test_ch8_ch9_predictions_come_before_their_answer_and_nothing_gives_it_away(name):
    import nbformat

    path, reveal, giveaways = PREDICTIONS[name]
    chapter, q = name.split(".")
    exercise = getattr({"ch8": ch8, "ch9": ch9}[chapter], q)
    cells = nbformat.read(path, as_version=4).cells
    ids = [c.get("id") for c in cells]
    task = ids.index(f"{chapter}-{q}-task")
    assert task == ids.index(exercise.place_after) + 1
    assert task < ids.index(f"{chapter}-{q}-check") < ids.index(reveal)
    above = " ".join(c.source for c in cells[:task] if c.cell_type == "markdown").lower()
    above = " ".join(above.split())
    found = [words for words in giveaways if words.lower() in above]
    assert not found, f"{name}: the text above the question says {found}"


def test_ch8_ch9_predict_questions_in_notebook_order():
    """The in-text questions of each chapter appear in the order of their numbers."""
    import nbformat

    for path, chapter, count in ((NOTEBOOK_8, "ch8", 3), (NOTEBOOK_9, "ch9", 5)):
        ids = [c.get("id") for c in nbformat.read(path, as_version=4).cells]
        positions = [ids.index(f"{chapter}-q{k}-task") for k in range(1, count + 1)]
        assert positions == sorted(positions), chapter


# Learner-style answers: each is named by the one mistake it makes, or by none.

def test_8_2_learner_answers():
    assert "plain mean" in ch8.q2.evaluate(lambda losses, n, size: np.mean(losses)).message

    def last_batch_from_remainder(batch_losses, n_samples, batch_size):  # 0 when batches are equal
        sizes = [batch_size] * (len(batch_losses) - 1) + [n_samples % batch_size]
        return np.sum(np.asarray(batch_losses) * sizes) / np.sum(sizes)

    result = ch8.q2.evaluate(last_batch_from_remainder)
    assert result.status == "incorrect" and result.mistake is None, result.message
    assert "n_samples=30, batch_size=10" in result.message


def _keras_like(rescale=True, clip=True, axis=1):
    def keras_like_loss(y_pred, class_targets):
        rows = y_pred / np.sum(y_pred, axis=axis, keepdims=True) if rescale else y_pred
        rows = np.clip(rows, 1e-7, 1 - 1e-7) if clip else rows + 1e-7
        return np.mean(-np.log(rows[np.arange(len(rows)), class_targets]))
    return keras_like_loss


def test_8_3_learner_answers():
    assert ch8.q3.evaluate(_keras_like()).status == "correct"
    assert "That is the code as given" in ch8.q3.evaluate(_keras_like(rescale=False, clip=False)).message
    assert "still add 1e-7" in ch8.q3.evaluate(_keras_like(clip=False)).message
    assert "first rescales each row" in ch8.q3.evaluate(_keras_like(rescale=False)).message
    assert "column sums" in ch8.q3.evaluate(_keras_like(axis=0)).message

    def picks_whole_columns(y_pred, class_targets):   # y_pred[:, t]: an (n, n) array
        rows = np.clip(y_pred / y_pred.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
        return np.mean(-np.log(rows[:, class_targets]))

    def no_keepdims(y_pred, class_targets):   # (4, 3) / (4,) cannot broadcast
        rows = np.clip(y_pred / np.sum(y_pred, axis=1), 1e-7, 1 - 1e-7)
        return np.mean(-np.log(rows[np.arange(len(rows)), class_targets]))

    def divides_by_the_total(y_pred, class_targets):
        rows = np.clip(y_pred / np.sum(y_pred), 1e-7, 1 - 1e-7)
        return np.mean(-np.log(rows[np.arange(len(rows)), class_targets]))

    for answer in (picks_whole_columns, divides_by_the_total):
        result = ch8.q3.evaluate(answer)
        assert result.status == "incorrect" and result.mistake is None, result.message
    message = ch8.q3.evaluate(no_keepdims).message
    assert "raised ValueError" in message and "could not be broadcast" in message

    def bottom_only(y_pred, class_targets):
        # The top clip moves a loss by at most 1e-7 (chapter 5): this is right.
        rows = np.clip(y_pred / np.sum(y_pred, axis=1, keepdims=True), 1e-7, None)
        return np.mean(-np.log(rows[np.arange(len(rows)), class_targets]))

    assert ch8.q3.evaluate(bottom_only).status == "correct"


def test_8_3_reference_is_what_keras_reports():
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    for case in ch8.q3.cases + ch8.q3.hidden_cases:
        y_pred, targets = case.args
        theirs = float(keras.losses.SparseCategoricalCrossentropy()(targets, y_pred))
        assert np.isclose(ch8.q3.reference(y_pred, targets), theirs, rtol=2e-6, atol=1e-6), case.label
    y_pred, targets = ch8.q3.cases[2].args   # this chapter's two-sample example
    assert str(keras.losses.SparseCategoricalCrossentropy()(targets, y_pred)) == "1.1769392"


def test_8_1_and_9_1_references_are_what_the_frameworks_print():
    """8.1: adding 1e-7 gives the smaller loss; 9.1: Keras on JAX, from probabilities,
    has a gradient of exactly 0 at a gap of 30 (and lossbook's finite differences agree)."""
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import jax
    import keras

    assert ch8.q1.reference() == "add"
    logits = np.array([[0.0, 30.0, 0.0]], dtype=np.float32)

    def keras_loss(z, from_logits):
        given = z if from_logits else keras.ops.softmax(z)
        return keras.losses.sparse_categorical_crossentropy(np.array([0]), given,
                                                            from_logits=from_logits)[0]

    assert np.all(np.asarray(jax.grad(keras_loss)(logits, False)) == 0)
    assert np.allclose(jax.grad(keras_loss)(logits, True), [[-1, 1, 0]], atol=1e-6)
    clipped = lossbook.CategoricalCrossentropy()
    step = [[0.0, 1e-3, 0.0]]
    slope = (clipped.calculate(lossbook.Softmax().forward(logits + step), [0])
             - clipped.calculate(lossbook.Softmax().forward(logits - step), [0])) / 2e-3
    assert slope == 0 and ch9.q1.reference() == "exactly 0"


def _smoothed_loss_from_logits(n_classes_from=1, spread="K", stable=True):
    def smoothed_loss_from_logits(logits, targets, alpha):
        k = logits.shape[n_classes_from]
        mixed = (1 - alpha) * targets + {"K": alpha / k, "wrong only": alpha / k * (1 - targets)}[spread]
        top = np.max(logits, axis=1, keepdims=True) if stable else 0
        log_probs = logits - top - np.log(np.sum(np.exp(logits - top), axis=1, keepdims=True))
        return np.mean(-np.sum(mixed * log_probs, axis=1))
    return smoothed_loss_from_logits


def test_9_4_learner_answers():
    assert ch9.q4.evaluate(_smoothed_loss_from_logits()).status == "correct"
    # K from shape[0] is named as what it is (n is never 1, K - 1 or K where alpha matters)
    message = ch9.q4.evaluate(_smoothed_loss_from_logits(n_classes_from=0)).message
    assert "logits.shape[0], the number of samples" in message
    # np.exp of a huge logit overflows: inf, named by the not-finite mistake
    with np.errstate(all="ignore"):
        message = ch9.q4.evaluate(_smoothed_loss_from_logits(stable=False)).message
    assert "not finite for huge logits" in message

    def softmax_then_log(logits, targets, alpha):
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
        return np.mean(-np.sum(smoothed * np.log(probs), axis=1))

    with np.errstate(all="ignore"):
        assert "not finite for huge logits" in ch9.q4.evaluate(softmax_then_log).message

    def log_softmax_down_the_columns(logits, targets, alpha):
        top = logits.max(axis=0, keepdims=True)
        log_probs = logits - top - np.log(np.sum(np.exp(logits - top), axis=0, keepdims=True))
        smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
        return np.mean(-np.sum(smoothed * log_probs, axis=1))

    for answer in (_smoothed_loss_from_logits(spread="wrong only"), log_softmax_down_the_columns):
        result = ch9.q4.evaluate(answer)
        assert result.status == "incorrect" and result.mistake is None, result.message


def test_9_4_reference_is_what_keras_and_pytorch_compute():
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras
    import torch

    for case in ch9.q4.cases + ch9.q4.hidden_cases:
        logits, targets, alpha = case.args
        ours = ch9.q4.reference(logits, targets, alpha)
        loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=alpha)
        assert np.isclose(float(loss(targets, logits)), ours, rtol=2e-6, atol=1e-5), case.label
        torch_loss = torch.nn.functional.cross_entropy(
            torch.from_numpy(logits.astype(np.float64)), torch.from_numpy(targets.astype(np.float64)),
            label_smoothing=alpha)
        assert np.isclose(torch_loss.item(), ours, rtol=1e-9, atol=1e-9), case.label


def _logit_gradient(axis=1, divide_by="n T", keepdims=True):
    def logit_gradient(logits, targets, temperature):
        scaled = logits / temperature
        e = np.exp(scaled - np.max(scaled, axis=axis, keepdims=True))
        probs = e / np.sum(e, axis=axis, keepdims=keepdims)
        n, k = logits.shape
        factor = {"n T": n * temperature, "n / T": n / temperature, "n K T": n * k * temperature,
                  "n T T": n * temperature ** 2}[divide_by]
        return (probs - targets) / factor
    return logit_gradient


def test_9_5_learner_answers():
    assert ch9.q5.evaluate(_logit_gradient()).status == "correct"
    assert "runs down the columns" in ch9.q5.evaluate(_logit_gradient(axis=0)).message
    assert "You multiplied by T" in ch9.q5.evaluate(_logit_gradient(divide_by="n / T")).message
    # without keepdims, the (2, 3) batch cannot broadcast against its (2,) sums
    message = ch9.q5.evaluate(_logit_gradient(keepdims=False)).message
    assert "raised ValueError" in message

    def chapter_8_style(logits, targets, temperature):  # class indices from the target rows
        e = np.exp(logits / temperature - (logits / temperature).max(axis=1, keepdims=True))
        grad = e / e.sum(axis=1, keepdims=True)
        grad[np.arange(len(logits)), np.argmax(targets, axis=1)] -= 1
        return grad / (len(logits) * temperature)

    assert "one-hot row of its largest entry" in ch9.q5.evaluate(chapter_8_style).message

    def no_chain_rule(logits, targets, temperature):
        scaled = logits / temperature
        e = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        return (e / e.sum(axis=1, keepdims=True) - targets) / len(logits)

    assert "chain rule's factor 1 / T" in ch9.q5.evaluate(no_chain_rule).message

    def gradient_of_the_sum(logits, targets, temperature):
        scaled = logits / temperature
        e = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        return (e / e.sum(axis=1, keepdims=True) - targets) / temperature

    assert "SUM of the losses" in ch9.q5.evaluate(gradient_of_the_sum).message
    for plausible in (_logit_gradient(divide_by="n K T"), _logit_gradient(divide_by="n T T")):
        result = ch9.q5.evaluate(plausible)
        assert result.status == "incorrect" and result.mistake is None, result.message


def test_9_5_reference_is_pytorchs_autograd():
    import torch

    for case in ch9.q5.cases + ch9.q5.hidden_cases:
        logits, targets, temperature = case.args
        z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(z / temperature, torch.tensor(targets, dtype=torch.float64))
        loss.backward()
        # central differences with h = 1e-6 are good to a few 1e-7 here (2e-16 * 2000 / 1e-6
        # at logits / T of 2000), well inside the checks' tolerance (rtol 1e-5, atol 1e-6)
        assert np.allclose(ch9.q5.reference(*case.args), z.grad.numpy(), rtol=1e-6, atol=5e-7), case.label


def test_9_3_spellings_and_the_pushes_behind_it():
    for spelling in ("-log(p)", " -LOG(P) ", "\u2212log(p)", "- log(p)"):
        assert ch9.q3.evaluate(lambda: spelling).status == "correct", spelling
    pushes = {name: ch9._push(loss, 0.001) for name, loss in ch9._CANDIDATES.items()}
    assert np.isclose(pushes["-log(p)"], 0.999, rtol=1e-6)
    assert np.isclose(pushes["1 - p"], 0.000999, rtol=1e-5)
    assert np.isclose(pushes["(1 - p)**2"], 0.001996002, rtol=1e-5)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(2, 6), st.integers(0, 2**32 - 1), st.booleans(),
       st.sampled_from([0.25, 0.5, 1.0, 2.0, 7.0]))
def test_9_5_model_answer_is_pytorchs_gradient(n, k, seed, soft, temperature):
    import torch

    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=rng.choice([1.0, 10.0, 300.0]), size=(n, k))
    targets = rng.dirichlet(np.ones(k), size=n) if soft else np.eye(k)[rng.integers(0, k, size=n)]
    z = torch.tensor(logits, requires_grad=True)
    torch.nn.functional.cross_entropy(z / temperature, torch.from_numpy(targets)).backward()
    ours = solution_of(ch9.q5)(logits, targets, temperature)
    assert np.allclose(ours, z.grad.numpy(), rtol=1e-9, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_8_3_model_answer_is_what_keras_reports(n, k, seed):
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    rng = np.random.default_rng(seed)
    y_pred = rng.uniform(0, 2, size=(n, k)) * (rng.uniform(size=(n, k)) > 0.2)   # some zeros
    y_pred[:, 0] += 1e-9 * rng.uniform()                                          # no empty rows
    targets = rng.integers(0, k, size=n)
    theirs = float(keras.losses.SparseCategoricalCrossentropy()(targets, y_pred))
    assert np.isclose(solution_of(ch8.q3)(y_pred, targets), theirs, rtol=2e-6, atol=2e-6)


def test_8_2_reference_is_keras_loss_tracker():
    """Keras's fit keeps the epoch loss in a keras.metrics.Mean, each batch weighted by its size."""
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    for case in ch8.q2.cases + ch8.q2.hidden_cases:
        losses, n_samples, batch_size = case.args
        tracker = keras.metrics.Mean()
        for index, loss in enumerate(losses):
            size = min(batch_size, n_samples - index * batch_size)
            tracker.update_state(loss, sample_weight=size)
        assert np.isclose(float(tracker.result()), ch8.q2.reference(*case.args), rtol=1e-6), case.label
