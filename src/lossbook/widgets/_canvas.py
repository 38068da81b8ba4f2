"""One reused matplotlib figure that redraws ``draw(ax, **values)`` fast.

A full Agg render of a small plot costs 35-110 ms on these machines, most of it
tick labels, legends and other text that look the same in every frame. So:

1. ``ax.cla()`` and the author's ``draw`` run every time: ``draw`` stays the
   only drawing code, and the Axes starts as clean as in a new figure.
2. The artists are taken in matplotlib's own drawing order (by zorder) and
   compared, through fingerprints (``_fingerprint``), with the frame the cached
   *plan* was made from. In the plan the order is cut into runs of unchanged
   (static) and changing (dynamic) artists. The first static run is kept as the
   background's pixels; every later static run as a transparent layer.
3. A frame that fits the plan (its static artists unchanged) is the background,
   then each run in order: dynamic runs drawn as ``Axes.draw`` draws them,
   static layers laid over the pixels. Otherwise, or once an artist the plan
   redraws has stayed the same for two frames, the frame is drawn in full and
   a new plan made, with the artists unchanged since the last frame as static.

Frames are the same as a full render: exactly where only the background is
reused, and to within rounding (a level or two of 255 on antialiased edges)
where a static layer is laid over; the tests check it.
"""
from __future__ import annotations

import contextlib
import io
import sys
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from PIL import Image

from ._fingerprint import Unknown, fingerprint


@dataclass
class _Layer:
    """A static run drawn alone on a transparent canvas: only the pixels it covers."""

    where: np.ndarray  # flat indices of the covered pixels
    rgb: np.ndarray  # float32 (n, 3): their colours, already multiplied by alpha
    keep: np.ndarray  # float32 (n, 1): 1 - alpha, how much of what is below stays


@dataclass
class _Plan:
    scene: tuple
    prints: list  # fingerprint of each static artist, None for dynamic ones
    runs: list  # (static, start, end) over the drawing order, after the background
    background: object  # saved pixels: the patches and the first static run
    layers: dict  # start of a static run -> its _Layer

    def fits(self, scene, prints) -> bool:
        return (scene == self.scene and len(prints) == len(self.prints) and all(
            now is not None and now == then
            for now, then in zip(prints, self.prints) if then is not None))


