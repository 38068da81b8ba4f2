"""lossbook.widgets: one draw function, a live widget and a static HTML player."""
from __future__ import annotations

import base64
import io
import json
import re
from html.parser import HTMLParser

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import lossbook.widgets._slider as slider_module
from lossbook.widgets import Choice, Range, Slider, slider
from lossbook.widgets._figure import LIVE_STYLE
from lossbook.widgets._frames import Frames, encode

Q = np.linspace(0.005, 1, 200)


def draw(ax, p):
    ax.plot(Q, -np.log(Q))
    ax.plot([p], [-np.log(p)], "o", color="tab:red", zorder=3, animated=True)  # over the axes
    ax.annotate(f"loss {-np.log(p):.3f}", (p, -np.log(p)), xytext=(6, 6),
                textcoords="offset points", animated=True)
    ax.set_title(f"-log({p:.2f}) = {-np.log(p):.3f}", animated=True)
    ax.set(xlabel="p", ylabel="loss", ylim=(-0.2, 5.5))
    return f"loss {-np.log(p):.2f}"


def draw_grid(ax, p, loss):
    curve = {"log": lambda q: -np.log(q), "square": lambda q: (1 - q) ** 2,
             "linear": lambda q: 1 - q}[loss]
    ax.plot(Q, curve(Q))  # changes with the choice only: part of the background
    ax.plot([p], [curve(p)], "o", zorder=3, animated=True)
    ax.set_title(f"{loss}: {curve(p):.3f}", animated=True)
    ax.set(xscale="log", xlim=(5e-5, 1.5), ylim=(-0.1, 5.5))  # fixed: the background stays


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
    s = slider(draw, p=Range(0.01, 1, value=0.7, steps=34,
                             label="confidence in the correct class"))
    return s, s.static_html()


@pytest.fixture(scope="module")
def grid():
    s = slider(draw_grid, p=Range(1e-4, 1, steps=12, scale="log", label="confidence p"),
               loss=Choice(["log", "square", "linear"], label="loss"))
    return s, s.static_html()


