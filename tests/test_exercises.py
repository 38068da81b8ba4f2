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
    assert chapters == set(CHAPTERS) == {f"ch{n}" for n in range(1, 10)}
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


# --- chapters 8-9: true diagnoses, no give-aways, references from the frameworks ------

CH8_CH9 = [e for c, e in EXERCISES if c in ("ch8", "ch9")]


def _value(function, args):
    """What ``function`` returns for a copy of ``args`` ("raised" if it raises)."""
    try:
        with np.errstate(all="ignore"):
            return function(*copy.deepcopy(args))
    except Exception:
        return "raised"


def _same(a, b) -> bool:
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
    expected = [_value(exercise.reference, c.args) for c in cases]
    values = {m.words: [_value(m.make, c.args) for c in cases] for m in exercise.mistakes}
    for words, runs in values.items():
        assert not all(_same(r, e) for r, e in zip(runs, expected)), f"never wrong: {words}"
    for first, second in [(a, b) for a in values for b in values if a < b]:
        assert not all(_same(x, y) for x, y in zip(values[first], values[second])), (first, second)


@pytest.mark.parametrize("exercise", CH8_CH9, ids=[e.name for e in CH8_CH9])
def test_ch8_ch9_points_hidden_cases_and_options(exercise):
    import dataclasses

    assert exercise.points in (1, 2, 3)
    if exercise.kind == "predict":
        from lossbook.exercises._page import page_mode

        assert page_mode(exercise) == "choice"  # answered right in the web page
        answer = solution_of(exercise)()
        assert answer in exercise.options and exercise.compare(answer, exercise.reference())
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
