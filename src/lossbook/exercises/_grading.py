"""The machinery behind every exercise: ``check``, ``hint`` and ``solution``.

An ``Exercise`` knows a few test inputs (``Case``), a reference function that gives
the expected answer (usually the ``lossbook`` package itself), and the classic
mistakes (``Mistake``: a function that makes the mistake, and plain words about it).
``check(answer)`` runs the learner's function on copies of every input and prints
one line:

- ``Correct ...`` when every input gives the expected value;
- ``Incorrect: for <input>: expected <value>, got <value>. <diagnosis>`` at the first
  input that fails (the diagnosis names a classic mistake when the answer matches one);
- ``Not attempted ...`` when the function raises ``NotImplementedError``.

Whatever the learner's function does (raises, prints, returns None, a string or a
generator, produces NaN or warnings), ``check`` never raises. ``evaluate(answer)``
does the same work silently and returns a ``Result`` for tests.
"""
from __future__ import annotations

import contextlib
import copy
import inspect
import io
import os
import textwrap
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not attempted"


@dataclass(frozen=True)
class Case:
    """One input for the learner's function: positional ``args`` and a readable ``label``."""

    args: tuple
    label: str = ""


@dataclass(frozen=True)
class Mistake:
    """A classic mistake: ``make(*args)`` computes what that mistake would return."""

    make: Callable
    words: str


@dataclass(frozen=True)
class Result:
    """What ``evaluate`` found: ``status`` is "correct", "incorrect" or "not attempted"."""

    status: str
    message: str
    mistake: str | None = None


def show(value: Any) -> str:
    """A short one-line rendering of a value for messages."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, separator=", ", precision=8, threshold=20, max_line_width=10**6)
        return " ".join(text.split()) + ("" if value.dtype == np.float64 or value.dtype.kind != "f" else f" ({value.dtype})")
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, (int, float, np.number)) for v in value):
        inner = ", ".join(show(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    text = " ".join(repr(value).split())
    return text if len(text) <= 200 else text[:197] + "..."


def close(actual: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    """True when ``actual`` has ``expected``'s shape and values (NaN never matches)."""
    try:
        actual_arr = np.asarray(actual, dtype=np.float64)
        expected_arr = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if actual_arr.shape != expected_arr.shape or np.isnan(actual_arr).any():
        return False
    return bool(np.allclose(actual_arr, expected_arr, rtol=rtol, atol=atol))


def _same_input(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and np.array_equal(before, after, equal_nan=before.dtype.kind == "f")
        )
    if isinstance(before, (list, tuple)):
        return type(before) is type(after) and len(before) == len(after) and all(
            _same_input(b, a) for b, a in zip(before, after)
        )
    return before == after


