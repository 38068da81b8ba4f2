"""A predict question answered right in the book's page, with no kernel.

The notebook cell ``ch2.q3.question()`` displays one output with two renderings:
``text/html``, a small form (a number field, a text field or a choice, a Check
button, a hint on request) that the published book shows, and ``text/plain``
for places that cannot show it. The same question stays a normal exercise in the
notebook (write the function, run its check).

The page must not give the answer away, so it carries no answer at all. For each
answer worth a reply (every right answer, every classic mistake, every option),
it keeps only

- ``id``: the start of ``sha256(salt, "id", answer)``, to find the reply;
- the reply (right or not, and its words), XOR-ed with ``sha256(salt, "key", answer, i)``.

The browser hashes what the reader typed and can read a reply only for that
answer. A number is first rounded to a fixed number of decimals (``k`` in
``round(x * 10**decimals)``); every ``k`` that the exercise's own check accepts
gets a reply, so the page and ``check`` agree to within half a rounding step.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
from importlib import resources

import numpy as np

from ..i18n import t
from ._grading import CORRECT, RAISED, Exercise

MAX_REPLIES = 41  # the finest rounding with at most this many accepted numbers is used

WORDS = {  # the text the form shows (English is the key for lossbook.i18n.t)
    "number label": "Your answer (a number):",
    "text label": "Your answer:",
    "choice label": "Your answer:",
    "check": "Check",
    "show hint": "Show a hint",
    "hide hint": "Hide the hint",
    "right": "Correct!",
    "wrong": "Not quite.",
    "again": "Try again, or show the hint.",
    "empty number": "Type a number first, for example 0.5.",
    "empty text": "Type your answer first.",
    "empty choice": "Choose one of the answers first.",
    "kernel": "In the book's web page you answer this question right here. In the notebook, "
              "write the function below and run its check.",
}


def page_mode(exercise: Exercise) -> str | None:
    """"number", "choice" or "text" if ``exercise`` can be answered in the page, else None.

    That takes a predict question whose function has no arguments, and whose
    answer is one real number, or a string (from ``options`` when it has them).
    """
    if exercise.kind != "predict" or exercise.validate is not None:
        return None
    if [case.args for case in exercise.cases] != [()]:
        return None
    expected = _expected(exercise)
    if isinstance(expected, str):
        return "choice" if exercise.options else "text"
    if _finite_number(expected) is not None:
        return "number"
    return None


class Question:
    """What ``Exercise.question()`` returns: displays as the in-page form (or plain text)."""

    def __init__(self, exercise: Exercise):
        self.mode = page_mode(exercise)
        if self.mode is None:
            raise ValueError(f"{exercise.name} cannot be answered in the page: that takes a predict "
                             "question whose function takes no arguments and returns one number or "
                             "a string.")
        self.exercise = exercise

    def __repr__(self) -> str:
        return t(WORDS["kernel"])

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/plain": repr(self), "text/html": self.html()}

    def spec(self) -> dict:
        """The data the page's script needs: no answer in it, only hashed, sealed replies."""
        exercise, mode = self.exercise, self.mode
        decimals = _decimals(exercise) if mode == "number" else 0
        salt = f"lossbook|{exercise.name}|{mode}|{decimals}"
        replies = {}
        for answer, ok, words in _replies(exercise, mode, decimals):
            key = _digest(salt, "id", answer).hex()[:24]
            replies.setdefault(key, _seal(salt, answer, {"ok": ok, "m": words}))
        return {"mode": mode, "decimals": decimals, "salt": salt, "replies": dict(sorted(replies.items())),
                "words": {"right": t(WORDS["right"]), "wrong": t(WORDS["wrong"]), "again": t(WORDS["again"]),
                          "empty": t(WORDS[f"empty {mode}"]), "showHint": t(WORDS["show hint"]),
                          "hideHint": t(WORDS["hide hint"])}}

    def html(self) -> str:
        exercise, mode = self.exercise, self.mode
        uid = "lossbook-q-" + exercise.name.replace(".", "-")
        if mode == "choice":
            options = "".join(
                f'<label><input type="radio" name="{uid}" value="{html.escape(o)}"> {html.escape(o)}</label>'
                for o in exercise.options)
            field = (f'<fieldset><legend>{html.escape(t(WORDS["choice label"]))}</legend>'
                     f'<div class="lossbook-question-options">{options}</div></fieldset>')
        else:
            inputmode = ' inputmode="decimal"' if mode == "number" else ""
            field = (f'<label class="lossbook-question-label" for="{uid}-answer">'
                     f'{html.escape(t(WORDS[mode + " label"]))}</label> '
                     f'<input type="text" id="{uid}-answer"{inputmode} autocomplete="off" spellcheck="false">')
        spec = html.escape(json.dumps(self.spec(), ensure_ascii=False, separators=(",", ":")))
        return (
            f'<style>{_asset("question.css")}</style>'
            f'<div class="lossbook-question" id="{uid}" data-spec="{spec}">'
            f'<p class="lossbook-question-kernel">{html.escape(repr(self))}</p>'
            f'<div class="lossbook-question-form" hidden>{field}<div>'
            f'<button type="button" class="lossbook-question-check">{html.escape(t(WORDS["check"]))}</button>'
            f'<button type="button" class="lossbook-question-hint-button" aria-expanded="false" '
            f'aria-controls="{uid}-hint">{html.escape(t(WORDS["show hint"]))}</button></div>'
            f'<p class="lossbook-question-feedback" role="status" aria-live="polite"></p>'
            f'<p class="lossbook-question-hint" id="{uid}-hint" hidden>{html.escape(exercise._hint)}</p>'
            f'</div></div>'
            f'<script>{_asset("question.js")}\nwindow.lossbookQuestion(document.getElementById("{uid}"));</script>'
        )


