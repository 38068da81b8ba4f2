"""The autograder test cells decide on their own, and agree with check() on every answer.

Each test cell is run here as nbgrader runs it, ``exec`` in a namespace that holds
only the learner's function (or worse: a namespace full of traps), against the
model answer, the stub, every classic mistake, the buggy code a debugging exercise
shows, and a set of answers that break the rules (text, None, a generator, a class,
a function that changes its input). Its verdict must be ``check()``'s: the full
cell (hidden tests included, as nbgrader grades) passes exactly when ``evaluate``
says Correct on the visible and the hidden cases; the released cell (hidden tests
stripped) exactly when the visible cases are Correct. A failing cell raises an
``AssertionError`` whose message is ``explain``'s one line.

Complements test_nbgrader.py, which runs a real ``nbgrader autograde``.
"""
from __future__ import annotations

import builtins
import contextlib
import copy
import inspect
import io
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import lossbook.exercises
from lossbook.exercises import _cells, _grading, _literal, _teacher, _verdict, all_exercises, ch3, ch7
from lossbook.student import BEGIN_HIDDEN, END_HIDDEN, strip_region


# An open question, judged by a validator (whose source the test cell copies): the book
# has none at the moment, so here is one, as a teacher would write it.
def disagreeing(batches):
    """None when batch_a is more accurate than batch_b, yet has the higher loss.

    Otherwise a sentence saying what is wrong. This validator's source is also the
    autograder's test, so it uses only NumPy and builtins (no lossbook).
    """
    targets = np.array([0, 1])
    try:
        if len(batches) != 2:
            raise ValueError("not two batches")
        batch_a = np.array(batches[0], dtype=np.float64)
        batch_b = np.array(batches[1], dtype=np.float64)
    except (TypeError, ValueError, IndexError, KeyError):
        return ("Return two batches, e.g. `return batch_a, batch_b`, each a 2-D "
                "array of probabilities.")
    for name, batch in (("batch_a", batch_a), ("batch_b", batch_b)):
        if batch.ndim != 2 or batch.shape[0] != 2 or batch.shape[1] < 2:
            return (f"{name} must have 2 rows (one per sample) and at least 2 "
                    f"classes; its shape is {batch.shape}.")
        if (np.isnan(batch).any() or batch.min() < 0
                or not np.allclose(batch.sum(axis=1), 1)):
            return (f"Each row of {name} must be a softmax output: non-negative "
                    "numbers that sum to 1.")
    # accuracy (argmax) and the mean clipped loss, as lossbook computes them
    accuracies, losses = [], []
    for batch in (batch_a, batch_b):
        accuracies.append(float(np.mean(np.argmax(batch, axis=1) == targets)))
        correct = np.clip(batch[[0, 1], targets], 1e-7, 1 - 1e-7)
        losses.append(float(np.mean(-np.log(correct))))
    (acc_a, acc_b), (loss_a, loss_b) = accuracies, losses
    if not acc_a > acc_b:
        return (f"batch_a must have the higher accuracy; accuracies are "
                f"a: {acc_a}, b: {acc_b}.")
    if not loss_a > loss_b:
        return (f"batch_a must also have the higher loss; losses are "
                f"a: {loss_a:.4f}, b: {loss_b:.4f}. Make batch_a right but unsure, "
                "and batch_b very confident where it is right.")
    return None


OPEN = _grading.Exercise(
    "open.q1", title="Make loss and accuracy disagree", kind="predict", minutes=8, points=2,
    task="With targets [0, 1], return batch_a, batch_b: a is more accurate, yet has the higher loss.",
    code='''\
import numpy as np


def disagreeing_batches():
    ### BEGIN SOLUTION
    batch_a = np.array([[0.4, 0.3, 0.3], [0.3, 0.4, 0.3]])  # right twice, but unsure
    batch_b = np.array([[0.98, 0.01, 0.01], [0.5, 0.45, 0.05]])  # sure, then wrong
    return batch_a, batch_b
    ### END SOLUTION''',
    cases=[_grading.Case(())], validate=disagreeing, hint="Be unsure where a is right.",
    success="more accurate, yet a higher loss.")

EXERCISES = [exercise for _, exercise in all_exercises()] + [OPEN]
IDS = [exercise.name for exercise in EXERCISES]
PASSED, FAILED, ERROR = "passed", "failed", "error"


