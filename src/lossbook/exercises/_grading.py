"""The machinery behind every exercise: ``check``, ``hint``, ``solution`` and ``explain``.

An exercise knows a few test inputs (``Case``), how to get the expected answer for
each (a ``reference`` function, usually the ``lossbook`` package itself, or the value
written into the case), and the classic mistakes (``Mistake``: a function that makes
the mistake, or its values written as data, and plain words about it).
``check(answer)`` runs the learner's function on copies of every input and prints
one line:

- ``Correct ...`` when every input gives the expected value;
- ``Incorrect: for <input>: expected <value>, got <value>. <diagnosis>`` for the first
  input that fails. The diagnosis names a classic mistake only when the answer gives
  that mistake's value on *every* input (at the exercise's own tolerance), so it is
  never a guess from one number;
- ``Not attempted ...`` when the function raises ``NotImplementedError``.

Whether an answer is right is decided by the small functions of ``_verdict``, whose
source the exercise writer also copies into each nbgrader test cell: ``check`` and
the test cell judge with the same code. The tolerance (``rtol``, ``atol``, per
exercise or per case) and the text rules (``text_replace``) are data, so they can be
written into the cell too.

Whatever the learner's function does (raises, prints, loops forever, returns None,
text, a complex number or a generator, produces NaN or warnings, calls ``nnfs.init()``),
``check`` never raises, prints exactly one line, and leaves NumPy as it found it
(see ``_sandbox``). ``evaluate(answer)`` does the same work silently and returns a
``Result`` for tests; ``explain(answer)`` gives the line a failing test cell shows.

Every sentence the checks print is a template in ``MESSAGES`` (the English text is
the key that ``lossbook.i18n.t`` translates).
"""
from __future__ import annotations

import ast
import copy
import inspect
import os
import textwrap
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from ..i18n import t
from . import _sandbox
from ._literal import short
from ._verdict import as_real, close, returned, same_text, unchanged

CORRECT, INCORRECT, NOT_ATTEMPTED = "correct", "incorrect", "not attempted"
TIME_LIMIT = 5.0      # seconds per call of the learner's function
MAX_LINE = 400        # characters: a longer message is cut
RTOL, ATOL = 1e-5, 1e-6  # the default tolerance for numbers: np.allclose(rtol=..., atol=...)

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
    "changed input": "Incorrect: {where}your function changed its input (the caller's list or array). "
                     "Work on a copy instead: x.copy() or np.array(x) makes one, and "
                     "np.clip(x, ...) without out= returns a new array.",
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

# Words for the reusable classic mistakes below (chapter authors may pass their own).
LOST_MINUS = "Your value has the right size but the wrong sign: a minus sign is missing or extra."
LOG10 = "You used log base 10; cross-entropy uses the natural log (np.log)."
LOG2 = "You used log base 2 (bits); cross-entropy uses the natural log (nats, np.log)."


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


@dataclass(frozen=True)
class Case:
    """One input for the learner's function: positional ``args`` and a readable ``label``.

    ``expected`` is the right answer written as data (otherwise the exercise's
    reference computes it); ``rtol`` and ``atol`` replace the exercise's tolerance
    for this case (for example a float32 input).
    """

    args: tuple
    label: str = ""
    expected: Any = None
    rtol: float | None = None
    atol: float | None = None


@dataclass(frozen=True)
class Mistake:
    """A classic mistake: ``make(*args)`` computes what that mistake would return.

    In data form (a teacher's notebook, which must not hold the functions), ``make``
    is None and ``values`` holds what the mistake returns on each visible case, in
    order (None where it raises).
    """

    make: Callable | None
    words: str
    values: tuple | None = None


def lost_minus(reference: Callable, words: str = LOST_MINUS) -> Mistake:
    """The mistake of a lost (or extra) minus sign: ``-reference(*args)``."""
    return Mistake(lambda *args: -np.asarray(reference(*args), dtype=np.float64), words)


