"""The built book in a real browser (Debian's Chromium driven by Playwright).

Every HTML page: loads, no console errors, no request leaves 127.0.0.1, weighs at
most 3 MB, has typeset math where it has math, every range slider changes the
picture, no critical accessibility violations (axe-core) and no serious ones in the
content, no sideways scrolling on a 390 px phone. Screenshots of the chapter pages (light
and dark) go to ``_build/screenshots/``.

The sliders, closely: every frame of every chapter slider, as Chromium composes it
at device scale 1 and 2, equals a direct matplotlib render of the chapter's draw;
the keyboard, the step buttons, the words for screen readers, visible focus, a
touch drag on a phone without horizontal scrolling, and a dark backdrop in dark mode.
"""
from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from chapter_sliders import SLIDERS, chapter_slider, numpy_restored
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from playwright import sync_api  # noqa: E402  (make test installs it)

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "_build" / "screenshots"
MAX_PAGE_BYTES = 2_500_000  # every resource a page loads, fonts and scripts included
CONTENT = "article.bd-article"   # our own content; the rest is the theme's chrome


def toc_pages() -> list[str]:
    """The page paths the book must have: every toc entry plus Sphinx's own pages."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    files += [c["file"] for c in toc.get("chapters", [])]
    return [f + ".html" for f in files] + ["index.html", "search.html", "genindex.html"]


PAGES = toc_pages()
CHAPTERS = [p for p in PAGES if p.startswith("notebooks/")]


# The `browser` fixture lives in conftest.py: one Chromium shared with test_file_url.py
# and test_pdf.py (Playwright's sync API runs one instance at a time).


def watched(page):
    """``page``, recording its console errors in ``page.errors`` and blocking every request
    that leaves this machine, recorded in ``page.external``."""
    page.errors, page.external = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))

    def only_local(route):
        url = route.request.url
        # file: too, so tests/test_file_url.py can open the built book from disk.
        if url.startswith(("data:", "blob:", "file:")) or urlparse(url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            page.external.append(url)
            route.abort()

    page.route("**/*", only_local)
    return page


def open_page(browser, url: str, dark: bool = False):
    """A fresh context (empty cache) whose page records errors, leaks and bytes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme="dark" if dark else "light")
    page = watched(context.new_page())
    page.bytes = {}

    def count(request):
        response = request.response()
        if response is not None:
            try:
                page.bytes[request.url] = len(response.body())
            except Exception:  # redirects have no body
                pass

    page.on("requestfinished", count)
    response = page.goto(url, wait_until="networkidle")
    page.status = response.status if response is not None else None
    return context, page


def wait_for_math(page) -> int:
    """Wait until MathJax has typeset the page; return the number of formulas."""
    if page.locator(f"{CONTENT} .math").count() == 0:
        return 0
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    return page.locator("mjx-container").count()


def run_axe(page, context=None) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (ctx) => {
            const r = await axe.run(ctx || document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' '))}));
        }""",
        context,
    )


def slider_state(page, slider) -> str:
    """What a reader sees of a slider's plot: the frame painted in its canvas (not its readout)."""
    return slider.evaluate(
        """el => {
            const canvas = el.closest('.lb-slider').querySelector('canvas.lb-slider-frame');
            return canvas ? canvas.toDataURL('image/png') : '';
        }"""
    )


def moved_sliders(page) -> list[bool]:
    """Move each slider of the page to an end: did the picture in its canvas change?"""
    moved, sliders = [], page.locator("input[type=range]")
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        slider.scroll_into_view_if_needed()
        wait_for_frame(page, slider)
        before = slider_state(page, slider)
        slider.focus()
        page.keyboard.press("End" if slider.input_value() != slider.get_attribute("max")
                            else "Home")
        wait_for_frame(page, slider)
        moved.append(slider_state(page, slider) != before)
    return moved


def wait_for_frame(page, slider) -> None:
    """Wait until the slider's canvas shows the frame for its controls' positions."""
    slider.evaluate(
        """el => new Promise(resolve => {
            const root = el.closest('.lb-slider');
            const data = JSON.parse(root.querySelector('.lb-slider-data').textContent);
            const inputs = [...root.querySelectorAll('input[data-control], select[data-control]')];
            const frame = inputs.reduce((i, input, k) => i + Number(input.value) * data.strides[k], 0);
            const canvas = root.querySelector('canvas.lb-slider-frame');
            const check = () => canvas.getAttribute('data-frame') === String(frame)
                ? resolve() : requestAnimationFrame(check);
            check();
        })"""
    )


