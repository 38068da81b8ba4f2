"""The live view: ipywidgets controls above a picture that the kernel redraws.

A move calls back into Python, which draws the new frame on the one reused
figure and puts it in the same output: nothing is re-created, so nothing
flickers. As far as ipywidgets allows, it says what the static player says:
each control is named by its label, a range has -/+ step buttons (a move
without dragging), a choice is a dropdown (a native ``<select>``, as in the
book, which says which option is chosen), the picture is an
``<img>`` with the frame's alt text, and under it a polite live region says
what the last move changed and what it did: "confidence 0.55, loss 0.60" (at
first, every control's position).

The picture is an ``HTML`` widget holding ``<img src="data:image/png..." alt="...">``
rather than an ``Image`` widget: an ``Image`` has no alt text, and giving it a
tooltip instead breaks its view in ipywidgets 8.1 (JupyterLab shows a JavaScript
error in place of the plot). One ``HTML`` value also brings picture and words together.
"""
from __future__ import annotations

import base64
import html
from typing import Callable

import ipywidgets as widgets

from ..i18n import t
from ._controls import Range, announced, spoken


class LiveView:
    """The widgets of one slider; ``box`` is what Jupyter displays.

    ``on_move(name, index)`` is called when the reader moves control ``name``.
    """

    def __init__(self, controls: dict, indices: dict, size: tuple[int, int],
                 on_move: Callable[[str, int], None]):
        self.size, self.quiet = size, False  # quiet: the kernel itself moves a control
        self.labels = {name: control.label or name for name, control in controls.items()}
        self.moved: list[str] = []  # the controls moved since the last frame was shown
        self.inputs, rows = {}, []
        for name, control in controls.items():
            self.inputs[name] = _input(control, self.labels[name], indices[name])
            self.inputs[name].observe(self._forward(name, on_move), "value")
            rows.append(self._with_steps(self.inputs[name], self.labels[name])
                        if isinstance(control, Range) else self.inputs[name])
        self.image = widgets.HTML(layout=widgets.Layout(max_width="100%"))
        self.result = widgets.HTML()
        self.message = widgets.HTML(layout=widgets.Layout(display="none"))
        self.box = widgets.VBox([*rows, self.image, self.result, self.message])

    def show(self, png: bytes, result: str, alt: str) -> None:
        """A new frame, its alt text, what changed with the result, and no earlier error."""
        width, height = self.size
        said = ", ".join(spoken(self.labels[name], self.inputs[name].label)
                         for name in self.moved or self.inputs)
        self.moved = []
        self.image.value = (
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
            f'alt="{html.escape(alt)}" width="{width}" height="{height}" '
            f'style="max-width:100%;height:auto;border:1px solid #c9ced4">')
        words = announced(said, result) if result else alt
        self.result.value = f'<span role="status" aria-live="polite">{html.escape(words)}</span>'
        self.message.layout.display = "none"

    def fail(self, text: str) -> None:
        """Say under the image that ``draw`` failed (a callback's error is otherwise hidden)."""
        self.message.value = (f'<pre style="color:#b00020;white-space:pre-wrap">'
                              f'{html.escape(text)}</pre>')
        self.message.layout.display = None

    def move(self, name: str, index: int) -> None:
        """Move a control without calling back (the caller redraws)."""
        self.moved.append(name)
        self.quiet = True
        try:
            self.inputs[name].value = index
        finally:
            self.quiet = False

    def _forward(self, name: str, on_move: Callable[[str, int], None]):
        def changed(change):
            if not self.quiet:
                self.moved = [name]
                on_move(name, change["new"])
        return changed

    @staticmethod
    def _with_steps(slider, label: str):
        """The slider between a step-down and a step-up button."""
        def button(sign: int, text: str, tip: str):
            b = widgets.Button(description=text, tooltip=tip.format(label=label),
                               layout=widgets.Layout(width="2.5em"))
            last = len(slider.options) - 1
            b.on_click(lambda _: setattr(slider, "value", min(last, max(0, slider.value + sign))))
            return b

        return widgets.HBox([slider, button(-1, "−", t("{label}: one step down")),
                             button(1, "+", t("{label}: one step up"))])


def _input(control, label: str, index: int):
    """A SelectionSlider for a range, a Dropdown for a choice."""
    options = [(text, i) for i, text in enumerate(control.labels)]
    common = {"options": options, "value": index, "description": label, "tooltip": label,
              "style": {"description_width": "initial"}}
    if isinstance(control, Range):
        return widgets.SelectionSlider(**common, layout=widgets.Layout(width="100%",
                                                                       max_width="40em"))
    return widgets.Dropdown(**common)
