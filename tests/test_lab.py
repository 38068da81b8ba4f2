"""The live slider in a real JupyterLab, used as a learner uses it.

tests/test_widgets.py checks the ipywidgets view in Python only. Here JupyterLab 4
runs from this virtualenv (tests/lab_server.py) on a temporary copy of notebooks/,
and headless Chromium opens a chapter, runs all its cells from the Run menu, and
moves the slider: the "+" button, the arrow keys on the handle, Home, and (chapter 3)
another "sample" in its dropdown. After each move the plot <img> must show a new picture, the
readout the new position, the status line (role=status, a polite live region) the
control that moved at its new position and the chapter's result in words ("its
confidence in the correct class 0.53, batch loss 0.44"; at first every control's
position), and the image's alt text the plot's title and every position; the expected
words are computed here from the chapter's own numbers. No console errors, no widget that failed to
render, no error or stderr output in the notebook.

It prints the median time from a "+" click to the new picture, measured in the page
(a measurement, not an assertion), and saves the slider before and after a move to
_build/screenshots/lab-<chapter>-before.png / -after.png (1280x900, device scale 2).
"""
from __future__ import annotations

import json
import re
import shutil
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import lab_server
from chapter_sliders import chapter_slider, numpy_restored
from test_browser import watched

from lossbook.i18n import t
from lossbook.widgets import Range

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "_build" / "screenshots"
CLICKS = 15  # "+" clicks timed for the latency median
WAIT = 30_000  # ms: the longest any one move may take on a loaded 2-core machine
KERNEL_CELL = "lab-test-kernel"  # a cell added to the copy: which lossbook the kernel imports


# -- what each chapter's slider must say ---------------------------------------------


def batch_words(chapter: dict, values: dict) -> tuple[str, str]:
    """Chapter 3: (result, plot title) for ``values`` from the chapter's confidences."""
    confidences = np.array(chapter["correct_confidences"], dtype=float)
    confidences[values["sample"]] = values["p"]
    loss = float(np.mean(-np.log(confidences)))
    title = t("sample {sample} at confidence {p:.2f}: batch loss {loss:.3f}")
    return (t("batch loss {loss:.2f}").format(loss=loss),
            title.format(sample=values["sample"], p=values["p"], loss=loss))


def accuracy_words(chapter: dict, values: dict) -> tuple[str, str]:
    """Chapter 7: (result, plot title) for ``values`` from the chapter's batch."""
    p, targets = values["p"], np.asarray(chapter["class_targets"])
    batch = chapter["batch_with"](p)
    loss = float(np.mean(-np.log(batch[np.arange(len(targets)), targets])))
    acc = float(np.mean(np.argmax(batch, axis=1) == targets))
    predicted = [t("dog"), t("cat"), t("human")][int(np.argmax(batch[1]))]
    title = t("p = {p:.2f}: predicts {predicted}, loss {loss:.3f}, accuracy {acc:.2f}")
    return (t("predicts {predicted}, loss {loss:.2f}, accuracy {acc:.2f}").format(
        predicted=predicted, loss=loss, acc=acc),
        title.format(p=p, predicted=predicted, loss=loss, acc=acc))


@dataclass
class Chapter:
    notebook: str
    cell: str  # the id of the cell that shows the slider
    words: Callable[[dict, dict], tuple[str, str]]
    choice: str | None = None  # the Choice to click to another option, if any


CHAPTERS = [Chapter("03_a_batch", "ch3-23", batch_words, choice="sample"),
            Chapter("07_accuracy", "ch7-20", accuracy_words)]


