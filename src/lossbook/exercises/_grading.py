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

Whatever the learner's function does (raises, prints, loops forever, returns None,
text, a complex number or a generator, produces NaN or warnings, calls ``nnfs.init()``),
``check`` never raises, prints exactly one line, and leaves NumPy as it found it
(see ``_sandbox``). ``evaluate(answer)`` does the same work silently and returns a
``Result`` for tests. ``grade(answer)`` is the nbgrader test: the same line, but an
``AssertionError`` while nbgrader grades.

Every sentence the checks print is a template in ``MESSAGES`` (the English text is
the key that ``lossbook.i18n.t`` translates).
"""
from __future__ import annotations

import copy
import inspect
import os
import textwrap
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ..i18n import t
from . import _sandbox

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not attempted"
TIME_LIMIT = 5.0      # seconds per call of the learner's function
MAX_LINE = 400        # characters: a longer message is cut

# Every sentence a check prints. {where} is "" or "for <the input>: ".
MESSAGES = {
    "correct": "Correct!",
    "correct because": "Correct: {success}",
    "not attempted": "Not attempted: replace `raise NotImplementedError()` with your code, "
                     "then run the cell again.",
    "not callable": "Incorrect: check() expects your function itself, like {name} with no "
                    "brackets after the name; got {got}.",
    "a class": "Incorrect: check() expects a function, like {name}; got the class {got}.",
    "lazy": "Incorrect: {where}your function returned a {got} (a lazy sequence), not a value; "
            "return a number or an array instead.",
    "timeout": "Incorrect: {where}your function did not finish within {seconds:g} s (an endless loop?).",
    "raised": "Incorrect: {where}your function raised {error}.",
    "changed input": "Incorrect: {where}your function changed its input (the caller's array). Work on "
                     "a copy instead: np.clip(y_pred, ...) without out= returns a new array and "
                     "leaves y_pred alone.",
    "returned None": "Incorrect: {where}your function returned None. Did you forget the `return` statement?",
    "text": "Incorrect: {where}your function returned text ({got}); return a number instead, "
            "without quotes.",
    "complex": "Incorrect: {where}your function returned a complex number ({got}); return a real number.",
    "invalid": "Incorrect: {where}got {got}. {words}",
    "expected": "Incorrect: {where}expected {expected}, got {got}.",
    "mistake": "Incorrect: {where}expected {expected}, got {got}. {words}",
    "broken check": "Incorrect: the check could not run your function ({error}).",
    "no solutions": "Solutions are switched off here (LOSSBOOK_NO_SOLUTIONS); ask your teacher.",
    "hint": "Hint: {hint}",
}


def say(key: str, **values) -> str:
    """The message ``key`` in the reader's language, filled in, on one line of at most MAX_LINE."""
    if "where" in values:
        values["where"] = t("for {label}: ").format(label=values["where"]) if values["where"] else ""
    for prose in ("success", "hint", "words"):  # the exercise's own sentences
        if prose in values:
            values[prose] = t(values[prose])
    return one_line(t(MESSAGES[key]).format(**values))


def one_line(text: str) -> str:
    """``text`` with its whitespace runs (newlines too) made single spaces, cut to MAX_LINE."""
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


def solutions_hidden() -> bool:
    """True when LOSSBOOK_NO_SOLUTIONS is set (to anything but "" or "0")."""
    return os.environ.get("LOSSBOOK_NO_SOLUTIONS", "") not in ("", "0")


