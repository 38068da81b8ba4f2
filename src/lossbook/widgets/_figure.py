"""One reused matplotlib figure that draws ``draw(ax, **values)``, blitting what moves.

matplotlib's blitting tutorial, applied to a slider: ``draw`` marks the artists
that move ``animated=True``; ``canvas.draw()`` skips them, so one full draw
gives the still *background*, saved with ``copy_from_bbox``. A move restores it
(``restore_region``) and draws only the animated artists on top (``draw_artist``).
The background is kept while the *scene* stays: the choices' positions, the axes
limits and position. So whatever is not animated may depend on the choices only,
and animated artists, drawn last, need a zorder above the rest (``zorder=3``).

The live canvas draws text without hinting (``LIVE_STYLE``): hinting is most of
the time matplotlib takes to draw a title, which every move redraws. Without it
a move is about 2 ms faster and looks the same. The book's frames keep the defaults.
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
    """A figure with one Axes that ``draw`` draws on again and again, in ``style`` (rc settings)."""

    def __init__(self, draw: Callable, figsize, dpi: float, margins: dict | None = None,
                 style: dict | None = None):
        self.draw, self.style = draw, style or {}
        self.figure = Figure(figsize=figsize, dpi=dpi, facecolor="white")
        self.agg = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self.figure.subplots_adjust(**margins or {})
        self.background = None  # (scene, saved pixels)
        self.result = ""  # the result in words that draw returned for the last frame

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels."""
        return self.agg.get_width_height()

    def call(self, values: dict, keep_axes: bool = False) -> list:
        """Empty the figure, call ``draw``; return the artists it marked animated, in z order.

        ``keep_axes`` removes only what the last ``draw`` added, keeping the Axes'
        settings, which ``draw`` sets again: no ``ax.cla()``, which takes 4 ms.
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
            result = self.draw(ax, **values)
        except Exception as error:
            self.background = None
            error.add_note("(raised by the slider's draw function at "
                           + ", ".join(f"{k}={v!r}" for k, v in values.items()) + ")")
            raise
        made = _pyplot_figures() - before
        if made:
            for number in made:
                sys.modules["matplotlib.pyplot"].close(number)
            raise ValueError("draw made a new pyplot figure (it called plt.plot, plt.figure or "
                             "similar). Draw on the Axes it receives: ax.plot(...), ax.set_title(...).")
        self.result = result if isinstance(result, str) else ""  # not an artist a lambda returns
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
        """The live frame (RGBA), and whether it was blitted: ``draw`` marked what moves.

        ``scene`` holds the choices' positions. With nothing animated, this is a full draw.
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
        """``subplots_adjust`` margins that fit every frame in ``value_sets``, and set them."""
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
