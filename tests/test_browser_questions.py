"""Predict questions answered in the built book's page, with no kernel (headless Chromium).

For every question the package can ask in the page: answered right, wrong, with a
classic mistake and empty, from the keyboard; the hint on request; no console
errors; the answer nowhere in the page's source. Screenshots, light and dark, right
and wrong, go to ``_build/screenshots/questions/``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from lossbook.exercises import CHAPTERS, all_exercises
from lossbook.exercises._grading import _quiet_call
from lossbook.exercises._page import Question, _finite_number, page_mode

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "_build" / "screenshots" / "questions"
QUESTIONS = [(chapter, e) for chapter, e in all_exercises() if page_mode(e) is not None]


def page_of(chapter: str) -> str:
    [path] = (ROOT / "notebooks").glob(f"{int(chapter[2:]):02d}_*.ipynb")
    return f"notebooks/{path.stem}.html"


def answers(exercise):
    """(a right answer as typed, a wrong one, (a classic mistake as typed, its words) or None)."""
    mode, expected = page_mode(exercise), _quiet_call(exercise.reference, ())
    if mode == "number":
        decimals = Question(exercise).spec()["decimals"]
        mistake = next(((f"{float(w):.{decimals}f}", m.words) for m in exercise.mistakes
                        if (w := _finite_number(_quiet_call(m.make, ()))) is not None), None)
        return f"{expected:.{decimals}f}", f"{expected + 1000:.{decimals}f}", mistake
    wrong = next((o for o in exercise.options if o != expected), "no idea")
    mistake = next(((w, m.words) for m in exercise.mistakes if isinstance(w := _quiet_call(m.make, ()), str)), None)
    return expected, wrong, mistake


def test_every_chapter_has_a_question_answerable_in_the_page():
    asked = {chapter for chapter, _ in QUESTIONS}
    missing = [chapter for chapter in CHAPTERS if chapter not in asked]
    assert not missing, f"chapters without an in-page predict question: {missing}"


def open_question(browser, book_url, chapter, exercise, dark=False):
    context = browser.new_context(viewport={"width": 1000, "height": 900},
                                  color_scheme="dark" if dark else "light")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(book_url + page_of(chapter))
    question = page.locator("#lossbook-q-" + exercise.name.replace(".", "-"))
    question.scroll_into_view_if_needed()
    return page, question


def give(page, question, mode, answer):
    """Answer from the keyboard: type and press Enter, or pick a choice with the arrows."""
    if mode == "choice":
        option = question.locator(f'input[type=radio][value="{answer}"]')
        option.focus()
        page.keyboard.press("Space")
        question.locator(".lossbook-question-check").focus()
        page.keyboard.press("Enter")
    else:
        field = question.locator("input[type=text]")
        field.fill("")
        field.focus()
        page.keyboard.type(answer)
        page.keyboard.press("Enter")
    return question.locator(".lossbook-question-feedback").inner_text()


@pytest.mark.parametrize("chapter, exercise", QUESTIONS, ids=[e.name for _, e in QUESTIONS])
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_question_right_wrong_mistake_hint(browser, book_url, chapter, exercise, dark):
    mode = page_mode(exercise)
    right, wrong, mistake = answers(exercise)
    page, question = open_question(browser, book_url, chapter, exercise, dark)
    assert question.locator(".lossbook-question-form").is_visible()
    assert not question.locator(".lossbook-question-kernel").is_visible()
    theme = "dark" if dark else "light"
    SHOTS.mkdir(parents=True, exist_ok=True)

    if mode != "choice":
        question.locator("input[type=text]").fill("")
        question.locator(".lossbook-question-check").click()
        assert "first" in question.locator(".lossbook-question-feedback").inner_text()

    said = give(page, question, mode, wrong)
    assert said.startswith("Not quite."), said
    assert "lossbook-wrong" in question.get_attribute("class")
    question.screenshot(path=str(SHOTS / f"{exercise.name}-{theme}-wrong.png"))

    if mistake is not None:
        said = give(page, question, mode, mistake[0])
        assert said.startswith("Not quite.") and mistake[1] in said, said

    said = give(page, question, mode, right)
    assert said.startswith("Correct!"), said
    assert exercise.success[1:] in said  # its first letter is capitalised in the page
    assert "lossbook-right" in question.get_attribute("class")

    hint_button = question.locator(".lossbook-question-hint-button")
    assert hint_button.get_attribute("aria-expanded") == "false"
    assert not question.locator(".lossbook-question-hint").is_visible()
    hint_button.focus()
    page.keyboard.press("Enter")
    assert hint_button.get_attribute("aria-expanded") == "true"
    assert question.locator(".lossbook-question-hint").inner_text() == exercise._hint
    question.screenshot(path=str(SHOTS / f"{exercise.name}-{theme}-right.png"))

    # Readable in either theme: the text colour differs clearly from the background.
    colours = question.evaluate("""el => {
        const s = getComputedStyle(el.querySelector('.lossbook-question-feedback'));
        let bg = 'rgba(0, 0, 0, 0)', node = el;
        while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
            bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
        return [s.color, bg]; }""")
    text, background = (_luminance(c) for c in colours)
    assert (max(text, background) + 0.05) / (min(text, background) + 0.05) >= 4.5, colours
    assert page.errors == []
    page.context.close()


def _luminance(css: str) -> float:
    parts = [float(x) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
    linear = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("chapter, exercise", QUESTIONS, ids=[e.name for _, e in QUESTIONS])
def test_the_page_does_not_give_the_answer_away(built_book, chapter, exercise):
    html = (built_book / page_of(chapter)).read_text(encoding="utf-8")
    start = html.index('id="lossbook-q-' + exercise.name.replace(".", "-"))
    question = html[start:html.index("</script>", start)]
    right, _, _ = answers(exercise)
    solution_lines = [line.strip() for line in exercise.code.split("### BEGIN SOLUTION")[1]
                      .split("### END SOLUTION")[0].splitlines() if line.strip()]
    assert not any(line in html for line in solution_lines), "the solution's code is in the page"
    assert exercise.success not in question, "the success text (it may hold the answer) is readable"
    if page_mode(exercise) == "number":
        assert right not in question and right.rstrip("0") not in question
    else:
        assert f'"{right}"' not in question.replace("&quot;", '"') or right in exercise.options


def test_a_choice_question_from_the_keyboard_offline(browser, tmp_path):
    """A choice question (options=...), opened from disk like an offline book."""
    from lossbook.exercises._grading import Case, Exercise, Mistake

    exercise = Exercise(
        "chX.q1", title="t", task="t", minutes=1, kind="predict", cases=[Case(())],
        code='def effect():\n    ### BEGIN SOLUTION\n    return "higher"\n    ### END SOLUTION',
        reference=lambda: "higher",
        mistakes=[Mistake(lambda: "lower", "Softmax flattens the output.")], hint="Think of exp.",
        success="softmax twice inflates the loss.", options=("higher", "lower", "the same"))
    page_file = tmp_path / "q.html"
    page_file.write_text("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>q</title></head>"
                         f"<body><main>{exercise.question().html()}</main></body></html>", encoding="utf-8")
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    question = page.locator("#lossbook-q-chX-q1")
    question.locator(".lossbook-question-check").click()
    assert "Choose one" in question.locator(".lossbook-question-feedback").inner_text()
    assert give(page, question, "choice", "lower") == "Not quite. Softmax flattens the output."
    assert give(page, question, "choice", "the same").startswith("Not quite. Try again")
    assert give(page, question, "choice", "higher") == "Correct! Softmax twice inflates the loss."
    assert '"higher"' not in page.content().split("<script>")[0].replace("&quot;", '"').split("data-spec")[1] \
        .split("<fieldset>")[0]
    assert errors == []
    page.close()
