"""check() cannot hang, flood, flatter or leak; grade() is the nbgrader test cell.

Complements test_exercises.py (every exercise's right and wrong answers).
"""
from __future__ import annotations

import random
import time

import numpy as np
import pytest

import lossbook
from lossbook.exercises import _grading, all_exercises, ch2, ch3, ch9
from lossbook.exercises._grading import MAX_LINE, Case, Exercise

FAST = 0.5  # seconds: a short time limit keeps these tests quick


# A batch-loss exercise like chapter 3's text (the chapters' own exercises change
# with the text; these tests are about the machinery).
BATCH_LOSS = Exercise(
    "test.q1", title="The batch loss", kind="practice", minutes=5, points=2,
    task="Write `batch_loss(softmax_outputs, class_targets)`.",
    code='''\
import numpy as np


def batch_loss(softmax_outputs, class_targets):
    ### BEGIN SOLUTION
    correct = softmax_outputs[range(len(softmax_outputs)), class_targets]
    return np.mean(-np.log(correct))
    ### END SOLUTION''',
    cases=[Case((np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]), np.array([0, 1, 1])),
                "softmax_outputs=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]], class_targets=[0, 1, 1]"),
           Case((np.array([[0.6, 0.4], [0.3, 0.7]], dtype=np.float32), np.array([0, 1])),
                "float32 softmax_outputs=[[0.6, 0.4], [0.3, 0.7]], class_targets=[0, 1]")],
    reference=lossbook.CategoricalCrossentropy().calculate,
    hint="Pick each row's correct confidence, then -np.log, then np.mean.",
    success="pick, -log, mean.",
)


@pytest.fixture
def quick(monkeypatch):
    """The batch-loss exercise with a 0.5 s time limit."""
    monkeypatch.setattr(BATCH_LOSS, "time_limit", FAST)
    return BATCH_LOSS


def batch_loss(softmax_outputs, class_targets):
    return np.mean(-np.log(softmax_outputs[range(len(softmax_outputs)), class_targets]))


# --- a time limit per call -----------------------------------------------------------

def _endless(*args):
    while True:
        pass


def _endless_print(*args):
    while True:
        print("x" * 1000)


def _sleeps(*args):
    time.sleep(60)


@pytest.mark.parametrize("answer", [_endless, _endless_print, _sleeps])
def test_an_endless_loop_is_stopped_and_reported(quick, answer, capsys):
    start = time.perf_counter()
    quick.check(answer)
    elapsed = time.perf_counter() - start
    out = capsys.readouterr().out
    assert out == "Incorrect: for " + quick.cases[0].label + \
        ": your function did not finish within 0.5 s (an endless loop?).\n"
    assert elapsed < FAST + 1.0
    quick.check(batch_loss)  # the notebook stays usable
    assert capsys.readouterr().out.startswith("Correct")


def test_default_time_limit_message_uses_the_limit():
    assert _grading.TIME_LIMIT <= 10
    assert BATCH_LOSS.time_limit == _grading.TIME_LIMIT


def _stubborn_once(*args):
    """Catches the first interrupt (a learner's bare except), then loops again."""
    try:
        while True:
            pass
    except BaseException:  # noqa: B036 - a learner might write exactly this
        pass
    while True:
        pass


def test_a_loop_that_catches_the_interrupt_is_still_stopped(quick):
    start = time.perf_counter()
    assert "did not finish within 0.5 s" in quick.evaluate(_stubborn_once).message
    assert time.perf_counter() - start < FAST + 1.0


def test_the_limit_also_works_off_the_main_thread(quick):
    import threading

    found = {}
    thread = threading.Thread(target=lambda: found.setdefault("r", quick.evaluate(_endless)))
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert "did not finish within 0.5 s" in found["r"].message


# --- never Correct for the wrong kind of answer -------------------------------------