def log10_for_ln(reference: Callable, words: str = LOG10) -> Mistake:
    """log10 in place of ln, for an answer that is a sum of natural logs (a loss): ``reference / ln 10``."""
    return Mistake(lambda *args: np.asarray(reference(*args), dtype=np.float64) / np.log(10), words)


def log2_for_ln(reference: Callable, words: str = LOG2) -> Mistake:
    """log2 in place of ln, for an answer that is a sum of natural logs (a loss): ``reference / ln 2``."""
    return Mistake(lambda *args: np.asarray(reference(*args), dtype=np.float64) / np.log(2), words)


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


def _quiet_call(function: Callable, args: tuple, time_limit: float = TIME_LIMIT) -> Any:
    """Call ``function(*args)`` quietly, within ``time_limit`` seconds (see ``_sandbox``)."""
    return _sandbox.call(function, args, time_limit)


class _Outcome:
    """What a call gave when it gave no value to compare."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


RAISED = _Outcome("raised")     # the call raised (an answer's, or a mistake's)
_UNKNOWN = _Outcome("unknown")  # no value to compare: it never matches a mistake


class Checks:
    """The checks of one exercise: ``check``, ``hint``, ``explain``, ``evaluate``.

    ``function_name`` is the learner's function (for messages). Each case's expected
    value comes from ``case.expected`` or else ``reference(*case.args)``; an open
    question gives ``validate(value)`` instead, which returns None when the value is
    right and else a sentence saying what is wrong. Its source is copied into the
    test cell, so it may use only NumPy (as ``np``) and Python's builtins.

    Numbers must match within ``rtol`` and ``atol`` (as ``np.allclose``); text ignores
    case and outer spaces, after the ``text_replace`` substitutions (e.g.
    ``{" ": ""}`` ignores every space). ``hidden_cases`` are graded only by nbgrader's
    hidden tests.

    Written as data, with no function at all (a teacher's notebook)::

        checks = Checks("double", cases=[Case((3,), "x=3", expected=6)],
                        mistakes=[Mistake(None, "You squared it.", values=(9,))])
    """

    def __init__(self, function_name: str, *, cases: Sequence[Case], reference: Callable | None = None,
                 validate: Callable | None = None, mistakes: Sequence[Mistake] = (),
                 rtol: float = RTOL, atol: float = ATOL, text_replace: dict | None = None,
                 hint: str = "", success: str = "", hidden_cases: Sequence[Case] = (),
                 time_limit: float = TIME_LIMIT, parameters: Sequence[str] = ()):
        self.function_name = function_name
        self.parameters = tuple(parameters)  # the function's parameter names, for labels
        self.cases = list(cases)
        self.reference = reference
        self.validate = validate
        self.mistakes = list(mistakes)
        self.rtol, self.atol = float(rtol), float(atol)
        self.text_replace = tuple((text_replace or {}).items())  # (old, new) pairs
        self._hint = textwrap.dedent(hint).strip()
        self.success = success
        self.hidden_cases = list(hidden_cases)  # graded by nbgrader only, never shown to students
        self.time_limit = time_limit            # seconds per call of the learner's function
        for mistake in self.mistakes:
            if mistake.make is None and (mistake.values is None or len(mistake.values) != len(self.cases)):
                raise ValueError(f"{function_name}: a mistake in data form needs one value per "
                                 f"visible case ({len(self.cases)}); {mistake.words!r} has "
                                 f"{None if mistake.values is None else len(mistake.values)}.")

    @classmethod
    def from_test_cell(cls, function_name: str, cases: Sequence, *, tolerance: tuple | None = None,
                       replace: tuple = (), validate: Callable | None = None,
                       success: str = "", parameters: Sequence[str] = ()) -> "Checks":
        """The checks a test cell's own ``cases`` make (to word a teacher exercise's messages).

        Rows as the cell writes them: ``(args, expected, *own tolerance)`` for numbers,
        ``(args, expected)`` for text, ``args`` for a validator.
        """
        if validate is not None:
            return cls(function_name, cases=[Case(tuple(args)) for args in cases],
                       validate=validate, success=success, parameters=parameters)
        rows = [(args, expected, *(own or tolerance or (RTOL, ATOL))) for args, expected, *own in cases]
        return cls(function_name, cases=[Case(a, expected=e, rtol=r, atol=t) for a, e, r, t in rows],
                   text_replace=dict(replace), success=success, parameters=parameters)

    # --- what the learner calls -------------------------------------------------
    def check(self, answer: Callable) -> None:
        """Run ``answer`` on every test input and print one line saying how it did."""
        print(self.evaluate(answer).message)

    def hint(self) -> None:
        """Print a hint."""
        print(say("hint", hint=self._hint))

    # --- what the test cells call ----------------------------------------------
    def explain(self, answer: Any) -> str:
        """The line a failing test cell shows: the first failure, visible cases before hidden ones."""
        result = self.evaluate(answer)
        if result.status == CORRECT and self.hidden_cases:
            result = self.evaluate(answer, hidden=True)
        return result.message

    def success_line(self) -> str:
        """The line a passing test cell prints (``Correct: ...``)."""
        return say("correct because", success=self.success) if self.success else say("correct")

    # --- what tests call --------------------------------------------------------
    def expected(self, case: Case) -> Any:
        """The right answer for ``case``: written in it, or computed by the reference."""
        if case.expected is not None:
            return case.expected
        return _quiet_call(self._reference(), copy.deepcopy(case.args))

    def tolerance(self, case: Case) -> tuple[float, float]:
        """``(rtol, atol)`` for ``case``: its own, else the exercise's."""
        return (self.rtol if case.rtol is None else case.rtol,
                self.atol if case.atol is None else case.atol)

    def right(self, case: Case, value: Any) -> bool:
        """Whether ``value`` (what the answer returned) is right for ``case``."""
        if not returned(value):
            return False
        if self.validate is not None:
            return self.validate(value) is None
        expected = self.expected(case)
        if isinstance(expected, str):
            return same_text(value, expected, self.text_replace)
        return close(value, expected, *self.tolerance(case))

    def evaluate(self, answer: Any, *, hidden: bool = False) -> Result:
        """Grade ``answer`` on the cases (the hidden ones with ``hidden=True``); never raises."""
        try:
            result = self._evaluate(answer, self.hidden_cases if hidden else self.cases, not hidden)
        except Exception as error:  # a bug in a case must not break the notebook either
            result = Result(INCORRECT, say("broken check", error=f"{type(error).__name__}: {error}"))
        return Result(result.status, one_line(result.message), result.mistake)

    def _reference(self) -> Callable:
        if self.reference is None:
            raise ValueError(f"{self.function_name}: no reference, and a case has no expected value.")
        return self.reference

    def label(self, case: Case) -> str:
        """How messages name ``case``: its label, else ``name=value, ...`` of its arguments."""
        if case.label or not case.args:
            return case.label
        names = self.parameters if len(self.parameters) == len(case.args) else ("",) * len(case.args)
        return ", ".join(f"{name}={short(arg)}" if name else short(arg) for name, arg in zip(names, case.args))

    def _evaluate(self, answer: Any, cases: Sequence[Case], visible: bool) -> Result:
        if not callable(answer):
            return Result(INCORRECT, say("not callable", name=f"check({self.function_name})", got=show(answer)))
        if inspect.isclass(answer):
            return Result(INCORRECT, say("a class", name=f"check({self.function_name})", got=answer.__name__))
        runs, first_wrong = [], None  # what the answer gave on each case; the first wrong one
        for case in cases:
            actual, failure = self._run(answer, case)
            if failure is not None and first_wrong is None:
                return failure  # raised, changed its input, returned None, ...
            if failure is not None and failure.mistake == "timeout":
                return self._wrong(cases, runs, first_wrong, visible, complete=False)
            runs.append(actual)
            if failure is None and first_wrong is None and not self.right(case, actual):
                first_wrong = len(runs) - 1
        if first_wrong is not None:
            return self._wrong(cases, runs, first_wrong, visible)
        return Result(CORRECT, self.success_line())

    def _run(self, answer: Callable, case: Case) -> tuple[Any, Result | None]:
        """What ``answer`` returns for ``case`` (``RAISED`` if it raised), and the
        ``Result`` to report when that is no value to judge."""
        where = self.label(case)
        given = copy.deepcopy(case.args)
        try:
            actual = _quiet_call(answer, given, self.time_limit)
        except NotImplementedError:
            return RAISED, Result(NOT_ATTEMPTED, say("not attempted"))
        except _sandbox.TimeUp:
            return _UNKNOWN, Result(INCORRECT, say("timeout", where=where, seconds=self.time_limit), "timeout")
        except BaseException as error:  # learner code may raise anything, even SystemExit
            if isinstance(error, KeyboardInterrupt):
                raise
            error_text = f"{type(error).__name__}: {_safe_str(error)}".rstrip(": ")
            return RAISED, Result(INCORRECT, say("raised", where=where, error=error_text))
        if not unchanged(case.args, given):
            return _UNKNOWN, Result(INCORRECT, say("changed input", where=where), "modified input")
        if actual is None:
            return _UNKNOWN, Result(INCORRECT, say("returned None", where=where), "returned None")
        if not returned(actual):
            return _UNKNOWN, Result(INCORRECT, say("lazy", where=where, got=type(actual).__name__), "lazy")
        return actual, None

    def _wrong(self, cases: Sequence[Case], runs: list, index: int, visible: bool,
               complete: bool = True) -> Result:
        """The message for the first wrong case, ``cases[index]``, given the answer's ``runs``.

        A classic mistake is named only when the answer gives that mistake's value on
        every case (``complete``: every case ran).
        """
        case, actual = cases[index], runs[index]
        where = self.label(case)
        if self.validate is not None:
            return Result(INCORRECT, say("invalid", where=where, got=show(actual), words=self.validate(actual)))
        expected = self.expected(case)
        kind = _wrong_kind(actual)
        if kind is not None and _wrong_kind(expected) != kind:
            return Result(INCORRECT, say(kind, where=where, got=show(actual)), kind)
        for mistake in self.mistakes if complete else ():
            if all(self.alike(run, self.mistake_value(mistake, i, c, visible), c)
                   for i, (c, run) in enumerate(zip(cases, runs))):
                return Result(INCORRECT, say("mistake", where=where, expected=show(expected), got=show(actual),
                                             words=mistake.words), mistake.words)
        return Result(INCORRECT, say("expected", where=where, expected=show(expected), got=show(actual)))

    def mistake_value(self, mistake: Mistake, index: int, case: Case, visible: bool = True) -> Any:
        """What ``mistake`` gives on ``case``, visible case number ``index`` (RAISED if it raises)."""
        if mistake.make is None:  # data form: values for the visible cases only
            if not visible:
                return _UNKNOWN
            return RAISED if mistake.values[index] is None else mistake.values[index]
        try:
            return _quiet_call(mistake.make, copy.deepcopy(case.args))
        except BaseException:
            return RAISED

    def alike(self, actual: Any, wrong: Any, case: Case) -> bool:
        """Whether ``actual`` is what the mistake gives, at ``case``'s tolerance (inf matches
        inf, NaN matches NaN here, text as text; ``RAISED`` matches only itself)."""
        if actual is RAISED or wrong is RAISED:
            return actual is wrong
        if actual is _UNKNOWN or wrong is _UNKNOWN:
            return False
        if isinstance(wrong, str) or isinstance(actual, str):
            return isinstance(wrong, str) and same_text(actual, wrong, self.text_replace)
        a, w = as_real(actual), as_real(wrong)
        if a is None or w is None or a.shape != w.shape:
            return False
        rtol, atol = self.tolerance(case)
        return bool(np.allclose(a, w, rtol=rtol, atol=atol, equal_nan=True))


