"""lossbook.widgets: one draw function, a live widget and a static HTML player."""
from __future__ import annotations

import base64
import concurrent.futures
import io
import json
import re
import shutil
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from lossbook.widgets import Choice, Range, Slider, slider
from lossbook.widgets._canvas import Canvas
from lossbook.widgets._frames import composite, encode

Q = np.linspace(0.005, 1, 200)


def draw(ax, p):
    ax.plot(Q, -np.log(Q))
    ax.plot([p], [-np.log(p)], "o", color="tab:red")
    ax.annotate(f"loss {-np.log(p):.3f}", (p, -np.log(p)), xytext=(6, 6), textcoords="offset points")
    ax.set(title=f"-log({p:.2f}) = {-np.log(p):.3f}", xlabel="p", ylabel="loss", ylim=(-0.2, 5.5))


def draw_grid(ax, p, loss):
    curve = {"log": lambda q: -np.log(q), "square": lambda q: (1 - q) ** 2, "linear": lambda q: 1 - q}[loss]
    ax.plot(Q, curve(Q))
    ax.plot([p], [curve(p)], "o")
    ax.set(title=f"{loss}: {curve(p):.3f}", xscale="log")


class Recorder:
    """A draw function that remembers every value it was called with."""

    def __init__(self):
        self.calls = []

    def __call__(self, ax, p, clip=True):
        self.calls.append((p, clip))
        ax.plot([p], [p], "o")
        ax.set_title(f"p = {p:.3g}")


@pytest.fixture(scope="module")
def single():
    s = slider(draw, p=Range(0.01, 1, value=0.7, label="confidence in the correct class"))
    return s, s.static_html()


@pytest.fixture(scope="module")
def grid():
    s = slider(draw_grid, p=Range(1e-4, 1, steps=30, scale="log", label="confidence p"),
               loss=Choice(["log", "square", "linear"], label="loss"))
    return s, s.static_html()


class Page(HTMLParser):
    """The tags of a snippet, with their attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.tags, self.script = [], ""
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_data(self, data):
        if self._in_script:
            self.script += data

    def handle_endtag(self, tag):
        self._in_script = False

    def all(self, tag):
        return [attrs for t, attrs in self.tags if t == tag]

    def data(self) -> dict:
        return json.loads(re.search(r"var D=(\{.*?\}),P=", self.script).group(1))


# -- both renderings in one output ------------------------------------------------------

def test_one_output_carries_the_widget_and_the_static_html(single):
    s, html = single
    bundle = s._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"}
    assert bundle["text/html"] == html
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == s.widget.model_id
    assert "Range(0.01, 1" in bundle["text/plain"]


def test_the_bundle_honours_include_and_exclude(single):
    s, _ = single
    assert set(s._repr_mimebundle_(include={"text/html"})) == {"text/html", "text/plain"}
    assert "text/html" not in s._repr_mimebundle_(exclude={"text/html"})


def test_the_live_widget_has_a_control_per_value_and_an_image(grid):
    import ipywidgets

    s, _ = grid
    kinds = [type(w) for w in s.widget.children]
    assert kinds[:2] == [ipywidgets.SelectionSlider, ipywidgets.ToggleButtons]
    assert isinstance(s.widget.children[2], ipywidgets.Image)
    assert s.widget.children[2].value[:4] == b"\x89PNG"


def test_frames_count_is_the_product_of_positions(single, grid):
    for s, html, expected in ((*single, 40), (*grid, 90)):
        assert s.n_frames == expected
        data = Page(html).data()
        assert len(data["F"]) == len(data["A"]) == expected
        assert [len(t) for t in data["T"]] == [len(c.positions) for c in s.controls.values()]


# -- the static player ------------------------------------------------------------------

def test_static_html_loads_nothing_from_anywhere(single, grid):
    for _, html in (single, grid):
        assert "http://" not in html and "https://" not in html
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(//|[a-z]+:(?!image/png;base64))""", html)
        assert "url(" not in html and "@import" not in html and "<link" not in html
        page = Page(html)
        assert all(img["src"].startswith("data:image/png;base64,") for img in page.all("img"))
        assert all("src" not in s for s in page.all("script"))


