"""One reused matplotlib figure that draws ``draw(ax, **values)``, blitting what moves.

This is matplotlib's blitting tutorial applied to a slider. ``draw`` marks the
artists that move with ``animated=True``; ``canvas.draw()`` skips those, so one
full draw gives the still *background*, saved with ``copy_from_bbox``. A move
then restores it (``restore_region``) and draws only the animated artists on
top (``draw_artist``).

The background is kept while the *scene* stays: the values of the controls that
are not ranges, the axes limits and position. Everything not marked animated
must depend on nothing else, and animated artists are drawn last, so give them a
zorder above the rest (``zorder=3``). The tests compare each chapter's blitted
frames with direct renders.

The live view's canvas draws text without font hinting (``LIVE_STYLE``).
Hinting (fitting glyphs to the pixel grid) is most of the time matplotlib takes
to draw a title, which a move redraws: without it a move is about 2 ms faster,
and the text looks the same. The book's frames keep matplotlib's defaults.
"""
from __future__ import annotations

import sys
import warnings
from typing import Callable

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

LIVE_STYLE = {"text.hinting": "no_hinting"}


class Canvas:
    """A figure with one Axes that ``draw`` draws on again and again."""

    def __init__(self, draw: Callable, figsize, dpi: float, margins: dict | None = None,
                 style: dict | None = None):
        self.draw, self.style = draw, style or {}  # style: matplotlib settings to draw with
        self.figure = Figure(figsize=figsize, dpi=dpi, facecolor="white")
        self.agg = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        if margins:
            self.figure.subplots_adjust(**margins)
        self.background = None  # (scene, saved pixels)
        self.result = None  # what draw returned for the last frame: its result in words

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels."""
        return self.agg.get_width_height()

    def call(self, values: dict, keep_axes: bool = False) -> list:
        """Empty the figure, call ``draw``; return the artists it marked animated, in z order.

        ``keep_axes`` removes only what the last ``draw`` added and keeps the Axes'
        settings (limits, ticks), which ``draw`` sets again: it skips ``ax.cla()``,
        the slowest part of a live move (about 4 ms). :meth:`blit` checks the scene.
        """
        ax = self.ax
        for child in self.figure.get_children():
            if child not in (self.figure.patch, ax):
                child.remove()  # what the last draw added at figure level
        if keep_axes:
            for container in list(ax.containers):  # bars, error bars: first, with their parts
                container.remove()
            for artist in [*ax.lines, *ax.patches, *ax.texts, *ax.collections, *ax.images,
                           *ax.artists, *ax.tables, *ax.child_axes]:
                artist.remove()
            if ax.get_legend():
                ax.get_legend().remove()
            for loc in ("left", "center", "right"):
                ax.set_title("", loc=loc, animated=False)
            ax.set_prop_cycle(None)  # colours start again at C0, as on a clean Axes
            ax.relim()
        else:
            ax.cla()
        before = _pyplot_figures()
        try:
            self.result = self.draw(ax, **values)
        except Exception as error:
            self.background = None
            shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
            error.add_note(f"(raised by the slider's draw function at {shown})")
            raise
        if _pyplot_figures() - before:
            import matplotlib.pyplot as plt

            for number in _pyplot_figures() - before:
                plt.close(number)
            raise ValueError("draw made a new pyplot figure (it called plt.plot, plt.figure or "
                             "similar). Draw on the Axes it receives: ax.plot(...), ax.set_title(...).")
        moving = [a for a in ax.get_children() + self.figure.get_children() if a.get_animated()]
        return sorted(moving, key=lambda a: a.get_zorder())

    def render(self, values: dict) -> np.ndarray:
        """The frame as a direct render draws it, animated artists included: RGBA pixels."""
        for artist in self.call(values):
            artist.set_animated(False)
        self.background = None
        with rc_context(self.style):
            self.agg.draw()
        return np.asarray(self.agg.buffer_rgba())

    def blit(self, values: dict, scene: tuple) -> tuple[np.ndarray, bool]:
        """The live frame, and whether it was blitted (``draw`` marked moving artists).

        ``scene`` holds the values that may change the background (the choices).
        With nothing marked animated, this is a full draw of the reused figure.
        """
        saved = self.background
        moving = self.call(values, keep_axes=saved is not None and saved[0][0] == scene)
        ax = self.ax
        scene = (scene, ax.get_xlim(), ax.get_ylim(), ax.get_position(original=True).bounds)
        if moving and saved is not None and saved[0] != scene:
            moving = self.call(values)  # the settings changed: start from a clean Axes
        if not moving:
            return self.render(values), False
        with rc_context(self.style):
            if saved is None or saved[0] != scene:
                self.agg.draw()  # skips the animated artists: the background
                self.background = (scene, self.agg.copy_from_bbox(self.figure.bbox))
            else:
                self.agg.restore_region(saved[1])
            for artist in moving:
                self.figure.draw_artist(artist)
        return np.asarray(self.agg.buffer_rgba()), True

    def fit_margins(self, value_sets: list[dict]) -> dict:
        """Fixed ``subplots_adjust`` margins that fit every frame in ``value_sets``."""
        boxes, failure = [], None
        for values in value_sets:
            try:
                self.render(values)  # tight_layout must see the moving text too
            except Exception as error:  # shown when that frame is drawn; fit the others
                failure = error
                continue
            with warnings.catch_warnings(), rc_context(self.style):
                warnings.simplefilter("ignore")  # "tight layout not applied": keep defaults
                self.figure.tight_layout(pad=0.6)
            p = self.figure.subplotpars
            boxes.append((p.left, p.bottom, -p.right, -p.top))
        if not boxes:
            raise failure
        left, bottom, right, top = (float(v) for v in np.max(boxes, axis=0) * (1, 1, -1, -1))
        if not (left < right and bottom < top):
            left, bottom, right, top = 0.125, 0.11, 0.9, 0.88  # matplotlib's defaults
        margins = {"left": left, "bottom": bottom, "right": right, "top": top}
        self.figure.subplots_adjust(**margins)
        return margins


def _pyplot_figures() -> set:
    pyplot = sys.modules.get("matplotlib.pyplot")
    return set(pyplot.get_fignums()) if pyplot is not None else set()