@pytest.fixture(scope="session")
def visits(browser, book_url):
    """Visit every page once; return what each visit measured."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    results, chrome_report = {}, {}
    for path in PAGES:
        context, page = open_page(browser, book_url + path)
        visit = {"status": page.status, "title": page.title()}
        visit["formulas"] = wait_for_math(page)
        if path in CHAPTERS:  # before anything scrolls or takes focus
            page.screenshot(path=str(SHOTS / f"{Path(path).stem}.png"), full_page=True)
        html = page.content()
        visit["raw_math"] = [d for d in ("$$", "\\(", "\\[") if d in page.locator(CONTENT).inner_text()] \
            if page.locator(CONTENT).count() else []
        visit["has_math"] = 'class="math' in html
        violations = run_axe(page)
        visit["critical"] = [v for v in violations if v["impact"] == "critical"]
        visit["serious"] = [v for v in violations if v["impact"] == "serious"]
        if page.locator(CONTENT).count():
            inside = run_axe(page, {"include": [[CONTENT]]})
            visit["serious_content"] = [v for v in inside if v["impact"] == "serious"]
        else:
            visit["serious_content"] = []
        chrome_report[path] = [v for v in violations if v["impact"] == "serious"]
        visit["sliders"] = moved_sliders(page)
        visit["bytes"] = sum(page.bytes.values())
        visit["errors"] = list(page.errors)
        visit["external"] = list(page.external)
        context.close()
        if path in CHAPTERS:
            context, page = open_page(browser, book_url + path, dark=True)
            wait_for_math(page)
            page.screenshot(path=str(SHOTS / f"{Path(path).stem}-dark.png"), full_page=True)
            visit["errors"] += page.errors
            visit["external"] += page.external
            context.close()
        results[path] = visit
    (SHOTS / "report.json").write_text(json.dumps(
        {"pages": {p: {k: v for k, v in r.items()} for p, r in results.items()},
         "theme_serious_axe": chrome_report}, indent=1))
    return results


@pytest.mark.parametrize("path", PAGES)
def test_page_loads(visits, path):
    assert visits[path]["status"] == 200
    assert visits[path]["title"] or path == "index.html"


@pytest.mark.parametrize("path", PAGES)
def test_no_console_errors(visits, path):
    assert visits[path]["errors"] == []


@pytest.mark.parametrize("path", PAGES)
def test_nothing_requested_from_another_host(visits, path):
    assert visits[path]["external"] == [], "requests that left 127.0.0.1 (blocked)"


@pytest.mark.parametrize("path", PAGES)
def test_page_weight_at_most_2_5mb(visits, path):
    assert 0 < visits[path]["bytes"] <= MAX_PAGE_BYTES, f"{visits[path]['bytes']:,} bytes"


@pytest.mark.parametrize("path", PAGES)
def test_math_is_typeset(visits, path):
    visit = visits[path]
    if visit["has_math"]:
        assert visit["formulas"] > 0, "math on the page but no mjx-container"
    assert visit["raw_math"] == [], "TeX delimiters left untypeset"


@pytest.mark.parametrize("path", PAGES)
def test_every_slider_changes_the_picture(visits, path):
    assert all(visits[path]["sliders"]), visits[path]["sliders"]


@pytest.mark.parametrize("path", PAGES)
def test_no_critical_or_serious_content_violations(visits, path):
    visit = visits[path]
    assert visit["critical"] == []
    assert visit["serious_content"] == []


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_violations_in_the_theme_either(visits, path):
    """The theme's search buttons had serious ones; book/_templates fixes them."""
    assert visit_serious(visits[path]) == []


def visit_serious(visit):
    return [(v["id"], v["nodes"]) for v in visit["serious"]]


def test_chapters_with_sliders_have_them(visits):
    """Chapters 1, 2, 3, 5, 7, 10 and 11 teach with sliders; the static page must show them."""
    for number in ("01", "02", "03", "05", "07", "10", "11"):
        path = next(p for p in CHAPTERS if Path(p).name.startswith(number))
        assert len(visits[path]["sliders"]) >= 1, f"{path} shows no range slider"


