"""The live view: ipywidgets controls above an ``Image`` that the kernel redraws.

Moving a control calls back into Python, which draws the new frame on the one
reused figure and sends its PNG bytes into the same ``Image`` widget: the output
is never re-created, so nothing flickers and no new figure is made per move.

As far as ipywidgets allows, it says what the static player says: each control
has its label as description, a range has -/+ step buttons (a move without
dragging), the image's tooltip is the frame's alt text, and the result sits
under the plot in a polite live region.
"""
from __future__ import annotations

import contextlib
import html
from typing import Callable

import ipywidgets as widgets

from ..i18n import t
from ._controls import Choice, Range


class LiveView:
    """The widgets of one slider; ``box`` is what Jupyter displays."""

    def __init__(self, controls: dict, indices: dict, png: bytes, size: tuple[int, int],
                 on_move: Callable[[str, int], None]):
        self._quiet = False
        self.inputs = {name: _input(name, c, indices[name]) for name, c in controls.items()}
        rows = []
        for name, control_widget in self.inputs.items():
            control_widget.observe(self._forward(name, on_move), names="value")
            rows.append(self._steps(control_widget, controls[name]) if isinstance(
                controls[name], Range) else control_widget)
        width, height = size
        self.image = widgets.Image(value=png, format="png", width=width, height=height,
                                   layout=widgets.Layout(border="1px solid #c9ced4",
                                                         max_width="100%", height="auto"))
        self.result = widgets.HTML()
        self.message = widgets.HTML(layout=widgets.Layout(display="none"))
        self.box = widgets.VBox([*rows, self.image, self.result, self.message])

    def show(self, png: bytes, result: str, alt: str) -> None:
        """Put a new frame in the image, say its result, and clear any earlier error."""
        self.image.value = png
        self.describe(result, alt)
        if self.message.layout.display != "none":
            self.message.layout.display = "none"

    def describe(self, result: str, alt: str) -> None:
        """The words for the current frame: the image's tooltip and the live region."""
        self.image.tooltip = alt
        self.result.value = (f'<span role="status" aria-live="polite">'
                             f'{html.escape(result or alt)}</span>')

    def fail(self, text: str) -> None:
        """Say under the image that ``draw`` failed (a callback's exception is otherwise hidden)."""
        self.message.value = (f'<pre style="color:#b00020;white-space:pre-wrap">'
                              f'{html.escape(text)}</pre>')
        self.message.layout.display = None

    def move(self, name: str, index: int) -> None:
        """Move a control without calling back (the caller redraws)."""
        with self._silenced():
            self.inputs[name].value = index

    def _steps(self, control_widget, control: Range):
        """The slider between a step-down and a step-up button."""
        last = len(control.positions) - 1

        def button(sign: int, text: str, tip: str):
            b = widgets.Button(description=text, tooltip=tip.format(label=control.label or ""),
                               layout=widgets.Layout(width="2.5em"))
            b.on_click(lambda _: setattr(control_widget, "value",
                                         min(last, max(0, control_widget.value + sign))))
            return b

        return widgets.HBox([control_widget, button(-1, "−", t("{label}: one step down")),
                             button(1, "+", t("{label}: one step up"))])

    def _forward(self, name: str, on_move: Callable[[str, int], None]):
        def changed(change):
            if not self._quiet:
                on_move(name, change["new"])
        return changed

    @contextlib.contextmanager
    def _silenced(self):
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False


def _input(name: str, control, index: int):
    label = control.label or name
    options = list(zip(control.labels, range(len(control.labels))))
    style = {"description_width": "initial"}
    if isinstance(control, Range):
        return widgets.SelectionSlider(
            options=options, value=index, description=label, continuous_update=True,
            readout=True, style=style, layout=widgets.Layout(width="100%", max_width="40em"))
    assert isinstance(control, Choice)
    if len(options) <= 4 and all(len(text) <= 16 for text in control.labels):
        return widgets.ToggleButtons(options=options, value=index, description=label,
                                     style={**style, "button_width": "auto"})
    return widgets.Dropdown(options=options, value=index, description=label, style=style)
