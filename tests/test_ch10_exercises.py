"""Chapter 10's exercises, beyond the checks every exercise gets in test_exercises.py.

Answers written the way a learner would: right ones pass in several spellings,
classic mistakes get their words, plausible wrong answers that match no mistake get
no diagnosis at all. The predictions sit before the cells that reveal them, and the
model answers agree with the package on random batches.
"""
from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossbook as lb
from lossbook.exercises import ch10

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "10_binary_and_multilabel.ipynb"


def model_answer(exercise):
    namespace: dict = {}
    if exercise.setup:
        exec(exercise.setup, namespace)  # noqa: S102
    exec(exercise.solution_code(), namespace)  # noqa: S102
    return namespace[exercise.function_name]


def diagnosis(exercise, answer):
    result = exercise.evaluate(answer)
    assert result.status == "incorrect", result.message
    return result.mistake


# --- the predictions ---------------------------------------------------------------------

def test_the_predictions_come_before_their_reveal():
    ids = [cell.get("id") for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]]
    for exercise, reveal in ((ch10.q1, "ch10-two-class"), (ch10.q2, "ch10-naive"),
                             (ch10.q3, "ch10-softmax-multi")):
        q = exercise.name.split(".")[1]
        assert exercise.kind == "predict" and exercise.points == 1
        assert ids.index(f"ch10-{q}-task") == ids.index(exercise.place_after) + 1
        assert ids.index(f"ch10-{q}-check") < ids.index(f"ch10-{q}-test") < ids.index(reveal)


def test_the_predictions_are_answered_in_the_page():
    from lossbook.exercises._page import page_mode

    assert [page_mode(e) for e in (ch10.q1, ch10.q2, ch10.q3)] == ["number", "choice", "number"]
    assert ch10.q2.options == ("about 0", "inf", "nan") and model_answer(ch10.q2)() in ch10.q2.options
    assert all(f'"{option}"' in ch10.q2.task for option in ch10.q2.options)


def test_the_predictions_answers_are_what_the_code_prints():
    assert lb.Softmax().forward(np.array([[2.0, 5.0]]))[0, 1] == pytest.approx(
        float(lb.Sigmoid().forward(model_answer(ch10.q1)())), rel=1e-15)
    with np.errstate(all="ignore"):
        p = 1 / (1 + np.exp(-40.0))
        assert p == 1.0 and np.isnan(-(1 * np.log(p) + (1 - 1) * np.log(1 - p)))
    surest = lb.CategoricalCrossentropy(from_logits=True).calculate([[40.0, -40.0, 40.0]], [[1, 0, 1]])
    assert surest == pytest.approx(model_answer(ch10.q3)(), abs=0.001)


@pytest.mark.parametrize("answer, right", [(3, True), (3.0, True), ("3", False), (0.9526, False),
                                           (5.0, False), (-3.0, False)])
def test_equivalent_logit(answer, right):
    assert (ch10.q1.evaluate(lambda: answer).status == "correct") is right
    assert ch10.q1.evaluate(lambda: 0.9526).mistake is None  # the probability itself: no named mistake


@pytest.mark.parametrize("answer, right", [("nan", True), ("NaN ", True), ("0", False), ("inf", False)])
def test_textbook_loss_at_40(answer, right):
    assert (ch10.q2.evaluate(lambda: answer).status == "correct") is right
    assert ch10.q2.evaluate(lambda: "-inf").mistake is None


def test_best_softmax_loss():
    assert ch10.q3.evaluate(lambda: 1.39).status == "correct"
    assert ch10.q3.evaluate(lambda: 2 * np.log(2)).status == "correct"
    assert diagnosis(ch10.q3, lambda: 0.69) == ch10.q3.mistakes[1].words  # one label's -log 0.5
    assert diagnosis(ch10.q3, lambda: 0.5) is None


# --- 10.4: the stable multi-label loss from logits ---------------------------------------

