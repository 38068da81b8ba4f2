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
    assert chapters == set(CHAPTERS) == {f"ch{n}" for n in range(1, 11)}
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
    assert "for class_targets=[2, 0, 1, 1], n_classes=3" in message and "np.eye(n_classes)" in message


def test_a_loss_summed_without_axis_is_negative():
    """Exercise 3.3's bug: the chapter's batch gives -log(0.7 + 0.5 + 0.9) < 0."""
    buggy = load(ch3.q4)["one_hot_loss_buggy"]
    batch, one_hot = ch3.q4.cases[0].args
    assert np.isclose(buggy(batch, one_hot), -np.log(2.1)) and buggy(batch, one_hot) < 0
    assert "np.sum without an axis" in ch3.q4.evaluate(buggy).message


def test_adding_epsilon_is_not_clipping():
    def safe_batch_loss(softmax_outputs, class_targets):
        picked = softmax_outputs[range(len(softmax_outputs)), class_targets]
        return np.mean(-np.log(picked + 1e-7))

    message = ch5.q3.evaluate(safe_batch_loss).message
    assert "(confidence 1)" in message and "added 1e-7 instead of clipping" in message


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
            assert exercise.compare(exercise.reference(*copy.deepcopy(case.args)),
                                    load(exercise)[exercise.function_name](*copy.deepcopy(case.args)))
    assert ch5.q2.options == ("positive", "zero", "negative")
    assert ch5.q2.reference() in ch5.q2.options


def test_forgot_to_clip():
    def safe_batch_loss(softmax_outputs, class_targets):
        return np.mean(-np.log(softmax_outputs[range(len(softmax_outputs)), class_targets]))

    message = ch5.q3.evaluate(safe_batch_loss).message
    assert "forgot to clip" in message and "got inf" in message


def test_clipped_the_callers_array():
    def safe_batch_loss(softmax_outputs, class_targets):
        np.clip(softmax_outputs, 1e-7, 1 - 1e-7, out=softmax_outputs)
        return np.mean(-np.log(softmax_outputs[range(len(softmax_outputs)), class_targets]))

    assert "changed its input" in ch5.q3.evaluate(safe_batch_loss).message

    def clip_predictions(y_pred):
        y_pred[y_pred < 1e-7] = 1e-7
        y_pred[y_pred > 1 - 1e-7] = 1 - 1e-7
        return y_pred

    assert "changed its input" in ch5.q4.evaluate(clip_predictions).message


def test_summed_the_binary_formula():
    def categorical_loss(y_pred, y_true):
        p = np.clip(y_pred, 1e-7, 1 - 1e-7)
        return np.mean(-np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p), axis=1))

    assert "binary cross-entropy formula" in ch8.q3.evaluate(categorical_loss).message


def test_softmax_then_log_from_logits_is_named():
    def smoothed_loss_from_logits(logits, targets, alpha):
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
        return np.mean(-np.sum(smoothed * np.log(probs), axis=1))

    assert "Softmax then log" in ch9.q4.evaluate(smoothed_loss_from_logits).message


def test_nnfs_style_answer_to_7_2_is_named():
    def categorical_loss(y_pred, y_true):
        clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        return np.mean(-np.log(np.sum(y_true * clipped, axis=1)))

    message = ch8.q3.evaluate(categorical_loss).message
    assert "soft" in message and "nnfs shortcut" in message


def test_plain_mean_epoch_loss_is_named():
    assert "plain mean" in ch8.q2.evaluate(lambda losses, n, size: np.mean(losses)).message


def test_gradient_of_the_sum_is_named():
    def logit_gradient(logits, class_targets):
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        grad = e / e.sum(axis=1, keepdims=True)
        grad[np.arange(len(logits)), class_targets] -= 1
        return grad

    assert "SUM of the losses" in ch9.q5.evaluate(logit_gradient).message


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


def test_predict_questions_come_before_their_reveal():
    """5.1, 5.2 and 6.1 sit right after the cell that asks, before the cell that answers."""
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


@pytest.mark.parametrize("number", range(1, 11))
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
        assert cell["metadata"]["tags"] == ["remove-cell"] and ".grade(" in "".join(cell["source"])
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
    assert np.isclose(solution_of(ch5.q3)(probs, labels), loss.calculate(probs, labels), rtol=1e-4)
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
    for targets in (labels, one_hot):
        assert np.allclose(solution_of(ch6.q4)(probs, targets), loss.forward(probs, targets), rtol=1e-4)
    logits = np.log(np.clip(probs, 1e-3, 1)).astype(np.float64) * 50  # spread out, some large
    from_logits = lossbook.CategoricalCrossentropy(from_logits=True)
    # 8.3 with alpha = 0 is the loss from logits, for one-hot and soft targets
    assert np.isclose(solution_of(ch9.q4)(logits, one_hot, 0.0),
                      from_logits.calculate(logits, labels), rtol=1e-6, atol=1e-6)
    soft = probs.astype(np.float64)
    assert np.isclose(solution_of(ch9.q4)(logits, soft, 0.2),
                      from_logits.calculate(logits, 0.8 * soft + 0.2 / soft.shape[1]), rtol=1e-6, atol=1e-6)
    # 8.4: softmax - y over n, the exact gradient of the mean loss
    grad = solution_of(ch9.q5)(logits, labels)
    assert np.allclose(grad.sum(axis=1), 0, atol=1e-12)  # each row of softmax - one-hot sums to 0
    assert np.allclose(grad, (lossbook.Softmax().forward(logits) - one_hot) / len(labels))
    # 7.2: the size-weighted mean of batch means is the mean over all samples
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


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=30), st.integers(0, 2**32 - 1))
def test_constant_baseline_is_the_best_constant_model(labels, seed):
    """Its loss is sklearn's log_loss of the frequency rows, and no other constant row
    does better (Gibbs' inequality); its accuracy is the majority class's share."""
    from sklearn.metrics import log_loss

    labels = np.array(labels)
    accuracy, loss = solution_of(ch7.q3)(labels, 5)
    counts = np.bincount(labels, minlength=5)
    assert accuracy == counts.max() / len(labels)
    rows = np.tile(counts / len(labels), (len(labels), 1))
    assert np.isclose(loss, log_loss(labels, rows, labels=range(5)), atol=1e-9)
    other = np.random.default_rng(seed).dirichlet(np.ones(5))
    other_loss = lossbook.CategoricalCrossentropy().calculate(np.tile(other, (len(labels), 1)), labels)
    assert other_loss >= loss - 1e-9