def test_every_built_page_is_visited(built_book):
    """The pages Sphinx built (its search index lists them) are exactly the ones visited."""
    index = (built_book / "searchindex.js").read_text()
    docnames = json.loads(index[index.index("(") + 1:index.rindex(")")])["docnames"]
    built = {name + ".html" for name in docnames}
    assert built == {p for p in PAGES if p not in ("index.html", "search.html", "genindex.html")}


@pytest.mark.parametrize("query", ["clip", "one-hot"])
def test_search_finds(browser, book_url, query):
    context, page = open_page(browser, f"{book_url}search.html?q={query}")
    page.wait_for_selector("#search-results ul.search li, ul.search li", timeout=15000)
    hits = page.locator("ul.search li a").evaluate_all("els => els.map(e => e.href)")
    assert page.errors == [] and page.external == []
    context.close()
    assert any("/notebooks/" in h or "/book/" in h for h in hits), hits


# -- the sliders, closely ----------------------------------------------------------------

TOLERANCE = 16  # levels of 255: a pixel differs when a channel is further off than this
MAX_DIFFERENT = 0.001  # at most 0.1 % of a frame's pixels may differ
CHAPTER_3_GHOST = {"sample": 1, "p": 0.26}  # where base/overlay ghosts used to show


def direct_render(s, **values) -> np.ndarray:
    """A new figure, the chapter's draw, savefig at 2x: RGB (the slider's margins only)."""
    figure = Figure(figsize=s.figsize, dpi=2 * s.dpi)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    figure.subplots_adjust(**s.margins)
    s.draw(ax, **values)
    out = io.BytesIO()
    figure.savefig(out, format="rgba", dpi=2 * s.dpi)
    width, height = figure.canvas.get_width_height()
    return np.frombuffer(out.getvalue(), np.uint8).reshape(height, width, 4)[..., :3]