class Expected:
    """The chapter's slider rebuilt here: its positions, and what each must show."""

    def __init__(self, chapter: Chapter):
        with numpy_restored():
            self.slider = chapter_slider(chapter.notebook, chapter.cell)
        self.chapter, self.globals = chapter, self.slider.draw.__globals__
        self.index = {name: c.index for name, c in self.slider.controls.items()}
        self.range = next(n for n, c in self.slider.controls.items() if isinstance(c, Range))

    def control(self, name: str):
        return self.slider.controls[name]

    def readout(self) -> str:
        return self.control(self.range).labels[self.index[self.range]]

    def words(self) -> tuple[str, str]:
        """(status text, plot title) at the current positions, from the chapter's numbers."""
        values = {n: c.positions[self.index[n]] for n, c in self.slider.controls.items()}
        with numpy_restored():
            return self.chapter.words(self.globals, values)

    def said(self) -> dict[str, str]:
        """'<label> <position>' for each control (an option named like its control, "sample 1
        (cat)" of "sample", alone): the alt text names every position."""
        words = {n: (c.label, c.labels[self.index[n]]) for n, c in self.slider.controls.items()}
        return {n: text if text.startswith(label) else f"{label} {text}"
                for n, (label, text) in words.items()}

    def status(self, moved: str | None) -> str:
        """The live region after control ``moved`` moved: it at its position, then the
        result; before any move (None), every control."""
        said = self.said()
        return ", ".join([said[moved]] if moved else said.values()) + ", " + self.words()[0]


# -- JupyterLab and the page ---------------------------------------------------------


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a temporary copy of notebooks/; stopped, with its kernels, at the end."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        pytest.fail("JupyterLab is missing: pip install -r requirements.txt (make test does)")
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)
    for chapter in CHAPTERS:  # one more cell at the end: where the kernel's lossbook is
        path = root / f"{chapter.notebook}.ipynb"
        notebook = json.loads(path.read_text())
        notebook["cells"].append({"cell_type": "code", "id": KERNEL_CELL, "metadata": {},
                                  "execution_count": None, "outputs": [],
                                  "source": "import lossbook\nprint(lossbook.__file__)"})
        path.write_text(json.dumps(notebook))
    try:
        server = lab_server.LabServer.start(root, home)
    except RuntimeError as error:
        pytest.fail(str(error))
    yield server
    leftover = server.stop()
    assert not leftover, f"processes left after JupyterLab shut down (killed): {leftover}"


def open_notebook(browser, lab, notebook: str):
    """A fresh 1280x900 page at device scale 2 with the notebook open and its kernel idle."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  device_scale_factor=2)
    page = watched(context.new_page())  # console errors and requests off this machine
    page.goto(f"{lab.url}lab/tree/{notebook}.ipynb?reset&token={lab.token}")
    page.wait_for_function(
        """() => { const nb = window.jupyterapp && jupyterapp.shell.currentWidget;
                   const kernel = nb && nb.sessionContext && nb.sessionContext.session
                                  && nb.sessionContext.session.kernel;
                   return Boolean(kernel) && nb.sessionContext.isReady
                       && kernel.status === 'idle'; }""",
        timeout=90_000)
    return context, page


def run_all_cells(page, timeout: int = 180_000) -> None:
    """Run > Run All Cells, as a learner does; wait until every cell ran or one failed."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    page.wait_for_function(
        """() => { const nb = jupyterapp.shell.currentWidget;
                   const cells = nb.content.widgets.filter(c => c.model.type === 'code');
                   const failed = cells.some(c => [...Array(c.model.outputs.length).keys()]
                       .some(i => c.model.outputs.get(i).type === 'error'));
                   const ran = cells.every(c => c.model.executionCount !== null);
                   return (ran || failed)
                       && nb.sessionContext.session.kernel.status === 'idle'; }""",
        timeout=timeout)


def outputs(page) -> list[dict]:
    """Every output of every code cell: {cell, type, name, text}."""
    return page.evaluate(
        """() => jupyterapp.shell.currentWidget.content.widgets
            .filter(c => c.model.type === 'code')
            .flatMap(c => [...Array(c.model.outputs.length).keys()].map(i => {
                const o = c.model.outputs.get(i).toJSON();
                const text = o.output_type === 'error' ? `${o.ename}: ${o.evalue}`
                    : [].concat(o.text || (o.data && o.data['text/plain']) || '').join('');
                return {cell: c.model.id, type: o.output_type, name: o.name || '', text};
            }))""")