@pytest.mark.parametrize("answer", ["0.693", " 0.693 ", b"0.693", np.str_("0.693"), ["0.693"]])
def test_text_is_never_correct(answer):
    result = ch2.q1.evaluate(lambda: answer)
    assert result.status == "incorrect"
    assert "text" in result.message and "return a number" in result.message


@pytest.mark.parametrize("answer", [complex(0.6931, 0), np.complex128(0.6931 + 0j),
                                    np.array(0.6931 + 0j), [0.6931 + 0j]])
def test_complex_is_never_correct(answer):
    result = ch2.q1.evaluate(lambda: answer)
    assert result.status == "incorrect" and "complex number" in result.message


def test_text_answers_to_a_batch_exercise_are_never_correct():
    result = BATCH_LOSS.evaluate(lambda p, t: str(batch_loss(p, t)))
    assert result.status == "incorrect" and "returned text" in result.message
    result = BATCH_LOSS.evaluate(lambda p, t: batch_loss(p, t) + 0j)
    assert result.status == "incorrect" and "complex" in result.message


# --- exactly one line ------------------------------------------------------------------

def _raises_long(*args):
    raise ValueError("first line\nsecond line\n" + "y" * 5000)


def test_messages_are_one_line_and_cut(capsys):
    BATCH_LOSS.check(_raises_long)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and len(out) <= MAX_LINE + 1
    assert out.startswith("Incorrect: for ") and "first line second line" in out and out.endswith("…\n")


def test_a_huge_wrong_answer_is_shown_short(capsys):
    BATCH_LOSS.check(lambda p, t: np.arange(10**6) * 1.0)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and len(out) <= MAX_LINE + 1


# --- no leaked side effects -------------------------------------------------------------

def _vandal(*args):
    import matplotlib
    import nnfs

    nnfs.init()
    np.random.seed(123)
    random.seed(123)
    np.set_printoptions(precision=2, suppress=True)
    matplotlib.rcParams["lines.linewidth"] = 9
    return batch_loss(*args)


def test_global_changes_do_not_outlive_the_check(capsys):
    import matplotlib

    dot, zeros, randn = np.dot, np.zeros, np.random.randn
    np_state, py_state = np.random.get_state(), random.getstate()
    options = np.get_printoptions()
    width = matplotlib.rcParams["lines.linewidth"]
    BATCH_LOSS.check(_vandal)
    assert capsys.readouterr().out.startswith("Correct")
    assert (np.dot, np.zeros, np.random.randn) == (dot, zeros, randn)
    assert np.zeros(2).dtype == np.float64
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), np_state))
    assert random.getstate() == py_state
    assert np.get_printoptions() == options
    assert matplotlib.rcParams["lines.linewidth"] == width


# --- solutions switched off --------------------------------------------------------------

@pytest.mark.parametrize("chapter, exercise", all_exercises(), ids=[e.name for _, e in all_exercises()])
def test_no_solutions_hides_solution_code_too(chapter, exercise, monkeypatch, capsys):
    monkeypatch.setenv("LOSSBOOK_NO_SOLUTIONS", "1")
    assert f"def {exercise.function_name}" not in exercise.solution_code()
    exercise.solution()
    assert "LOSSBOOK_NO_SOLUTIONS" in capsys.readouterr().out
    monkeypatch.setenv("LOSSBOOK_NO_SOLUTIONS", "0")
    assert f"def {exercise.function_name}" in exercise.solution_code()


# --- explain() and the Correct line: what a test cell words ------------------------------

def _stub(*args):
    raise NotImplementedError()