def test_every_control_has_a_label_and_a_readout(single, grid):
    for s, html in (single, grid):
        page = Page(html)
        labels = {attrs["for"] for attrs in page.all("label")}
        controls = page.all("input") + page.all("select")
        assert len(controls) == len(s.controls)
        for control in controls:
            assert control["id"] in labels
        for rng in page.all("input"):
            assert rng["type"] == "range" and rng["aria-valuetext"]
        assert len(page.all("output")) == len(page.all("input"))


def test_alt_text_names_the_values_and_the_plot(single, grid):
    s, html = single
    images = Page(html).all("img")
    assert images[0]["alt"] == ""  # the base picture is decoration; the overlay speaks
    assert images[1]["alt"] == "Plot at confidence in the correct class = 0.695: -log(0.70) = 0.363"
    alts = Page(grid[1]).data()["A"]
    assert alts[0] == "Plot at confidence p = 0.0001, loss = log: log: 9.210"
    assert len(set(alts)) == 90


def test_ids_are_unique_across_sliders_and_the_same_across_builds(single, grid):
    ids = [set(re.findall(r'id="([^"]+)"', html)) for _, html in (single, grid)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    again = slider(draw, p=Range(0.01, 1, value=0.7, label="confidence in the correct class"))
    assert again.static_html() == single[1]  # deterministic: same content, same HTML, same ids


def test_static_frames_show_what_draw_draws(grid):
    """Each frame, rebuilt from base + overlay as the page shows it, matches a plain render."""
    s, html = grid
    data = Page(html).data()
    reference = Canvas(draw_grid)
    reference.figure.subplots_adjust(**{k: getattr(s._canvas.figure.subplotpars, k)
                                        for k in ("left", "right", "top", "bottom")})
    strides = data["S"]
    for p_index, loss_index in [(0, 0), (17, 1), (29, 2)]:
        i = p_index * strides[0] + loss_index * strides[1]
        overlay = data["F"][i] or _src(html, 1)
        base = data["B"][data["G"][i] if data["G"] else 0] or _src(html, 0)
        shown = np.asarray(Image.alpha_composite(_png(base), _png(overlay)).convert("RGB")).astype(int)
        p = s.controls["p"].positions[p_index]
        expected = reference.full_render({"p": p, "loss": ["log", "square", "linear"][loss_index]})
        assert np.abs(shown - expected[..., :3].astype(int)).mean() < 1.0  # a 64-colour palette


def test_the_whole_snippet_stays_under_the_budget(single, grid):
    assert len(single[1].encode()) < 400_000
    assert len(grid[1].encode()) < 400_000


def test_too_many_frames_is_a_clear_error():
    s = slider(Recorder(), p=Range(0, 1, steps=40), clip=Choice({f"c{i}": i for i in range(10)}))
    with pytest.raises(ValueError, match="400 frames.*fewer steps"):
        s.static_html()


def test_a_snippet_over_budget_is_a_clear_error():
    def noise(ax, seed):  # every frame different everywhere: nothing to share between frames
        ax.imshow(np.random.default_rng(int(seed)).random((120, 200)), cmap="tab20", aspect="auto")
        ax.set_axis_off()

    s = slider(noise, seed=Range(0, 11, steps=12))
    with pytest.raises(ValueError, match=r"KB even with 16 colours.*400 KB budget.*fewer steps"):
        s.static_html()


def test_frames_encode_as_base_plus_overlay_within_the_palette():
    rng = np.random.default_rng(0)
    frames = np.full((6, 20, 30, 3), 255, np.uint8)
    for i, frame in enumerate(frames):
        frame[5:8, 3 * i:3 * i + 3] = (200, 30, 30)  # a moving red square
    encoded = encode(frames, [[0] * 6], colors=16)
    assert len(encoded.bases) == 1
    for i in range(6):
        np.testing.assert_array_equal(composite(encoded, i), frames[i])
    noisy = rng.integers(0, 256, (3, 10, 10, 3), dtype=np.uint8)
    assert encode(noisy, [[0, 1, 2]], colors=8).nbytes > 0


# -- the live view ----------------------------------------------------------------------

def test_moving_the_live_slider_redraws_with_the_new_value():
    recorder = Recorder()
    s = slider(recorder, p=Range(0, 1, value=0.5, steps=11))
    image = _image(s)
    before = image.value
    assert recorder.calls[-1] == (0.5, True)
    s.widget.children[0].value = 8  # what the frontend sends: the position index
    assert recorder.calls[-1] == (0.8, True)
    assert image.value != before and image.value[:4] == b"\x89PNG"
    assert s.values == {"p": 0.8}


def test_update_moves_the_widget_and_returns_the_png():
    recorder = Recorder()
    s = slider(recorder, p=Range(0, 1, value=0.5, steps=11))
    widget = s.widget
    first = s.update(p=0.3)
    assert recorder.calls[-1] == (0.3, True)
    assert widget.children[0].value == 3 and _image(s).value == first
    assert s.update(p=0.72) != first and recorder.calls[-1] == (0.7, True)  # nearest position
    with pytest.raises(ValueError, match="outside"):
        s.update(p=1.5)
    with pytest.raises(ValueError, match="no control named 'q'"):
        s.update(q=0.2)


def test_a_draw_error_in_a_live_move_is_shown_under_the_plot():
    def fragile(ax, p):
        if p > 0.5:
            raise ZeroDivisionError("p too large")
        ax.plot([p], [p])

    s = slider(fragile, p=Range(0, 1, value=0.2, steps=11))
    message = s.widget.children[-1]
    s.widget.children[0].value = 9
    assert "ZeroDivisionError: p too large" in message.value and message.layout.display != "none"
    s.widget.children[0].value = 1
    assert message.layout.display == "none"


def test_displaying_without_a_kernel_does_not_crash():
    s = slider(Recorder(), p=Range(0, 1, steps=3))
    assert "text/html" in s._repr_mimebundle_()
    assert repr(s).startswith("slider(")


def test_no_pyplot_figure_is_made():
    import matplotlib.pyplot as plt

    plt.close("all")
    s = slider(draw, p=Range(0.1, 1, steps=4))
    s.static_html()
    s.update(p=0.2)
    assert plt.get_fignums() == []


def test_drawing_with_pyplot_is_a_clear_error():
    import matplotlib.pyplot as plt

    def uses_pyplot(ax, p):
        plt.plot([p], [p])

    with pytest.raises(ValueError, match="Draw on the Axes it receives"):
        slider(uses_pyplot, p=Range(0, 1, steps=3)).update(p=0.5)
    assert plt.get_fignums() == []


# -- controls ---------------------------------------------------------------------------

def test_log_scale_positions_are_evenly_spaced_in_log():
    r = Range(1e-7, 1, steps=8, scale="log")
    assert r.positions[0] == 1e-7 and r.positions[-1] == 1.0
    np.testing.assert_allclose(np.diff(np.log10(r.positions)), 1.0)
    assert r.labels == ("1e-07", "1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1")
    assert Range(1e-7, 1, value=1e-3, steps=8, scale="log").value == 0.001


def test_range_positions_are_clean_and_labels_tell_them_apart():
    r = Range(0, 1, steps=41)
    assert r.positions[1] == 0.025 and r.positions[12] == 0.3
    assert r.labels[:3] == ("0.000", "0.025", "0.050")
    assert Range(0, 1, value=0.7, steps=11).value == 0.7
    assert Range(0, 1, steps=5, fmt=".0%").labels == ("0%", "25%", "50%", "75%", "100%")


def test_choice_accepts_a_dict_or_a_list():
    c = Choice({"clipped": True, "raw": False}, value="raw")
    assert c.labels == ("clipped", "raw") and c.value is False
    assert Choice([0.1, 0.2]).labels == ("0.1", "0.2")
    assert Choice(["a", "b"], value="b").index == 1


@pytest.mark.parametrize("make, message", [
    (lambda: Range(1, 1), "min < max"),
    (lambda: Range(2, 1), "min < max"),
    (lambda: Range(0, 1, value=1.5), "outside"),
    (lambda: Range(0, 1, scale="log"), "min > 0"),
    (lambda: Range(-1, 1, scale="log"), "min > 0"),
    (lambda: Range(0, 1, steps=1), "steps"),
    (lambda: Range(0, 1, steps=2.5), "steps"),
    (lambda: Range(0, 1, scale="sqrt"), "linear' or 'log"),
    (lambda: Range(0, float("inf")), "finite"),
    (lambda: Range(0, 1, fmt="q"), "format spec"),
    (lambda: Choice([]), "at least one"),
    (lambda: Choice("abc"), "dict"),
    (lambda: Choice([1, 2], value=3), "not one of"),
    (lambda: Choice({"a": 1, 1: 2, "1": 3}), "labels must differ"),
    (lambda: slider(draw), "at least one control"),
    (lambda: slider(draw, q=Range(0, 1)), "no parameter named 'q'"),
    (lambda: slider(draw, p=0.5), "Range"),
    (lambda: slider(draw, p=Range(0, 1), extra=Choice([1])), "no parameter named 'extra'"),
    (lambda: slider(draw_grid, p=Range(0.1, 1)), "needs 'loss'"),
    (lambda: slider(lambda: None, p=Range(0, 1)), "first argument"),
    (lambda: slider(lambda ax, p: None, ax=Range(0, 1), p=Range(0, 1)), "the Axes"),
    (lambda: slider(draw, figsize=(0, 3), p=Range(0.1, 1)), "figsize"),
    (lambda: slider(draw, dpi=-1, p=Range(0.1, 1)), "dpi"),
])
def test_bad_controls_are_clear_value_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_draw_with_keyword_catch_all_or_defaults_is_accepted():
    assert slider(lambda ax, **values: None, anything=Range(0, 1)).n_frames == 40
    assert slider(Recorder(), p=Range(0, 1)).values["p"] == Range(0, 1).value  # clip has a default


@settings(max_examples=25, deadline=None)
@given(low=st.floats(-1e3, 1e3), width=st.floats(1e-3, 1e3), steps=st.integers(2, 60),
       log=st.booleans(), asked=st.lists(st.floats(0, 1), max_size=5))
def test_draw_never_sees_a_value_outside_the_range(low, width, steps, log, asked):
    if log:
        low = abs(low) + 1e-3
    r = Range(low, low + width, steps=steps, scale="log" if log else "linear")
    assert all(r.min <= v <= r.max for v in r.positions)
    assert list(r.positions) == sorted(r.positions) and len(set(r.positions)) == steps
    assert len(set(r.labels)) == steps
    for fraction in asked:
        wanted = r.min + fraction * (r.max - r.min)
        assert r.min <= r.positions[r.nearest(wanted)] <= r.max


def test_every_value_draw_receives_is_a_position_of_its_control():
    recorder = Recorder()
    s = slider(recorder, p=Range(0.2, 0.8, steps=7), clip=Choice({"yes": True, "no": False}))
    s.static_html()
    s.update(p=0.2001, clip=False)
    s.widget.children[0].value = 6
    ps = set(s.controls["p"].positions)
    assert recorder.calls and all(p in ps and clip in (True, False) for p, clip in recorder.calls)
    assert {p for p, _ in recorder.calls} == ps


# -- the layered redraw matches a full render --------------------------------------------

def _point(ax, v):
    ax.plot(Q, Q ** 2)
    ax.plot([v], [v ** 2], "o")
    ax.set_title(f"v = {v:.2f}")


def _autoscale(ax, v):
    ax.plot(Q, v * Q)  # the limits change every frame
    ax.legend(["line"])  # placed 'best': moves with the data


def _bars_under_lines(ax, v):
    ax.bar([0, 1, 2], [v, 1 - v, 0.5], zorder=1)
    ax.axhline(0.5, color="k")
    ax.set_xticks([0, 1, 2], ["a", "b", "c"])
    ax.get_xticklabels()[int(v * 2.99)].set_color("red")  # one tick label per value
    ax.text(0.1, 0.9, "static note", transform=ax.transAxes)
    ax.legend(["mean"], loc="upper right")


def _log_and_text(ax, v):
    ax.semilogx(Q, -np.log(Q))
    ax.fill_between(Q, 0, -np.log(Q), alpha=0.2)
    ax.scatter([v], [-np.log(v)], s=40, zorder=3)
    ax.text(v, -np.log(v), f"{-np.log(v):.2f}", bbox={"facecolor": "w"})
    ax.grid(True, which="both")


def _twin_and_image(ax, v):
    ax.imshow(np.outer(Q[:20], Q[:20]) * v, extent=(0, 1, 0, 1))
    ax.twinx().plot([0, 1], [v, 1])  # a second Axes: always drawn in full
    ax.figure.suptitle(f"v = {v:.1f}")


@pytest.mark.parametrize("draw_function", [_point, _autoscale, _bars_under_lines, _log_and_text,
                                           _twin_and_image])
def test_layered_redraw_matches_a_full_render(draw_function):
    fast, plain = Canvas(draw_function), Canvas(draw_function)
    values = [0.3, 0.35, 0.4, 0.9, 0.1, 0.1, 0.6]
    for v in values:
        got = fast.render({"v": v}).astype(int)
        expected = plain.full_render({"v": v}).astype(int)
        assert np.abs(got - expected).max() <= 2, f"frame v={v}"  # rounding on antialiased edges
        assert np.mean(got != expected) < 0.01
    assert fast.layers["fast"] + fast.layers["full"] == len(values)
    if draw_function in (_point, _bars_under_lines, _log_and_text):
        assert fast.layers["fast"] >= 2  # the cached plan is actually used
    assert len(fast.figure.axes) <= 2  # nothing piles up from frame to frame


def test_a_reused_background_is_pixel_exact():
    """When nothing static is drawn after the changing part, nothing is even rounded."""
    def on_top(ax, v):
        ax.plot(Q, Q ** 2)
        ax.plot([v], [v ** 2], "o", zorder=10)  # above the spines and all

    fast, plain = Canvas(on_top), Canvas(on_top)
    for v in (0.1, 0.2, 0.3):  # the plan settles: artists that stay the same are found
        fast.render({"v": v})
    for v in (0.4, 0.5, 0.8):
        np.testing.assert_array_equal(fast.render({"v": v}), plain.full_render({"v": v}))
        assert fast._plan.runs == [(False, 10, 11)]  # only the point is drawn


# -- in a browser (optional) -------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_moving_the_range_in_a_browser_swaps_the_frame(single, grid, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "sliders.html"
    page_file.write_text(f"<!doctype html><meta charset=utf-8><title>t</title>{single[1]}{grid[1]}")
    # Playwright's sync API refuses to start in a thread with a running asyncio loop,
    # which nbclient-based tests can leave behind: drive the browser from a fresh thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_move_sliders_in_chromium, sync_api, page_file).result()


def _move_sliders_in_chromium(sync_api, page_file):
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page()
            errors, requests = [], []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            first = page.locator(".lossbook-slider").nth(0)
            overlay = first.locator("img").nth(1)
            src, alt = overlay.get_attribute("src"), overlay.get_attribute("alt")
            first.locator("input[type=range]").focus()
            page.keyboard.press("ArrowRight")
            assert first.locator("output").text_content() == "0.721"
            assert first.locator("input").get_attribute("aria-valuetext") == "0.721"
            assert overlay.get_attribute("src") != src and overlay.get_attribute("alt") != alt
            assert "0.721" in overlay.get_attribute("alt")
            second = page.locator(".lossbook-slider").nth(1)
            base = second.locator("img").nth(0)
            base_src = base.get_attribute("src")
            second.locator("select").select_option("2")
            assert base.get_attribute("src") != base_src  # another option, another base picture
            assert "loss = linear" in second.locator("img").nth(1).get_attribute("alt")
            assert errors == []
            assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
        finally:
            browser.close()


def _image(s):
    import ipywidgets

    return next(w for w in s.widget.children if isinstance(w, ipywidgets.Image))


def _src(html: str, k: int) -> str:
    return Page(html).all("img")[k]["src"].split(",", 1)[1]


def _png(b64: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGBA")


def test_slider_is_the_public_class():
    assert isinstance(slider(Recorder(), p=Range(0, 1, steps=2)), Slider)