def _quiet_call(function: Callable, args: tuple) -> Any:
    """Call ``function(*args)`` with its prints, warnings and NumPy floating errors silenced."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*args)


class Exercise:
    """One exercise: ``check(answer)``, ``hint()``, ``solution()`` and ``evaluate(answer)``.

    ``reference(*args)`` gives the expected value for each case. ``validate(result)``
    can replace the reference for open questions: it returns ``None`` when the
    learner's value is right, else a sentence saying what is wrong. ``code`` is the
    notebook cell with the solution between ``### BEGIN SOLUTION`` / ``### END SOLUTION``.
    """

    def __init__(self, name: str, *, title: str, task: str, minutes: int, kind: str, code: str,
                 cases: Sequence[Case], reference: Callable | None = None,
                 validate: Callable | None = None, mistakes: Sequence[Mistake] = (),
                 compare: Callable = close, hint: str, success: str = "",
                 setup: str = "", match_atol: float = 1e-6, place_after: str | None = None,
                 points: int = 1, hidden_cases: Sequence[Case] = (), options: Sequence[str] = ()):
        self.name = name            # e.g. "ch3.q1"
        self.title = title          # e.g. "The batch loss"
        self.task = task            # markdown for the notebook
        self.minutes = minutes
        self.kind = kind            # "practice", "debugging" or "predict"
        self.code = textwrap.dedent(code).strip("\n")
        self.setup = textwrap.dedent(setup).strip("\n")  # e.g. the buggy code, shown before
        self.function_name = self.code.split("def ", 1)[1].split("(", 1)[0]
        self.cases = list(cases)
        self.reference = reference
        self.validate = validate
        self.mistakes = list(mistakes)
        self.compare = compare
        self._hint = textwrap.dedent(hint).strip()
        self.success = success
        self.match_atol = match_atol  # how close an answer must be to a mistake's value to name it
        # Where the notebook shows it: None = under "## Exercises"; else the id of the
        # chapter cell it follows (a predict question goes before the cell that reveals it).
        self.place_after = place_after
        self.points = points                    # nbgrader points, 1-3 by difficulty
        self.hidden_cases = list(hidden_cases)  # graded by nbgrader only, never shown to students
        self.options = tuple(options)           # a predict question's choices (for the static page)

    # --- what the learner calls -------------------------------------------------
    def check(self, answer: Callable) -> None:
        """Run ``answer`` on every test input and print one line saying how it did."""
        print(self.evaluate(answer).message)

    def hint(self) -> None:
        """Print a hint."""
        print(f"Hint: {self._hint}")

    def solution(self) -> None:
        """Print the reference solution's code (unless LOSSBOOK_NO_SOLUTIONS=1 is set)."""
        if os.environ.get("LOSSBOOK_NO_SOLUTIONS", "") not in ("", "0"):
            print("Solutions are switched off here (LOSSBOOK_NO_SOLUTIONS); ask your teacher.")
            return
        print(self.solution_code())

    # --- what tests call --------------------------------------------------------
    def solution_code(self) -> str:
        """The code cell with the solution markers removed."""
        return "\n".join(line for line in self.code.splitlines()
                         if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))

    def evaluate(self, answer: Any) -> Result:
        """Grade ``answer`` silently; never raises."""
        try:
            return self._evaluate(answer)
        except Exception as error:  # a bug in a case must not break the notebook either
            return Result(INCORRECT, f"Incorrect: the check could not run your function ({type(error).__name__}: {error}).")

    def _evaluate(self, answer: Any) -> Result:
        if not callable(answer):
            return Result(INCORRECT, f"Incorrect: check() expects your function itself, like "
                          f"check({self.function_name}) with no brackets after the name; got {show(answer)}.")
        if inspect.isclass(answer):
            return Result(INCORRECT, f"Incorrect: check() expects a function, like check({self.function_name}); got the class {answer.__name__}.")
        for case in self.cases:
            where = f"for {case.label}: " if case.label else ""
            learner_args = copy.deepcopy(case.args)
            try:
                actual = _quiet_call(answer, learner_args)
                if inspect.isgenerator(actual) or isinstance(actual, (map, filter, zip)):
                    return Result(INCORRECT, f"Incorrect: {where}your function returned a {type(actual).__name__} "
                                  "(a lazy sequence), not a value; return a number or an array instead.")
            except NotImplementedError:
                return Result(NOT_ATTEMPTED, "Not attempted: replace `raise NotImplementedError()` "
                              "with your code, then run the cell again.")
            except BaseException as error:  # learner code may raise anything, even SystemExit
                if isinstance(error, KeyboardInterrupt):
                    raise
                return Result(INCORRECT, f"Incorrect: {where}your function raised "
                              f"{type(error).__name__}: {error}".rstrip(": ") + ".")
            if not all(_same_input(b, a) for b, a in zip(case.args, learner_args)):
                return Result(INCORRECT, f"Incorrect: {where}your function changed its input (the caller's "
                              "array). Work on a copy instead: np.clip(y_pred, ...) without out= returns a new "
                              "array and leaves y_pred alone.", "modified input")
            if actual is None:
                return Result(INCORRECT, f"Incorrect: {where}your function returned None. "
                              "Did you forget the `return` statement?", "returned None")
            problem = self._judge(case, actual)
            if problem is not None:
                return problem
        return Result(CORRECT, "Correct" + (f": {self.success}" if self.success else "!"))

    def _judge(self, case: Case, actual: Any) -> Result | None:
        where = f"for {case.label}: " if case.label else ""
        if self.validate is not None:
            words = self.validate(actual)
            if words is None:
                return None
            return Result(INCORRECT, f"Incorrect: {where}got {show(actual)}. {words}")
        expected = _quiet_call(self.reference, copy.deepcopy(case.args))
        if self.compare(actual, expected):
            return None
        line = f"Incorrect: {where}expected {show(expected)}, got {show(actual)}."
        for mistake in self.mistakes:
            try:
                wrong = _quiet_call(mistake.make, copy.deepcopy(case.args))
            except Exception:
                continue
            if _matches(actual, wrong, self.match_atol):
                return Result(INCORRECT, f"{line} {mistake.words}", mistake.words)
        if isinstance(actual, str):
            return Result(INCORRECT, f"{line} Your function returned text (a str); return a number instead.")
        return Result(INCORRECT, line)


def _matches(actual: Any, wrong: Any, atol: float) -> bool:
    """Like ``close`` but inf matches inf and NaN matches NaN (for mistakes that produce them)."""
    if isinstance(wrong, str) or isinstance(actual, str):
        return isinstance(wrong, str) and isinstance(actual, str) and actual.strip().lower() == wrong
    try:
        a = np.asarray(actual, dtype=np.float64)
        w = np.asarray(wrong, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return a.shape == w.shape and bool(np.allclose(a, w, rtol=1e-5 if atol >= 1e-6 else 0, atol=atol, equal_nan=True))
