"""``slider``: one draw function, a live widget in Jupyter and a static player in the book."""
from __future__ import annotations

import inspect
import io
import itertools
import math
import re
import traceback
from typing import Callable

import numpy as np
from PIL import Image

from ..i18n import t
from ._controls import Choice, Range
from ._figure import Canvas
from ._frames import encode, webp
from ._html import Control, Still, player

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MAX_HTML_BYTES = 400_000  # the whole static snippet of one slider, base64 included
MAX_FRAMES = 300  # more would not fit in MAX_HTML_BYTES, and would take long to draw
DENSITY = 2  # static frames have 2 pixels per CSS pixel: crisp on HiDPI screens and phones
STILLS = 3  # pictures in the print strip
STILL_DENSITY = 1  # their pixels per CSS pixel (they weigh on every page)


class Slider:
    """A plot with controls; made by :func:`slider`, which documents it.

    Useful in tests and benchmarks: ``values`` (the current value of each
    control), ``n_frames``, ``update(**values)`` (move and redraw live; returns the
    PNG), ``margins``, ``static_html()`` and ``widget`` (the ipywidgets view).
    """

    def __init__(self, draw: Callable, controls: dict, figsize=(6, 3.5), dpi: float = 96):
        if not callable(draw):
            raise ValueError(f"slider's first argument must be the draw function; got {draw!r}.")
        if not controls:
            raise ValueError("slider needs at least one control, e.g. "
                             "slider(draw, p=Range(0.01, 1, label='confidence p')).")
        for name, control in controls.items():
            if not isinstance(control, (Range, Choice)):
                raise ValueError(f"control {name}={control!r} must be a Range(...) or a Choice(...).")
        _check_figure(figsize, dpi)
        _check_names(draw, list(controls))
        self.draw, self.figsize, self.dpi = draw, tuple(figsize), dpi
        self.controls: dict[str, Range | Choice] = dict(controls)
        self._index = {name: control.index for name, control in self.controls.items()}
        self._canvas = Canvas(draw, self.figsize, dpi)
        self._margins: dict | None = None
        self._html: str | None = None
        self._view = None
        self.blits = False  # whether the last live frame was blitted (draw marks moving artists)

    @property
    def values(self) -> dict:
        """The current value of each control."""
        return {name: self.controls[name].positions[i] for name, i in self._index.items()}

    @property
    def n_frames(self) -> int:
        """Frames in the static page: one per combination of the controls' positions."""
        return math.prod(len(c.positions) for c in self.controls.values())

    @property
    def margins(self) -> dict:
        """The figure's ``subplots_adjust`` margins, fixed once so that frames never jump."""
        if self._margins is None:
            probes = [self.values]
            for name, control in self.controls.items():
                ends = control.positions[:6] if isinstance(control, Choice) else (
                    control.positions[0], control.positions[-1])
                probes += [{**self.values, name: v} for v in ends]
            self._margins = self._canvas.fit_margins(probes)
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
        """The static player: one self-contained HTML snippet (made once, then reused)."""
        if self._html is None:
            self._html = self._build_static()
        return self._html

    @property
    def widget(self):
        """The live ipywidgets view: one control per slider control, the plot, its result."""
        if self._view is None:
            from ._live import LiveView  # ipywidgets only when a live view is wanted

            png = self._redraw(push=False)
            self._view = LiveView(self.controls, self._index, png, self._canvas.size,
                                  self._on_move)
            self._view.describe(*self._words())
        return self._view.box

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """Both renderings in one output: Jupyter shows the widget, the book the HTML."""
        def wanted(mime):
            return (include is None or mime in include) and (exclude is None or mime not in exclude)

        bundle = {}
        if wanted(WIDGET_MIME):
            bundle.update(self.widget._repr_mimebundle_())
        if wanted("text/html"):
            bundle["text/html"] = self.static_html()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        controls = ", ".join(f"{name}={control!r}" for name, control in self.controls.items())
        return f"slider({getattr(self.draw, '__name__', 'draw')}, {controls})"

    # -- live ----------------------------------------------------------------------------

    def _on_move(self, name: str, index: int) -> None:
        self._index[name] = index
        try:
            self._redraw()
        except Exception as error:  # shown under the image: a callback's errors are hidden
            self._view.fail("".join(traceback.format_exception_only(type(error), error)).strip())

    def _redraw(self, push: bool = True) -> bytes:
        self.margins  # noqa: B018  (fixed before the first frame)
        scene = tuple(v for (name, v) in self.values.items()
                      if not isinstance(self.controls[name], Range))
        pixels = self._canvas.blit(self.values, scene)
        self.blits = self._canvas.blitted
        out = io.BytesIO()
        Image.fromarray(pixels[..., :3]).save(out, format="png", compress_level=1)
        png = out.getvalue()
        if push and self._view is not None:
            self._view.show(png, *self._words())
        return png

    def _words(self) -> tuple[str, str]:
        """The current frame's result text and alt text, for the live view."""
        return _result(self._canvas), self._alt(self._canvas, self.values)

    # -- static --------------------------------------------------------------------------

    def _build_static(self) -> str:
        shape = [len(c.positions) for c in self.controls.values()]
        n = self.n_frames
        if n > MAX_FRAMES:
            raise ValueError(
                f"this slider has {' x '.join(map(str, shape))} = {n} frames; a static page can "
                f"hold at most {MAX_FRAMES}. Use fewer steps (Range(..., steps=30)) or fewer options.")
        canvas = Canvas(self.draw, self.figsize, self.dpi * DENSITY, self.margins)
        names = list(self.controls)
        frames, results, alts, scenes = [], [], [], []
        for position in itertools.product(*(range(k) for k in shape)):  # row-major
            values = {name: self.controls[name].positions[j] for name, j in zip(names, position)}
            frames.append(canvas.render(values)[..., :3].copy())
            results.append(_result(canvas))
            alts.append(self._alt(canvas, values))
            scenes.append(tuple(j for name, j in zip(names, position)
                                if not isinstance(self.controls[name], Range)))
        controls = [Control(c.label or name, list(c.labels), self._index[name],
                            isinstance(c, Choice)) for name, c in self.controls.items()]
        strides = [math.prod(shape[k + 1:]) for k in range(len(shape))]
        stills = self._stills(results, strides)
        snippet = player(encode(np.stack(frames), scenes), controls, results, alts, stills,
                         self._canvas.size)
        size = len(snippet.encode("utf-8"))
        if size > MAX_HTML_BYTES:
            raise ValueError(
                f"this slider's static HTML would be {size / 1000:.0f} KB, over the "
                f"{MAX_HTML_BYTES // 1000} KB budget for one slider: use fewer steps (now "
                f"{' x '.join(map(str, shape))} = {n} frames) or a smaller figsize.")
        return snippet

    def _stills(self, results: list[str], strides: list[int]) -> list[Still]:
        """The print strip: a spread of the first range's positions, the others as they start."""
        names = list(self.controls)
        k = next((k for k, n in enumerate(names) if isinstance(self.controls[n], Range)), 0)
        positions = self.controls[names[k]].positions
        canvas = Canvas(self.draw, self.figsize, self.dpi * STILL_DENSITY, self.margins)
        stills = []
        for j in sorted(set(np.linspace(0, len(positions) - 1, STILLS).round().astype(int))):
            values = {**self.values, names[k]: positions[j]}
            pixels = canvas.render(values)[..., :3]
            i = sum(self._index[n] * s for n, s in zip(names, strides)) + (
                j - self._index[names[k]]) * strides[k]
            caption = self._said(values) + (f" — {results[i]}" if results[i] else "")
            stills.append(Still(webp(pixels), self._alt(canvas, values), caption))
        return stills

    # -- words ---------------------------------------------------------------------------

    def _said(self, values: dict) -> str:
        """The controls' values in words: 'confidence 0.26, sample 1'."""
        return ", ".join(f"{c.label or name} {c.format(values[name])}"
                         for name, c in self.controls.items())

    def _alt(self, canvas: Canvas, values: dict) -> str:
        """Alt text of a frame: the plot's title as drawn, and the controls' values."""
        title = _plain(canvas.ax.get_title())
        said = self._said(values)
        result = _result(canvas)
        if result and result not in title:
            said += f", {result}"
        return t("Plot: {title} ({values})").format(title=title, values=said) if title else said