def grading() -> bool:
    """True while nbgrader runs the notebook (it sets NBGRADER_EXECUTION: autograde, validate)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


class NotPassed(AssertionError):
    """What an nbgrader test cell raises for a wrong, missing or stub answer."""


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
    try:
        text = " ".join(repr(value).split())
    except Exception:
        text = f"a {type(value).__name__} that cannot be shown"
    return text if len(text) <= 200 else text[:197] + "..."


def _real_array(value: Any) -> np.ndarray | None:
    """``value`` as a float64 array, or None for text, complex numbers and non-numbers."""
    if isinstance(value, (str, bytes)):
        return None
    try:
        array = np.asarray(value)
        if array.dtype.kind == "O" and any(isinstance(v, (str, bytes, complex)) for v in array.flat):
            return None
        if array.dtype.kind not in "biufO":
            return None
        return array.astype(np.float64)
    except Exception:  # objects whose __float__ fails, ragged lists, ...
        return None


def _wrong_kind(value: Any) -> str | None:
    """"text" or "complex" when ``value`` is an answer of that kind (never a correct number)."""
    if isinstance(value, (str, bytes, np.str_)):
        return "text"
    if isinstance(value, (complex, np.complexfloating)) or (
            isinstance(value, np.ndarray) and value.dtype.kind in "cUS"):
        return "complex" if np.asarray(value).dtype.kind == "c" else "text"
    if isinstance(value, (list, tuple)) and value:
        kinds = {_wrong_kind(v) for v in value} - {None}
        return min(kinds) if kinds else None
    return None


def close(actual: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    """True when ``actual`` has ``expected``'s shape and values (NaN, text, complex never match)."""
    actual_arr, expected_arr = _real_array(actual), _real_array(expected)
    if actual_arr is None or expected_arr is None:
        return False
    if actual_arr.shape != expected_arr.shape or np.isnan(actual_arr).any():
        return False
    return bool(np.allclose(actual_arr, expected_arr, rtol=rtol, atol=atol))


def same_text(actual: Any, expected: str) -> bool:
    """True when ``actual`` is text equal to ``expected``, ignoring case and outer spaces."""
    return isinstance(actual, str) and actual.strip().lower() == expected.strip().lower()


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


def _quiet_call(function: Callable, args: tuple, time_limit: float = TIME_LIMIT) -> Any:
    """Call ``function(*args)`` quietly, within ``time_limit`` seconds (see ``_sandbox``)."""
    return _sandbox.call(function, args, time_limit)