class Canvas:
    """A reused figure with one Axes: ``render(values)`` returns its RGBA pixels."""

    def __init__(self, draw: Callable, figsize=(5, 3), dpi: float = 80):
        self.draw = draw
        self.figure = Figure(figsize=figsize, dpi=dpi, facecolor="white", layout="none")
        self._agg = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self._plan: _Plan | None = None
        self._titles_placed = None  # the renderer the titles were last placed for, this frame
        self._previous = None  # (scene, fingerprints) of the last frame
        self._streak: list[int] = []  # for how many frames in a row each artist stayed the same
        self.layers = {"fast": 0, "full": 0}  # how frames were drawn, for tests and benchmarks

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels."""
        return self._agg.get_width_height()

    def render(self, values: dict) -> np.ndarray:
        """Draw the frame for ``values``; return the RGBA pixels, shape (height, width, 4).

        The array is a view of the canvas: copy it to keep it past the next render.
        """
        self._call_draw(values)
        scene, artists, prints = self._scene()
        static = self._static(scene, artists, prints)
        before = self._streak if len(self._streak) == len(static) else [0] * len(static)
        self._streak = [n + 1 if same else 0 for n, same in zip(before, static)]
        plan = self._plan
        if plan is not None and plan.fits(scene, prints) and not any(
                then is None and n >= 2 for then, n in zip(plan.prints, self._streak)):
            self._compose(plan, artists)
            self.layers["fast"] += 1
        else:  # no plan, it does not fit, or some artist it redraws has stopped changing
            self._rebuild(scene, artists, prints, static)
            self.layers["full"] += 1
        self._previous = (scene, prints)
        return np.asarray(self._agg.buffer_rgba())

    def png(self, values: dict) -> bytes:
        """Draw the frame for ``values`` and return it as a quickly encoded PNG."""
        pixels = self.render(values)
        out = io.BytesIO()
        Image.fromarray(pixels[..., :3]).save(out, format="png", compress_level=1)
        return out.getvalue()

    def full_render(self, values: dict) -> np.ndarray:
        """Draw the whole figure the plain way (no layers); for tests and benchmarks."""
        self._call_draw(values)
        self._agg.draw()
        self._plan = self._previous = None
        return np.asarray(self._agg.buffer_rgba())

    def fit_layout(self, value_sets: list[dict]) -> None:
        """Fix margins that fit every frame in ``value_sets`` (so frames never jump)."""
        boxes, failure = [], None
        for values in value_sets:
            try:
                self._call_draw(values)
            except Exception as error:  # shown when that frame is drawn; lay out the others
                failure = error
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "tight layout not applied": keep defaults
                self.figure.tight_layout(pad=0.6)
            p = self.figure.subplotpars
            boxes.append((p.left, p.bottom, p.right, p.top))
        if boxes:
            left, bottom = max(b[0] for b in boxes), max(b[1] for b in boxes)
            right, top = min(b[2] for b in boxes), min(b[3] for b in boxes)
            if left < right and bottom < top:
                self.figure.subplots_adjust(left=left, bottom=bottom, right=right, top=top)
        elif failure is not None:
            raise failure
        self._plan = self._previous = None

    # -- calling draw -------------------------------------------------------------------

    def _call_draw(self, values: dict) -> None:
        self._clear()
        before = _pyplot_figures()
        try:
            self.draw(self.ax, **values)
        except Exception as error:
            self._plan = self._previous = None
            if hasattr(error, "add_note"):
                shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
                error.add_note(f"(raised by the slider's draw function at {shown})")
            raise
        new = _pyplot_figures() - before
        if new:
            import matplotlib.pyplot as plt
            for number in new:
                plt.close(number)
            raise ValueError(
                "draw made a new pyplot figure (it called plt.plot, plt.figure or similar). "
                "Draw on the Axes it receives instead: ax.plot(...), ax.set_title(...)."
            )

    def _clear(self) -> None:
        """A clean Axes, and nothing left at figure level by the last ``draw``."""
        figure = self.figure
        for child in figure.get_children():
            if child is not figure.patch and child is not self.ax:
                child.remove()
        for name in ("_suptitle", "_supxlabel", "_supylabel"):
            if getattr(figure, name, None) is not None:
                setattr(figure, name, None)
        self.ax.cla()

    # -- comparing frames ---------------------------------------------------------------

    def _scene(self):
        """The frame's scene key, its artists in drawing order and their fingerprints.

        The scene is None when the figure holds more than our one Axes (a twin
        axis, a colorbar, a suptitle...): such frames are always drawn in full.
        """
        ax, figure = self.ax, self.figure
        position = ax.get_position(original=False)  # applies the aspect ratio, like draw
        ax.viewLim  # brings autoscaled limits up to date, like draw  # noqa: B018
        artists = _drawing_order(ax)
        prints = [_safe_fingerprint(a) for a in artists]
        if len(figure.get_children()) != 2:
            return None, artists, prints
        scene = (self.size, position.get_points().tobytes(), ax.axison, ax.get_frame_on(),
                 ax.get_visible(), _safe_fingerprint(ax.patch), _safe_fingerprint(figure.patch))
        return (None if None in scene else scene), artists, prints

    def _static(self, scene, artists, prints) -> list[bool]:
        """Which artists did not change since the last frame (so likely will not change)."""
        previous = self._previous
        if scene is None or previous is None or previous[0] != scene or len(previous[1]) != len(prints):
            return [False] * len(prints)
        static = [now is not None and now == then for now, then in zip(prints, previous[1])]
        # A title sits above the axes' tick labels: it may move whenever an axis changes.
        ax = self.ax
        axes_static = all(s for a, s in zip(artists, static) if a is ax.xaxis or a is ax.yaxis)
        if not axes_static:
            titles = (ax.title, ax._left_title, ax._right_title)
            static = [s and not any(a is t for t in titles) for a, s in zip(artists, static)]
        return static

    # -- drawing --------------------------------------------------------------------------

    def _rebuild(self, scene, artists, prints, static) -> None:
        """Draw in full; make a new plan from what stayed the same since the last frame."""
        if scene is None:  # more than our Axes: draw it all the plain way
            self._agg.draw()
            self._plan = None
            return
        runs, start = [], 0
        while start < len(artists):
            end = start
            while end < len(artists) and static[end] == static[start]:
                end += 1
            runs.append((static[start], start, end))
            start = end
        first = runs[0][2] if runs and runs[0][0] else 0  # the first static run: the background
        with _animated(artists[first:]):
            self._agg.draw()
        background = self._agg.copy_from_bbox(self.figure.bbox)
        later = [run for run in runs if run[1] >= first]
        unchanged = artists[:first] + [a for s, b, e in later if s for a in artists[b:e]]
        layers = {}
        self._titles_placed = None
        for is_static, begin, end in later:
            if is_static:
                self._agg.get_renderer().clear()  # transparent
                self._draw_run(artists, begin, end, unchanged)
                layers[begin] = _layer(np.asarray(self._agg.buffer_rgba()))
        plan = _Plan(scene, [p if s else None for p, s in zip(prints, static)], later, background, layers)
        self._plan = plan if (first or layers) else None  # nothing static: no plan to keep
        self._compose(plan, artists)

    def _compose(self, plan: _Plan, artists: list) -> None:
        """The frame from the plan: background, then dynamic runs drawn and static laid over."""
        self._agg.restore_region(plan.background)
        self._titles_placed = None
        unchanged = [a for a, p in zip(artists, plan.prints) if p is not None]
        pixels = None
        for is_static, begin, end in plan.runs:
            if is_static:
                if pixels is None:
                    pixels = np.asarray(self._agg.buffer_rgba())
                _lay_over(pixels, plan.layers[begin])
            else:
                self._draw_run(artists, begin, end, unchanged)

    def _draw_run(self, artists: list, begin: int, end: int, unchanged: list) -> None:
        """Draw ``artists[begin:end]`` over the current pixels, as ``Axes.draw`` would.

        For Agg, ``Axes.draw`` places the titles, then draws each artist in turn
        (Agg never composites images): so does this, placing the titles once.
        """
        renderer = self._agg.get_renderer()
        update = getattr(self.ax, "_update_title_position", None)
        if update is None:  # a matplotlib without it: let Axes.draw do all of it
            with _animated(artists[:begin] + artists[end:]), _hidden(self.ax.patch):
                self.ax.draw(renderer)
            return
        run = artists[begin:end]
        titles = (self.ax.title, self.ax._left_title, self.ax._right_title)
        if self._titles_placed is not renderer and any(a is t for a in run for t in titles):
            with _quick_titles(self.ax, unchanged):
                update(renderer)
            self._titles_placed = renderer
        for artist in run:
            artist.draw(renderer)


def _drawing_order(ax) -> list:
    """The artists ``Axes.draw`` draws after the Axes patch, in its order."""
    artists = ax.get_children()
    artists.remove(ax.patch)
    if not (ax.axison and ax.get_frame_on()):
        artists = [a for a in artists if a not in ax.spines.values()]
    if not ax.axison:
        artists = [a for a in artists if a not in (ax.xaxis, ax.yaxis)]
    artists = [a for a in artists if not a.get_animated()]
    return sorted(artists, key=lambda a: a.zorder)


def _safe_fingerprint(artist):
    if isinstance(artist, Legend) and artist._loc in (0, "best"):
        return None  # placed where the other artists leave room: it moves with them
    try:
        return fingerprint(artist)
    except Unknown:
        return None
    except Exception:  # any surprise in a third-party artist: just redraw it
        return None


def _layer(rgba: np.ndarray) -> _Layer:
    flat = rgba.reshape(-1, 4)
    where = np.flatnonzero(flat[:, 3])
    covered = flat[where].astype(np.float32)
    alpha = covered[:, 3:] / 255.0
    return _Layer(where, covered[:, :3] * alpha, 1.0 - alpha)


def _lay_over(pixels: np.ndarray, layer: _Layer) -> None:
    """Source-over compositing of a layer onto opaque pixels, in place."""
    flat = pixels.reshape(-1, 4)
    flat[layer.where, :3] = np.rint(layer.rgb + flat[layer.where, :3] * layer.keep)


@contextlib.contextmanager
def _animated(artists):
    """Temporarily mark artists animated: ``Axes.draw`` then skips them."""
    changed = [a for a in artists if not a.get_animated()]
    for a in changed:
        a._animated = True  # the attribute set_animated sets, without the stale callbacks
    try:
        yield
    finally:
        for a in changed:
            a._animated = False


@contextlib.contextmanager
def _hidden(artist):
    visible = artist.get_visible()
    artist._visible = False
    try:
        yield
    finally:
        artist._visible = visible


@contextlib.contextmanager
def _quick_titles(ax, unchanged):
    """Skip the y-axis layout that placing a title costs, when it cannot move the title.

    ``Axes.draw`` places the title above the y axis' offset text (the "1e6" above
    the tick labels), and to find that text it lays out every y tick: about as
    slow as drawing them. When the y axis is unchanged and has no offset text,
    that layout cannot change the title's place, so it is skipped.
    """
    yaxis = ax.yaxis
    quick = (any(a is yaxis for a in unchanged) and not ax.child_axes
             and not yaxis.major.formatter.get_offset())
    if not quick:
        yield
        return
    yaxis.get_tightbbox = _no_tightbbox  # an instance attribute hides the method
    try:
        yield
    finally:
        del yaxis.get_tightbbox


def _no_tightbbox(renderer=None, *, for_layout_only=False):
    return None


def _pyplot_figures() -> set:
    pyplot = sys.modules.get("matplotlib.pyplot")
    return set(pyplot.get_fignums()) if pyplot is not None else set()