def slider(draw: Callable, *, figsize=(6, 3.5), dpi: float = 96, **controls) -> Slider:
    """A plot with sliders that works live in Jupyter and, precomputed, in the static book.

    ``draw(ax, **values)`` is a plain matplotlib function: it gets a cleared Axes
    and one keyword argument per control, and plots. It is the only drawing code.
    Each keyword argument of ``slider`` besides ``figsize`` (inches) and ``dpi``
    (CSS pixels per inch) is a control named like a parameter of ``draw``: a
    :class:`Range` of numbers or a :class:`Choice`.

    - **Moving artists.** Mark what changes with a ``Range`` ``animated=True``
      (``ax.plot(p, loss, "o", animated=True)``, ``ax.set_title(..., animated=True)``).
      The live view then redraws only those, on a cached background (matplotlib's
      blitting). Everything else must depend only on the ``Choice`` values.
      Without marks every move redraws the whole figure: correct, slower.
    - **Result.** ``draw`` may return the result in words, e.g.
      ``t("loss {loss:.2f}").format(loss=loss)``; screen readers hear it with each
      move ("confidence 0.26, loss 1.35").

    The result displays as one output with two renderings: in Jupyter an
    ipywidgets view that the kernel redraws; in the book (``text/html``) every
    combination of positions drawn in advance at 2x pixel density and painted
    by a small script. Draw on the ``ax`` you get, not with ``plt.plot``.

    >>> import numpy as np
    >>> from lossbook.widgets import slider, Range
    >>> def draw(ax, p):
    ...     q = np.linspace(0.01, 1, 200)
    ...     ax.plot(q, -np.log(q))
    ...     ax.plot([p], [-np.log(p)], "o", animated=True)
    ...     ax.set_title(f"loss = -log({p:.2f}) = {-np.log(p):.3f}", animated=True)
    ...     return f"loss {-np.log(p):.2f}"
    >>> s = slider(draw, p=Range(0.05, 1, value=0.7, steps=20, label="confidence"))
    >>> s.values, s.n_frames
    ({'p': 0.7}, 20)
    >>> s.update(p=0.2)[:4]  # a PNG
    b'\\x89PNG'
    >>> 'aria-valuetext="confidence 0.7, loss 0.36"' in s.static_html()
    True
    """
    return Slider(draw, controls, figsize=figsize, dpi=dpi)