class Exercise:
    """One exercise: ``check(answer)``, ``hint()``, ``solution()``, ``grade(answer)``, ``evaluate(answer)``.

    ``reference(*args)`` gives the expected value for each case. ``validate(result)``
    can replace the reference for open questions: it returns ``None`` when the
    learner's value is right, else a sentence saying what is wrong. ``code`` is the
    notebook cell with the solution between ``### BEGIN SOLUTION`` / ``### END SOLUTION``.
    ``hidden_cases`` are graded only by nbgrader's hidden tests (``grade(answer, hidden=True)``).
    """

    def __init__(self, name: str, *, title: str, task: str, minutes: int, kind: str, code: str,
                 cases: Sequence[Case], reference: Callable | None = None,
                 validate: Callable | None = None, mistakes: Sequence[Mistake] = (),
                 compare: Callable = close, hint: str, success: str = "",
                 setup: str = "", match_atol: float = 1e-6, place_after: str | None = None,
                 points: int = 1, hidden_cases: Sequence[Case] = (), options: Sequence[str] = (),
                 time_limit: float = TIME_LIMIT):
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
        if points not in (1, 2, 3):
            raise ValueError(f"{name}: points must be 1, 2 or 3; got {points!r}.")
        self.points = points                    # nbgrader points, 1-3 by difficulty
        self.hidden_cases = list(hidden_cases)  # graded by nbgrader only, never shown to students
        self.options = tuple(options)           # a predict question's choices (for the static page)
        self.time_limit = time_limit            # seconds per call of the learner's function

    # --- what the learner calls -------------------------------------------------
    def check(self, answer: Callable) -> None:
        """Run ``answer`` on every test input and print one line saying how it did."""
        print(self.evaluate(answer).message)

    def hint(self) -> None:
        """Print a hint."""
        print(say("hint", hint=self._hint))

    def solution(self) -> None:
        """Print the reference solution's code (unless LOSSBOOK_NO_SOLUTIONS=1 is set)."""
        print(self.solution_code())

    def grade(self, answer: Callable, *, hidden: bool = False) -> None:
        """The autograder test cell: print ``check``'s line; while nbgrader grades, fail loudly.

        With ``hidden=True`` it runs the hidden cases instead and prints only a failure.
        When ``NBGRADER_EXECUTION`` is set, anything but Correct raises ``NotPassed``
        (an AssertionError) with the same one line, so nbgrader gives 0 points.
        """
        result = self.evaluate(answer, hidden=hidden)
        if grading() and result.status != CORRECT:
            raise NotPassed(result.message)
        if not hidden or result.status != CORRECT:
            print(result.message)

    def question(self):
        """This predict question as one answered in the book's page (see ``_page``)."""
        from ._page import Question

        return Question(self)

    # --- what tests call --------------------------------------------------------
    def solution_code(self) -> str:
        """The code cell with the solution markers removed (a notice if solutions are hidden)."""
        if solutions_hidden():
            return t(MESSAGES["no solutions"])
        return "\n".join(line for line in self.code.splitlines()
                         if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))

    def evaluate(self, answer: Any, *, hidden: bool = False) -> Result:
        """Grade ``answer`` on the cases (the hidden ones with ``hidden=True``); never raises."""
        try:
            result = self._evaluate(answer, self.hidden_cases if hidden else self.cases)
        except Exception as error:  # a bug in a case must not break the notebook either
            result = Result(INCORRECT, say("broken check", error=f"{type(error).__name__}: {error}"))
        return Result(result.status, one_line(result.message), result.mistake)

    def _evaluate(self, answer: Any, cases: Sequence[Case]) -> Result:
        if not callable(answer):
            return Result(INCORRECT, say("not callable", name=f"check({self.function_name})", got=show(answer)))
        if inspect.isclass(answer):
            return Result(INCORRECT, say("a class", name=f"check({self.function_name})", got=answer.__name__))
        for case in cases:
            where = case.label
            learner_args = copy.deepcopy(case.args)
            try:
                actual = _quiet_call(answer, learner_args, self.time_limit)
                if inspect.isgenerator(actual) or isinstance(actual, (map, filter, zip)):
                    return Result(INCORRECT, say("lazy", where=where, got=type(actual).__name__))
            except NotImplementedError:
                return Result(NOT_ATTEMPTED, say("not attempted"))
            except _sandbox.TimeUp:
                return Result(INCORRECT, say("timeout", where=where, seconds=self.time_limit), "timeout")
            except BaseException as error:  # learner code may raise anything, even SystemExit
                if isinstance(error, KeyboardInterrupt):
                    raise
                error_text = f"{type(error).__name__}: {_safe_str(error)}".rstrip(": ")
                return Result(INCORRECT, say("raised", where=where, error=error_text))
            if not all(_same_input(b, a) for b, a in zip(case.args, learner_args)):
                return Result(INCORRECT, say("changed input", where=where), "modified input")
            if actual is None:
                return Result(INCORRECT, say("returned None", where=where), "returned None")
            problem = self._judge(case, actual)
            if problem is not None:
                return problem
        if self.success:
            return Result(CORRECT, say("correct because", success=self.success))
        return Result(CORRECT, say("correct"))

    def _judge(self, case: Case, actual: Any) -> Result | None:
        where = case.label
        if self.validate is not None:
            words = self.validate(actual)
            if words is None:
                return None
            return Result(INCORRECT, say("invalid", where=where, got=show(actual), words=words))
        expected = _quiet_call(self.reference, copy.deepcopy(case.args))
        kind = _wrong_kind(actual)
        if kind is not None and _wrong_kind(expected) != kind:
            return Result(INCORRECT, say(kind, where=where, got=show(actual)), kind)
        if self.compare(actual, expected):
            return None
        for mistake in self.mistakes:
            try:
                wrong = _quiet_call(mistake.make, copy.deepcopy(case.args))
            except BaseException:
                continue
            if _matches(actual, wrong, self.match_atol):
                return Result(INCORRECT, say("mistake", where=where, expected=show(expected), got=show(actual),
                                             words=mistake.words), mistake.words)
        return Result(INCORRECT, say("expected", where=where, expected=show(expected), got=show(actual)))


def _safe_str(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:
        return "(an error that cannot be shown)"


def _matches(actual: Any, wrong: Any, atol: float) -> bool:
    """Like ``close`` but inf matches inf and NaN matches NaN (for mistakes that produce them)."""
    if isinstance(wrong, str) or isinstance(actual, str):
        return isinstance(wrong, str) and same_text(actual, wrong)
    a, w = _real_array(actual), _real_array(wrong)
    if a is None or w is None:
        return False
    return a.shape == w.shape and bool(np.allclose(a, w, rtol=1e-5 if atol >= 1e-6 else 0, atol=atol, equal_nan=True))