def test_stable_loss_spelt_other_ways_is_correct():
    def with_softplus(logits, targets):
        softplus = np.logaddexp(0, logits)  # log(1 + e^z), NumPy's stable form
        return np.mean(softplus - logits * targets, axis=1)

    def with_log_of_one_plus(logits, targets):  # np.log(1 + x) instead of log1p: close enough
        return np.mean(np.maximum(logits, 0) - logits * targets + np.log(1 + np.exp(-np.abs(logits))), axis=1)

    for answer in (with_softplus, with_log_of_one_plus):
        assert ch10.q4.evaluate(answer).status == "correct"
        assert ch10.q4.evaluate(answer, hidden=True).status == "correct"


def test_textbook_answer_is_named_at_huge_logits():
    def multi_label_loss(logits, targets):
        p = 1 / (1 + np.exp(-logits))
        return np.mean(-(targets * np.log(p) + (1 - targets) * np.log(1 - p)), axis=1)

    result = ch10.q4.evaluate(multi_label_loss)
    assert "logits=[[1000.0, -1000.0, 3.0]" in result.message and "±1000" in result.mistake


def test_softplus_without_abs_is_named():
    def multi_label_loss(logits, targets):
        return np.mean(np.log(1 + np.exp(-logits)) + (1 - targets) * logits, axis=1)

    assert "exp(-z) overflows" in diagnosis(ch10.q4, multi_label_loss)


def test_axis_mistakes_are_named_on_the_non_square_batch():
    def mean_down_the_samples(logits, targets):
        return np.mean(np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))), axis=0)

    def no_mean(logits, targets):
        return np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits)))

    assert "axis 0" in diagnosis(ch10.q4, mean_down_the_samples)
    assert "one loss per label" in diagnosis(ch10.q4, no_mean)


@pytest.mark.parametrize("wrong", [
    lambda z, y: np.mean(np.maximum(z, 0) - z * y, axis=1),           # lost the log term
    lambda z, y: np.mean(np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z))), axis=1),  # + z*y
    lambda z, y: np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=1),   # sum
])
def test_plausible_wrong_answers_get_no_diagnosis(wrong):
    assert diagnosis(ch10.q4, wrong) is None


# --- 10.5: a column and a row -------------------------------------------------------------

def test_every_right_fix_of_the_shapes_passes():
    def with_a_column_of_labels(probabilities, labels):
        p = np.clip(probabilities, 1e-7, 1 - 1e-7)
        labels = labels[:, None]
        return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))

    def with_ravel(probabilities, labels):
        p = np.clip(probabilities.ravel(), 1e-7, 1 - 1e-7)
        return np.mean(-(labels * np.log(p) + (1 - labels) * np.log1p(-p)))

    def with_the_package(probabilities, labels):
        return lb.BinaryCrossentropy().calculate(probabilities.reshape(-1), labels)

    for answer in (with_a_column_of_labels, with_ravel, with_the_package):
        assert ch10.q5.evaluate(answer).status == "correct", answer.__name__
        assert ch10.q5.evaluate(answer, hidden=True).status == "correct", answer.__name__


def test_the_buggy_code_gives_the_chapters_number_and_is_named():
    namespace: dict = {}
    exec(ch10.q5.setup, namespace)  # noqa: S102
    buggy = namespace["binary_loss_buggy"]
    probabilities, labels = ch10.q5.cases[0].args
    assert round(float(buggy(probabilities, labels)), 4) == 0.9035  # the task's number
    assert "broadcast" in diagnosis(ch10.q5, buggy)


def test_forgetting_the_clip_is_named_and_summing_is_not():
    def unclipped(probabilities, labels):
        p = probabilities[:, 0]
        return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))

    def summed(probabilities, labels):
        p = np.clip(probabilities[:, 0], 1e-7, 1 - 1e-7)
        return np.sum(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))

    with np.errstate(all="ignore"):
        assert "Without the clip" in diagnosis(ch10.q5, unclipped)
    assert diagnosis(ch10.q5, summed) is None


# --- the cases themselves -----------------------------------------------------------------

@pytest.mark.parametrize("exercise", [ch10.q4, ch10.q5], ids=["q4", "q5"])
def test_hidden_cases_are_new_and_the_model_answer_passes_them(exercise):
    shown = {repr(dataclasses.astuple(case)) for case in exercise.cases}
    assert exercise.hidden_cases and not any(repr(dataclasses.astuple(c)) in shown for c in exercise.hidden_cases)
    assert exercise.evaluate(model_answer(exercise), hidden=True).status == "correct"
    labels = " ".join(case.label for case in exercise.cases)
    assert "float32" in labels and "one sample" in labels