def _result(canvas: Canvas) -> str:
    result = canvas.result
    return "" if result is None else str(result)


def _check_figure(figsize, dpi) -> None:
    try:
        ok = len(figsize) == 2 and min(figsize) > 0
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"figsize must be (width, height) in inches, both positive; got {figsize!r}.")
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not dpi > 0:
        raise ValueError(f"dpi must be a positive number; got {dpi!r}.")


def _check_names(draw: Callable, names: list[str]) -> None:
    """The controls must be exactly the values ``draw`` takes after the Axes."""
    P = inspect.Parameter
    try:
        params = list(inspect.signature(draw).parameters.values())
    except (TypeError, ValueError):  # some builtins have no signature: nothing to check
        return
    if not params or params[0].kind in (P.KEYWORD_ONLY, P.VAR_KEYWORD):
        raise ValueError("draw must take the Axes to draw on as its first argument, "
                         "then one argument per control: def draw(ax, p): ...")
    rest = params if params[0].kind is P.VAR_POSITIONAL else params[1:]
    if params[0].name in names and rest is not params:
        raise ValueError(f"{params[0].name!r} is draw's first argument, the Axes; "
                         "name the control after another parameter.")
    named = [p.name for p in rest if p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)]
    signature = f"draw({', '.join(p.name for p in params)})"
    unknown = [n for n in names if n not in named]
    if unknown and not any(p.kind is P.VAR_KEYWORD for p in rest):
        raise ValueError(f"{signature} has no parameter named {', '.join(map(repr, unknown))}: "
                         f"name each control after a parameter of draw ({', '.join(named)}).")
    missing = [p.name for p in rest if p.default is P.empty and p.name not in names
               and p.kind not in (P.VAR_POSITIONAL, P.VAR_KEYWORD)]
    if missing:
        raise ValueError(f"{signature} needs {', '.join(map(repr, missing))}, but no control has "
                         f"that name: add {missing[0]}=Range(...), or give it a default in draw.")


def _plain(title: str) -> str:
    """A title without mathtext markup, for alt text: '$-\\log(p)$' -> '-log(p)'."""
    if "$" not in title:
        return title.strip()
    text = title.replace("$", "")
    text = re.sub(r"\\(?:mathrm|text|mathbf|mathit|operatorname)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    return re.sub(r"[{}]", "", text).replace("\\", "").strip()