def cell_of(exercise) -> str:
    """The test cell the writer puts into the chapter notebook (OPEN's: as for a teacher's)."""
    if exercise is OPEN:
        return _cells.test_source(OPEN, _teacher.test_checks_code(OPEN), OPEN.points)
    chapter = exercise.name.split(".")[0]
    [cell] = [c for c in _cells.exercise_cells(chapter) if c.get("id") == exercise.name.replace(".", "-") + "-test"]
    return cell.source


def release(source: str) -> str:
    return strip_region(source, BEGIN_HIDDEN, END_HIDDEN)


def run(source: str, name: str, answer, namespace: dict | None = None) -> tuple[str, str]:
    """``(PASSED, what it printed)``, ``(FAILED, the AssertionError's message)`` or
    ``(ERROR, another exception)``: all that nbgrader tells apart is passed or not."""
    namespace = {} if namespace is None else namespace
    namespace[name] = answer
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(source, "<test cell>", "exec"), namespace)
    except AssertionError as error:
        return FAILED, str(error)
    except Exception as error:
        return ERROR, f"{type(error).__name__}: {error}"
    return PASSED, printed.getvalue()


def _stub(*args):
    raise NotImplementedError()


def model_of(exercise):
    namespace: dict = {}
    if exercise.setup:
        exec(exercise.setup, namespace)
    exec(exercise.model_code(), namespace)
    return namespace[exercise.function_name], [v for k, v in namespace.items() if k.endswith("_buggy")]


def answers(exercise) -> list[tuple[str, object]]:
    """Answers right and wrong, each with a name for the test report."""
    model, buggy = model_of(exercise)

    def changes_its_input(*args):
        value = model(*copy.deepcopy(args))
        for arg in args:
            if isinstance(arg, np.ndarray) and arg.size and arg.flags.writeable:
                arg.flat[0] += 1
            elif isinstance(arg, list) and arg:
                arg.append(arg[0])
        return value

    def lazy(*args):
        yield model(*args)

    class Model:  # a class that returns the right value when "called"
        def __new__(cls, *args):
            return model(*args)

    found = [("model", model), ("stub", _stub), ("changes its input", changes_its_input), ("lazy", lazy),
             ("a class", Model), ("not callable", 42), ("returns None", lambda *a: None),
             ("raises ValueError", lambda *a: int("x")), ("text", lambda *a: "0.5"), ("nan", lambda *a: np.nan),
             ("zero", lambda *a: 0), ("complex", lambda *a: 0.5 + 0j), ("a list", lambda *a: [1, 2, 3])]
    found += [(f"mistake {i}", mistake.make) for i, mistake in enumerate(exercise.mistakes)]
    found += [("given buggy code", function) for function in buggy]
    return found


def verdicts(exercise, answer) -> tuple[bool, bool]:
    """check()'s verdicts: (visible cases Correct, visible and hidden Correct)."""
    visible = exercise.evaluate(answer).status == _grading.CORRECT
    hidden = exercise.evaluate(answer, hidden=True).status == _grading.CORRECT
    return visible, visible and hidden


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_the_test_cell_agrees_with_check_on_every_answer(exercise):
    source = cell_of(exercise)
    released = release(source)
    for label, answer in answers(exercise):
        visible, graded = verdicts(exercise, answer)
        outcome, said = run(source, exercise.function_name, answer)
        assert outcome == (PASSED if graded else FAILED), (label, said)
        if outcome == FAILED:
            assert said == exercise.explain(answer), label
        else:
            assert said == exercise.success_line() + "\n"
        outcome, said = run(released, exercise.function_name, answer)
        if _cells.hidden_answer(exercise):  # the release holds no test at all
            assert (outcome, said) == (PASSED, ""), label
        else:
            assert outcome == (PASSED if visible else FAILED), (label, said)
    assert dict(answers(exercise))["model"] and verdicts(exercise, model_of(exercise)[0]) == (True, True)


