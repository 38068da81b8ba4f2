"""``slider``: one draw function, a live widget in Jupyter and a static player in the book."""
from __future__ import annotations

import inspect
import itertools
import math
import re
import traceback
from typing import Callable

import numpy as np

from ..i18n import t
from ._controls import Choice, Range, spoken
from ._figure import LIVE_STYLE, Canvas
from ._frames import encode, png, webp
from ._html import player

MAX_HTML_BYTES = 400_000  # the whole static snippet of one slider, base64 included
MAX_FRAMES = 300  # more would not fit in MAX_HTML_BYTES, and would take long to draw
DENSITY = 2  # static frames have 2 pixels per CSS pixel: crisp on HiDPI screens and phones
STILLS = 3  # pictures in the print strip, at 1 pixel per CSS pixel (they weigh on every page)


def slider(draw: Callable, *, figsize=(6, 3.5), dpi: float = 96, **controls) -> Slider:
    """A plot with sliders that works live in Jupyter and, drawn in advance, in the static book.

    ``draw(ax, **values)`` is a plain matplotlib function: it gets an empty Axes
    and one keyword argument per control, and plots on that Axes (not with
    ``plt.plot``). Each keyword argument of ``slider`` besides ``figsize``
    (inches) and ``dpi`` (CSS pixels per inch) is a control named like a
    parameter of ``draw``: a :class:`Range` of numbers or a :class:`Choice`.

    - **Moving artists.** Mark what a ``Range`` moves ``animated=True``: the live
      view then redraws only those, on a cached background (matplotlib's
      blitting). Everything else may depend only on the ``Choice`` values.
      Without marks every move redraws the whole figure: correct, slower.
    - **Result.** ``draw`` may return the result in words (``"loss 1.35"``);
      screen readers hear it with each move: "confidence 0.26, loss 1.35".

    In Jupyter the output is an ipywidgets view that the kernel redraws; in the
    book (its ``text/html``) every combination of positions is drawn in advance,
    at 2x pixel density, and painted by a small script.

    >>> import numpy as np
    >>> def draw(ax, p):
    ...     q = np.linspace(0.01, 1, 200)
    ...     ax.plot(q, -np.log(q))
    ...     ax.plot([p], [-np.log(p)], "o", animated=True)
    ...     ax.set_title(f"loss = -log({p:.2f}) = {-np.log(p):.3f}", animated=True)
    ...     return f"loss {-np.log(p):.2f}"
    >>> s = slider(draw, p=Range(0.05, 1, value=0.7, steps=20, label="confidence"))
    >>> s.values, s.n_frames
    ({'p': 0.7}, 20)
    >>> s.update(p=0.2)[:4]  # the live frame, a PNG
    b'\\x89PNG'
    >>> 'aria-valuetext="confidence 0.70, loss 0.36"' in s.static_html()
    True
    """
    return Slider(draw, controls, figsize=figsize, dpi=dpi)