def view_state(box) -> dict:
    """What the reader sees of the live view now."""
    return box.evaluate(
        """el => { const img = el.querySelector('img');
                   return {src: img ? img.src : null, alt: img ? img.getAttribute('alt') : null,
                           status: (el.querySelector('[role=status]') || {}).textContent,
                           readout: (el.querySelector('.widget-readout') || {}).textContent}; }""")


def check_move(page, box, before: dict, expected: Expected, what: str, moved: str) -> dict:
    """Wait for the view to show ``expected``'s position after control ``moved`` moved;
    assert what it shows."""
    result, title = expected.words()
    status = expected.status(moved)
    try:
        page.wait_for_function(
            """([el, src, status, readout]) => {
                   const img = el.querySelector('img');
                   return img && img.src !== src && img.complete
                       && el.querySelector('[role=status]').textContent === status
                       && el.querySelector('.widget-readout').textContent === readout; }""",
            arg=[box.element_handle(), before["src"], status, expected.readout()],
            timeout=WAIT)
    except Exception:  # the assertions below say what is wrong
        pass
    now = view_state(box)
    assert now["src"] != before["src"], f"{what}: the plot <img> did not change"
    assert now["src"].startswith(("blob:", "data:")), f"{what}: img src {now['src'][:40]}"
    assert now["readout"] == expected.readout(), f"{what}: readout {now['readout']!r}"
    assert now["status"] == status, f"{what}: status {now['status']!r}, expected {status!r}"
    for words in [title, result, *expected.said().values()]:
        assert words in now["alt"], f"{what}: the image's alt text {now['alt']!r} lacks {words!r}"
    return now


def click_latency(box, clicks: int) -> dict:
    """Click "+" ``clicks`` times, each once the last move has arrived (a new picture with
    new alt text); return {times: ms from each click to its new picture decoded and
    painted, loads: how many pictures the view showed for each click}."""
    return box.evaluate(
        """async (el, clicks) => {
            const plus = [...el.querySelectorAll('button')].find(b => b.textContent === '+');
            const times = [], loads = [];
            for (let i = 0; i < clicks; i++) {
                const img = el.querySelector('img'), alt = img.getAttribute('alt');
                let pictures = 0, shown = null, last = img;
                const done = new Promise((resolve, reject) => {
                    const timer = setTimeout(() => reject(new Error(
                        `click ${i + 1}: no new picture and words in 30 s`)), 30000);
                    const observer = new MutationObserver(() => {
                        const now = el.querySelector('img');
                        if (now && now !== last) {
                            pictures += 1;
                            last = now;
                            shown = shown || now.decode().catch(() => {}).then(() => new Promise(
                                paint => requestAnimationFrame(() => paint(performance.now()))));
                        }
                        if (shown && last.getAttribute('alt') !== alt) {
                            observer.disconnect();
                            clearTimeout(timer);
                            resolve(shown);
                        }
                    });
                    observer.observe(el, {childList: true, subtree: true});
                });
                const start = performance.now();
                plus.click();
                times.push((await done) - start);
                loads.push(pictures);
            }
            return {times, loads};
        }""", clicks)


def assert_layout(box) -> None:
    """Every label shown whole; the -/+ buttons on the slider's row, right after its readout."""
    cut = box.evaluate("""el => [...el.querySelectorAll('.widget-label, .widget-readout, button')]
        .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
        .map(e => e.textContent)""")
    assert not cut, f"text cut short in the live view: {cut}"
    readout = box.locator(".widget-readout").bounding_box()
    for sign in ("−", "+"):
        button = box.locator("button", has_text=re.compile(f"^{re.escape(sign)}$"))
        button = button.bounding_box()
        middle = button["y"] + button["height"] / 2
        assert readout["y"] <= middle <= readout["y"] + readout["height"], \
            f"the {sign} button is not on the slider's row: {button} vs readout {readout}"
        assert 0 <= button["x"] - (readout["x"] + readout["width"]) <= 100, \
            f"the {sign} button is not right after the readout: {button} vs {readout}"