class Exercise(Checks):
    """One exercise of the book (or a teacher's): its task, its code, and its ``Checks``.

    ``code`` is the notebook cell with the solution between ``### BEGIN SOLUTION`` /
    ``### END SOLUTION``; without a ``reference`` (and with no ``validate``), the
    function that code defines is the reference. ``setup`` is code shown before it
    (the buggy version of a debugging exercise). ``place_after`` is the id of the
    chapter cell the exercise follows (None: under ``## Exercises``). ``options`` are
    a predict question's choices (for the static page).
    """

    def __init__(self, name: str, *, title: str, task: str, minutes: int, kind: str, code: str,
                 cases: Sequence[Case], reference: Callable | None = None,
                 validate: Callable | None = None, mistakes: Sequence[Mistake] = (),
                 rtol: float = RTOL, atol: float = ATOL, text_replace: dict | None = None,
                 hint: str, success: str = "", setup: str = "", place_after: str | None = None,
                 points: int = 1, hidden_cases: Sequence[Case] = (), options: Sequence[str] = (),
                 time_limit: float = TIME_LIMIT):
        code = textwrap.dedent(code).strip("\n")
        function_name = _defined_function(code, name)
        super().__init__(function_name, cases=cases, reference=reference, validate=validate,
                         mistakes=mistakes, rtol=rtol, atol=atol, text_replace=text_replace, hint=hint,
                         success=success, hidden_cases=hidden_cases, time_limit=time_limit,
                         parameters=_parameters(code, function_name))
        self.name = name            # e.g. "ch3.q1"
        self.title = title          # e.g. "The batch loss"
        self.task = task            # markdown for the notebook
        self.minutes = minutes
        self.kind = kind            # "practice", "debugging" or "predict"
        self.code = code
        self.setup = textwrap.dedent(setup).strip("\n")  # e.g. the buggy code, shown before
        self.place_after = place_after
        if points not in (1, 2, 3):
            raise ValueError(f"{name}: points must be 1, 2 or 3; got {points!r}.")
        self.points = points                    # nbgrader points, 1-3 by difficulty
        self.options = tuple(options)           # a predict question's choices (for the static page)

    def solution(self) -> None:
        """Print the reference solution's code (unless LOSSBOOK_NO_SOLUTIONS=1 is set)."""
        print(self.solution_code())

    def question(self):
        """This predict question as one answered in the book's page (see ``_page``)."""
        from ._page import Question

        return Question(self)

    def solution_code(self) -> str:
        """The code cell with the solution markers removed (a notice if solutions are hidden)."""
        if solutions_hidden():
            return t(MESSAGES["no solutions"])
        return self.model_code()

    def model_code(self) -> str:
        """The code cell with the solution markers removed."""
        return "\n".join(line for line in self.code.splitlines()
                         if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))

    def _reference(self) -> Callable:
        if self.reference is None and self.validate is None:
            namespace: dict = {}
            exec(compile(self.model_code(), f"<{self.name} solution>", "exec"), namespace)
            self.reference = namespace[self.function_name]
        return super()._reference()


def _parameters(code: str, function_name: str) -> tuple[str, ...]:
    """The positional parameter names of ``function_name`` in ``code``."""
    [function] = [node for node in ast.parse(code).body
                  if isinstance(node, ast.FunctionDef) and node.name == function_name][-1:]
    return tuple(argument.arg for argument in function.args.args)


def _defined_function(code: str, name: str) -> str:
    """The name of the last function ``code`` defines (helpers may come before it)."""
    try:
        defined = [node.name for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)]
    except SyntaxError as error:
        raise ValueError(f"{name}: its code is not valid Python ({error.msg}, line {error.lineno}).") from None
    if not defined:
        raise ValueError(f"{name}: its code must define the learner's function (def ...).")
    return defined[-1]


def _safe_str(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:
        return "(an error that cannot be shown)"