def test_q4_cases_tell_the_axes_apart():
    """The first case is 4 x 3: a mean over the wrong axis has the wrong shape."""
    logits, targets = ch10.q4.cases[0].args
    assert logits.shape == targets.shape == (4, 3)


# --- the model answers against the package ----------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 6), st.sampled_from([0.5, 5.0, 50.0, 1000.0]), st.booleans(),
       st.integers(0, 2**32 - 1))
def test_model_answers_match_the_package(n, n_labels, scale, soft, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=scale, size=(n, n_labels))
    targets = rng.random((n, n_labels)) if soft else (rng.random((n, n_labels)) < 0.5).astype(float)
    before = copy.deepcopy((logits, targets))
    ours = model_answer(ch10.q4)(logits, targets)
    np.testing.assert_allclose(ours, lb.BinaryCrossentropy(from_logits=True).forward(logits, targets),
                               rtol=1e-12, atol=1e-12)
    probabilities = lb.Sigmoid().forward(logits[:, :1])
    labels = targets[:, 0].round()
    assert model_answer(ch10.q5)(probabilities, labels) == pytest.approx(
        lb.BinaryCrossentropy().calculate(probabilities[:, 0], labels), rel=1e-12)
    np.testing.assert_array_equal(before[0], logits)
    np.testing.assert_array_equal(before[1], targets)


# --- the engine's rule: a mistake is named only if the answer matches it on every case ---

def _textbook(logits, targets):
    p = 1 / (1 + np.exp(-logits))
    return np.mean(-(targets * np.log(p) + (1 - targets) * np.log(1 - p)), axis=1)


def _softplus_without_abs(logits, targets):
    return np.mean(np.log(1 + np.exp(-logits)) + (1 - targets) * logits, axis=1)


def _buggy_column(probabilities, labels):
    p = np.clip(probabilities, 1e-7, 1 - 1e-7)
    return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


def _no_clip(probabilities, labels):
    p = probabilities[:, 0]
    return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


def _log10_column(probabilities, labels):
    p = np.clip(probabilities[:, 0], 1e-7, 1 - 1e-7)
    return np.mean(-(labels * np.log10(p) + (1 - labels) * np.log10(1 - p)))


LEARNER_ANSWERS = [  # (exercise, a learner's answer, a piece of the words it must get)
    (ch10.q1, lambda: 5, "own logit"), (ch10.q1, lambda: -3.0, "wrong sign"),
    (ch10.q2, lambda: "inf", "y = 0 would get"), (ch10.q3, lambda: 0.69, "for one label"),
    (ch10.q4, _textbook, "±1000"), (ch10.q4, _softplus_without_abs, "overflows"),
    (ch10.q5, _buggy_column, "broadcast"), (ch10.q5, _no_clip, "Without the clip"),
    (ch10.q5, _log10_column, "log10"),
]


@pytest.mark.parametrize("exercise, answer, words", LEARNER_ANSWERS)
def test_a_named_mistake_holds_on_every_case(exercise, answer, words):
    from test_exercises import _matches_on_every_case

    with np.errstate(all="ignore"):
        named = diagnosis(exercise, answer)
    assert named and words in named
    assert any(_matches_on_every_case(exercise, m, answer) for m in exercise.mistakes if m.words == named)


@pytest.mark.parametrize("exercise", ch10.EXERCISES, ids=[e.name for e in ch10.EXERCISES])
def test_mistakes_can_be_told_apart_on_every_case(exercise):
    from test_exercises import _alike, _matches_on_every_case, _outputs

    reference = _outputs(exercise, exercise.reference)
    for mistake in exercise.mistakes:
        made = _outputs(exercise, mistake.make)
        assert not all(_alike(exercise, c, m, r) for c, m, r in zip(exercise.cases, made, reference))
        for other in exercise.mistakes:
            if other is not mistake:
                assert not _matches_on_every_case(exercise, other, mistake.make), (mistake.words, other.words)