def test_explain_gives_the_check_line_visible_cases_first(monkeypatch, capsys):
    monkeypatch.setattr(BATCH_LOSS, "hidden_cases", [Case((np.array([[0.25, 0.75]]), np.array([1])), "a hidden batch")])

    def only_visible(p, t):  # right on the visible cases, wrong on the hidden one
        return batch_loss(p, t) if p.shape != (1, 2) else 0.0

    for answer in (_stub, lambda p, t: 0):
        assert BATCH_LOSS.explain(answer) == BATCH_LOSS.evaluate(answer).message
    assert BATCH_LOSS.evaluate(only_visible).status == "correct"
    hidden = BATCH_LOSS.evaluate(only_visible, hidden=True)
    assert hidden.status == "incorrect" and "a hidden batch" in hidden.message
    assert BATCH_LOSS.explain(only_visible) == hidden.message
    assert BATCH_LOSS.success_line() == BATCH_LOSS.evaluate(batch_loss).message == "Correct: pick, -log, mean."


def test_nothing_in_the_package_reads_nbgrader_execution():
    """A grade must not hang on a variable a student can unset (the before-stop hook greps too)."""
    from pathlib import Path

    package = Path(lossbook.__file__).parent
    readers = [p for p in package.rglob("*.py") if "NBGRADER_EXECUTION" in p.read_text(encoding="utf-8")]
    assert not readers


# --- the rules of a diagnosis ---------------------------------------------------------

# Three cases; the classic mistake "summed" matches the first two but not the third.
SUMMED = Exercise(
    "test.q2", title="Mean of a list", kind="practice", minutes=1, points=1,
    task="t", hint="h", code="def mean(x):\n    ### BEGIN SOLUTION\n    return sum(x) / len(x)\n    ### END SOLUTION",
    cases=[Case(([2.0, 2.0],), "x=[2, 2]"), Case(([1.0, 3.0],), "x=[1, 3]"), Case(([5.0],), "x=[5]")],
    reference=lambda x: sum(x) / len(x),
    mistakes=[_grading.Mistake(lambda x: sum(x), "You summed: divide by the number of values.")],
)


def test_a_mistake_is_named_only_when_it_matches_on_every_case():
    assert SUMMED.evaluate(lambda x: sum(x)).mistake == "You summed: divide by the number of values."
    # Wrong on the first case like the mistake, but right on the last case: not that mistake.
    def half_summed(x):
        return sum(x) if len(x) > 1 else 0.0

    result = SUMMED.evaluate(half_summed)
    assert result.status == "incorrect" and result.mistake is None
    assert result.message == "Incorrect: for x=[2, 2]: expected 2.0, got 4.0."


def test_a_mistake_is_named_even_when_it_raises_where_the_answer_raises():
    """ch3.q3's np.eye(len(t))[t] raises IndexError on one case: the same answer is still named."""
    from lossbook.exercises import ch3

    def one_hot(class_targets, n_classes):
        return np.eye(len(class_targets))[class_targets]

    assert ch3.q3.evaluate(one_hot).mistake == ch3.q3.mistakes[0].words


HALVING = Exercise(  # a predict question that asks for two decimals
    "test.q4", title="Predict: halve the confidence", kind="predict", minutes=1, points=1, task="t", hint="h",
    code="def loss_increase():\n    ### BEGIN SOLUTION\n    return 0.693\n    ### END SOLUTION",
    cases=[Case(())], reference=lambda: float(np.log(2)), rtol=0, atol=0.01,
    mistakes=[_grading.Mistake(lambda: float(np.log10(2)), "That is log base 10 of 2."),
              _grading.Mistake(lambda: 0.5, "The loss does not halve.")],
)


def test_a_mistake_is_recognised_at_the_questions_tolerance():
    """Two decimals are enough, so log10(2) = 0.30103 rounded to 0.3 is still named log10."""
    result = HALVING.evaluate(lambda: 0.3)
    assert result.status == "incorrect" and result.mistake == "That is log base 10 of 2."
    assert HALVING.evaluate(lambda: 0.69).status == "correct"
    assert HALVING.evaluate(lambda: 0.32).mistake is None  # 0.019 from log10(2): not it