class Slider:
    """A plot with controls, made by :func:`slider`; ``blits`` says if the last move blitted."""

    def __init__(self, draw: Callable, controls: dict, figsize=(6, 3.5), dpi: float = 96):
        if not callable(draw):
            raise ValueError(f"slider's first argument must be the draw function; got {draw!r}.")
        if not controls:
            raise ValueError("slider needs at least one control, e.g. "
                             "slider(draw, p=Range(0.01, 1, label='confidence p')).")
        for name, control in controls.items():
            if not isinstance(control, (Range, Choice)):
                raise ValueError(f"control {name}={control!r} must be a Range(...) or a Choice(...).")
        if not (np.shape(figsize) == (2,) and all(
                isinstance(v, (int, float, np.number)) and v > 0 for v in figsize)):
            raise ValueError("figsize must be (width, height) in inches, both positive; "
                             f"got {figsize!r}.")
        if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not dpi > 0:
            raise ValueError(f"dpi must be a positive number; got {dpi!r}.")
        _check_names(draw, list(controls))
        self.draw, self.figsize, self.dpi = draw, tuple(figsize), dpi
        self.controls: dict[str, Range | Choice] = dict(controls)
        self._index = {name: control.index for name, control in self.controls.items()}
        self._canvas = Canvas(draw, self.figsize, dpi, style=LIVE_STYLE)
        self._margins = self._html = self._view = None
        self.blits = False

    @property
    def values(self) -> dict:
        """The current value of each control."""
        return self._values(self._index)

    @property
    def n_frames(self) -> int:
        """Frames in the static page: one per combination of the controls' positions."""
        return math.prod(len(c.positions) for c in self.controls.values())

    @property
    def margins(self) -> dict:
        """The figure's ``subplots_adjust`` margins, fixed once so that frames never jump."""
        if self._margins is None:
            probes = [self._index]
            for name, c in self.controls.items():
                ends = range(min(6, len(c.positions))) if isinstance(c, Choice) else (0, -1)
                probes += [{**self._index, name: i} for i in ends]
            probe = Canvas(self.draw, self.figsize, self.dpi)  # with the book's style
            self._margins = probe.fit_margins([self._values(i) for i in probes])
            self._canvas.figure.subplots_adjust(**self._margins)
        return self._margins

    def update(self, **values) -> bytes:
        """Move the named controls to the positions nearest ``values``; redraw; return the PNG.

        The live widget, if shown, moves and redraws too, as if the reader had moved it.
        """
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"this slider has no control named {name!r}; "
                                 f"its controls are {', '.join(self.controls)}.")
            self._index[name] = self.controls[name].nearest(value, what=f"{name}=")
            if self._view is not None:
                self._view.move(name, self._index[name])
        return self._redraw()

    def static_html(self) -> str:
        """The static player, starting where the controls start: one self-contained HTML
        snippet (made once, then reused)."""
        if self._html is None:
            self._html = self._build_static()
        return self._html

    @property
    def widget(self):
        """The live ipywidgets view: the controls, the plot, its result in words."""
        if self._view is None:
            from ._live import LiveView  # ipywidgets only when a live view is wanted

            self._view = LiveView(self.controls, self._index, self._canvas.size, self._on_move)
            self._redraw()  # the first frame, into the view
        return self._view.box

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """Both renderings in one output: Jupyter shows the widget, the book the HTML."""
        return {**self.widget._repr_mimebundle_(), "text/html": self.static_html(),
                "text/plain": repr(self)}

    def __repr__(self) -> str:
        controls = ", ".join(f"{name}={control!r}" for name, control in self.controls.items())
        return f"slider({getattr(self.draw, '__name__', 'draw')}, {controls})"

    # -- live ----------------------------------------------------------------------------

    def _on_move(self, name: str, index: int) -> None:
        self._index[name] = index
        try:
            self._redraw()
        except Exception as error:  # shown under the image: a callback's errors are hidden
            self._view.fail("".join(traceback.format_exception_only(error)).strip())

    def _redraw(self) -> bytes:
        self.margins  # noqa: B018  (fixed before the first frame)
        pixels, self.blits = self._canvas.blit(self.values, self._scene(self._index))
        image = png(pixels)
        if self._view is not None:
            self._view.show(image, *self._words())
        return image

    def _words(self) -> tuple[str, str]:
        """The current frame's result and alt text."""
        return self._canvas.result, self._alt(self._canvas, self._index)

    # -- static --------------------------------------------------------------------------

    def _build_static(self) -> str:
        shape = [len(c.positions) for c in self.controls.values()]
        if self.n_frames > MAX_FRAMES:
            raise ValueError(
                f"this slider has {' x '.join(map(str, shape))} = {self.n_frames} frames; a static "
                f"page can hold at most {MAX_FRAMES}. Use fewer steps (Range(..., steps=30)) "
                "or fewer options.")
        canvas = Canvas(self.draw, self.figsize, self.dpi * DENSITY, self.margins)
        frames, results, alts, scenes = [], [], [], []
        for position in itertools.product(*map(range, shape)):  # row-major
            index = dict(zip(self.controls, position))
            frames.append(canvas.render(self._values(index))[..., :3].copy())
            results.append(canvas.result)
            alts.append(self._alt(canvas, index))
            scenes.append(self._scene(index))
        snippet = player(encode(np.stack(frames), scenes), self.controls, results, alts,
                         self._stills(), self._canvas.size)
        size = len(snippet.encode("utf-8"))
        if size > MAX_HTML_BYTES:
            raise ValueError(
                f"this slider's static HTML would be {size / 1000:.0f} KB, over the "
                f"{MAX_HTML_BYTES // 1000} KB budget for one slider: use fewer steps (now "
                f"{' x '.join(map(str, shape))} = {self.n_frames} frames) or a smaller figsize.")
        return snippet

    def _stills(self) -> list[tuple[bytes, str, str]]:
        """The print strip: a spread of the first range's positions, the others as they start."""
        name = next((n for n, c in self.controls.items() if isinstance(c, Range)),
                    next(iter(self.controls)))
        last = len(self.controls[name].positions) - 1
        canvas = Canvas(self.draw, self.figsize, self.dpi, self.margins)
        stills = []
        for j in sorted({round(x) for x in np.linspace(0, last, STILLS)}):
            index = {**{n: c.index for n, c in self.controls.items()}, name: j}
            pixels = canvas.render(self._values(index))[..., :3]
            caption = self._said(index) + (f" — {canvas.result}" if canvas.result else "")
            stills.append((webp(pixels), self._alt(canvas, index), caption))
        return stills

    # -- values and words ----------------------------------------------------------------

    def _values(self, index: dict) -> dict:
        return {name: self.controls[name].positions[i] for name, i in index.items()}

    def _scene(self, index: dict) -> tuple:
        """The positions of the choices: what may change a frame's background."""
        return tuple(i for name, i in index.items() if isinstance(self.controls[name], Choice))

    def _said(self, index: dict) -> str:
        """The controls' positions in words: 'sample 1 (cat), confidence 0.26' (an option
        named like its control, 'sample 1 (cat)' of 'sample', is said once)."""
        return ", ".join(spoken(c.label or name, c.labels[index[name]])
                         for name, c in self.controls.items())

    def _alt(self, canvas: Canvas, index: dict) -> str:
        """Alt text of a frame: the plot's title as drawn, the controls, the result."""
        title, said = _plain(canvas.ax.get_title()), self._said(index)
        if canvas.result and canvas.result not in title:
            said += f", {canvas.result}"
        return t("Plot: {title} ({values})").format(title=title, values=said) if title else said


def _plain(title: str) -> str:
    """A title without mathtext markup, for alt text: '$-\\log(p)$' -> '-log(p)'."""
    if "$" not in title:
        return title.strip()
    text = title.replace("$", "")
    text = re.sub(r"\\(?:mathrm|text|mathbf|mathit|operatorname)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    return re.sub(r"[{}\\]", "", text).strip()


def _check_names(draw: Callable, names: list[str]) -> None:
    """``draw`` must take the Axes, then one argument per control, named like the controls."""
    try:
        signature = inspect.signature(draw)
    except ValueError:  # some builtins have no signature: nothing to check
        return
    try:
        signature.bind(None, **dict.fromkeys(names))
    except TypeError as error:
        raise ValueError(f"draw{signature} cannot take the Axes and the controls "
                         f"{', '.join(names)}: {error}. Write draw to take the Axes first, then "
                         "one parameter per control, named like it: def draw(ax, p): ...") from None