def _traps() -> dict:
    """A student's namespace that rebinds every name a careless test cell would use."""

    class Liar:
        def __getattr__(self, name):
            return lambda *args, **kwargs: True

    def yes(*args, **kwargs):
        return True

    traps = {name: yes for name in ("all", "any", "len", "isinstance", "print", "type", "bool", "callable",
                                    "hasattr", "zip", "str", "float", "copy", "checks", "returned",
                                    "unchanged", "close", "same_text", "as_real", "explain")}
    traps.update(np=Liar(), numpy=Liar(), AssertionError=Warning, Exception=Warning, BaseException=Warning,
                 KeyboardInterrupt=Exception, NotImplementedError=Warning, _test=yes, cases=[],
                 __builtins__=dict(vars(builtins), all=yes, len=yes, isinstance=yes, print=yes,
                                   AssertionError=Warning))
    return traps


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_a_namespace_full_of_traps_changes_no_verdict(exercise):
    """`def all(x): return True`, `len = ...`, `np = ...`, `AssertionError = ...`, a
    poisoned __builtins__: the cell takes its builtins from `builtins` and imports
    NumPy itself, so the stub still fails and the model answer still passes."""
    source = cell_of(exercise)
    model, _ = model_of(exercise)
    assert run(source, exercise.function_name, _stub, _traps())[0] == FAILED
    assert run(source, exercise.function_name, model, _traps())[0] == PASSED
    assert run(source, exercise.function_name, lambda *args: 0, _traps())[0] == FAILED


def _no_skill_cheats():
    """What a student can do in a solution cell without knowing Python's internals."""

    def everything_correct(self, answer, *, hidden=False):
        return _grading.Result(_grading.CORRECT, "Correct!")

    return {
        "unset NBGRADER_EXECUTION": lambda mp: mp.delenv("NBGRADER_EXECUTION", raising=False),
        "set NBGRADER_EXECUTION": lambda mp: mp.setenv("NBGRADER_EXECUTION", ""),
        "Checks.evaluate says Correct": lambda mp: mp.setattr(_grading.Checks, "evaluate", everything_correct),
        "Checks.explain returns ''": lambda mp: mp.setattr(_grading.Checks, "explain", lambda self, a: ""),
        "Exercise.grade does nothing": lambda mp: mp.setattr(_grading.Exercise, "grade", lambda *a, **k: None,
                                                             raising=False),
        "_grading.close is always True": lambda mp: mp.setattr(_grading, "close", lambda *a, **k: True),
        "_verdict.close is always True": lambda mp: mp.setattr(_verdict, "close", lambda *a, **k: True),
        "_verdict.same_text is always True": lambda mp: mp.setattr(_verdict, "same_text", lambda *a, **k: True),
        "_verdict.returned is always True": lambda mp: mp.setattr(_verdict, "returned", lambda *a, **k: True),
        "the chapter's exercises replaced": lambda mp: [mp.setattr(module, name, object())
                                                        for module in (ch3, ch7) for name in ("q1", "q2", "q3", "q4")],
        "lossbook.exercises emptied": lambda mp: mp.setattr(lossbook.exercises, "ch3", None),
    }


CHEATED = {e.name: (e.function_name, cell_of(e)) for e in (ch3.q2, ch3.q3, OPEN)}  # before any cheat


@pytest.mark.parametrize("cheat", list(_no_skill_cheats()))
@pytest.mark.parametrize("name", list(CHEATED))
def test_reassigning_lossbook_or_the_environment_earns_nothing(name, cheat, monkeypatch):
    _no_skill_cheats()[cheat](monkeypatch)
    function, cell = CHEATED[name]
    for answer in (_stub, lambda *a: 0, lambda *a: None):
        assert run(cell, function, answer)[0] != PASSED


def test_the_cell_copies_the_rules_check_runs():
    """One source: the verdict's functions and the validator appear in the cells verbatim."""
    rules = [_verdict.returned, _verdict.unchanged, _verdict.as_real, _verdict.close]
    source = cell_of(ch3.q3)
    for rule in rules:
        assert "\n".join("    " + line if line else line for line in inspect.getsource(rule).splitlines()) in source
    assert "\n".join("    " + line if line else line
                     for line in inspect.getsource(disagreeing).splitlines()) in cell_of(OPEN)
    assert "lossbook" not in source.split("def checks():")[0]  # nothing before the messages imports it