def test_a_text_answer_is_named_with_the_questions_spellings():
    """9.3 ignores spaces, a typographic minus and ^ for **: a mistake spelled so is still named."""
    assert ch9.q3.evaluate(lambda: " −LOG(p) ").status == "correct"
    assert ch9.q3.evaluate(lambda: "(1-p)^2").mistake == ch9.q3.mistakes[1].words


@pytest.mark.parametrize("make, words", [(_grading.lost_minus, _grading.LOST_MINUS),
                                         (_grading.log10_for_ln, _grading.LOG10),
                                         (_grading.log2_for_ln, _grading.LOG2)])
def test_the_reusable_mistakes(make, words):
    reference = lossbook.CategoricalCrossentropy().calculate
    exercise = Exercise("test.q3", title="t", task="t", minutes=1, kind="practice", hint="h",
                        code="def batch_loss(p, t):\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION",
                        cases=BATCH_LOSS.cases, reference=reference,
                        mistakes=[_grading.lost_minus(reference), _grading.log10_for_ln(reference),
                                  _grading.log2_for_ln(reference)])
    base = {_grading.LOST_MINUS: 1, _grading.LOG10: 10, _grading.LOG2: 2}[words]

    def answer(p, t):
        picked = p[range(len(p)), t]
        loss = np.mean(-np.log(picked))
        return -loss if base == 1 else loss / np.log(base)

    result = exercise.evaluate(answer)
    assert result.mistake == words and result.message.endswith(words)
    assert exercise.evaluate(batch_loss).status == "correct"


def test_checks_written_as_data_need_no_function():
    """A teacher's notebook: expected values and the mistakes' values are data."""
    checks = _grading.Checks("double", cases=[Case((2,), "x=2", expected=4), Case((3,), "x=3", expected=6)],
                             mistakes=[_grading.Mistake(None, "You squared it.", values=(4, 9))],
                             hint="Add x to itself.", success="doubled.")
    assert checks.evaluate(lambda x: 2 * x).message == "Correct: doubled."
    squared = checks.evaluate(lambda x: x * x)
    assert squared.message == "Incorrect: for x=3: expected 6, got 9. You squared it."
    assert checks.evaluate(lambda x: x + 2).mistake is None  # matches the mistake on x=2 only
    assert checks.evaluate(_stub).status == "not attempted"
    with pytest.raises(ValueError, match="one value per visible case"):
        _grading.Checks("double", cases=checks.cases, mistakes=[_grading.Mistake(None, "w", values=(4,))])


def test_checks_from_a_test_cells_rows():
    rows = [(((1.0, 2.0),), 1.5), (((0.0, 1.0),), 0.5, 0, 1e-9)]
    checks = _grading.Checks.from_test_cell("mean", rows, tolerance=(1e-5, 1e-6), success="yes.")
    assert [(c.expected, c.rtol, c.atol) for c in checks.cases] == [(1.5, 1e-5, 1e-6), (0.5, 0, 1e-9)]
    assert checks.explain(lambda x: sum(x) / len(x)) == "Correct: yes."
    assert checks.explain(lambda x: sum(x)) == "Incorrect: for (1.0, 2.0): expected 1.5, got 3.0."
    text = _grading.Checks.from_test_cell("word", [((), "Yes")], replace=((" ", ""),))
    assert text.evaluate(lambda: " y E s ").status == "correct"


def test_points_are_one_to_three():
    for _, exercise in all_exercises():
        assert exercise.points in (1, 2, 3)
    with pytest.raises(ValueError, match="points"):
        _grading.Exercise("chX.q1", title="t", task="t", minutes=1, kind="practice",
                          code="def f():\n    return 1", cases=[Case(())], hint="h", points=5)


def test_every_message_template_is_one_sentence_line():
    for key, template in _grading.MESSAGES.items():
        assert "\n" not in template and template.strip() == template, key