class Page(HTMLParser):
    """The tags of a snippet with their attributes, and the player's data."""

    def __init__(self, html: str):
        super().__init__()
        self.tags, self.text = [], {}
        self._open = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = (tag, dict(attrs))

    def handle_data(self, data):
        if self._open:
            self.text.setdefault(self._open[1].get("class") or self._open[0], []).append(data)

    def all(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def data(self) -> dict:
        return json.loads("".join(self.text["lb-slider-data"]))


def composite(frames: Frames, i: int) -> np.ndarray:
    """Frame ``i`` as a page composes it, its overlay over its base: RGB."""
    base = Image.open(io.BytesIO(frames.bases[frames.base_of[i]])).convert("RGBA")
    base.alpha_composite(Image.open(io.BytesIO(frames.overlays[i])).convert("RGBA"),
                         dest=frames.offsets[i])
    return np.asarray(base.convert("RGB"))


def shown_frames(html: str) -> list[np.ndarray]:
    """Every frame as the page composes it: its overlay painted over its base."""
    data = Page(html).data()

    def picture(b64):
        return Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGBA")

    frames = []
    for overlay, (x, y), b in zip(data["overlays"], data["offsets"], data["baseOf"]):
        frame = picture(data["bases"][b])
        frame.alpha_composite(picture(overlay), dest=(x, y))
        frames.append(np.asarray(frame.convert("RGB")))
    return frames


def direct_render(s: Slider, density: float, **values) -> np.ndarray:
    """The reference: a new figure, draw, savefig; nothing from lossbook.widgets but the
    margins, and at density 1 (the live view) its style: text without hinting."""
    figure = Figure(figsize=s.figsize, dpi=s.dpi * density)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    figure.subplots_adjust(**s.margins)
    s.draw(ax, **{**s.values, **values})
    out = io.BytesIO()
    with matplotlib.rc_context(LIVE_STYLE if density == 1 else {}):
        figure.savefig(out, format="rgba", dpi=s.dpi * density)
    width, height = figure.canvas.get_width_height()
    return np.frombuffer(out.getvalue(), np.uint8).reshape(height, width, 4)[..., :3]


def all_values(s: Slider) -> list[dict]:
    """The controls' values for every frame, in the page's (row-major) order."""
    import itertools

    names = list(s.controls)
    return [dict(zip(names, combination))
            for combination in itertools.product(*(s.controls[n].positions for n in names))]


# -- both renderings in one output ------------------------------------------------------

def test_one_output_carries_the_widget_and_the_static_html(single):
    s, html = single
    bundle = s._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"}
    assert bundle["text/html"] == html
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == s.widget.model_id
    assert "Range(0.01, 1" in bundle["text/plain"]


def test_frames_count_is_the_product_of_positions(single, grid):
    for s, html, expected in ((*single, 34), (*grid, 36)):
        data = Page(html).data()
        assert s.n_frames == expected
        assert len(data["overlays"]) == len(data["alts"]) == len(data["results"]) == expected
        assert [len(c["labels"]) for c in data["controls"]] == [
            len(c.positions) for c in s.controls.values()]


# -- the static player shows exactly what draw draws ------------------------------------

def test_every_static_frame_is_exactly_a_direct_render(single, grid):
    """Lossless: each composed frame equals a new figure's savefig at 2x, pixel for pixel."""
    for s, html in (single, grid):
        frames = shown_frames(html)
        for values, shown in zip(all_values(s), frames):
            expected = direct_render(s, 2, **values)
            assert shown.shape == expected.shape == (2 * 336, 2 * 576, 3)
            differ = np.any(shown != expected, axis=-1)
            assert differ.mean() <= 0.001, f"{values}: {differ.mean():.2%} of pixels differ"


def test_neighbouring_frames_are_told_apart(single):
    """The exactness check above would catch a frame shown one step off."""
    s, html = single
    frames = shown_frames(html)
    for i in range(len(frames) - 1):
        assert np.any(frames[i] != frames[i + 1], axis=-1).mean() > 0.001


def test_a_choice_gets_its_own_base_picture(grid):
    data = Page(grid[1]).data()
    assert len(data["bases"]) == 3
    assert data["baseOf"] == [i % 3 for i in range(36)]  # loss is the faster-changing control


def test_encoding_is_lossless_even_for_noise():
    noisy = np.random.default_rng(0).integers(0, 256, (4, 30, 40, 3), dtype=np.uint8)
    for scenes in ([0, 0, 0, 0], [0, 1, 0, 1]):
        packed = encode(noisy, scenes)
        for i in range(4):
            np.testing.assert_array_equal(composite(packed, i), noisy[i])


def test_an_overlay_holds_only_what_changed():
    frames = np.full((3, 40, 60, 3), 255, np.uint8)
    for i, frame in enumerate(frames):
        frame[5:8, 10 * i:10 * i + 3] = (214, 39, 40)  # a moving red square
    packed = encode(frames, [0, 0, 0])
    for i, overlay in enumerate(packed.overlays):
        alpha = np.asarray(Image.open(io.BytesIO(overlay)).convert("RGBA"))[..., 3]
        assert set(np.unique(alpha)) <= {0, 255}
        assert np.count_nonzero(alpha) <= 2 * 9  # its square, and where another one was
        assert alpha.shape[0] <= 3  # cropped to the rows that changed
        np.testing.assert_array_equal(composite(packed, i), frames[i])


# -- the static player: page, budget, accessibility -------------------------------------

def test_static_html_loads_nothing_from_anywhere(single, grid):
    for _, html in (single, grid):
        assert "http://" not in html and "https://" not in html
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(//|[a-z]+:(?!image/webp;base64))""",
                             html)
        assert "url(" not in html and "@import" not in html and "<link" not in html
        page = Page(html)
        assert all(img["src"].startswith("data:image/webp;base64,") for img in page.all("img"))
        assert all("src" not in s for s in page.all("script"))


def test_the_player_script_is_read_from_its_own_file(single):
    from pathlib import Path

    script = (Path(slider_module.__file__).with_name("player.js")).read_text()
    assert script in single[1]
    assert "addEventListener" in script and len(script.splitlines()) > 50  # readable, not minified


def test_controls_have_names_values_and_step_buttons(single, grid):
    s, html = single
    page = Page(html)
    (rng,) = page.all("input")
    assert rng["type"] == "range" and page.all("label", **{"for": rng["id"]})
    assert rng["aria-valuetext"] == "confidence in the correct class 0.70, loss 0.36"
    steps = page.all("button")
    assert [b["data-step"] for b in steps] == ["-1", "1"]
    assert all(b["aria-controls"] == rng["id"] and "confidence" in b["aria-label"] for b in steps)
    (live,) = page.all("div", **{"class": "lb-slider-live"})
    assert live["role"] == "group" and "confidence in the correct class" in live["aria-label"]
    assert page.all("p", **{"class": "lb-slider-status"})[0]["aria-live"] == "polite"
    (select,) = Page(grid[1]).all("select")
    assert Page(grid[1]).all("label", **{"for": select["id"]})


def test_alt_text_follows_the_position(single):
    s, html = single
    (canvas,) = Page(html).all("canvas")
    assert canvas["role"] == "img"
    assert canvas["aria-label"] == ("Plot: -log(0.70) = 0.357 "
                                    "(confidence in the correct class 0.70, loss 0.36)")
    data = Page(html).data()
    assert len(set(data["alts"])) == len(data["alts"])
    assert data["results"][0] == "loss 4.61"


def test_frames_are_for_2x_density_and_shown_at_css_size(single):
    s, html = single
    (canvas,) = Page(html).all("canvas")
    assert (canvas["width"], canvas["height"]) == ("1152", "672")
    assert canvas["style"] == "max-width:576px"


def test_the_print_strip_has_captioned_stills(single):
    s, html = single
    page = Page(html)
    assert page.all("div", **{"class": "lb-slider-print"})
    figures, images = page.all("figure"), page.all("img")
    assert 3 <= len(figures) == len(images) <= 4
    captions = "".join(page.text["figure"] if "figure" in page.text else []) + "".join(
        page.text.get("figcaption", []))
    assert "confidence in the correct class 0.01 — loss 4.61" in captions
    assert "confidence in the correct class 1.00 — loss -0.00" in captions
    assert all(img["alt"].startswith("Plot: -log(") for img in images)


def test_ids_are_unique_across_sliders_and_the_same_across_builds(single, grid):
    ids = [set(re.findall(r'id="([^"]+)"', html)) for _, html in (single, grid)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    again = slider(draw, p=Range(0.01, 1, value=0.7, steps=34,
                                 label="confidence in the correct class"))
    assert again.static_html() == single[1]


def test_the_budget_is_checked_on_the_whole_snippet(single, monkeypatch):
    size = len(single[1].encode("utf-8"))
    assert size <= slider_module.MAX_HTML_BYTES
    monkeypatch.setattr(slider_module, "MAX_HTML_BYTES", size - 1)
    again = slider(draw, p=Range(0.01, 1, value=0.7, steps=34,
                                 label="confidence in the correct class"))
    with pytest.raises(ValueError, match=r"over the 0?\d* ?KB budget|KB, over the"):
        again.static_html()
    monkeypatch.setattr(slider_module, "MAX_HTML_BYTES", size)
    assert again.static_html() == single[1]


def test_too_many_frames_is_a_clear_error():
    s = slider(Recorder(), p=Range(0, 1, steps=40), clip=Choice({f"c{i}": i for i in range(10)}))
    with pytest.raises(ValueError, match="400 frames.*fewer steps"):
        s.static_html()


# -- the live view ----------------------------------------------------------------------

def live_pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_live_moves_blit_and_equal_direct_renders(monkeypatch):
    """Moving a range redraws only the animated artists, and the result is exact."""
    s = slider(draw_grid, p=Range(1e-4, 1, steps=12, scale="log"),
               loss=Choice(["log", "square", "linear"]))
    full_draws = []
    original = FigureCanvasAgg.draw
    monkeypatch.setattr(FigureCanvasAgg, "draw",
                        lambda canvas: full_draws.append(1) or original(canvas))
    s.update(p=0.01)
    first = len(full_draws)
    shown = []
    for p in (1e-4, 0.3, 1.0, 0.002):
        shown.append((s.update(p=p), s.values, s.blits))
    assert len(full_draws) == first  # only blitting since the first frame
    png = s.update(loss="square")  # a choice: a new background
    assert len(full_draws) == first + 1
    shown.append((png, s.values, s.blits))
    for png, values, blitted in shown:
        assert blitted
        np.testing.assert_array_equal(live_pixels(png), direct_render(s, 1, **values))


def test_without_animated_artists_every_move_is_a_full_draw():
    s = slider(Recorder(), p=Range(0, 1, value=0.5, steps=11))
    png = s.update(p=0.3)
    assert not s.blits
    np.testing.assert_array_equal(live_pixels(png), direct_render(s, 1))


def test_moving_the_live_slider_redraws_with_the_new_value():
    recorder = Recorder()
    s = slider(recorder, p=Range(0, 1, value=0.5, steps=11))
    before, _ = _shown(s)
    assert recorder.calls[-1] == (0.5, True)
    _slider_widget(s).value = 8  # what the frontend sends: the position index
    assert recorder.calls[-1] == (0.8, True)
    png, _ = _shown(s)
    assert png != before and png[:4] == b"\x89PNG"
    np.testing.assert_array_equal(live_pixels(png), direct_render(s, 1))
    assert s.values == {"p": 0.8}


def test_the_live_view_says_what_the_static_player_says(single):
    """Its live region says the control's new value with its result, as the static
    player's slider does (its aria-valuetext, and its live region after a move)."""
    import ipywidgets

    s, html = single
    s.update(p=0.7)
    assert _shown(s)[1] == ("Plot: -log(0.70) = 0.357 "
                            "(confidence in the correct class 0.70, loss 0.36)")
    result = next(w for w in s.widget.children
                  if isinstance(w, ipywidgets.HTML) and "role=" in w.value)
    assert 'aria-live="polite"' in result.value
    assert _status(s) == "confidence in the correct class 0.70, loss 0.36"
    assert _status(s) == Page(html).all("input")[0]["aria-valuetext"]
    minus, plus = [w for w in s.widget.children[0].children if isinstance(w, ipywidgets.Button)]
    plus.click()
    assert s.values["p"] == 0.73 and _status(s) == "confidence in the correct class 0.73, loss 0.31"
    minus.click()
    assert s.values["p"] == 0.7 and _status(s) == "confidence in the correct class 0.70, loss 0.36"
    assert _slider_widget(s).description == "confidence in the correct class"


def draw_two(ax, p, sample):
    ax.set_title(f"{sample}: {p}")
    return f"loss {p + sample:.2f}"


def two_controls() -> Slider:
    return slider(draw_two, p=Range(0, 1, steps=3, label="confidence"),
                  sample=Choice({"sample 0 (dog)": 0, "sample 1 (cat)": 1}, label="sample"))


def test_the_live_status_says_what_the_move_changed_and_its_result():
    """A reader who moves one control hears that control's new value and the result; at
    first (nothing moved yet) the status holds every control."""
    import ipywidgets

    s = two_controls()
    s.widget  # noqa: B018
    assert _status(s) == "confidence 0.5, sample 0 (dog), loss 0.50"
    minus, plus = [w for w in s.widget.children[0].children if isinstance(w, ipywidgets.Button)]
    plus.click()
    assert _status(s) == "confidence 1.0, loss 1.00"
    (choice,) = [w for w in s.widget.children if isinstance(w, ipywidgets.Dropdown)]
    choice.value = 1
    assert _status(s) == "sample 1 (cat), loss 2.00"   # said once: the option names its control
    _slider_widget(s).value = 0
    assert _status(s) == "confidence 0.0, loss 1.00"
    s.update(p=0.5, sample=0)   # the kernel moves both
    assert _status(s) == "confidence 0.5, sample 0 (dog), loss 0.50"


def test_the_static_player_has_the_words_of_each_position():
    data = Page(two_controls().static_html()).data()
    assert [c["said"] for c in data["controls"]] == [
        ["confidence 0.0", "confidence 0.5", "confidence 1.0"], ["sample 0 (dog)", "sample 1 (cat)"]]
    assert data["joined"] == "{said}, {result}"


def test_the_words_are_joined_the_chinese_way_in_chinese():
    from lossbook import i18n

    try:
        i18n.set_language("zh_CN")
        s = two_controls()
        s.widget  # noqa: B018
        assert _status(s) == "confidence 0.5, sample 0 (dog)，loss 0.50"
        assert Page(s.static_html()).data()["joined"] == "{said}，{result}"
    finally:
        i18n.set_language(None)
        matplotlib.rcParams.update(matplotlib.rcParamsDefault)


def test_update_moves_the_widget_and_returns_the_png():
    recorder = Recorder()
    s = slider(recorder, p=Range(0, 1, value=0.5, steps=11))
    s.widget  # noqa: B018
    first = s.update(p=0.3)
    assert recorder.calls[-1] == (0.3, True)
    assert _slider_widget(s).value == 3 and _shown(s)[0] == first
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
    _slider_widget(s).value = 9
    assert "ZeroDivisionError: p too large" in message.value and message.layout.display != "none"
    _slider_widget(s).value = 1
    assert message.layout.display == "none"


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
    (lambda: Choice([]), "at least one"),
    (lambda: Choice("abc"), "dict"),
    (lambda: Choice([1, 2], value=3), "not one of"),
    (lambda: Choice({"a": 1, 1: 2, "1": 3}), "labels must differ"),
    (lambda: slider(draw), "at least one control"),
    (lambda: slider(draw, q=Range(0, 1)), "controls q: missing a required argument: 'p'"),
    (lambda: slider(draw, p=0.5), "Range"),
    (lambda: slider(draw, p=Range(0, 1), extra=Choice([1])), "unexpected keyword argument 'extra'"),
    (lambda: slider(draw_grid, p=Range(0.1, 1)), "missing a required argument: 'loss'"),
    (lambda: slider(lambda: None, p=Range(0, 1)), "too many positional arguments"),
    (lambda: slider(lambda ax, p: None, ax=Range(0, 1), p=Range(0, 1)), "multiple values for argument 'ax'"),
    (lambda: slider(draw, figsize=(0, 3), p=Range(0.1, 1)), "figsize"),
    (lambda: slider(draw, figsize=("6", "a"), p=Range(0.1, 1)), "figsize"),
    (lambda: slider(draw, figsize=6, p=Range(0.1, 1)), "figsize"),
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
    _slider_widget(s).value = 6
    ps = set(s.controls["p"].positions)
    assert recorder.calls and all(p in ps and clip in (True, False) for p, clip in recorder.calls)
    assert {p for p, _ in recorder.calls} == ps


def _shown(s) -> tuple[bytes, str]:
    """The live view's picture: its PNG and its alt text (from the <img> it holds)."""
    import html

    img = next(w.value for w in s.widget.children if "<img" in str(getattr(w, "value", "")))
    src, alt = re.search(r'src="data:image/png;base64,([^"]+)" alt="([^"]*)"', img).groups()
    return base64.b64decode(src), html.unescape(alt)


def test_no_live_widget_has_a_tooltip_without_a_description(grid):
    """ipywidgets 8.1 draws a tooltip from the widget's description: a tooltip on a widget
    without one (an Image) breaks its view in JupyterLab, the plot replaced by an error."""
    import ipywidgets

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    s, _ = grid
    shown = list(walk(s.widget))
    assert not any(isinstance(w, ipywidgets.Image) for w in shown)
    assert all(w.description for w in shown if getattr(w, "tooltip", None))


def test_a_live_choice_is_a_dropdown_and_is_said_once():
    """A dropdown (a <select>) says which option is chosen (toggle buttons have no
    aria-pressed); an option named like its control ("sample 1" of "sample") is said once."""
    import ipywidgets

    s = slider(lambda ax, p, sample: ax.set_title(f"{p} {sample}"), p=Range(0, 1, steps=3),
               sample=Choice({"sample 0": 0, "sample 1": 1}, label="sample"))
    (choice,) = [w for w in s.widget.children if isinstance(w, ipywidgets.Dropdown)]
    assert choice.description == "sample"
    choice.value = 1
    assert s.values["sample"] == 1
    assert _shown(s)[1] == "Plot: 0.5 1 (p 0.5, sample 1)"


def _status(s) -> str:
    """The text of the live view's status line (its polite live region)."""
    import html

    value = next(w.value for w in s.widget.children if 'role="status"' in str(getattr(w, "value", "")))
    return html.unescape(re.sub(r"<[^>]+>", "", value))


def _slider_widget(s):
    import ipywidgets

    row = s.widget.children[0]
    return next(w for w in row.children if isinstance(w, ipywidgets.SelectionSlider))


def test_slider_is_the_public_class():
    assert isinstance(slider(Recorder(), p=Range(0, 1, steps=2)), Slider)


@pytest.mark.parametrize("notebook", ["01_why_a_loss", "02_one_sample", "03_a_batch",
                                      "05_log_zero_and_clipping", "07_accuracy",
                                      "10_binary_and_multilabel", "11_weights_masks_calibration"])
def test_chapter_sliders_blit_exactly(notebook):
    """Each chapter marks its moving artists: live moves blit, and equal direct renders."""
    from chapter_sliders import SLIDERS, chapter_slider, numpy_restored

    with numpy_restored():
        check_blitting(chapter_slider(notebook, SLIDERS[notebook]), notebook)


@pytest.mark.parametrize("notebook", ["11_weights_masks_calibration"])
def test_second_chapter_sliders_blit_exactly(notebook):
    from chapter_sliders import SECOND_SLIDERS, chapter_slider, numpy_restored

    with numpy_restored():
        check_blitting(chapter_slider(notebook, SECOND_SLIDERS[notebook]), notebook)


def check_blitting(s, notebook):
    name = next(n for n, c in s.controls.items() if isinstance(c, Range))
    positions = s.controls[name].positions
    moves = [{name: positions[i]} for i in (0, len(positions) // 3, len(positions) - 1, 1)]
    if notebook == "03_a_batch":
        moves += [{"sample": 0}, {"p": 0.26}, {"sample": 1}]
    for move in moves:
        png = s.update(**move)
        assert s.blits
        differ = np.any(live_pixels(png) != direct_render(s, 1), axis=-1)
        assert differ.mean() <= 0.001, f"{notebook} at {s.values}: {differ.mean():.3%} differ"