# -- the test ------------------------------------------------------------------------


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.notebook for c in CHAPTERS])
def test_live_slider_in_jupyterlab(browser, lab, chapter):
    expected = Expected(chapter)
    label = expected.control(expected.range).label
    context, page = open_notebook(browser, lab, chapter.notebook)
    try:
        run_all_cells(page)
        shown = outputs(page)
        kernel = [o["text"].strip() for o in shown if o["cell"] == KERNEL_CELL]
        assert kernel == [str(lab_server.SRC / "lossbook" / "__init__.py")], \
            f"the kernel imports another lossbook: {kernel}"
        problems = [o for o in shown if o["type"] == "error" or o["name"] == "stderr"]
        assert not problems, f"errors in the notebook's outputs: {problems}"

        box = page.locator(".widget-vbox").filter(
            has=page.locator(".widget-slider .widget-label", has_text=label))
        assert box.count() == 1, f"no live view with a slider labelled {label!r}"
        box.scroll_into_view_if_needed()
        page.wait_for_function(  # the picture, or the widget error shown in its place
            """el => el.querySelector('.jupyter-widgets-error-widget') || (el.querySelector('img')
                     && el.querySelector('img').complete
                     && el.querySelector('img').naturalWidth > 0)""",
            arg=box.element_handle(), timeout=WAIT)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"lab-{chapter.notebook[:2]}"
        Path(f"{shot}-after.png").unlink(missing_ok=True)  # none from an earlier run
        box.screenshot(path=f"{shot}-before.png")  # what the learner sees, even if broken
        broken = box.locator(".jupyter-widgets-error-widget")
        if broken.count():
            broken.first.click()  # shows the JavaScript error
            pytest.fail(f"part of the live view did not render in JupyterLab:\n"
                        f"{broken.first.inner_text()}\nconsole: {page.errors}")
        state = view_state(box)
        result, title = expected.words()
        assert state["readout"] == expected.readout(), state
        assert state["status"] == expected.status(None), state
        assert title in state["alt"], state
        assert_layout(box)

        step = box.locator("button", has_text=re.compile(r"^\+$"))
        for i in range(3):
            step.click()
            expected.index[expected.range] += 1
            state = check_move(page, box, state, expected, f'"+" click {i + 1}', expected.range)

        handle = box.locator("[role=slider]")
        handle.focus()
        for key, change in [("ArrowRight", 1), ("ArrowRight", 1), ("ArrowLeft", -1)]:
            page.keyboard.press(key)
            expected.index[expected.range] += change
            state = check_move(page, box, state, expected, key, expected.range)

        if chapter.choice:
            control = expected.control(chapter.choice)
            other = (expected.index[chapter.choice] + 2) % len(control.labels)
            box.get_by_role("combobox", name=control.label).select_option(
                label=control.labels[other])
            expected.index[chapter.choice] = other
            state = check_move(page, box, state, expected, f"{chapter.choice} button",
                               chapter.choice)
        box.screenshot(path=f"{shot}-after.png")

        handle.focus()
        page.keyboard.press("Home")
        expected.index[expected.range] = 0
        state = check_move(page, box, state, expected, "Home", expected.range)
        timed = click_latency(box, CLICKS)
        times = timed["times"]
        expected.index[expected.range] = CLICKS
        check_move(page, box, {**state, "src": None}, expected, f"{CLICKS} timed clicks",
                   expected.range)
        print(f"\n{chapter.notebook}: '+' click to new image shown, median "
              f"{statistics.median(times):.0f} ms over {CLICKS} clicks "
              f"(min {min(times):.0f}, max {max(times):.0f}); the img loaded "
              f"{statistics.mean(timed['loads']):.1f} pictures per click")

        assert not box.locator("pre").is_visible(), box.locator("pre").inner_text()
        problems = [o for o in outputs(page) if o["type"] == "error" or o["name"] == "stderr"]
        assert not problems, f"errors in the notebook's outputs after the moves: {problems}"
        assert not page.errors, f"browser console errors: {page.errors}"
        assert not page.external, f"requests that left 127.0.0.1: {page.external}"
    finally:
        context.close()
