"""``slider``: one draw function, a live widget in Jupyter and a static player in the book."""
from __future__ import annotations

import inspect
import itertools
import math
import re
import traceback
from typing import Callable

import numpy as np

from ._canvas import Canvas
from ._controls import Choice, Range
from ._frames import encode
from ._html import Control, player

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MAX_HTML_BYTES = 400_000  # the whole static snippet of one slider, base64 included
MAX_FRAMES = 300  # more cannot fit in MAX_HTML_BYTES anyway, and would take long to draw
_COLORS = (64, 32, 16)  # palette sizes tried, best first, until the snippet fits


class Slider:
    """A plot with controls; made by :func:`slider`, which documents it.

    Attributes and methods useful in tests and benchmarks:

    - ``values``: the current value of each control, a dict.
    - ``n_frames``: how many frames the static page holds (product of positions).
    - ``update(**values)``: move controls (to their nearest positions) and redraw
      live; returns the new frame's PNG bytes.
    - ``static_html()``: the static player, one self-contained HTML snippet.
    - ``widget``: the ipywidgets view (made on first use).
    """

    def __init__(self, draw: Callable, controls: dict, figsize=(5, 3), dpi: float = 80):
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
        self.draw = draw
        self.controls: dict[str, Range | Choice] = dict(controls)
        self._index = {name: control.index for name, control in self.controls.items()}
        self._canvas = Canvas(draw, figsize=tuple(figsize), dpi=dpi)
        self._laid_out = False
        self._html: str | None = None
        self._view = None
        self._shown: tuple | None = None  # the positions the live image shows

    # -- what tests, benchmarks and curious readers use -------------------------------

    @property
    def values(self) -> dict:
        """The current value of each control."""
        return {name: self.controls[name].positions[i] for name, i in self._index.items()}

    @property
    def n_frames(self) -> int:
        """Frames in the static page: one per combination of the controls' positions."""
        return math.prod(len(c.positions) for c in self.controls.values())

    def update(self, **values) -> bytes:
        """Move the named controls to the positions nearest ``values``; redraw; return the PNG.

        The live widget, if shown, moves and redraws too, exactly as if the reader
        had moved it.
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
        """The live ipywidgets view: one control per slider control, and the plot image."""
        if self._view is None:
            from ._live import LiveView  # ipywidgets only when a live view is wanted
            self._view = LiveView(self.controls, self._index, self._redraw(push=False),
                                  self._canvas.size, self._on_move)
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

    # -- live --------------------------------------------------------------------------

    def _on_move(self, name: str, index: int) -> None:
        self._index[name] = index
        if tuple(self._index.values()) == self._shown:
            return
        try:
            self._redraw()
        except Exception as error:  # shown under the image: a callback's errors are hidden
            self._view.fail("".join(traceback.format_exception_only(type(error), error)).strip())

    def _redraw(self, push: bool = True) -> bytes:
        self._lay_out()
        png = self._canvas.png(self.values)
        self._shown = tuple(self._index.values())
        if push and self._view is not None:
            self._view.show(png)
        return png

    # -- static ------------------------------------------------------------------------

    def _lay_out(self) -> None:
        """Fix margins once, from the frames at the controls' extremes."""
        if self._laid_out:
            return
        start = self.values
        probes = [start]
        for name, control in self.controls.items():
            if isinstance(control, Choice):
                ends = control.positions[:6]
            else:
                ends = (control.positions[0], control.positions[-1])
            probes += [{**start, name: v} for v in ends]
        self._canvas.fit_layout(probes)
        self._laid_out = True

    def _build_static(self) -> str:
        shape = [len(c.positions) for c in self.controls.values()]
        n = self.n_frames
        if n > MAX_FRAMES:
            raise ValueError(
                f"this slider has {' x '.join(map(str, shape))} = {n} frames; a static page can hold "
                f"at most {MAX_FRAMES}. Use fewer steps (Range(..., steps=30)) or fewer options.")
        self._lay_out()
        width, height = self._canvas.size
        names = list(self.controls)
        frames = np.empty((n, height, width, 3), dtype=np.uint8)
        alts = [""] * n
        strides = [math.prod(shape[k + 1:]) for k in range(len(shape))]
        for position in self._drawing_order(shape):
            values = {name: self.controls[name].positions[j] for name, j in zip(names, position)}
            i = sum(j * stride for j, stride in zip(position, strides))
            frames[i] = self._canvas.render(values)[..., :3]
            alts[i] = self._alt(values)
        self._shown = None  # the canvas now holds the last frame, not the live one
        groupings = [[0] * n]
        if len(shape) > 1:  # one base per position of the leading controls
            groupings.append([i // shape[-1] for i in range(n)])
        choices = [k for k, c in enumerate(self.controls.values()) if isinstance(c, Choice)]
        if choices and len(shape) > 1:  # one base per option: a choice often redraws everything
            groupings.append([sum((i // strides[k]) % shape[k] * strides[k] for k in choices)
                              for i in range(n)])
        controls = [Control(c.label or name, list(c.labels), self._index[name], isinstance(c, Choice))
                    for name, c in self.controls.items()]
        title = "Interactive plot: " + ", ".join(c.label for c in controls)
        for colors in _COLORS:
            snippet = player(encode(frames, groupings, colors), controls, alts, title)
            size = len(snippet.encode("utf-8"))
            if size <= MAX_HTML_BYTES:
                return snippet
        raise ValueError(
            f"this slider's static HTML would be {size / 1000:.0f} KB even with {colors} colours, over "
            f"the {MAX_HTML_BYTES // 1000} KB budget for one slider: use fewer steps (now "
            f"{' x '.join(map(str, shape))} = {n} frames) or a smaller figsize/dpi.")

    def _drawing_order(self, shape: list[int]):
        """Every combination of positions, choices changing slowest.

        Consecutive frames then differ by one range step, which the canvas draws
        fastest; the page's frame index stays row-major in the controls' order.
        """
        kinds = [isinstance(c, Choice) for c in self.controls.values()]
        order = sorted(range(len(shape)), key=lambda k: not kinds[k])  # choices first, stable
        for combination in itertools.product(*(range(shape[k]) for k in order)):
            position = [0] * len(shape)
            for k, j in zip(order, combination):
                position[k] = j
            yield position

    def _alt(self, values: dict) -> str:
        """Alt text of a frame: the control values, then the plot's title as drawn."""
        at = ", ".join(f"{c.label or name} = {c.format(values[name])}" for name, c in self.controls.items())
        ax = self._canvas.ax
        titles = [_plain(ax.get_title(loc)) for loc in ("left", "center", "right")]
        titles = [t for t in titles if t]
        return f"Plot at {at}" + (": " + "; ".join(titles) if titles else "")


def slider(draw: Callable, *, figsize=(5, 3), dpi: float = 80, **controls) -> Slider:
    """A plot with sliders that works live in Jupyter and, precomputed, in the static book.

    ``draw(ax, **values)`` is a plain matplotlib function: it gets a cleared
    Axes and one keyword argument per control, and plots. It is the only drawing
    code; there is nothing to write in JavaScript. Each keyword argument of
    ``slider`` besides ``figsize`` (inches) and ``dpi`` is a control, named like a
    parameter of ``draw``: a :class:`Range` of numbers or a :class:`Choice`.

    The result displays as one output carrying two renderings:

    - **live** (Jupyter with a kernel): an ipywidgets slider per ``Range``,
      buttons or a menu per ``Choice``, and the plot as an image that is redrawn
      in place on one reused figure, re-drawing only what changed;
    - **static** (``text/html``, for the book): every combination of positions
      drawn in advance and embedded as small images, behind native range inputs.

    Draw on the ``ax`` you get (``ax.plot``, ``ax.set_title``), not with
    ``plt.plot``: pyplot would start a new figure.

    >>> import numpy as np
    >>> from lossbook.widgets import slider, Range
    >>> def draw(ax, p):
    ...     q = np.linspace(0.01, 1, 200)
    ...     ax.plot(q, -np.log(q))
    ...     ax.plot([p], [-np.log(p)], "o")
    ...     ax.set(title=f"loss = -log({p:.2f}) = {-np.log(p):.3f}", xlabel="p", ylabel="loss")
    >>> s = slider(draw, p=Range(0.05, 1, value=0.7, steps=20, label="confidence in the correct class"))
    >>> s.values
    {'p': 0.7}
    >>> s.n_frames
    20
    >>> s.update(p=0.2)[:4]  # a PNG
    b'\\x89PNG'
    >>> 'type="range"' in s.static_html()
    True
    """
    return Slider(draw, controls, figsize=figsize, dpi=dpi)


def _check_figure(figsize, dpi) -> None:
    try:
        w, h = figsize
        ok = w > 0 and h > 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"figsize must be (width, height) in inches, both positive; got {figsize!r}.")
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not dpi > 0:
        raise ValueError(f"dpi must be a positive number; got {dpi!r}.")


def _check_names(draw: Callable, names: list[str]) -> None:
    """The controls must be exactly the values ``draw`` takes after the Axes."""
    try:
        params = list(inspect.signature(draw).parameters.values())
    except (TypeError, ValueError):  # some builtins have no signature: nothing to check
        return
    P = inspect.Parameter
    if not params or params[0].kind not in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD, P.VAR_POSITIONAL):
        raise ValueError("draw must take the Axes to draw on as its first argument, "
                         "then one argument per control: def draw(ax, p): ...")
    first, rest = params[0], params[1:]
    if first.kind is P.VAR_POSITIONAL:
        rest = params
    elif first.name in names:
        raise ValueError(f"{first.name!r} is draw's first argument, the Axes; "
                         "name the control after another parameter.")
    takes_any = any(p.kind is P.VAR_KEYWORD for p in rest)
    named = [p.name for p in rest if p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)]
    signature = f"draw({', '.join(p.name for p in params)})"
    unknown = [n for n in names if n not in named]
    if unknown and not takes_any:
        raise ValueError(f"{signature} has no parameter named {', '.join(map(repr, unknown))}: name each "
                         f"control after a parameter of draw ({', '.join(named) or 'it has none'}).")
    missing = [p.name for p in rest if p.default is P.empty and p.name not in names
               and p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)]
    if missing:
        raise ValueError(f"{signature} needs {', '.join(map(repr, missing))}, but no control has that "
                         f"name: add {missing[0]}=Range(...) to the slider, or give it a default in draw.")


def _plain(title: str) -> str:
    """A title without mathtext markup, for alt text: '$-\\log(p)$' -> '-log(p)'."""
    if "$" not in title:
        return title.strip()
    text = title.replace("$", "")
    text = re.sub(r"\\(?:mathrm|text|mathbf|mathit|operatorname)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    return re.sub(r"[{}]", "", text).replace("\\", "").strip()