def test_the_teachers_page_lists_every_exercise_with_its_points():
    from pathlib import Path

    from lossbook.exercises.__main__ import TABLE_END, TABLE_START, exercise_table

    page = (Path(__file__).resolve().parent.parent / "book" / "teachers.md").read_text(encoding="utf-8")
    written = page.split(TABLE_START)[1].split(TABLE_END)[0].strip()
    assert written == exercise_table(), \
        "book/teachers.md differs: run `python -m lossbook.exercises table book/teachers.md`"


def test_in_a_jupyter_kernel_an_endless_loop_is_stopped_and_the_notebook_goes_on():
    """The real thing: a kernel, the default time limit, cells after the check still run."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        "import time\nfrom lossbook.exercises import ch3\n"
        "def one_hot(class_targets, n_classes):\n    while True:\n        print('again')",
        "start = time.perf_counter()\nch3.q3.check(one_hot)\nprint(f'{time.perf_counter() - start:.2f}')",
        "print('the notebook goes on')",
    )])
    NotebookClient(notebook, timeout=60, kernel_name="python3").execute()
    check_line, seconds = notebook.cells[1].outputs[0]["text"].splitlines()
    assert check_line.endswith(f"did not finish within {_grading.TIME_LIMIT:g} s (an endless loop?).")
    print(f"\ncheck() stopped an endless print loop after {seconds} s")
    assert _grading.TIME_LIMIT <= float(seconds) < _grading.TIME_LIMIT + 2
    assert notebook.cells[2].outputs[0]["text"] == "the notebook goes on\n"


# --- the in-page form agrees with check(), and holds no answer -----------------------------

from lossbook.exercises._page import Question, _digest, normalise_text, page_mode, unseal  # noqa: E402

PAGE_QUESTIONS = [e for _, e in all_exercises() if page_mode(e) is not None]


def _page_reply(question, answer: str):
    spec = question.spec()
    sealed = spec["replies"].get(_digest(spec["salt"], "id", answer).hex()[:24])
    return None if sealed is None else unseal(spec["salt"], answer, sealed)


@pytest.mark.parametrize("exercise", PAGE_QUESTIONS, ids=[e.name for e in PAGE_QUESTIONS])
def test_the_page_accepts_what_check_accepts(exercise):
    question = exercise.question()
    spec = question.spec()
    assert spec["mode"] == page_mode(exercise)
    if spec["mode"] != "number":
        for answer in exercise.options or [exercise.reference()]:
            reply = _page_reply(question, normalise_text(answer))
            assert reply is not None and reply["ok"] == (exercise.evaluate(lambda: answer).status == "correct")
        return
    expected, step = float(exercise.reference()), 10.0 ** -spec["decimals"]
    for x in np.linspace(expected - 30 * step, expected + 30 * step, 187):
        k = round(x / step)
        page_ok = bool((_page_reply(question, str(k)) or {}).get("ok"))
        check_ok = exercise.evaluate(lambda: x).status == "correct"
        near_the_edge = exercise.evaluate(lambda: x - step / 2).status != exercise.evaluate(
            lambda: x + step / 2).status
        assert page_ok == check_ok or near_the_edge, (x, page_ok, check_ok)


@pytest.mark.parametrize("exercise", PAGE_QUESTIONS, ids=[e.name for e in PAGE_QUESTIONS])
def test_the_form_holds_no_answer_and_shows_plain_text_elsewhere(exercise):
    question = exercise.question()
    bundle = question._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"} and "notebook" in bundle["text/plain"]
    answer = exercise.reference()
    form = bundle["text/html"].split("<script>")[0].split("</style>")[1]
    assert exercise.success not in bundle["text/html"]
    if isinstance(answer, str):
        assert f'"{answer}"' not in form.replace("&quot;", '"') or answer in exercise.options
    else:
        assert f"{float(answer):.3f}" not in form and repr(float(answer)) not in form


def test_questions_that_cannot_be_asked_in_the_page_say_why():
    with pytest.raises(ValueError, match="cannot be answered in the page"):
        ch3.q3.question()