# --- the replies -----------------------------------------------------------------------

def _expected(exercise: Exercise):
    try:
        return exercise.expected(exercise.cases[0])
    except BaseException:
        return None


def _finite_number(value) -> float | None:
    if isinstance(value, (bool, np.bool_, str)):
        return None
    array = np.asarray(value)
    if array.shape != () or array.dtype.kind not in "iuf" or not np.isfinite(array):
        return None
    return float(array)


def normalise_text(answer: str) -> str:
    return " ".join(str(answer).split()).lower()


def _replies(exercise: Exercise, mode: str, decimals: int):
    """``(normalised answer, right?, words)`` for every answer the page should know."""
    success = exercise.success[:1].upper() + exercise.success[1:]
    if mode in ("choice", "text"):
        candidates = list(exercise.options) if mode == "choice" else [_expected(exercise)]
        candidates += [w for m in exercise.mistakes if isinstance(w := _mistaken(exercise, m), str)]
        for answer in dict.fromkeys(normalise_text(c) for c in candidates):
            result = exercise.evaluate(lambda answer=answer: answer)
            ok = result.status == CORRECT
            yield answer, ok, success if ok else (result.mistake or "")
        return
    step = 10.0 ** -decimals
    for k in _accepted_at(exercise, decimals):
        yield str(k), True, success
    for mistake in exercise.mistakes:
        wrong = _finite_number(_mistaken(exercise, mistake))
        if wrong is None:
            continue
        centre = round(wrong / step)
        for k in range(centre - 1, centre + 2):
            if abs(k * step - wrong) <= step and not _right(exercise, k * step):
                yield str(k), False, mistake.words


def _mistaken(exercise: Exercise, mistake):
    """What ``mistake`` answers to the question (None if it raises)."""
    value = exercise.mistake_value(mistake, 0, exercise.cases[0])
    return None if value is RAISED else value


def _right(exercise: Exercise, value: float) -> bool:
    return exercise.evaluate(lambda: value).status == CORRECT


@functools.lru_cache(maxsize=None)
def _accepted_at(exercise: Exercise, decimals: int) -> tuple[int, ...]:
    """Every ``k`` whose ``k / 10**decimals`` the check accepts (an interval around the answer)."""
    step = 10.0 ** -decimals
    centre = round(_finite_number(_expected(exercise)) / step)
    found = []
    for direction in (range(centre, centre + 10 * MAX_REPLIES), range(centre - 1, centre - 10 * MAX_REPLIES, -1)):
        for k in direction:
            if not _right(exercise, k * step):
                break
            found.append(k)
    return tuple(sorted(found))


def _decimals(exercise: Exercise) -> int:
    """The finest rounding (0 to 8 decimals) that keeps the accepted answers few."""
    chosen = None
    for decimals in range(9):
        accepted = _accepted_at(exercise, decimals)
        if len(accepted) > MAX_REPLIES:
            break
        if accepted:
            chosen = decimals
    if chosen is None:
        raise ValueError(f"{exercise.name}: its check accepts no rounded number near the answer.")
    return chosen


# --- hashing and sealing (question.js does the same in the browser) ---------------------

def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()


def _seal(salt: str, answer: str, reply: dict) -> str:
    data = json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    stream = b"".join(_digest(salt, "key", answer, str(i)) for i in range(math.ceil(len(data) / 32)))
    return base64.b64encode(bytes(a ^ b for a, b in zip(data, stream))).decode("ascii")


def unseal(salt: str, answer: str, sealed: str) -> dict:
    """The reply sealed for ``answer`` (for tests; the browser does this in question.js)."""
    data = base64.b64decode(sealed)
    stream = b"".join(_digest(salt, "key", answer, str(i)) for i in range(math.ceil(len(data) / 32)))
    return json.loads(bytes(a ^ b for a, b in zip(data, stream)))


@functools.lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
