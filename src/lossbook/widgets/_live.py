"""The live view: ipywidgets controls above an ``Image`` that the kernel redraws.

Moving a control calls back into Python, which draws the new frame on the one
reused figure and sends its PNG bytes into the same ``Image`` widget: the output
is never re-created, so nothing flickers and no new figure is made per move.
"""
from __future__ import annotations

import contextlib
import html
from typing import Callable

import ipywidgets as widgets

from ._controls import Choice, Range


class LiveView:
    """The widgets of one slider; ``box`` is what Jupyter displays."""

    def __init__(self, controls: dict, indices: dict, png: bytes, size: tuple[int, int],
                 on_move: Callable[[str, int], None]):
        self._quiet = False
        self.inputs = {name: _input(name, control, indices[name]) for name, control in controls.items()}
        for name, control_widget in self.inputs.items():
            control_widget.observe(self._forward(name, on_move), names="value")
        width, height = size
        self.image = widgets.Image(value=png, format="png", width=width, height=height,
                                   layout=widgets.Layout(border="1px solid #c9ced4"))
        self.message = widgets.HTML(layout=widgets.Layout(display="none"))
        self.box = widgets.VBox([*self.inputs.values(), self.image, self.message])

    def show(self, png: bytes) -> None:
        """Put a new frame in the image, and clear any earlier error."""
        self.image.value = png
        if self.message.layout.display != "none":
            self.message.layout.display = "none"

    def fail(self, text: str) -> None:
        """Say under the image that ``draw`` failed (a callback's exception is otherwise hidden)."""
        self.message.value = f'<pre style="color:#b00020;white-space:pre-wrap">{html.escape(text)}</pre>'
        self.message.layout.display = None

    def move(self, name: str, index: int) -> None:
        """Move a control without calling back (the caller redraws)."""
        with self._silenced():
            self.inputs[name].value = index

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
    if len(options) <= 4 and all(len(t) <= 16 for t in control.labels):
        return widgets.ToggleButtons(options=options, value=index, description=label,
                                     style={**style, "button_width": "auto"})
    return widgets.Dropdown(options=options, value=index, description=label, style=style)