def halve(pixels: np.ndarray) -> np.ndarray:
    """2x2 pixel means: a 2x render as a 1x screen shows it."""
    h, w = pixels.shape[0] // 2 * 2, pixels.shape[1] // 2 * 2
    return pixels[:h, :w].reshape(h // 2, 2, w // 2, 2, 3).astype(float).mean(axis=(1, 3))


def different(shown: np.ndarray, expected: np.ndarray) -> float:
    assert shown.shape == expected.shape, (shown.shape, expected.shape)
    return float((np.abs(shown.astype(float) - expected).max(axis=-1) > TOLERANCE).mean())


def on_screen_difference(shot: np.ndarray, expected: np.ndarray) -> float:
    """``different`` for a screenshot, which may hold a pixel row or column more around it."""
    h, w = expected.shape[:2]
    return min(different(shot[dy:dy + h, dx:dx + w], expected)
               for dy in range(shot.shape[0] - h + 1) for dx in range(shot.shape[1] - w + 1))


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def every_position(s) -> list[tuple[list[int], dict]]:
    """(positions, values) for every frame, in the page's row-major frame order."""
    import itertools

    names = list(s.controls)
    return [(list(p), {n: s.controls[n].positions[j] for n, j in zip(names, p)})
            for p in itertools.product(*(range(len(s.controls[n].positions)) for n in names))]


def frames_to_check(s, scale: int) -> list[tuple[list[int], dict]]:
    """Every frame at device scale 2, where the canvas' own pixels are compared too.
    At scale 1 the canvas holds the same 2x bitmap (checked at scale 2), and only the
    screen's downscaled copy is new: every sixth frame and the last show it."""
    frames = every_position(s)
    if scale == 2:
        return frames
    return frames[::6] + ([frames[-1]] if (len(frames) - 1) % 6 else [])


def canvas_and_screen_difference(canvas, expected: np.ndarray, scale: int) -> float:
    """The larger share of differing pixels: the canvas' bitmap (at scale 2) and what
    the screen shows (the 2x render, halved at scale 1)."""
    screen = decode(canvas.screenshot())
    if scale == 1:
        return on_screen_difference(screen, halve(expected))
    painted = decode(base64.b64decode(
        canvas.evaluate("c => c.toDataURL('image/png')").split(",", 1)[1]))
    return max(different(painted, expected), on_screen_difference(screen, expected))


def move_to(page, root, positions: list[int]) -> None:
    root.evaluate(
        """(root, positions) => {
            const inputs = root.querySelectorAll('input[data-control], select[data-control]');
            inputs.forEach((input, k) => {
                input.value = String(positions[k]);
                input.dispatchEvent(new Event('input', {bubbles: true}));
            });
        }""",
        positions,
    )
    wait_for_frame(page, root.locator("input[data-control], select[data-control]").first)


@pytest.fixture(scope="module")
def chapter_sliders():
    with numpy_restored():  # the chapters' draw functions run with their nnfs.init()
        yield {notebook: chapter_slider(notebook, cell) for notebook, cell in SLIDERS.items()}


@pytest.mark.parametrize("scale", [1, 2])
def test_every_slider_frame_in_chromium_is_a_direct_render(browser, book_url, chapter_sliders,
                                                           scale):
    """The canvas' pixels and the screen's pixels, for every frame of every chapter slider
    (at scale 1, the screen's for every sixth: see frames_to_check)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  device_scale_factor=scale)
    page = context.new_page()
    worst, checked = {}, 0
    try:
        for notebook, s in chapter_sliders.items():
            page.goto(f"{book_url}notebooks/{notebook}.html", wait_until="networkidle")
            root = page.locator(".lb-slider").first
            canvas = root.locator("canvas.lb-slider-frame")
            frames = frames_to_check(s, scale)
            if notebook == "03_a_batch":  # the ghost case goes first, at both scales
                ghost = [f for f in every_position(s) if f[1] == CHAPTER_3_GHOST]
                assert len(ghost) == 1
                frames = ghost + [f for f in frames if f[1] != CHAPTER_3_GHOST]
            for positions, values in frames:
                move_to(page, root, positions)
                bad = canvas_and_screen_difference(canvas, direct_render(s, **values), scale)
                worst[notebook] = max(worst.get(notebook, 0.0), bad)
                assert bad <= MAX_DIFFERENT, f"{notebook} at {values}: {bad:.3%} of pixels differ"
                checked += 1
    finally:
        context.close()
    print(f"\ndevice scale {scale}: {checked} frames; worst share of differing pixels:", worst)


def test_slider_is_crisp_and_wide_on_a_desktop(browser, book_url):
    context, page = open_page(browser, f"{book_url}notebooks/02_one_sample.html")
    canvas = page.locator("canvas.lb-slider-frame").first
    size = canvas.evaluate("c => [c.width, c.height, c.getBoundingClientRect().width]")
    context.close()
    width, height, css_width = size
    assert css_width >= 560, f"the plot is {css_width} CSS px wide at a 1280 px viewport"
    assert width == 2 * round(css_width), "frames for 2x pixel density, shown at CSS size"


def test_slider_keys_buttons_and_words(browser, book_url):
    context, page = open_page(browser, f"{book_url}notebooks/02_one_sample.html")
    slider = page.locator("input[type=range]").first
    root = page.locator(".lb-slider").first
    canvas, status = root.locator("canvas"), root.locator(".lb-slider-status")
    wait_for_frame(page, slider)
    assert slider.get_attribute("aria-valuetext") == \
        "confidence in the correct class 0.70, loss 0.36"
    assert page.get_by_role("slider", name="confidence in the correct class").count() == 1
    assert root.locator(".lb-slider-print figure").count() in (3, 4)
    assert root.locator(".lb-slider-print").is_hidden()
    alt = canvas.get_attribute("aria-label")
    last = int(slider.get_attribute("max"))
    start = int(slider.input_value())
    moves = [("ArrowRight", start + 1), ("ArrowLeft", start), ("PageUp", None),
             ("PageDown", start), ("End", last), ("Home", 0)]
    slider.focus()
    outline = slider.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + "
                              "getComputedStyle(el).outlineWidth")
    assert outline.split()[0] != "none" and float(outline.split()[1][:-2]) >= 2, outline
    for key, expected in moves:
        before = int(slider.input_value())
        page.keyboard.press(key)
        wait_for_frame(page, slider)
        now = int(slider.input_value())
        assert now == expected if expected is not None else now > before, (key, now)
        words = slider.get_attribute("aria-valuetext")
        assert words.startswith("confidence in the correct class ") and ", loss " in words
        assert status.text_content() == words  # the live region: the new value and its result
        assert (canvas.get_attribute("aria-label") == alt) == (now == start)  # alt follows
    assert slider.get_attribute("aria-valuetext") == \
        "confidence in the correct class 0.01, loss 4.61"
    plus = page.get_by_role("button", name="confidence in the correct class: one step up")
    minus = page.get_by_role("button", name="confidence in the correct class: one step down")
    plus.click()
    plus.click()
    minus.click()
    wait_for_frame(page, slider)
    assert slider.input_value() == "1"
    assert status.text_content() == "confidence in the correct class 0.04, loss 3.22"
    assert "0.04" in canvas.get_attribute("aria-label")
    assert page.errors == []
    context.close()


def test_slider_live_region_says_which_control_moved(browser, book_url):
    """Chapter 3's slider has a choice and a range: after a move, its live region says
    the control that moved, at its new value, and the result; nothing on page load."""
    context, page = open_page(browser, f"{book_url}notebooks/03_a_batch.html")
    root = page.locator(".lb-slider").first
    slider, choice = root.locator("input[type=range]"), root.locator("select")
    status = root.locator(".lb-slider-status")
    wait_for_frame(page, slider)
    assert status.text_content() == ""
    label = root.locator(f'label[for="{slider.get_attribute("id")}"]').text_content()
    root.get_by_role("button", name=f"{label}: one step up").click()
    wait_for_frame(page, slider)
    readout = root.locator(f'output[for="{slider.get_attribute("id")}"]').text_content()
    assert status.text_content() == slider.get_attribute("aria-valuetext")
    assert status.text_content().startswith(f"{label} {readout}, batch loss ")
    choice.select_option(index=2)
    wait_for_frame(page, slider)
    option = choice.locator("option:checked").text_content()
    result = slider.get_attribute("aria-valuetext").split(", ", 1)[1]
    assert option.startswith("sample 2") and result.startswith("batch loss ")
    assert status.text_content() == f"{option}, {result}"   # "sample 2 (cat)": said once
    assert page.errors == []
    context.close()


def test_slider_on_a_phone_fits_and_follows_a_finger(browser, book_url):
    context = browser.new_context(**phone(390))
    page = context.new_page()
    page.goto(f"{book_url}notebooks/03_a_batch.html", wait_until="networkidle")
    root = page.locator(".lb-slider").first
    slider = root.locator("input[type=range]")
    slider.scroll_into_view_if_needed()
    wait_for_frame(page, slider)
    overflowing = root.evaluate("""root => [...root.querySelectorAll('*')]
        .filter(e => e.getClientRects().length && (e.getBoundingClientRect().right > 390
                                                   || e.getBoundingClientRect().left < 0))
        .map(e => e.tagName + '.' + e.className)""")
    assert overflowing == [], "the slider needs horizontal scrolling on a phone"
    box = root.locator("canvas").bounding_box()
    assert 300 <= box["width"] <= 390 and box["x"] >= 0
    before = slider_state(page, slider)
    thumb = slider.bounding_box()
    y = thumb["y"] + thumb["height"] / 2
    start = thumb["x"] + thumb["width"] * int(slider.input_value()) / int(slider.get_attribute("max"))
    cdp = context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start, "y": y}]})
    for k in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": start + (thumb["x"] + thumb["width"] - 2 - start) * k / 10, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    wait_for_frame(page, slider)
    assert int(slider.input_value()) > 20, slider.input_value()
    assert slider_state(page, slider) != before
    context.close()


def phone(width: int) -> dict:
    """A phone's browser context: ``width`` CSS pixels wide, 3x pixels, touch."""
    return {"viewport": {"width": width, "height": 844}, "device_scale_factor": 3,
            "is_mobile": True, "has_touch": True}


PHONES = (390, 320)  # a common phone; the narrowest in use


def sideways_on_phones(browser, base_url: str, widths=PHONES) -> dict[int, list[str]]:
    """For each phone width, the pages of the book at ``base_url`` wider than that phone.

    Each page is loaded once on the widest phone, then the viewport narrows to each
    other width (as a window resized): the page lays out again at every width.

    On a mobile viewport Chromium zooms a too-wide page out to fit its content, so
    window.innerWidth grows with it (425 px for chapter 3 once); the layout viewport,
    documentElement.clientWidth, stays at the screen's width.
    """
    context = browser.new_context(**phone(widths[0]))
    wide = {width: [] for width in widths}
    for path in PAGES:
        page = context.new_page()
        page.goto(base_url + path, wait_until="networkidle")
        wait_for_math(page)
        for width in widths:
            if width != widths[0]:
                page.set_viewport_size({"width": width, "height": 844})
                page.wait_for_function(f"document.documentElement.clientWidth === {width}")
            found = page.evaluate("""() => {
                const screen = document.documentElement.clientWidth;
                const out = e => e.getClientRects().length
                    && e.getBoundingClientRect().right > screen + 0.5;
                const contained = e => {  // in something fixed, or that scrolls or clips
                    for (let a = e; a && a !== document.body; a = a.parentElement) {
                        const s = getComputedStyle(a);
                        if (s.position === 'fixed' || (a !== e && s.overflowX !== 'visible'))
                            return true;
                    }
                    return false;
                };
                const sticking_out = [...document.querySelectorAll('body *')]
                    .filter(e => out(e) && !contained(e) && ![...e.children].some(out))
                    .slice(0, 3)
                    .map(e => `${e.tagName.toLowerCase()}.${e.className} "${
                        e.textContent.trim().slice(0, 50)}"`);
                return {scroll: document.documentElement.scrollWidth, screen,
                        inner: window.innerWidth, sticking_out};
            }""")
            if found["scroll"] > found["screen"] or found["inner"] != width:
                wide[width].append(f"{path}: {found['scroll']} px wide on a {found['screen']} px "
                                   f"screen (zoomed out to {found['inner']} px); sticking out: "
                                   f"{found['sticking_out']}")
        page.close()
    context.close()
    return wide



@pytest.fixture(scope="module")
def too_wide(browser, book_url) -> dict[int, list[str]]:
    return sideways_on_phones(browser, book_url)


@pytest.mark.parametrize("width", PHONES)
def test_no_page_scrolls_sideways_on_a_phone(too_wide, width):
    """Every page fits a phone (390 px; 320 px, the narrowest in use): no sideways scroll."""
    wide = too_wide[width]
    assert wide == [], "pages that scroll sideways on a phone:\n" + "\n".join(wide)


def test_skip_link_shows_on_a_phone_when_focused(browser, book_url):
    """The theme's "Skip to main content" link: hidden above the page until the first
    Tab reaches it, then on screen and inside it."""
    context = browser.new_context(**phone(390))
    page = context.new_page()
    page.goto(f"{book_url}notebooks/03_a_batch.html", wait_until="networkidle")
    link = page.locator("#pst-skip-link a")
    assert link.bounding_box()["y"] + link.bounding_box()["height"] <= 0
    page.keyboard.press("Tab")
    assert link.evaluate("a => a === document.activeElement")
    page.wait_for_function("""() => document.querySelector('#pst-skip-link a')
                                  .getBoundingClientRect().top >= 0""")
    page.wait_for_timeout(300)  # the theme slides it in over 0.15 s
    box = link.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    context.close()


@pytest.mark.parametrize("notebook", list(SLIDERS))
def test_slider_area_is_dark_in_dark_mode(browser, book_url, notebook):
    """In dark mode a slider sits on the dark page, not on a light panel (the theme
    paints HTML outputs light grey); only its plot keeps a white background."""
    context, page = open_page(browser, f"{book_url}notebooks/{notebook}.html", dark=True)
    label = page.locator(".lb-slider-row label").first
    backdrop, text = label.evaluate(r"""el => {
        let e = el;
        while (e && getComputedStyle(e).backgroundColor.match(/rgba\(.*, 0\)$|transparent/))
            e = e.parentElement;
        const bg = e ? getComputedStyle(e).backgroundColor : 'rgb(255, 255, 255)';
        return [bg, getComputedStyle(el).color];
    }""")
    context.close()

    def luminance(css: str) -> float:
        r, g, b = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255

    assert luminance(backdrop) < 0.25, f"the slider's backdrop is {backdrop} in dark mode"
    assert luminance(text) > 0.6, f"the slider's labels are {text} in dark mode"


@pytest.mark.parametrize("notebook", list(SLIDERS))
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_slider_passes_axe(browser, book_url, notebook, dark):
    """No critical or serious accessibility violation in a slider, in light and dark mode."""
    context, page = open_page(browser, f"{book_url}notebooks/{notebook}.html", dark=dark)
    page.locator(".lb-slider").first.scroll_into_view_if_needed()
    found = [v for v in run_axe(page, {"include": [[".lb-slider"]]})
             if v["impact"] in ("critical", "serious")]
    context.close()
    assert found == []