def test_a_question_with_one_answer_keeps_it_out_of_the_release():
    for exercise in EXERCISES:
        released = release(cell_of(exercise))
        if _cells.hidden_answer(exercise):
            assert "_test" not in released and "cases" not in released, exercise.name
            assert all(line.startswith("#") for line in released.splitlines()), exercise.name
        else:
            assert "_test(" in released, exercise.name
    assert sum(_cells.hidden_answer(e) for e in EXERCISES) >= 8


def test_every_test_cell_line_fits_88_characters():
    for exercise in EXERCISES:
        long = [line for line in cell_of(exercise).splitlines() if len(line) > 88]
        assert not long, (exercise.name, long[:1])


def test_no_environment_variable_is_read():
    source = "\n".join(cell_of(e) for e in EXERCISES)
    assert "environ" not in source and "getenv" not in source
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        assert run(cell_of(ch3.q3), "one_hot", _stub)[0] == FAILED
    finally:
        del os.environ["NBGRADER_EXECUTION"]


# --- what the writer refuses ------------------------------------------------------------

def _exercise(**changes):
    base = dict(title="t", task="t", minutes=1, kind="practice", hint="h", cases=[_grading.Case((1,))],
                code="def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION")
    return _grading.Exercise("test.q1", **{**base, **changes})


ELSEWHERE = 3


def _uses_a_global(value):
    return None if value == ELSEWHERE else "no"


def test_a_validator_may_use_only_numpy_and_builtins():
    with pytest.raises(ValueError, match="ELSEWHERE"):
        _cells.test_source(_exercise(validate=_uses_a_global), "return None", 1)
    with pytest.raises(ValueError, match="plain function"):
        _cells.test_source(_exercise(validate=lambda value: None), "return None", 1)


def test_mixed_text_and_numbers_are_refused():
    cases = [_grading.Case((1,), expected="one"), _grading.Case((2,), expected=2.0)]
    with pytest.raises(ValueError, match="all text or all numbers"):
        _cells.test_source(_exercise(cases=cases), "return None", 1)


# --- literals: what the cells are written with -----------------------------------------

floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
arrays = st.one_of(
    st.builds(lambda xs, t: np.array(xs, dtype=t), st.lists(st.floats(width=32), max_size=30),
              st.sampled_from([np.float32, np.float64])),
    st.builds(lambda xs, t: np.array(xs).astype(t), st.lists(st.integers(-1000, 1000), min_size=1, max_size=30),
              st.sampled_from([np.int64, np.int32, np.uint8, np.int8])),
    st.builds(lambda xs: np.array(xs).reshape(-1, 2) if len(xs) % 2 == 0 else np.array(xs),
              st.lists(st.floats(allow_nan=False, width=64), max_size=40)),
    st.builds(lambda n, v: np.full(n, v), st.integers(8, 500), st.sampled_from([0, 1, 2.302585092994046])),
)
values = st.recursive(
    st.one_of(floats, st.integers(-10**12, 10**12), st.booleans(), st.text(max_size=200), arrays,
              st.builds(np.float32, st.floats(width=32)), st.builds(np.int64, st.integers(-100, 100))),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.builds(tuple, st.lists(inner, max_size=4))),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(values, st.integers(0, 24))
def test_a_literal_gives_back_exactly_its_value_within_the_width(value, indent):
    source = _literal.literal(value, indent)
    assert _literal.same(value, eval(source, {"np": np}))  # literal() checks this too
    lines = source.split("\n")
    room = [88 - indent] + [88] * (len(lines) - 1)
    too_long = [line for line, width in zip(lines, room) if len(line) > width and not _unbreakable(line)]
    assert not too_long, source


def _unbreakable(line: str) -> bool:
    """A single number or piece of text longer than the room (it cannot be cut)."""
    return line.strip().rstrip(",").count(" ") == 0


@pytest.mark.parametrize("value", [{"a": 1}, 1 + 2j, np.array([object()]), np.array(["a"]), range(3)])
def test_values_without_a_literal_are_refused(value):
    with pytest.raises(ValueError, match="literal"):
        _literal.literal(value)


def test_float32_is_written_short_and_exact():
    assert _literal.literal(np.array([0.1, 1 - 1e-7], dtype=np.float32)) == \
        "np.array([0.1, 0.9999999], dtype=np.float32)"
    assert _literal.literal(np.repeat(np.arange(3), 100)) == "np.repeat([0, 1, 2], 100)"
    assert _literal.literal(float("-inf")) == "-np.inf"
